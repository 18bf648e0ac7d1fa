//! The DynamoDB status store against a real DynamoDB server (dynalite, see
//! `common::aws_servers`): the same claim/lease/verdict semantics as the
//! SQLite store, the single-table schema's index queries, batching past
//! the 100-key limit, and errors that say what to do next.
//!
//! Each test starts its own dynalite on a free loopback port with its own
//! table, so tests run in parallel and never see each other's rows.

use std::collections::HashSet;
use std::sync::Arc;
use std::time::{Duration, Instant};

use crate::common::aws_servers::{aws_settings, dynamodb_client, sdk_config, Dynalite, Moto};
use aws_sdk_dynamodb::types::AttributeValue;
use secpip::ecosystem::{Ecosystem, PackageId};
use secpip::store::dynamodb::DynamoStore;
use secpip::store::{now_ms, Claim, PolicyAction, PolicyEntry, Status, StatusStore};
use secpip::verdict::policy::ListRule;
use secpip::verdict::{Decision, Finding, Risk, Verdict};

const TABLE: &str = "secpip-status";
const LEASE: Duration = Duration::from_secs(60);

/// A dynalite with secpip's table, and a store on it.
async fn fixture(secure_ttl: Option<Duration>) -> (Dynalite, DynamoStore) {
    let db = Dynalite::start();
    db.create_table(TABLE).await;
    let store = DynamoStore::new(db.client().await, TABLE.into(), secure_ttl);
    store.verify().await.expect("the new table verifies");
    (db, store)
}

fn pypi(name: &str, version: &str) -> PackageId {
    PackageId::new(Ecosystem::Pypi, name, version)
}

fn verdict(risk: Risk) -> Verdict {
    Verdict {
        score: 7,
        risk,
        decision: Decision::Allow,
        findings: vec![finding("release-age", 7)],
        similar: vec![],
    }
}

fn finding(code: &str, points: i32) -> Finding {
    Finding {
        code: code.into(),
        points,
        reason: "test".into(),
        evidence: vec![],
    }
}

async fn row(store: &DynamoStore, id: &PackageId) -> Option<secpip::store::Record> {
    store
        .get_many(std::slice::from_ref(id))
        .await
        .unwrap()
        .pop()
        .flatten()
}

/// The raw item, to see attributes a [`secpip::store::Record`] does not carry.
async fn raw(db: &Dynalite, pk: &str) -> std::collections::HashMap<String, AttributeValue> {
    db.client()
        .await
        .get_item()
        .table_name(TABLE)
        .key("pk", AttributeValue::S(pk.into()))
        .consistent_read(true)
        .send()
        .await
        .unwrap()
        .item
        .expect("the row exists")
}

#[tokio::test]
async fn claims_are_taken_and_only_the_owner_writes() {
    let (_db, store) = fixture(None).await;
    let id = pypi("Foo_Bar", "1.0");
    assert_eq!(
        store.claim(&id, "a", LEASE, None).await.unwrap(),
        Claim::Claimed
    );
    match store.claim(&id, "b", LEASE, None).await.unwrap() {
        Claim::Taken(r) => {
            assert_eq!(r.key, "pypi:foo-bar@1.0");
            assert_eq!((r.status, r.owner.as_deref()), (Status::Check, Some("a")));
        }
        other => panic!("expected Taken, got {other:?}"),
    }
    // A non-owner can neither renew, nor finish, nor release.
    assert!(!store.renew(&id, "b", LEASE).await.unwrap());
    assert!(!store
        .finish(&id, "b", Status::Block, &verdict(Risk::Red))
        .await
        .unwrap());
    store.release(&id, "b").await.unwrap();
    let rec = row(&store, &id).await.expect("b's release left a's claim");
    assert_eq!(
        (rec.status, rec.owner.as_deref(), rec.scan_count),
        (Status::Check, Some("a"), 1)
    );
    // The owner can.
    assert!(store.renew(&id, "a", LEASE).await.unwrap());
    assert!(store
        .finish(&id, "a", Status::Secure, &verdict(Risk::Green))
        .await
        .unwrap());
    let rec = row(&store, &id).await.unwrap();
    assert_eq!(
        (rec.status, rec.risk, rec.score),
        (Status::Secure, Some(Risk::Green), Some(7))
    );
    assert_eq!(rec.reasons[0].code, "release-age");
    assert!(rec.owner.is_none() && rec.lease_until.is_none() && rec.decided_at.is_some());
    // Once decided, the claim is gone: no renew, and release leaves the verdict.
    assert!(!store.renew(&id, "a", LEASE).await.unwrap());
    store.release(&id, "a").await.unwrap();
    assert_eq!(row(&store, &id).await.unwrap().status, Status::Secure);
    // Releasing a live claim deletes the row, so anyone may claim at once.
    let other = pypi("other", "2.0");
    assert_eq!(
        store.claim(&other, "a", LEASE, None).await.unwrap(),
        Claim::Claimed
    );
    store.release(&other, "a").await.unwrap();
    assert!(row(&store, &other).await.is_none());
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn twenty_concurrent_claimers_start_one_scan() {
    let (_db, store) = fixture(None).await;
    let store = Arc::new(store);
    let id = pypi("contested", "1.0");
    let tasks: Vec<_> = (0..20)
        .map(|i| {
            let (store, id) = (store.clone(), id.clone());
            tokio::spawn(async move {
                let owner = format!("worker-{i}");
                (
                    owner.clone(),
                    store.claim(&id, &owner, LEASE, None).await.unwrap(),
                )
            })
        })
        .collect();
    let mut winners = Vec::new();
    let mut seen_owners = HashSet::new();
    for t in tasks {
        match t.await.unwrap() {
            (owner, Claim::Claimed) => winners.push(owner),
            (_, Claim::Taken(r)) => {
                seen_owners.insert(r.owner.clone().unwrap_or_default());
            }
        }
    }
    assert_eq!(winners.len(), 1, "exactly one claimer wins: {winners:?}");
    assert_eq!(seen_owners, HashSet::from([winners[0].clone()]));
    let rec = row(&store, &id).await.unwrap();
    assert_eq!((rec.scan_count, rec.owner), (1, Some(winners[0].clone())));
}

#[tokio::test]
async fn a_lapsed_lease_is_taken_over_and_counted() {
    let (_db, store) = fixture(None).await;
    let id = pypi("slow", "1.0");
    assert_eq!(
        store
            .claim(&id, "dead", Duration::ZERO, None)
            .await
            .unwrap(),
        Claim::Claimed
    );
    assert_eq!(
        store.claim(&id, "next", LEASE, None).await.unwrap(),
        Claim::Claimed
    );
    let rec = row(&store, &id).await.unwrap();
    assert_eq!((rec.owner.as_deref(), rec.scan_count), (Some("next"), 2));
    // The dead worker's late verdict is refused.
    assert!(!store
        .finish(&id, "dead", Status::Secure, &verdict(Risk::Green))
        .await
        .unwrap());
    assert!(matches!(
        store.claim(&id, "third", LEASE, None).await.unwrap(),
        Claim::Taken(_)
    ));
}

#[tokio::test]
async fn secure_rows_expire_and_stale_ones_are_checked_again() {
    let ttl = Duration::from_secs(30 * 86_400);
    let (db, store) = fixture(Some(ttl)).await;
    let good = pypi("good", "1.0");
    let bad = pypi("bad", "1.0");
    for (id, status, risk) in [
        (&good, Status::Secure, Risk::Green),
        (&bad, Status::Block, Risk::Red),
    ] {
        assert_eq!(
            store.claim(id, "w", LEASE, None).await.unwrap(),
            Claim::Claimed
        );
        assert!(store.finish(id, "w", status, &verdict(risk)).await.unwrap());
    }
    // SECURE gets the table's TTL attribute; BLOCK never expires.
    let item = raw(&db, &good.key()).await;
    let expires: i64 = item["expires_at"].as_n().unwrap().parse().unwrap();
    let expected = now_ms() / 1000 + ttl.as_secs() as i64;
    assert!(
        (expires - expected).abs() <= 5,
        "expires_at {expires}, expected ~{expected}"
    );
    assert!(!raw(&db, &bad.key()).await.contains_key("expires_at"));
    assert_eq!(
        raw(&db, &good.key()).await["gsi1pk"].as_s().unwrap(),
        "pypi:good"
    );

    // A fresh SECURE stands, with or without a cutoff before it.
    for cutoff in [None, Some(0)] {
        assert!(matches!(
            store.claim(&good, "x", LEASE, cutoff).await.unwrap(),
            Claim::Taken(_)
        ));
    }
    // BLOCK is never re-claimed by the SECURE cutoff.
    let later = Some(now_ms() + 1);
    assert!(matches!(
        store.claim(&bad, "x", LEASE, later).await.unwrap(),
        Claim::Taken(_)
    ));
    // A SECURE decided before the cutoff is claimed again, and its verdict goes.
    assert_eq!(
        store.claim(&good, "x", LEASE, later).await.unwrap(),
        Claim::Claimed
    );
    let rec = row(&store, &good).await.unwrap();
    assert_eq!(
        (rec.status, rec.scan_count, rec.risk),
        (Status::Check, 2, None)
    );
    assert!(rec.decided_at.is_none() && rec.reasons.is_empty());
    assert!(!raw(&db, &good.key()).await.contains_key("expires_at"));
}

#[tokio::test]
async fn get_many_batches_past_100_keys_in_order_with_gaps() {
    let (_db, store) = fixture(None).await;
    let present: Vec<PackageId> = (0..150).map(|i| pypi("many", &format!("{i}.0"))).collect();
    for id in &present {
        assert_eq!(
            store.claim(id, "w", LEASE, None).await.unwrap(),
            Claim::Claimed
        );
    }
    // Every present id, each followed by an absent one, plus a repeat.
    let mut ask = Vec::new();
    for (i, id) in present.iter().enumerate() {
        ask.push(id.clone());
        ask.push(pypi("absent", &format!("{i}.0")));
    }
    ask.push(present[3].clone());
    let rows = store.get_many(&ask).await.unwrap();
    assert_eq!(rows.len(), 301);
    for (i, pair) in rows[..300].chunks(2).enumerate() {
        assert_eq!(
            pair[0].as_ref().map(|r| r.id.version.clone()),
            Some(format!("{i}.0"))
        );
        assert!(pair[1].is_none(), "absent key {i} came back");
    }
    assert_eq!(rows[300].as_ref().unwrap().key, present[3].key());
    assert!(store.get_many(&[]).await.unwrap().is_empty());
}

#[tokio::test]
async fn list_decide_and_forget_go_through_the_name_index() {
    let (_db, store) = fixture(None).await;
    let ids = [
        pypi("foo", "1.0"),
        pypi("foo", "2.0"),
        PackageId::new(Ecosystem::Npm, "foo", "1.0"),
        pypi("bar", "1.0"),
    ];
    for id in &ids {
        assert_eq!(
            store.claim(id, "w", LEASE, None).await.unwrap(),
            Claim::Claimed
        );
    }
    // Rows of other kinds never show up as packages.
    store.cache_tree("t", &ids).await.unwrap();
    store
        .put_policy(&policy(PolicyAction::Allow, Ecosystem::Pypi, "foo", None))
        .await
        .unwrap();

    let keys =
        |rows: Vec<secpip::store::Record>| rows.into_iter().map(|r| r.key).collect::<Vec<_>>();
    assert_eq!(
        keys(store.list(Some("foo"), None).await.unwrap()),
        ["npm:foo@1.0", "pypi:foo@1.0", "pypi:foo@2.0"]
    );
    assert_eq!(
        keys(store.list(Some("foo"), Some("2.0")).await.unwrap()),
        ["pypi:foo@2.0"]
    );
    assert_eq!(keys(store.list(None, None).await.unwrap()).len(), 4);
    assert_eq!(
        keys(store.list(None, Some("1.0")).await.unwrap()),
        ["npm:foo@1.0", "pypi:bar@1.0", "pypi:foo@1.0"]
    );
    assert!(store.list(Some("nothing"), None).await.unwrap().is_empty());

    // A person's decision covers every version of the name in one ecosystem.
    let decided = store
        .set_decision(
            Ecosystem::Pypi,
            "foo",
            None,
            Status::Block,
            &finding("manual", 100),
            "alice@host",
        )
        .await
        .unwrap();
    assert_eq!(decided, 2);
    for rec in store.list(Some("foo"), None).await.unwrap() {
        if rec.id.ecosystem == Ecosystem::Pypi {
            assert_eq!(
                (rec.status, rec.risk, rec.score),
                (Status::Block, Some(Risk::Red), Some(100))
            );
            assert_eq!((rec.updated_by.as_str(), rec.owner), ("alice@host", None));
        } else {
            assert_eq!(rec.status, Status::Check, "npm:foo is untouched");
        }
    }
    // The worker that held the claim can no longer record its verdict.
    assert!(!store
        .finish(&ids[0], "w", Status::Secure, &verdict(Risk::Green))
        .await
        .unwrap());

    assert_eq!(
        store
            .forget(Ecosystem::Pypi, "foo", Some("1.0"))
            .await
            .unwrap(),
        1
    );
    assert_eq!(store.forget(Ecosystem::Pypi, "foo", None).await.unwrap(), 1);
    assert_eq!(store.forget(Ecosystem::Pypi, "foo", None).await.unwrap(), 0);
    assert_eq!(
        store
            .set_decision(
                Ecosystem::Pypi,
                "foo",
                None,
                Status::Secure,
                &finding("manual", 0),
                "a"
            )
            .await
            .unwrap(),
        0
    );
    assert_eq!(
        keys(store.list(Some("foo"), None).await.unwrap()),
        ["npm:foo@1.0"]
    );
}

fn policy(
    action: PolicyAction,
    ecosystem: Ecosystem,
    name: &str,
    version: Option<&str>,
) -> PolicyEntry {
    PolicyEntry {
        action,
        rule: ListRule {
            ecosystem,
            name: name.into(),
            version: version.map(str::to_string),
            reason: format!("{name} reason"),
            origin: "ignored".into(),
        },
    }
}

#[tokio::test]
async fn policy_entries_round_trip_and_replace() {
    let (_db, store) = fixture(None).await;
    assert!(store.policy_entries().await.unwrap().is_empty());
    store
        .put_policy(&policy(PolicyAction::Allow, Ecosystem::Pypi, "foo", None))
        .await
        .unwrap();
    store
        .put_policy(&policy(
            PolicyAction::Block,
            Ecosystem::Npm,
            "@scope/bar",
            Some("1.0.0"),
        ))
        .await
        .unwrap();
    store
        .put_policy(&policy(
            PolicyAction::Allow,
            Ecosystem::Pypi,
            "foo",
            Some("2.0"),
        ))
        .await
        .unwrap();
    // Blocking what was allowed replaces the entry, as in SQLite.
    store
        .put_policy(&policy(PolicyAction::Block, Ecosystem::Pypi, "foo", None))
        .await
        .unwrap();
    let entries = store.policy_entries().await.unwrap();
    let summary: Vec<_> = entries
        .iter()
        .map(|e| {
            (
                e.action,
                e.rule.ecosystem,
                e.rule.name.as_str(),
                e.rule.version.as_deref(),
            )
        })
        .collect();
    assert_eq!(
        summary,
        [
            (
                PolicyAction::Block,
                Ecosystem::Npm,
                "@scope/bar",
                Some("1.0.0")
            ),
            (PolicyAction::Block, Ecosystem::Pypi, "foo", None),
            (PolicyAction::Allow, Ecosystem::Pypi, "foo", Some("2.0")),
        ]
    );
    assert_eq!(entries[1].rule.reason, "foo reason");
    assert!(
        entries[1].rule.origin.starts_with("by "),
        "{}",
        entries[1].rule.origin
    );
}

#[tokio::test]
async fn cached_trees_respect_max_age() {
    let (db, store) = fixture(None).await;
    let ids = vec![pypi("a", "1"), PackageId::new(Ecosystem::Npm, "b", "2")];
    assert_eq!(store.cached_tree("k", LEASE).await.unwrap(), None);
    store.cache_tree("k", &ids).await.unwrap();
    assert_eq!(store.cached_tree("k", LEASE).await.unwrap(), Some(ids));
    tokio::time::sleep(Duration::from_millis(30)).await;
    assert_eq!(
        store
            .cached_tree("k", Duration::from_millis(10))
            .await
            .unwrap(),
        None
    );
    let item = raw(&db, "tree:k").await;
    assert_eq!(item["kind"].as_s().unwrap(), "tree");
    assert!(item.contains_key("expires_at"));
}

#[tokio::test]
async fn a_missing_table_says_to_deploy_the_template() {
    let db = Dynalite::start();
    let store = DynamoStore::new(db.client().await, "no-such-table".into(), None);
    let err = store.verify().await.unwrap_err().to_string();
    assert!(err.contains("no-such-table"), "{err}");
    assert!(err.contains("deploy/secpip.yaml"), "{err}");
    let err = store
        .get_many(&[pypi("a", "1")])
        .await
        .unwrap_err()
        .to_string();
    assert!(err.contains("deploy/secpip.yaml"), "{err}");

    // A table without secpip's index is refused up front too.
    db.create_table_with("bare", false).await;
    let client = db.client().await;
    let err = DynamoStore::new(client, "bare".into(), None)
        .verify()
        .await
        .unwrap_err()
        .to_string();
    assert!(
        err.contains("gsi1") && err.contains("deploy/secpip.yaml"),
        "{err}"
    );
}

#[tokio::test]
async fn an_unreachable_endpoint_fails_fast_and_says_so() {
    // A port nobody listens on (bound, read, released).
    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port();
    let client = dynamodb_client(&format!("http://127.0.0.1:{port}"), 2).await;
    let started = Instant::now();
    let err = DynamoStore::new(client, TABLE.into(), None)
        .verify()
        .await
        .unwrap_err()
        .to_string();
    assert!(
        started.elapsed() < Duration::from_secs(10),
        "took {:?}",
        started.elapsed()
    );
    assert!(err.contains("could not be reached"), "{err}");
    assert!(
        err.starts_with("cannot open the status store at DynamoDB table secpip-status"),
        "{err}"
    );
}

#[tokio::test]
async fn moto_serves_sqs() {
    let moto = Moto::start();
    let sdk = sdk_config(3).await;
    let sqs = secpip::aws::sqs(&sdk, &aws_settings(&moto.endpoint, TABLE));
    let url = sqs
        .create_queue()
        .queue_name("secpip-scan-requests")
        .send()
        .await
        .unwrap_or_else(|e| panic!("create_queue: {e:?}\n{}", moto.log()))
        .queue_url
        .unwrap();
    assert!(url.ends_with("/secpip-scan-requests"), "{url}");
    let listed = sqs.list_queues().send().await.unwrap();
    assert_eq!(listed.queue_urls(), [url]);
}
