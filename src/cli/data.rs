//! `secpip data refresh-popular --url URL`: refresh the popular-package
//! snapshot from a file in the top-pypi-packages JSON format.

use super::{runtime, Failure};
use crate::config::Settings;
use crate::verdict::popular::PopularIndex;
use clap::Subcommand;
use std::time::Duration;

/// `secpip data …` subcommands.
#[derive(Debug, Subcommand)]
pub enum DataCommand {
    /// Download a top-packages list (top-pypi-packages JSON format) and use it from now on.
    RefreshPopular {
        /// URL (http, https or file path) of the JSON list.
        #[arg(long, value_name = "URL")]
        url: String,
    },
}

/// Runs `secpip data …`.
pub fn run(settings: Settings, cmd: DataCommand) -> Result<u8, Failure> {
    let DataCommand::RefreshPopular { url } = cmd;
    let text = if url.starts_with("http://") || url.starts_with("https://") {
        let client = crate::http::client(Duration::from_secs(settings.sources.timeout_secs));
        let bytes = runtime()?
            .block_on(crate::http::get_bytes(
                &client,
                &url,
                &[],
                crate::http::MAX_JSON_BYTES,
            ))
            .map_err(Failure::error)?;
        String::from_utf8(bytes)
            .map_err(|e| Failure::usage(anyhow::anyhow!("{url} is not UTF-8 text: {e}")))?
    } else {
        std::fs::read_to_string(&url)
            .map_err(|e| Failure::usage(anyhow::anyhow!("cannot read {url}: {e}")))?
    };
    let index = PopularIndex::from_json(&text).map_err(Failure::usage)?;
    if index.is_empty() {
        return Err(Failure::usage(anyhow::anyhow!(
            "{url} lists no packages; keeping the current snapshot"
        )));
    }
    let path = crate::data::refreshed_pypi_path(&settings.data_dir);
    std::fs::create_dir_all(&settings.data_dir).map_err(Failure::error)?;
    let tmp = path.with_extension("json.tmp");
    std::fs::write(&tmp, index.to_snapshot_json(&url)).map_err(Failure::error)?;
    std::fs::rename(&tmp, &path).map_err(Failure::error)?;
    if settings.output.json {
        println!(
            "{}",
            serde_json::json!({"packages": index.len(), "path": path})
        );
    } else {
        eprintln!(
            "secpip: {} popular packages saved to {}",
            index.len(),
            path.display()
        );
    }
    Ok(0)
}
