//! `secpip check`: the verdict without installing anything — for the
//! packages named on the command line, or many names from stdin (`-`),
//! online or `--offline` (shipped data only: name rules, block lists, the
//! offline advisory database).

use super::{runtime, Failure, EXIT_BLOCKED, EXIT_USAGE};
use crate::advisories::offline::OfflineDb;
use crate::config::Settings;
use crate::ecosystem::npm::names as npm_names;
use crate::ecosystem::pypi::{requirements, upstream};
use crate::ecosystem::{npm, Ecosystem, PackageId};
use crate::report::{human, json};
use crate::store::PolicyAction;
use crate::verdict::facts::Lookup;
use crate::verdict::policy::ListRule;
use crate::verdict::{self, Context, Decision, Verdict};
use crate::worker::{gather_facts, PopularSets, Sources};
use clap::Args;
use std::time::Duration;

/// Arguments of `secpip check`.
#[derive(Debug, Args)]
pub struct CheckArgs {
    /// `NAME`, `NAME==VER` (PyPI) or `name@ver` (npm), one or more; `-`
    /// alone reads one per line from stdin.
    #[arg(value_name = "NAME[==VER]", required = true)]
    packages: Vec<String>,
    /// Use only shipped data and the offline advisory database; no network.
    #[arg(long)]
    offline: bool,
    /// The registry the names belong to.
    #[arg(long, value_enum, default_value = "pypi")]
    platform: Ecosystem,
    /// Output format; `sarif` and `asff` print one document for all inputs.
    #[arg(long, value_enum)]
    format: Option<crate::report::Format>,
    /// The dependency file SARIF results point at.
    #[arg(long, value_name = "PATH")]
    manifest: Option<String>,
    /// Which decision makes the exit code 3: `block` (default), or
    /// `review` to fail on anything a person must approve first too, as
    /// `install` refuses under `policy.review = "block"`.
    #[arg(long, value_enum, default_value = "block", value_name = "DECISION")]
    fail_on: FailOn,
}

/// The decision from which `secpip check` exits 3.
///
/// Why: a Yellow verdict (review) does not install without approval under
/// the default policy, but it is no block, so a CI step screening a list
/// says whether it should stop there.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum FailOn {
    /// Only blocked packages fail the run.
    Block,
    /// Blocked packages and those that need a person's review.
    Review,
}

impl FailOn {
    /// Whether `decision` fails the run.
    fn fails(self, decision: Decision) -> bool {
        match decision {
            Decision::Block => true,
            Decision::Review => self == FailOn::Review,
            Decision::Allow => false,
        }
    }
}

/// Parses one input line into a name and optional version for `eco`.
fn split(eco: Ecosystem, spec: &str) -> Result<(String, Option<String>), String> {
    let spec = spec.trim();
    match eco {
        Ecosystem::Pypi => {
            let (name, version) = match spec.split_once("==") {
                Some((n, v)) => (n.trim(), Some(v.trim().to_string())),
                None => (spec, None),
            };
            requirements::validate_name(name).map_err(|e| e.to_string())?;
            if let Some(v) = &version {
                if v.parse::<pep440_rs::Version>().is_err() {
                    return Err(format!("{v:?} is not a valid version"));
                }
            }
            Ok((name.to_string(), version))
        }
        Ecosystem::Npm => {
            let (name, version) = npm_names::split_spec(spec);
            npm_names::validate_name(name).map_err(|e| e.to_string())?;
            if let Some(v) = version {
                if semver::Version::parse(v).is_err() {
                    return Err(format!("{v:?} is not a valid version"));
                }
            }
            Ok((name.to_string(), version.map(str::to_string)))
        }
    }
}

struct Checker {
    settings: Settings,
    popular: PopularSets,
    allow: Vec<ListRule>,
    block: Vec<ListRule>,
    offline_db: Option<OfflineDb>,
    online: Option<(reqwest::Client, Sources)>,
}

impl Checker {
    async fn verdict(
        &self,
        eco: Ecosystem,
        name: &str,
        version: Option<&str>,
    ) -> (PackageId, Verdict) {
        let ctx = Context {
            policy: &self.settings.policy,
            popular: self.popular.of(eco),
            allow: &self.allow,
            block: &self.block,
        };
        let Some((client, sources)) = &self.online else {
            let id = PackageId::new(eco, name, version.unwrap_or(""));
            let mut v = verdict::name_verdict(&id, &ctx, time::OffsetDateTime::now_utc().date());
            if let (Some(db), Some(ver)) = (&self.offline_db, version) {
                if let Ok(adv) = db.lookup(eco, &id.name, ver) {
                    let mut facts_findings = crate::verdict::advisories::check(
                        &Lookup::Found(adv),
                        &self.settings.policy.advisories,
                        time::OffsetDateTime::now_utc().date(),
                    );
                    v.findings.append(&mut facts_findings);
                    v = verdict::scored(v.findings, v.similar, &self.settings.policy);
                }
            }
            return (id, v);
        };
        let gather = |id: PackageId| async move {
            let popular = self.popular.of(eco);
            gather_facts(
                client,
                sources,
                popular,
                &self.settings.policy.typosquat,
                &id,
            )
            .await
        };
        let mut facts = gather(PackageId::new(eco, name, version.unwrap_or(""))).await;
        let chosen = version
            .map(str::to_string)
            .or_else(|| latest(facts.metadata.found()));
        let id = PackageId::new(eco, name, chosen.as_deref().unwrap_or(""));
        if chosen.is_some() && version.is_none() && eco == Ecosystem::Npm {
            // npm deprecation and publisher are per version: fetch them for
            // the latest. PyPI metadata is project-wide, so nothing changes.
            facts = gather(id.clone()).await;
        }
        facts.advisories = crate::worker::advisories::lookup(
            client,
            &sources.advisories,
            &Default::default(),
            &id,
        )
        .await;
        let v = verdict::verdict(&id, &facts, &ctx);
        (id, v)
    }
}

/// The newest non-prerelease version in the metadata.
fn latest(meta: Option<&crate::verdict::facts::ProjectMetadata>) -> Option<String> {
    let meta = meta?;
    meta.releases
        .keys()
        .filter_map(|v| v.parse::<pep440_rs::Version>().ok().map(|p| (p, v)))
        .filter(|(p, _)| !p.any_prerelease())
        .max_by(|a, b| a.0.cmp(&b.0))
        .map(|(_, v)| v.clone())
}

/// The names in `raw` (standard input), one a line; blank lines and `#`
/// comments skipped. A line that is not UTF-8 is kept, decoded lossily, so
/// it is reported as an invalid name instead of ending the list early.
fn input_lines(raw: &[u8]) -> Vec<String> {
    raw.split(|byte| *byte == b'\n')
        .map(|line| String::from_utf8_lossy(line.strip_suffix(b"\r").unwrap_or(line)).into_owned())
        .filter(|line| !line.trim().is_empty() && !line.trim_start().starts_with('#'))
        .collect()
}

/// Runs `secpip check`. Exit: 3 if anything is blocked (or, with
/// `--fail-on review`, needs review), 2 if an input was invalid (and
/// nothing failed), 0 otherwise.
pub fn run(settings: Settings, args: CheckArgs) -> Result<u8, Failure> {
    let eco = args.platform;
    let from_stdin = args.packages.iter().any(|p| p == "-");
    if from_stdin && args.packages.len() > 1 {
        return Err(Failure::usage(anyhow::anyhow!(
            "`-` reads the names from standard input and cannot be mixed with names on the command line: pass either `-` or the names"
        )));
    }
    let inputs: Vec<String> = if from_stdin {
        let mut raw = Vec::new();
        std::io::Read::read_to_end(&mut std::io::stdin().lock(), &mut raw).map_err(|e| {
            Failure::error(anyhow::anyhow!(
                "reading package names from standard input: {e}"
            ))
        })?;
        input_lines(&raw)
    } else {
        // Typed on the command line: a bad one is a usage error before
        // anything is checked (a list on stdin reports it and goes on).
        for input in &args.packages {
            split(eco, input).map_err(|e| Failure::usage(anyhow::anyhow!(e)))?;
        }
        args.packages.clone()
    };
    if let (Some(server), false) = (&settings.server, args.offline) {
        return remote_check(&settings, server, eco, &inputs, args.fail_on);
    }
    runtime()?.block_on(async {
        let entries = match crate::backend::existing_store(&settings).await.map_err(Failure::error)? {
            Some(store) => store.policy_entries().await.map_err(Failure::error)?,
            None => Vec::new(),
        };
        let (allow, block): (Vec<_>, Vec<_>) = entries.into_iter().partition(|e| e.action == PolicyAction::Allow);
        let online = if args.offline {
            None
        } else {
            let client = crate::http::client(Duration::from_secs(settings.sources.timeout_secs));
            let sources = match eco {
                Ecosystem::Pypi => {
                    let up = upstream::discover(
                        &settings.pypi.python,
                        settings.pypi.index_url.as_deref(),
                        settings.pypi.json_url.as_deref(),
                    )
                    .await
                    .map_err(Failure::error)?;
                    Sources::new(&settings, up.json_url, String::new())
                }
                Ecosystem::Npm => {
                    let cwd = std::env::current_dir().map_err(Failure::error)?;
                    let registry = npm::upstream::discover(settings.npm.registry.as_deref(), &cwd)
                        .await
                        .map_err(Failure::error)?;
                    Sources::new(&settings, String::new(), registry)
                }
            };
            Some((client, sources))
        };
        let offline_db = args
            .offline
            .then(|| crate::advisories::offline::path_in(&settings.data_dir))
            .filter(|p| p.is_file())
            .and_then(|p| OfflineDb::open(&p).ok());
        let checker = Checker {
            popular: PopularSets::load(&settings.data_dir),
            allow: allow.into_iter().map(|e| e.rule).collect(),
            block: block.into_iter().map(|e| e.rule).collect(),
            offline_db,
            online,
            settings,
        };
        let document = matches!(args.format, Some(crate::report::Format::Sarif | crate::report::Format::Asff));
        let mut reported = Vec::new();
        let (mut blocked, mut invalid) = (false, false);
        for input in &inputs {
            let (name, version) = match split(eco, input) {
                Ok(x) => x,
                Err(e) => {
                    invalid = true;
                    if checker.settings.output.json {
                        let line = serde_json::json!({"input": input, "platform": eco.as_str(), "error": e});
                        if !emit(&format!("{line}\n")) {
                            break;
                        }
                    } else {
                        eprintln!("secpip: {input:?}: {e}");
                    }
                    continue;
                }
            };
            let (id, v) = checker.verdict(eco, &name, version.as_deref()).await;
            blocked |= args.fail_on.fails(v.decision);
            if document {
                reported.push(crate::report::Reported::from_verdict(&id, &v));
            } else {
                let text = if checker.settings.output.json || args.format == Some(crate::report::Format::Json) {
                    format!("{}\n", json::package_check(&id, version.is_some(), &v, &checker.settings.policy))
                } else {
                    human::verdict(&id, &v)
                };
                if !emit(&text) {
                    break;
                }
            }
        }
        match args.format {
            Some(crate::report::Format::Sarif) => {
                let manifest = args.manifest.clone().unwrap_or_else(|| match eco {
                    Ecosystem::Pypi => "requirements.txt".into(),
                    Ecosystem::Npm => "package.json".into(),
                });
                emit(&format!("{}\n", crate::report::sarif::log(&reported, &manifest)));
            }
            Some(crate::report::Format::Asff) => {
                let target = crate::report::asff::AwsTarget::from_env();
                let findings = crate::report::asff::findings(&reported, &target, time::OffsetDateTime::now_utc());
                emit(&format!("{findings}\n"));
            }
            _ => {}
        }
        Ok(if blocked {
            EXIT_BLOCKED
        } else if invalid {
            EXIT_USAGE
        } else {
            0
        })
    })
}

/// `check` through a team server's `/package-check` (its cached verdicts).
fn remote_check(
    settings: &Settings,
    server: &crate::config::ServerSettings,
    eco: Ecosystem,
    inputs: &[String],
    fail_on: FailOn,
) -> Result<u8, Failure> {
    let client = crate::install::remote::ServerClient::new(server, Duration::from_secs(60));
    let rt = runtime()?;
    let (mut blocked, mut invalid) = (false, false);
    for input in inputs {
        let (name, version) = match split(eco, input) {
            Ok(x) => x,
            Err(e) => {
                invalid = true;
                eprintln!("secpip: {input:?}: {e}");
                continue;
            }
        };
        let mut query = url::form_urlencoded::Serializer::new(String::new());
        query
            .append_pair("package_name", &name)
            .append_pair("platform", eco.as_str());
        if let Some(v) = &version {
            query.append_pair("version", v);
        }
        let answer = rt
            .block_on(client.get(&format!("/package-check?{}", query.finish())))
            .map_err(Failure::error)?;
        let decision = server_decision(&answer).ok_or_else(|| {
            Failure::error(anyhow::anyhow!(
                "the answer of {} for '{name}' has no decision and no risk level, so \
                 secpip cannot tell whether it is blocked (is --server a secpip server?)",
                crate::http::redact_url(&server.url)
            ))
        })?;
        blocked |= fail_on.fails(decision);
        if settings.output.json {
            println!("{answer}");
        } else {
            println!(
                "{} {}: {} (score {}, {})",
                name,
                version.as_deref().unwrap_or("(any version)"),
                answer["risk_level"].as_str().unwrap_or("?"),
                answer["score"],
                answer["message"].as_str().unwrap_or("")
            );
            if let Some(reasons) = answer["reasons"].as_object() {
                for (reason, points) in reasons {
                    println!("  {} {reason}", points.as_str().unwrap_or(""));
                }
            }
        }
    }
    Ok(if blocked {
        EXIT_BLOCKED
    } else if invalid {
        EXIT_USAGE
    } else {
        0
    })
}

/// What a server's `/package-check` answer decides: its `decision`, or,
/// from an older server, its risk level (Red blocks, Yellow asks for a
/// review, Green allows). `None` when it says neither: that is no
/// answer, and counting it as allowed would fail open.
fn server_decision(answer: &serde_json::Value) -> Option<Decision> {
    serde_json::from_value::<Decision>(answer["decision"].clone())
        .ok()
        .or(match answer["risk_level"].as_str() {
            Some("Red") => Some(Decision::Block),
            Some("Yellow") => Some(Decision::Review),
            Some("Green") => Some(Decision::Allow),
            _ => None,
        })
}

/// Writes `text` to standard output. `false` when it cannot be written,
/// typically because the reader has gone (`secpip check - < names | head`):
/// that is no error, so the caller stops quietly instead of panicking; the
/// exit code still reports the verdicts written before (a block stays 3).
fn emit(text: &str) -> bool {
    use std::io::Write;
    let mut out = std::io::stdout().lock();
    out.write_all(text.as_bytes())
        .and_then(|()| out.flush())
        .is_ok()
}
