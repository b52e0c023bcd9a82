//! `coop-tracker backup --to DIR`, `backup verify DIR` and `restore --from DIR [--replace]`: the
//! command-line face of [`crate::backup`].

use std::path::Path;

use crate::backup::{self, Manifest};
use crate::config::Config;

fn describe(manifest: &Manifest) -> String {
    format!("{} database and {} files, {} bytes", manifest.backend, manifest.files.len(), manifest.bytes())
}

pub(super) fn create(config: &Config, to: &Path) -> anyhow::Result<()> {
    let now = crate::domain::clock::Clock::System.now();
    let manifest = backup::create(config, to, now)?;
    println!("backup written to {}: {}", to.display(), describe(&manifest));
    Ok(())
}

pub(super) fn verify(from: &Path) -> anyhow::Result<()> {
    let manifest = backup::verify(from)?;
    println!("{} is whole: {}", from.display(), describe(&manifest));
    Ok(())
}

pub(super) fn restore(config: &Config, from: &Path, replace: bool) -> anyhow::Result<()> {
    let manifest = backup::restore(config, from, replace)?;
    println!("restored from {}: {}", from.display(), describe(&manifest));
    Ok(())
}
