//! `secpip repo serve`: serve the local secure repository as a simple index,
//! for tools that should install only what secpip vetted.

use super::{runtime, Failure};
use crate::config::Settings;
use crate::repo::{local::LocalRepo, serve::IndexServer};
use clap::Subcommand;
use std::net::SocketAddr;

/// `secpip repo …` subcommands.
#[derive(Debug, Subcommand)]
pub enum RepoCommand {
    /// Serve the secure repository until interrupted.
    Serve {
        /// Address to bind (loopback by default).
        #[arg(long, default_value = "127.0.0.1:0")]
        bind: SocketAddr,
    },
}

/// Runs `secpip repo …`.
pub fn run(settings: Settings, cmd: RepoCommand) -> Result<u8, Failure> {
    let RepoCommand::Serve { bind } = cmd;
    runtime()?.block_on(async {
        let server = IndexServer::start(LocalRepo::new(settings.repo_dir()), bind)
            .await
            .map_err(Failure::error)?;
        // The URL goes to stdout so scripts can read it.
        println!("{}", server.index_url());
        let _ = tokio::signal::ctrl_c().await;
        server.stop().await;
        Ok(0)
    })
}
