//! `--format sarif` validated against the official SARIF 2.1.0 JSON schema
//! with a real validator, and `--format asff` against the fields and
//! limits the AWS Security Finding Format requires (BatchImportFindings).

use crate::common::sarif_schema;
use crate::common::upstream::{FixturePackage, Upstream};
use crate::common::TestContext;
use serde_json::{json, Value};
use std::io::Write;
use std::process::Stdio;

/// Runs `secpip ARGS` with `stdin`, returns the exit code and stdout as JSON.
fn document(ctx: &TestContext, args: &[&str], stdin: &[u8]) -> (Option<i32>, Value) {
    let mut child = ctx
        .secpip(args)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    child.stdin.take().unwrap().write_all(stdin).unwrap();
    let out = child.wait_with_output().unwrap();
    let text = String::from_utf8_lossy(&out.stdout).to_string();
    let doc = serde_json::from_str(&text)
        .unwrap_or_else(|e| panic!("{e}: {text}\n{}", String::from_utf8_lossy(&out.stderr)));
    (out.status.code(), doc)
}

fn check(ctx: &TestContext, format: &str, names: &[u8]) -> (Option<i32>, Value) {
    let args = [
        "check",
        "--offline",
        "--format",
        format,
        "--manifest",
        "requirements.txt",
        "-",
    ];
    document(ctx, &args, names)
}

#[track_caller]
fn assert_valid_sarif(doc: &Value) {
    if let Err(errors) = sarif_schema::validate(doc) {
        panic!("not valid SARIF 2.1.0:\n{errors}\n{doc:#}");
    }
}

#[test]
fn check_and_install_sarif_validate_against_the_official_schema() {
    let upstream = Upstream::start(vec![
        FixturePackage::healthy("reqeusts", "2.31.0", &[]),
        FixturePackage::healthy("alpha-widget", "2.1.0", &[]),
    ]);
    let ctx = TestContext::new(&upstream);

    let (code, sarif) = check(&ctx, "sarif", b"reqeusts\nflask\n");
    assert_eq!(code, Some(3));
    assert_eq!(
        sarif["runs"][0]["results"].as_array().map(Vec::len),
        Some(1)
    );
    assert_valid_sarif(&sarif);
    let (code, clean) = check(&ctx, "sarif", b"flask\n");
    assert_eq!(code, Some(0));
    assert_eq!(clean["runs"][0]["results"], json!([]));
    assert_valid_sarif(&clean);

    // The validator is real: documents the schema forbids are refused.
    let mut bad_level = sarif.clone();
    bad_level["runs"][0]["results"][0]["level"] = json!("fatal");
    let errors = sarif_schema::validate(&bad_level).unwrap_err();
    assert!(errors.contains("level"), "{errors}");
    let mut no_driver = sarif.clone();
    no_driver["runs"][0]["tool"]
        .as_object_mut()
        .unwrap()
        .remove("driver");
    assert!(sarif_schema::validate(&no_driver).is_err());
    let mut extra = sarif.clone();
    extra["runs"][0]["results"][0]["severity"] = json!("high");
    assert!(
        sarif_schema::validate(&extra).is_err(),
        "additionalProperties are refused"
    );

    // install --format sarif: the blocked typosquat, as SARIF on stdout.
    let (code, installed) = document(&ctx, &["install", "--format", "sarif", "reqeusts"], b"");
    assert_eq!(code, Some(3));
    let results = installed["runs"][0]["results"].as_array().unwrap();
    assert!(
        results.iter().any(|r| r["ruleId"] == "typosquat"),
        "{installed:#}"
    );
    assert_valid_sarif(&installed);
    assert!(!ctx.venv_has("reqeusts"));
}

/// The ASFF checks AWS documents for BatchImportFindings' required fields.
#[track_caller]
fn assert_asff_finding(f: &Value) {
    let text = |k: &str| {
        f[k].as_str()
            .filter(|s| !s.is_empty())
            .unwrap_or_else(|| panic!("ASFF requires a non-empty string {k}: {f:#}"))
    };
    assert_eq!(text("SchemaVersion"), "2018-10-08");
    assert!(text("Id").len() <= 512 && text("GeneratorId").len() <= 512);
    let account = text("AwsAccountId");
    assert!(account.len() == 12 && account.bytes().all(|b| b.is_ascii_digit()));
    let arn: Vec<&str> = text("ProductArn").split(':').collect();
    assert!(
        arn.len() == 6 && arn[..3] == ["arn", "aws", "securityhub"] && arn[4] == account,
        "{arn:?}"
    );
    assert!(arn[5].starts_with("product/"), "{arn:?}");
    for k in ["CreatedAt", "UpdatedAt"] {
        time::OffsetDateTime::parse(text(k), &time::format_description::well_known::Rfc3339)
            .unwrap_or_else(|e| panic!("{k} is not RFC 3339: {e}"));
    }
    assert!(text("Title").chars().count() <= 256);
    assert!(text("Description").chars().count() <= 1024);
    let label = f["Severity"]["Label"].as_str().unwrap_or_default();
    assert!(
        ["INFORMATIONAL", "LOW", "MEDIUM", "HIGH", "CRITICAL"].contains(&label),
        "{label}"
    );
    let types = f["Types"].as_array().expect("Types is a list");
    assert!(!types.is_empty() && types.len() <= 50);
    for t in types {
        let namespace = t.as_str().unwrap().split('/').next().unwrap();
        assert!(
            [
                "Software and Configuration Checks",
                "TTPs",
                "Effects",
                "Unusual Behaviors",
                "Sensitive Data Identifications"
            ]
            .contains(&namespace),
            "{t}"
        );
    }
    let resources = f["Resources"].as_array().expect("Resources is a list");
    assert!(!resources.is_empty() && resources.len() <= 32);
    for r in resources {
        assert!(r["Type"].as_str().is_some_and(|s| !s.is_empty()), "{r}");
        assert!(r["Id"].as_str().is_some_and(|s| !s.is_empty()), "{r}");
    }
    for (k, v) in f["ProductFields"].as_object().into_iter().flatten() {
        assert!(k.len() <= 128 && v.as_str().is_some_and(|s| s.len() <= 2048));
    }
}

#[test]
fn asff_findings_carry_the_required_fields_within_their_limits() {
    let upstream = Upstream::start(vec![FixturePackage::healthy("reqeusts", "2.31.0", &[])]);
    let ctx = TestContext::new(&upstream);
    let (code, asff) = check(&ctx, "asff", b"reqeusts\nflask\n");
    assert_eq!(code, Some(3));
    let findings = asff.as_array().unwrap();
    assert_eq!(findings.len(), 1, "Green packages are not findings");
    assert_asff_finding(&findings[0]);
    assert_eq!(findings[0]["Severity"]["Label"], "HIGH");

    let (code, installed) = document(&ctx, &["install", "--format", "asff", "reqeusts"], b"");
    assert_eq!(code, Some(3));
    let findings = installed.as_array().unwrap();
    assert_eq!(findings.len(), 1, "{installed:#}");
    assert_asff_finding(&findings[0]);
}
