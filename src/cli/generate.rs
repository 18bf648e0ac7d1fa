//! Hidden `secpip generate DIR`: shell completions and the man page, from the
//! same clap definitions as `--help`. A test keeps `completions/` and `man/` current.

use super::Failure;
use clap::Args;
use clap_complete::Shell;
use std::path::{Path, PathBuf};

/// Arguments of `secpip generate`.
#[derive(Debug, Args)]
pub struct GenerateArgs {
    /// Project root: writes `completions/` and `man/` under it.
    #[arg(value_name = "DIR")]
    dir: PathBuf,
}

/// Writes completions for bash, zsh, fish and PowerShell, and `secpip.1`.
pub fn write_all(dir: &Path) -> std::io::Result<()> {
    let comp = dir.join("completions");
    std::fs::create_dir_all(&comp)?;
    for shell in [Shell::Bash, Shell::Zsh, Shell::Fish, Shell::PowerShell] {
        let mut cmd = super::command();
        clap_complete::generate_to(shell, &mut cmd, "secpip", &comp)?;
    }
    let man = dir.join("man");
    std::fs::create_dir_all(&man)?;
    let mut out = Vec::new();
    clap_mangen::Man::new(super::command()).render(&mut out)?;
    std::fs::write(man.join("secpip.1"), out)
}

/// Runs `secpip generate`.
pub fn run(args: GenerateArgs) -> Result<u8, Failure> {
    write_all(&args.dir).map_err(Failure::error)?;
    Ok(0)
}
