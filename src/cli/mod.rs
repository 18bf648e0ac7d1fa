//! The command line: flag definitions (the single source for help, man page
//! and completions), dispatch, and the mapping of outcomes to exit codes.
//!
//! Exit codes: 0 success, 1 an error secpip could not recover from,
//! 2 bad input or usage, 3 blocked by policy, 130 interrupted; after a
//! successful vetting, pip's own exit code.

mod allow_block;
mod audit;
mod check;
mod data;
mod db;
mod generate;
mod install;
mod npm;
mod repo;
mod serve;
mod status;
mod worker;

use crate::config::{Overrides, Settings};
use clap::{Args, Parser, Subcommand};
use std::path::PathBuf;
use std::process::ExitCode;

/// Exit code for a policy block.
pub const EXIT_BLOCKED: u8 = 3;
/// Exit code for bad input or usage.
pub const EXIT_USAGE: u8 = 2;
/// Exit code for other errors.
pub const EXIT_ERROR: u8 = 1;
/// Exit code after Ctrl-C.
pub const EXIT_INTERRUPTED: u8 = 130;

/// secpip: a supply-chain firewall for pip. Every package of the resolved
/// tree is vetted before anything is installed, and pip installs only from
/// the secure repository.
#[derive(Debug, Parser)]
#[command(name = "secpip", version, about, long_about = None, propagate_version = true)]
pub struct Cli {
    #[command(flatten)]
    global: GlobalArgs,
    #[command(subcommand)]
    command: Command,
}

/// Flags every subcommand accepts.
#[derive(Debug, Args)]
struct GlobalArgs {
    /// Print machine-readable JSON on stdout.
    #[arg(long, global = true)]
    json: bool,
    /// Never prompt; the policy decides (also SECPIP_CI or CI).
    #[arg(long, global = true)]
    ci: bool,
    /// Print less (repeat for even less).
    #[arg(short, long, action = clap::ArgAction::Count, global = true)]
    quiet: u8,
    /// Print more (repeat for debug logs).
    #[arg(short, long, action = clap::ArgAction::Count, global = true)]
    verbose: u8,
    /// Config file (default: ./secpip.toml, then the user config dir).
    #[arg(long, global = true, value_name = "FILE", env = "SECPIP_CONFIG")]
    config: Option<PathBuf>,
    /// Where the status store and secure repository live.
    #[arg(long, global = true, value_name = "DIR", env = "SECPIP_DATA_DIR")]
    data_dir: Option<PathBuf>,
    /// The Python whose pip resolves and installs (default: $VIRTUAL_ENV, else python3).
    #[arg(long, global = true, value_name = "PATH", env = "SECPIP_PYTHON")]
    python: Option<PathBuf>,
    /// Use a team server (`secpip serve`) instead of the embedded backend.
    #[arg(long, global = true, value_name = "URL", env = "SECPIP_SERVER")]
    server: Option<String>,
    /// Store, queue and secure repository: embedded (default) or aws.
    #[arg(long, global = true, value_name = "NAME", env = "SECPIP_BACKEND")]
    backend: Option<String>,
    /// AWS named profile (backend aws; default: the SDK's chain).
    #[arg(long, global = true, value_name = "NAME")]
    profile: Option<String>,
    /// AWS region (backend aws; default: the SDK's chain).
    #[arg(long, global = true, value_name = "NAME")]
    region: Option<String>,
}

#[derive(Debug, Subcommand)]
enum Command {
    /// Vet the whole tree, then pip install it from the secure repository.
    Install(install::InstallArgs),
    /// npm with the whole tree vetted first (`secpip npm install`, `secpip npm ci`).
    #[command(subcommand)]
    Npm(npm::NpmCommand),
    /// Print the verdict for a package without installing it.
    Check(check::CheckArgs),
    /// List vetted, blocked and in-flight packages.
    Status(status::StatusArgs),
    /// Always allow a package (or one version); it is vetted again on next install.
    Allow(allow_block::PolicyArgs),
    /// Always block a package (or one version), and remove it from the secure repository.
    Block(allow_block::PolicyArgs),
    /// Manage the popular-package snapshot used for look-alike detection.
    #[command(subcommand)]
    Data(data::DataCommand),
    /// Manage the offline advisory database (OSV).
    #[command(subcommand)]
    Db(db::DbCommand),
    /// Work with the local secure repository.
    #[command(subcommand)]
    Repo(repo::RepoCommand),
    /// Run the team server: firewall API, shared status table, secure index.
    Serve(serve::ServeArgs),
    /// List the audit log: who decided what, when and why.
    Audit(audit::AuditArgs),
    /// Scan requests from the AWS queue (backend aws); run as many as needed.
    Worker(worker::WorkerArgs),
    /// Write shell completions and the man page (used by install.sh).
    #[command(hide = true)]
    Generate(generate::GenerateArgs),
}

/// An error with the exit code it maps to.
#[derive(Debug)]
pub struct Failure {
    /// Exit code.
    pub code: u8,
    /// What to print (the cause chain is included).
    pub error: anyhow::Error,
}

impl Failure {
    /// Bad input or usage (exit 2).
    pub fn usage(e: impl Into<anyhow::Error>) -> Failure {
        Failure {
            code: EXIT_USAGE,
            error: e.into(),
        }
    }
    /// Any other error (exit 1).
    pub fn error(e: impl Into<anyhow::Error>) -> Failure {
        Failure {
            code: EXIT_ERROR,
            error: e.into(),
        }
    }
}

/// The clap command, for completions and the man page.
pub fn command() -> clap::Command {
    <Cli as clap::CommandFactory>::command()
}

fn init_logging(verbose: u8) {
    use tracing_subscriber::EnvFilter;
    let default = match verbose {
        0 => "secpip=warn",
        1 => "secpip=info",
        _ => "secpip=debug",
    };
    let filter = EnvFilter::try_from_env(crate::config::env::LOG)
        .unwrap_or_else(|_| EnvFilter::new(default));
    let _ = tracing_subscriber::fmt()
        .with_env_filter(filter)
        .with_writer(std::io::stderr)
        // Colour only for a person at a terminal: never in a log file or CI.
        .with_ansi(
            std::env::var_os(crate::config::env::NO_COLOR).is_none()
                && std::io::IsTerminal::is_terminal(&std::io::stderr()),
        )
        .without_time()
        .try_init();
}

/// Parses arguments, runs the command and returns the process exit code.
pub fn main() -> ExitCode {
    let cli = match Cli::try_parse() {
        Ok(c) => c,
        Err(e) => {
            let _ = e.print();
            return ExitCode::from(match e.kind() {
                clap::error::ErrorKind::DisplayHelp | clap::error::ErrorKind::DisplayVersion => 0,
                _ => EXIT_USAGE,
            });
        }
    };
    init_logging(cli.global.verbose);
    match run(cli) {
        Ok(code) => ExitCode::from(code),
        Err(f) => {
            if f.code != 0 {
                eprintln!("error: {:#}", f.error);
            }
            ExitCode::from(f.code)
        }
    }
}

fn settings(g: &GlobalArgs, timeout_secs: Option<u64>) -> Result<Settings, Failure> {
    Settings::load(&overrides(g, timeout_secs)).map_err(Failure::usage)
}

/// The global flags that take part in settings precedence.
fn overrides(g: &GlobalArgs, timeout_secs: Option<u64>) -> Overrides {
    Overrides {
        config: g.config.clone(),
        data_dir: g.data_dir.clone(),
        python: g.python.clone(),
        ci: g.ci,
        json: g.json,
        quiet: g.quiet,
        verbose: g.verbose,
        timeout_secs,
        server: g.server.clone(),
        backend: g.backend.clone(),
        aws_profile: g.profile.clone(),
        aws_region: g.region.clone(),
        serve: Default::default(),
    }
}

fn runtime() -> Result<tokio::runtime::Runtime, Failure> {
    tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .map_err(Failure::error)
}

/// Runs a parsed command line.
pub fn run(cli: Cli) -> Result<u8, Failure> {
    let g = &cli.global;
    match cli.command {
        Command::Install(args) => install::run(settings(g, args.timeout)?, args),
        Command::Npm(cmd) => npm::run(settings(g, None)?, cmd),
        Command::Check(args) => check::run(settings(g, None)?, args),
        Command::Status(args) => status::run(settings(g, None)?, args),
        Command::Allow(args) => {
            allow_block::run(settings(g, None)?, args, crate::store::PolicyAction::Allow)
        }
        Command::Block(args) => {
            allow_block::run(settings(g, None)?, args, crate::store::PolicyAction::Block)
        }
        Command::Data(cmd) => data::run(settings(g, None)?, cmd),
        Command::Repo(cmd) => repo::run(settings(g, None)?, cmd),
        Command::Db(cmd) => db::run(settings(g, None)?, cmd),
        Command::Serve(args) => serve::run(overrides(g, None), args),
        Command::Audit(args) => audit::run(settings(g, None)?, args),
        Command::Worker(args) => worker::run(settings(g, None)?, args),
        Command::Generate(args) => generate::run(args),
    }
}
