//! The EventBridge scan queue's control-plane behaviour, on recorded
//! exchanges (the SDK's `StaticReplayClient`): batches of at most ten
//! entries, entries refused in a partial failure (`FailedEntryCount`) sent
//! again alone, and a clear error when the bus keeps refusing. Delivery
//! through a real bus to SQS is proven in `aws_install.rs` against moto.

use aws_sdk_eventbridge::config::{BehaviorVersion, Credentials, Region};
use aws_smithy_http_client::test_util::{ReplayEvent, StaticReplayClient};
use aws_smithy_types::body::SdkBody;
use secpip::ecosystem::{Artifact, Ecosystem, PackageId};
use secpip::queue::eventbridge::EventBridgeQueue;
use secpip::queue::{ScanQueue, ScanRequest};
use serde_json::{json, Value};

const ENDPOINT: &str = "http://127.0.0.1:1";

fn block<F: std::future::Future>(future: F) -> F::Output {
    tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .expect("a tokio runtime")
        .block_on(future)
}

fn queue(answers: Vec<Value>) -> (EventBridgeQueue, StaticReplayClient) {
    let events = answers
        .into_iter()
        .map(|answer| {
            ReplayEvent::new(
                http::Request::builder()
                    .uri(format!("{ENDPOINT}/"))
                    .body(SdkBody::empty())
                    .expect("request"),
                http::Response::builder()
                    .status(200)
                    .header("content-type", "application/x-amz-json-1.1")
                    .body(SdkBody::from(answer.to_string()))
                    .expect("response"),
            )
        })
        .collect();
    let replay = StaticReplayClient::new(events);
    let config = aws_sdk_eventbridge::Config::builder()
        .behavior_version(BehaviorVersion::latest())
        .region(Region::new("us-east-1"))
        .credentials_provider(Credentials::new("AKIDTEST", "secret", None, None, "test"))
        .endpoint_url(ENDPOINT)
        .http_client(replay.clone())
        .build();
    (
        EventBridgeQueue::new(
            aws_sdk_eventbridge::Client::from_conf(config),
            "secpip".into(),
        ),
        replay,
    )
}

fn request(i: usize) -> ScanRequest {
    ScanRequest {
        id: PackageId::new(Ecosystem::Pypi, &format!("pkg-{i}"), "1.0.0"),
        artifacts: vec![Artifact {
            url: format!("http://127.0.0.1:9/files/pkg_{i}-1.0.0-py3-none-any.whl"),
            filename: format!("pkg_{i}-1.0.0-py3-none-any.whl"),
            sha256: "ab".repeat(32),
            integrity: None,
        }],
        owner: "ci@runner:7:0000beef".into(),
        requested_by: "ci@runner".into(),
    }
}

fn ok(n: usize) -> Value {
    json!({"FailedEntryCount": 0, "Entries": (0..n).map(|i| json!({"EventId": format!("e{i}")})).collect::<Vec<_>>()})
}

/// The `Entries` of every PutEvents call, decoded.
fn sent(replay: &StaticReplayClient) -> Vec<Vec<Value>> {
    replay
        .actual_requests()
        .map(|r| {
            let target = r.headers().get("x-amz-target").unwrap_or_default();
            assert_eq!(target, "AWSEvents.PutEvents");
            let body: Value =
                serde_json::from_slice(r.body().bytes().expect("a buffered body")).expect("JSON");
            body["Entries"].as_array().cloned().expect("Entries")
        })
        .collect()
}

fn package_of(entry: &Value) -> String {
    let detail: Value =
        serde_json::from_str(entry["Detail"].as_str().expect("Detail is a string")).expect("JSON");
    detail["id"]["name"].as_str().expect("a name").to_string()
}

#[test]
fn requests_go_out_in_batches_of_ten_with_the_documented_shape() {
    let (queue, replay) = queue(vec![ok(10), ok(10), ok(3)]);
    block(queue.submit_many((0..23).map(request).collect())).expect("accepted");
    let calls = sent(&replay);
    assert_eq!(
        calls.iter().map(Vec::len).collect::<Vec<_>>(),
        vec![10, 10, 3]
    );
    let first = &calls[0][0];
    assert_eq!(first["Source"], "secpip");
    assert_eq!(first["DetailType"], "ScanRequested");
    assert_eq!(first["EventBusName"], "secpip");
    let detail: ScanRequest =
        serde_json::from_str(first["Detail"].as_str().expect("Detail")).expect("a ScanRequest");
    assert_eq!(detail, request(0));
}

#[test]
fn refused_entries_are_sent_again_alone() {
    let partial = json!({"FailedEntryCount": 2, "Entries": [
        {"EventId": "e0"},
        {"ErrorCode": "ThrottlingException", "ErrorMessage": "Rate exceeded"},
        {"EventId": "e2"},
        {"ErrorCode": "InternalFailure", "ErrorMessage": "try again"},
    ]});
    let (queue, replay) = queue(vec![partial, ok(2)]);
    block(queue.submit_many((0..4).map(request).collect())).expect("accepted after a retry");
    let calls = sent(&replay);
    assert_eq!(calls.len(), 2);
    let resent: Vec<String> = calls[1].iter().map(package_of).collect();
    assert_eq!(resent, vec!["pkg-1", "pkg-3"]);
}

#[test]
fn a_bus_that_keeps_refusing_is_a_clear_error() {
    let refused = json!({"FailedEntryCount": 1, "Entries": [
        {"ErrorCode": "AccessDeniedException", "ErrorMessage": "not authorized"},
    ]});
    let (queue, replay) = queue(vec![
        refused.clone(),
        refused.clone(),
        refused.clone(),
        refused,
    ]);
    let err = block(queue.submit(request(5))).expect_err("refused");
    let text = err.to_string();
    assert!(text.contains("pkg-5@1.0.0"), "{text}");
    assert!(text.contains("AccessDeniedException"), "{text}");
    assert!(text.contains("events:PutEvents"), "{text}");
    assert_eq!(sent(&replay).len(), 4, "tried, then three more rounds");
}
