//! `secpip install`: validate input, run the install flow, print blocks.

use super::{runtime, Failure, EXIT_BLOCKED, EXIT_INTERRUPTED};
use crate::config::Settings;
use crate::ecosystem::pypi::requirements;
use crate::install::{install, InstallError, InstallRequest, Outcome, WaitError};
use crate::report::{human, json, progress, prompt};
use clap::Args;
use std::path::PathBuf;

/// Arguments of `secpip install`.
#[derive(Debug, Args)]
pub struct InstallArgs {
    /// Requirements, as for pip (`flask`, `requests>=2,<3`).
    #[arg(value_name = "REQ")]
    requirements: Vec<String>,
    /// Install from the given requirements file (repeatable).
    #[arg(short = 'r', long = "requirement", value_name = "FILE")]
    files: Vec<PathBuf>,
    /// Seconds to wait for verdicts before giving up.
    #[arg(long, value_name = "SECS")]
    pub timeout: Option<u64>,
    /// Also write a report of blocked packages to stdout (sarif, asff or json).
    #[arg(long, value_enum)]
    pub format: Option<crate::report::Format>,
    /// Arguments passed on to pip after `--` (index options are refused).
    #[arg(last = true, value_name = "PIP_ARGS")]
    pip_args: Vec<String>,
}

/// Validates everything before any network call or store access.
fn request(args: &InstallArgs) -> Result<InstallRequest, requirements::InputError> {
    let mut reqs = Vec::new();
    for r in &args.requirements {
        reqs.push(requirements::parse_requirement(r)?.to_string());
    }
    for f in &args.files {
        for r in requirements::parse_requirements_file(f)? {
            reqs.push(r.to_string());
        }
    }
    requirements::check_pip_args(&args.pip_args)?;
    if reqs.is_empty() {
        return Err(requirements::InputError::Empty);
    }
    Ok(InstallRequest {
        requirements: reqs,
        pip_args: args.pip_args.clone(),
    })
}

/// Runs `secpip install`.
pub fn run(settings: Settings, args: InstallArgs) -> Result<u8, Failure> {
    let req = request(&args).map_err(Failure::usage)?;
    let out = settings.output;
    let progress = progress::reporter(out.quiet > 0, out.json);
    let prompter = prompt::prompter(out.ci);
    let rt = runtime()?;
    let result = match &settings.server {
        Some(server) => rt.block_on(crate::install::remote::install_pip(
            &settings,
            server,
            &req,
            progress.as_ref(),
        )),
        None => rt.block_on(install(
            &settings,
            &req,
            progress.as_ref(),
            prompter.as_ref(),
        )),
    };
    let manifest = args
        .files
        .first()
        .map(|f| f.display().to_string())
        .unwrap_or_else(|| "requirements.txt".into());
    report_as(&settings, result, args.format, &manifest)
}

/// Like [`report`], with a SARIF/ASFF document of the blocked packages on stdout.
pub(super) fn report_as(
    settings: &Settings,
    result: Result<Outcome, InstallError>,
    format: Option<crate::report::Format>,
    manifest: &str,
) -> Result<u8, Failure> {
    use crate::report::{asff, sarif, Format, Reported};
    if let (Ok(Outcome::Blocked(records)), Some(f @ (Format::Sarif | Format::Asff))) =
        (&result, format)
    {
        let reported: Vec<Reported> = records.iter().map(Reported::from_record).collect();
        match f {
            Format::Sarif => println!("{}", sarif::log(&reported, manifest)),
            _ => println!(
                "{}",
                asff::findings(
                    &reported,
                    &asff::AwsTarget::from_env(),
                    time::OffsetDateTime::now_utc()
                )
            ),
        }
        if settings.output.quiet < 2 {
            eprint!("{}", human::blocked(records));
        }
        return Ok(EXIT_BLOCKED);
    }
    report(settings, result)
}

/// Prints an install outcome (human or JSON) and maps it to the exit code;
/// shared by `install` and `npm`.
pub(super) fn report(
    settings: &Settings,
    result: Result<Outcome, InstallError>,
) -> Result<u8, Failure> {
    let out = settings.output;
    match result {
        Ok(Outcome::Installed { code, skipped }) => {
            if out.json {
                let skipped: Vec<_> = skipped
                    .iter()
                    .map(|h| serde_json::json!({"package": h.name, "version": h.version, "reason": h.reason}))
                    .collect();
                println!(
                    "{}",
                    serde_json::json!({"installed": code == 0, "exit_code": code, "skipped": skipped})
                );
            }
            Ok(u8::try_from(code).unwrap_or(1))
        }
        Ok(Outcome::Unresolvable {
            pip_error,
            hidden,
            only_binary,
        }) => {
            if out.json {
                let hidden: Vec<_> = hidden
                    .iter()
                    .map(|h| serde_json::json!({"package": h.name, "version": h.version, "reason": h.reason}))
                    .collect();
                println!(
                    "{}",
                    serde_json::json!({"installed": false, "hidden": hidden, "pip_error": pip_error})
                );
            }
            if out.quiet < 2 {
                eprint!("{}", human::unresolvable(&pip_error, &hidden, only_binary));
            }
            Ok(EXIT_BLOCKED)
        }
        Ok(Outcome::Blocked(records)) => {
            if out.json {
                let rows: Vec<_> = records.iter().map(json::record).collect();
                println!(
                    "{}",
                    serde_json::json!({"installed": false, "blocked": rows})
                );
            }
            if out.quiet < 2 {
                eprint!("{}", human::blocked(&records));
            }
            Ok(EXIT_BLOCKED)
        }
        Err(InstallError::Wait(WaitError::Interrupted)) => {
            eprintln!("secpip: interrupted; claims released, nothing was installed");
            Ok(EXIT_INTERRUPTED)
        }
        Err(e) => Err(Failure::error(e)),
    }
}
