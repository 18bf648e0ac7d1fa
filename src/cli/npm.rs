//! `secpip npm install|ci`: npm with the whole tree vetted first and
//! lifecycle scripts under policy control.

use super::{runtime, Failure};
use crate::config::Settings;
use crate::ecosystem::npm::resolver;
use crate::install::npm::{install, NpmRequest};
use crate::report::{progress, prompt};
use clap::{Args, Subcommand};
use std::path::PathBuf;

/// `secpip npm …` subcommands.
#[derive(Debug, Subcommand)]
pub enum NpmCommand {
    /// Vet the tree, then npm install from the secure registry.
    Install(NpmArgs),
    /// Vet the existing package-lock.json, then npm ci from the secure registry.
    Ci(NpmArgs),
}

/// Arguments of `secpip npm install|ci`.
#[derive(Debug, Args)]
pub struct NpmArgs {
    /// Packages to add (`lodash`, `@babel/core@^7`); `ci` takes none.
    #[arg(value_name = "PKG")]
    specs: Vec<String>,
    /// The project folder (default: the current directory).
    #[arg(short = 'C', long, value_name = "DIR")]
    prefix: Option<PathBuf>,
    /// Arguments passed on to npm after `--` (registry and script options are refused).
    #[arg(last = true, value_name = "NPM_ARGS")]
    npm_args: Vec<String>,
}

/// Runs `secpip npm …`.
pub fn run(settings: Settings, cmd: NpmCommand) -> Result<u8, Failure> {
    let (args, ci) = match cmd {
        NpmCommand::Install(a) => (a, false),
        NpmCommand::Ci(a) => (a, true),
    };
    if ci && !args.specs.is_empty() {
        return Err(Failure::usage(anyhow::anyhow!(
            "`secpip npm ci` installs the lockfile as it is; use `secpip npm install PKG` to add packages"
        )));
    }
    resolver::check_input(&args.specs, &args.npm_args).map_err(Failure::usage)?;
    let project = match args.prefix {
        Some(p) => p,
        None => std::env::current_dir().map_err(Failure::error)?,
    };
    if !project.is_dir() {
        return Err(Failure::usage(anyhow::anyhow!(
            "{} is not a folder",
            project.display()
        )));
    }
    let req = NpmRequest {
        project,
        specs: args.specs,
        npm_args: args.npm_args,
        ci,
    };
    let out = settings.output;
    let progress = progress::reporter(out.quiet > 0, out.json);
    let prompter = prompt::prompter(out.ci);
    let result = runtime()?.block_on(install(
        &settings,
        &req,
        progress.as_ref(),
        prompter.as_ref(),
    ));
    super::install::report(&settings, result)
}
