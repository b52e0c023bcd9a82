//! Backing up and restoring a whole installation: the database and the evidence files, as one
//! folder with a manifest of SHA-256 sums, so that a restore can prove it has everything before it
//! touches anything.
//!
//! The database is copied first (SQLite's `VACUUM INTO`, or PostgreSQL's own `pg_dump`), then the
//! file store. A file is on disk before the row naming it commits (see [`crate::files::store`]), so
//! every file the copied database names is already there when the files are copied; files added
//! meanwhile are copied too and are harmless. The backup is written under a `.partial` name and
//! renamed when complete, so a folder with the final name is always whole. A file the database
//! names that is missing from the store (an operator's mistake, a disk fault) fails the backup
//! loudly, naming it, rather than leaving a backup that could never be restored whole.

use std::fs::{self, File};
use std::io::{self, Read, Write};
use std::path::{Path, PathBuf};
use std::process::Command;

use anyhow::{Context, bail};
use chrono::NaiveDateTime;
use diesel::RunQueryDsl;
use secrecy::ExposeSecret;
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};

use crate::config::{Backend, Config};
use crate::db;
use crate::files::store::FileStore;

/// The manifest's file name inside a backup folder.
pub const MANIFEST: &str = "manifest.json";
/// The layout this program writes and reads.
const FORMAT: u32 = 1;
const SQLITE_COPY: &str = "database.sqlite3";
const PG_DUMP: &str = "database.pgdump";

/// What a backup holds.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, Eq)]
pub struct Manifest {
    /// The layout version.
    pub format: u32,
    /// When it was made: RFC 3339 in UTC (`2026-11-22T02:00:00Z`); manifests written before times
    /// carried their offset hold the same UTC time without the `Z`, and still read.
    #[serde(serialize_with = "crate::domain::timestamp::utc", deserialize_with = "crate::domain::timestamp::from_utc")]
    pub created_at: NaiveDateTime,
    /// `sqlite` or `postgres`: a backup restores into the same kind of database.
    pub backend: String,
    /// The database copy.
    pub database: Entry,
    /// Every evidence and report file.
    pub files: Vec<Entry>,
}

/// One file in a backup.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, Eq)]
pub struct Entry {
    /// Its path inside the backup folder, with `/` separators.
    pub path: String,
    /// SHA-256 of its content, lower-case hex.
    pub sha256: String,
    /// Its size.
    pub bytes: u64,
}

impl Manifest {
    /// The total size of what the backup holds.
    pub fn bytes(&self) -> u64 {
        self.database.bytes + self.files.iter().map(|f| f.bytes).sum::<u64>()
    }
}

fn backend_name(backend: Backend) -> &'static str {
    match backend {
        Backend::Sqlite => "sqlite",
        Backend::Postgres => "postgres",
    }
}

/// Writes a backup of the configured installation to the folder `to`, which must not exist.
pub fn create(config: &Config, to: &Path, now: NaiveDateTime) -> anyhow::Result<Manifest> {
    if to.exists() {
        bail!("{} already exists; choose a new folder so that no earlier backup is overwritten", to.display());
    }
    let partial = partial_path(to);
    if partial.exists() {
        bail!("{} is left from an interrupted backup; remove it first", partial.display());
    }
    let pool = db::connect(config)?;
    // Read before the database is copied: rows are only ever added, so the copy names these files
    // too, and each was in the store before its row committed.
    let referenced = db::evidence::stored_hashes(&mut *pool.get()?).context("cannot read the stored files")?;
    fs::create_dir_all(&partial).with_context(|| format!("cannot create {}", partial.display()))?;
    let database = match config.database.backend {
        Backend::Sqlite => {
            let file = partial.join(SQLITE_COPY);
            let target = file.to_str().context("the backup path must be valid UTF-8")?;
            let mut conn = pool.get()?;
            // VACUUM INTO reads one snapshot of the database, so writers may go on meanwhile.
            diesel::sql_query(format!("VACUUM INTO '{}'", target.replace('\'', "''")))
                .execute(&mut conn)
                .with_context(|| format!("cannot write the database copy to {}", file.display()))?;
            SQLITE_COPY
        }
        Backend::Postgres => {
            let file = partial.join(PG_DUMP);
            run_tool(
                Command::new("pg_dump")
                    .args(["--format=custom", "--no-owner", "--no-privileges", "--file"])
                    .arg(&file)
                    .arg(config.database.target.expose_secret()),
                "pg_dump",
            )?;
            PG_DUMP
        }
    };
    let database = entry(&partial, database)?;
    let store = store_dir(config);
    let mut files = Vec::new();
    for (relative, source) in objects(&store)? {
        let copy = partial.join(&relative);
        let sha256 = copy_hashed(&source, &copy)?;
        let name = source.file_name().and_then(|n| n.to_str()).unwrap_or_default();
        if name != sha256 {
            bail!("{} does not hold the content its name promises; the file store is damaged", source.display());
        }
        files.push(Entry { path: relative, bytes: fs::metadata(&copy)?.len(), sha256 });
    }
    let copied: std::collections::HashSet<&str> = files.iter().map(|f| f.sha256.as_str()).collect();
    let mut missing: Vec<&String> = referenced.iter().filter(|sha256| !copied.contains(sha256.as_str())).collect();
    if !missing.is_empty() {
        missing.sort();
        missing.dedup();
        fs::remove_dir_all(&partial).with_context(|| format!("cannot remove {}", partial.display()))?;
        let store = FileStore::new(&config.data_dir);
        let named: Vec<String> =
            missing.iter().take(20).map(|sha256| store.path_of(sha256).display().to_string()).collect();
        let more = if missing.len() > 20 { format!(" and {} more", missing.len() - 20) } else { String::new() };
        bail!(
            "the database names {} stored file(s) missing from the file store, so no backup was written: {}{more}; \
             put them back (from an earlier backup's files/objects) and back up again",
            missing.len(),
            named.join(", ")
        );
    }
    let manifest = Manifest {
        format: FORMAT,
        created_at: now,
        backend: backend_name(config.database.backend).to_owned(),
        database,
        files,
    };
    write_synced(&partial.join(MANIFEST), &serde_json::to_vec_pretty(&manifest)?)?;
    fs::rename(&partial, to).with_context(|| format!("cannot rename {} to {}", partial.display(), to.display()))?;
    Ok(manifest)
}

/// Checks a backup against its manifest without changing anything: every sum must match.
pub fn verify(from: &Path) -> anyhow::Result<Manifest> {
    let text = fs::read(from.join(MANIFEST)).with_context(|| format!("{} holds no backup manifest", from.display()))?;
    let manifest: Manifest = serde_json::from_slice(&text).context("the backup manifest is not readable")?;
    if manifest.format != FORMAT {
        bail!("backup format {} is not one this version reads ({FORMAT})", manifest.format);
    }
    for entry in std::iter::once(&manifest.database).chain(&manifest.files) {
        if entry.path.split('/').any(|part| part.is_empty() || part == "..") {
            bail!("the manifest names a path outside the backup: {}", entry.path);
        }
        let path = from.join(&entry.path);
        let sha256 = hash_file(&path).with_context(|| format!("{} is missing from the backup", entry.path))?;
        if sha256 != entry.sha256 {
            bail!("{} does not match its sum in the manifest; the backup is damaged", entry.path);
        }
    }
    Ok(manifest)
}

/// Restores a backup into the configured installation. Refuses, changing nothing, when the backup
/// is damaged, is of the other database kind, or when the installation already holds data and
/// `replace` is not set.
pub fn restore(config: &Config, from: &Path, replace: bool) -> anyhow::Result<Manifest> {
    let manifest = verify(from)?;
    let backend = backend_name(config.database.backend);
    if manifest.backend != backend {
        bail!("this is a {} backup; it cannot be restored into {backend}", manifest.backend);
    }
    if !replace && holds_data(config)? {
        bail!("the database already holds data; restore with --replace to overwrite it");
    }
    let copy = from.join(&manifest.database.path);
    match config.database.backend {
        Backend::Sqlite => {
            let target = PathBuf::from(config.database.target.expose_secret());
            let staged = target.with_extension("restoring");
            copy_hashed(&copy, &staged)?;
            // The old database's journal must not be replayed onto the restored file.
            for suffix in ["-wal", "-shm"] {
                let mut side = target.clone().into_os_string();
                side.push(suffix);
                match fs::remove_file(&side) {
                    Err(e) if e.kind() != io::ErrorKind::NotFound => return Err(e.into()),
                    _ => {}
                }
            }
            fs::rename(&staged, &target)
                .with_context(|| format!("cannot move the database into {}", target.display()))?;
        }
        Backend::Postgres => run_tool(
            Command::new("pg_restore")
                .args(["--clean", "--if-exists", "--no-owner", "--no-privileges", "--single-transaction", "--dbname"])
                .arg(config.database.target.expose_secret())
                .arg(&copy),
            "pg_restore",
        )?,
    }
    let store = FileStore::new(&config.data_dir);
    for file in &manifest.files {
        let Some(sha256) = file.path.rsplit('/').next() else { continue };
        if store.path_of(sha256).exists() {
            continue;
        }
        let mut incoming = store.receive(u64::MAX)?;
        let mut source = File::open(from.join(&file.path))?;
        let mut buffer = vec![0; 64 * 1024];
        loop {
            let n = source.read(&mut buffer)?;
            if n == 0 {
                break;
            }
            incoming.write(&buffer[..n]).map_err(|e| anyhow::anyhow!("cannot restore {}: {e}", file.path))?;
        }
        store.keep(incoming.finish()?)?;
    }
    // An older backup is brought up to this version's schema.
    db::connect(config)?;
    Ok(manifest)
}

/// Whether the configured database has any account (every installation in use has one).
fn holds_data(config: &Config) -> anyhow::Result<bool> {
    if config.database.backend == Backend::Sqlite && !Path::new(config.database.target.expose_secret()).exists() {
        return Ok(false);
    }
    let pool = db::connect(config)?;
    let mut conn = pool.get()?;
    Ok(db::user::count(&mut conn)? > 0)
}

fn partial_path(to: &Path) -> PathBuf {
    let mut name = to.as_os_str().to_owned();
    name.push(".partial");
    PathBuf::from(name)
}

fn store_dir(config: &Config) -> PathBuf {
    config.data_dir.join("files").join("objects")
}

/// The store's objects as (path inside a backup, path on disk), in a stable order.
fn objects(dir: &Path) -> io::Result<Vec<(String, PathBuf)>> {
    let mut found = Vec::new();
    let prefixes = match fs::read_dir(dir) {
        Ok(entries) => entries,
        Err(e) if e.kind() == io::ErrorKind::NotFound => return Ok(found),
        Err(e) => return Err(e),
    };
    for prefix in prefixes {
        let prefix = prefix?;
        if !prefix.file_type()?.is_dir() {
            continue;
        }
        for object in fs::read_dir(prefix.path())? {
            let object = object?;
            let (Some(a), Some(b)) =
                (prefix.file_name().to_str().map(str::to_owned), object.file_name().to_str().map(str::to_owned))
            else {
                continue;
            };
            found.push((format!("files/objects/{a}/{b}"), object.path()));
        }
    }
    found.sort();
    Ok(found)
}

fn entry(dir: &Path, name: &str) -> anyhow::Result<Entry> {
    let path = dir.join(name);
    Ok(Entry { path: name.to_owned(), sha256: hash_file(&path)?, bytes: fs::metadata(&path)?.len() })
}

fn hash_file(path: &Path) -> io::Result<String> {
    let mut file = File::open(path)?;
    let mut hasher = Sha256::new();
    io::copy(&mut file, &mut hasher)?;
    Ok(hex::encode(hasher.finalize()))
}

/// Copies `from` to a new file `to` (creating its folder), fsyncs it, and returns the SHA-256 of
/// what was written.
fn copy_hashed(from: &Path, to: &Path) -> anyhow::Result<String> {
    if let Some(parent) = to.parent() {
        fs::create_dir_all(parent)?;
    }
    let mut source = File::open(from).with_context(|| format!("cannot read {}", from.display()))?;
    let mut target = File::create(to).with_context(|| format!("cannot write {}", to.display()))?;
    let mut hasher = Sha256::new();
    let mut buffer = vec![0; 64 * 1024];
    loop {
        let n = source.read(&mut buffer)?;
        if n == 0 {
            break;
        }
        hasher.update(&buffer[..n]);
        target.write_all(&buffer[..n]).with_context(|| format!("cannot write {}", to.display()))?;
    }
    target.sync_all()?;
    Ok(hex::encode(hasher.finalize()))
}

fn write_synced(path: &Path, bytes: &[u8]) -> io::Result<()> {
    let mut file = File::create(path)?;
    file.write_all(bytes)?;
    file.sync_all()
}

/// Runs PostgreSQL's own tool, turning a failure into its message.
fn run_tool(command: &mut Command, name: &str) -> anyhow::Result<()> {
    let output = command.output().with_context(|| format!("cannot run {name}; install PostgreSQL's client tools"))?;
    if !output.status.success() {
        bail!("{name} failed: {}", String::from_utf8_lossy(&output.stderr).trim());
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_partial_backup_sits_beside_the_final_name() {
        assert_eq!(partial_path(Path::new("/b/2026-12-01")), Path::new("/b/2026-12-01.partial"));
    }

    #[test]
    fn a_manifest_says_when_it_was_made_with_its_offset_and_older_manifests_still_read() {
        let made = NaiveDateTime::parse_from_str("2026-11-22 02:00:00", "%Y-%m-%d %H:%M:%S").unwrap();
        let manifest = Manifest {
            format: FORMAT,
            created_at: made,
            backend: "sqlite".into(),
            database: Entry { path: SQLITE_COPY.into(), sha256: String::new(), bytes: 0 },
            files: Vec::new(),
        };
        let mut json = serde_json::to_value(&manifest).unwrap();
        assert_eq!(json["created_at"], "2026-11-22T02:00:00Z");
        assert_eq!(serde_json::from_value::<Manifest>(json.clone()).unwrap(), manifest);
        json["created_at"] = "2026-11-22T02:00:00".into();
        assert_eq!(serde_json::from_value::<Manifest>(json).unwrap(), manifest, "as written before");
    }

    #[test]
    fn a_manifest_naming_a_path_outside_the_backup_is_refused() {
        let dir = tempfile::tempdir().unwrap();
        let manifest = Manifest {
            format: FORMAT,
            created_at: NaiveDateTime::default(),
            backend: "sqlite".into(),
            database: Entry { path: "../../etc/passwd".into(), sha256: String::new(), bytes: 0 },
            files: Vec::new(),
        };
        fs::write(dir.path().join(MANIFEST), serde_json::to_vec(&manifest).unwrap()).unwrap();
        let error = verify(dir.path()).unwrap_err().to_string();
        assert!(error.contains("outside the backup"), "{error}");
    }
}
