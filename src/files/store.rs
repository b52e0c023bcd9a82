//! Evidence files on disk, named by the SHA-256 of their content.
//!
//! Layout under `<data_dir>/files`: `objects/ab/<64 hex>` holds content, `incoming/` holds uploads
//! being received. An upload is streamed into `incoming/` while it is hashed, fsynced, and only then
//! moved (an atomic rename on one file system) to its object path and the directory fsynced. The
//! database row that points at an object is committed after that, so a row never names a missing
//! file; a crash in between leaves an object with no row, which `files gc` removes once it is old.
//! Uploaded file names are kept in the database and never touch a path.
//!
//! Content already in the store is not written again, and that object may be an orphan `files gc`
//! is about to remove. So a second copy is kept ([`Kept::Existing`]) until the row naming the
//! content commits: the committing transaction calls [`FileStore::secure`] holding the object's
//! lock, which refreshes the object or, if gc took it meanwhile, puts the copy in its place; and gc
//! re-checks the rows and the object's age under the same lock right before unlinking.

use std::collections::HashSet;
use std::fs::{self, File};
use std::io::{self, Write};
use std::path::{Path, PathBuf};
use std::time::{Duration, SystemTime};

use rand::Rng;
use sha2::{Digest, Sha256};

/// How many leading bytes are kept for recognising the content.
const HEAD_BYTES: usize = 8 * 1024;

/// The store under one data folder.
#[derive(Debug, Clone)]
pub struct FileStore {
    root: PathBuf,
}

/// An upload being written to `incoming/`.
#[derive(Debug)]
pub struct Incoming {
    file: File,
    path: PathBuf,
    hasher: Sha256,
    size: u64,
    limit: u64,
    head: Vec<u8>,
    kept: bool,
}

/// A complete, fsynced upload in `incoming/`, not yet in the store. Dropping it removes the file.
#[derive(Debug)]
pub struct Received {
    path: PathBuf,
    /// Lower-case hex SHA-256 of the content.
    pub sha256: String,
    /// Size in bytes.
    pub size: u64,
    /// The first bytes, for recognising the type.
    pub head: Vec<u8>,
    kept: bool,
}

/// The upload passed the size limit; what was received is already removed.
#[derive(Debug, thiserror::Error)]
pub enum ReceiveError {
    /// Larger than the limit.
    #[error("file larger than {0} bytes")]
    TooLarge(u64),
    /// Writing failed (a full disk, say).
    #[error(transparent)]
    Io(#[from] io::Error),
}

/// What garbage collection found.
#[derive(Debug, Default, Clone, PartialEq, Eq)]
pub struct Garbage {
    /// Objects no database row pointed to when looked at, by hash.
    pub orphans: Vec<String>,
    /// Uploads never finished.
    pub unfinished: Vec<PathBuf>,
}

/// Content moved into the store for a row about to be committed.
#[derive(Debug)]
pub enum Kept {
    /// The content was new and is now an object.
    New {
        /// Its hash.
        sha256: String,
    },
    /// The content was already an object; the received copy waits in `incoming/` until
    /// [`FileStore::secure`] (and is removed when dropped).
    Existing(Received),
}

impl Kept {
    /// The content's hash.
    pub fn sha256(&self) -> &str {
        match self {
            Kept::New { sha256 } => sha256,
            Kept::Existing(received) => &received.sha256,
        }
    }
}

impl FileStore {
    /// The store in `<data_dir>/files`; folders are created on first use.
    pub fn new(data_dir: &Path) -> FileStore {
        FileStore { root: data_dir.join("files") }
    }

    fn incoming_dir(&self) -> PathBuf {
        self.root.join("incoming")
    }

    fn objects_dir(&self) -> PathBuf {
        self.root.join("objects")
    }

    /// Where the content with this hash lives. Only ever called with a hash this program computed
    /// or read from the database (64 lower-case hex characters).
    pub fn path_of(&self, sha256: &str) -> PathBuf {
        self.objects_dir().join(&sha256[..2]).join(sha256)
    }

    /// Starts receiving an upload of at most `limit` bytes.
    pub fn receive(&self, limit: u64) -> io::Result<Incoming> {
        let dir = self.incoming_dir();
        fs::create_dir_all(&dir)?;
        let name = format!("{:032x}", rand::thread_rng().r#gen::<u128>());
        let path = dir.join(name);
        let file = File::options().write(true).create_new(true).open(&path)?;
        Ok(Incoming { file, path, hasher: Sha256::new(), size: 0, limit, head: Vec::new(), kept: false })
    }

    /// Stores content made by the program itself (a submitted report); [`FileStore::secure`] it in
    /// the transaction that names it.
    pub fn store_bytes(&self, bytes: &[u8]) -> io::Result<Kept> {
        let mut incoming = self.receive(u64::MAX)?;
        incoming.write(bytes).map_err(|e| match e {
            ReceiveError::Io(e) => e,
            other => io::Error::other(other),
        })?;
        self.keep(incoming.finish()?)
    }

    /// Moves a received upload into the store, durably, when its content is new. When the content is
    /// there already, the object is refreshed (so that `files gc` sees it as young) and the received
    /// copy is held back until [`FileStore::secure`].
    pub fn keep(&self, mut received: Received) -> io::Result<Kept> {
        let target = self.path_of(&received.sha256);
        if touch(&target)? {
            return Ok(Kept::Existing(received));
        }
        self.place(&mut received, &target)?;
        Ok(Kept::New { sha256: received.sha256.clone() })
    }

    /// Renames a received file to its object path and makes the rename durable.
    fn place(&self, received: &mut Received, target: &Path) -> io::Result<()> {
        let dir = target.parent().map(Path::to_path_buf).unwrap_or_else(|| self.objects_dir());
        fs::create_dir_all(&dir)?;
        fs::rename(&received.path, target)?;
        received.kept = true;
        sync_dir(&dir)?;
        if let Some(objects) = dir.parent() {
            sync_dir(objects)?;
        }
        Ok(())
    }

    /// Makes sure kept content is in the store as the row naming it commits. Call it inside that
    /// transaction, holding the object's lock (`db::evidence::hold_object`): `files gc` unlinks only
    /// under the same lock, so afterwards the object stays until no row names it. An object gc
    /// removed since [`FileStore::keep`] is put back from the held copy.
    pub fn secure(&self, kept: Kept) -> io::Result<()> {
        let target = self.path_of(kept.sha256());
        match kept {
            Kept::New { .. } if target.exists() => Ok(()),
            Kept::New { sha256 } => Err(io::Error::new(
                io::ErrorKind::NotFound,
                format!("stored file {sha256} vanished before its row committed"),
            )),
            Kept::Existing(mut received) => {
                if !touch(&target)? {
                    self.place(&mut received, &target)?;
                }
                Ok(())
            }
        }
    }

    /// Lists objects whose hash is not in `referenced`, and unfinished uploads, older than `grace`
    /// (younger ones may belong to an upload whose row is about to commit). Removes nothing: see
    /// [`FileStore::remove_if_stale`].
    pub fn find_garbage(&self, referenced: &HashSet<String>, now: SystemTime, grace: Duration) -> io::Result<Garbage> {
        let mut garbage = Garbage::default();
        for entry in read_dir_if_exists(&self.objects_dir())? {
            for object in read_dir_if_exists(&entry?.path())? {
                let path = object?.path();
                let name = path.file_name().and_then(|n| n.to_str()).unwrap_or_default();
                if !referenced.contains(name) && is_stale(&path, now, grace)? {
                    garbage.orphans.push(name.to_owned());
                }
            }
        }
        for entry in read_dir_if_exists(&self.incoming_dir())? {
            let path = entry?.path();
            if is_stale(&path, now, grace)? {
                garbage.unfinished.push(path);
            }
        }
        garbage.orphans.sort();
        garbage.unfinished.sort();
        Ok(garbage)
    }

    /// Removes an object or an unfinished upload if it is still older than `grace`; whether it did.
    /// For an object, call it holding the object's lock after checking that no row names it.
    pub fn remove_if_stale(&self, path: &Path, now: SystemTime, grace: Duration) -> io::Result<bool> {
        match is_stale(path, now, grace) {
            Ok(true) => {}
            Ok(false) => return Ok(false),
            Err(e) if e.kind() == io::ErrorKind::NotFound => return Ok(false),
            Err(e) => return Err(e),
        }
        match fs::remove_file(path) {
            Ok(()) => Ok(true),
            Err(e) if e.kind() == io::ErrorKind::NotFound => Ok(false),
            Err(e) => Err(e),
        }
    }
}

/// Whether a file was last written at least `grace` before `now`.
fn is_stale(path: &Path, now: SystemTime, grace: Duration) -> io::Result<bool> {
    let modified = fs::metadata(path)?.modified()?;
    Ok(now.duration_since(modified).unwrap_or_default() >= grace)
}

/// Sets a file's modification time to now; `false` if there is no such file.
fn touch(path: &Path) -> io::Result<bool> {
    match File::open(path) {
        Ok(file) => file.set_modified(SystemTime::now()).map(|()| true),
        Err(e) if e.kind() == io::ErrorKind::NotFound => Ok(false),
        Err(e) => Err(e),
    }
}

fn read_dir_if_exists(dir: &Path) -> io::Result<Box<dyn Iterator<Item = io::Result<fs::DirEntry>>>> {
    match fs::read_dir(dir) {
        Ok(entries) => Ok(Box::new(entries)),
        Err(e) if e.kind() == io::ErrorKind::NotFound => Ok(Box::new(std::iter::empty())),
        Err(e) => Err(e),
    }
}

/// Makes a directory's entries (a rename into it) durable.
fn sync_dir(dir: &Path) -> io::Result<()> {
    File::open(dir)?.sync_all()
}

impl Incoming {
    /// Appends a chunk; past the limit the upload is abandoned (and its file removed on drop).
    pub fn write(&mut self, chunk: &[u8]) -> Result<(), ReceiveError> {
        self.size += chunk.len() as u64;
        if self.size > self.limit {
            return Err(ReceiveError::TooLarge(self.limit));
        }
        if self.head.len() < HEAD_BYTES {
            let take = (HEAD_BYTES - self.head.len()).min(chunk.len());
            self.head.extend_from_slice(&chunk[..take]);
        }
        self.hasher.update(chunk);
        self.file.write_all(chunk)?;
        Ok(())
    }

    /// Bytes received so far.
    pub fn size(&self) -> u64 {
        self.size
    }

    /// Flushes the content to disk and returns it with its hash.
    pub fn finish(mut self) -> io::Result<Received> {
        self.file.sync_all()?;
        self.kept = true;
        let hasher = std::mem::take(&mut self.hasher);
        Ok(Received {
            path: self.path.clone(),
            sha256: hex::encode(hasher.finalize()),
            size: self.size,
            head: std::mem::take(&mut self.head),
            kept: false,
        })
    }
}

impl Received {
    /// The received content, for a closer look (inside an Office document, say).
    pub fn path(&self) -> &Path {
        &self.path
    }
}

impl Drop for Incoming {
    fn drop(&mut self) {
        if !self.kept {
            let _ = fs::remove_file(&self.path);
        }
    }
}

impl Drop for Received {
    fn drop(&mut self) {
        if !self.kept {
            let _ = fs::remove_file(&self.path);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn receive(store: &FileStore, content: &[u8]) -> Received {
        let mut incoming = store.receive(1024).unwrap();
        for chunk in content.chunks(7) {
            incoming.write(chunk).unwrap();
        }
        incoming.finish().unwrap()
    }

    /// Sets a file's modification time `age` back.
    fn age(path: &Path, age: Duration) {
        File::open(path).unwrap().set_modified(SystemTime::now() - age).unwrap();
    }

    fn modified(path: &Path) -> SystemTime {
        fs::metadata(path).unwrap().modified().unwrap()
    }

    #[test]
    fn content_is_stored_once_under_its_hash() {
        let dir = tempfile::tempdir().unwrap();
        let store = FileStore::new(dir.path());
        let first = receive(&store, b"%PDF-1.7 report");
        let sha = first.sha256.clone();
        assert_eq!(sha, hex::encode(Sha256::digest(b"%PDF-1.7 report")));
        let kept = store.keep(first).unwrap();
        assert!(matches!(kept, Kept::New { .. }));
        store.secure(kept).unwrap();
        let again = store.keep(receive(&store, b"%PDF-1.7 report")).unwrap();
        assert!(matches!(again, Kept::Existing(_)), "the second copy is not written again");
        store.secure(again).unwrap();
        assert_eq!(fs::read(store.path_of(&sha)).unwrap(), b"%PDF-1.7 report");
        assert_eq!(fs::read_dir(store.incoming_dir()).unwrap().count(), 0, "nothing left in incoming");
    }

    #[test]
    fn keeping_known_content_refreshes_its_object_and_secures_it_even_if_gc_took_it() {
        let dir = tempfile::tempdir().unwrap();
        let store = FileStore::new(dir.path());
        let sha = hex::encode(Sha256::digest(b"orphaned by a crash"));
        store.secure(store.keep(receive(&store, b"orphaned by a crash")).unwrap()).unwrap();
        let day = Duration::from_secs(86_400);
        age(&store.path_of(&sha), day);

        let kept = store.keep(receive(&store, b"orphaned by a crash")).unwrap();
        let fresh = SystemTime::now().duration_since(modified(&store.path_of(&sha))).unwrap_or_default();
        assert!(fresh < Duration::from_secs(60), "refreshed: {fresh:?} old");
        // gc looked at the object before the refresh and unlinks it now, before the row commits.
        fs::remove_file(store.path_of(&sha)).unwrap();
        store.secure(kept).unwrap();
        assert_eq!(fs::read(store.path_of(&sha)).unwrap(), b"orphaned by a crash", "put back from the held copy");
        assert_eq!(fs::read_dir(store.incoming_dir()).unwrap().count(), 0);
    }

    #[test]
    fn an_oversized_or_abandoned_upload_leaves_nothing() {
        let dir = tempfile::tempdir().unwrap();
        let store = FileStore::new(dir.path());
        let mut incoming = store.receive(10).unwrap();
        incoming.write(b"0123456789").unwrap();
        assert!(matches!(incoming.write(b"x"), Err(ReceiveError::TooLarge(10))));
        drop(incoming);
        drop(receive(&store, b"never kept"));
        drop(store.keep(receive(&store, b"kept")).unwrap());
        drop(store.keep(receive(&store, b"kept")).unwrap());
        assert_eq!(fs::read_dir(store.incoming_dir()).unwrap().count(), 0);
    }

    #[test]
    fn garbage_is_what_no_row_names_once_old_enough() {
        let dir = tempfile::tempdir().unwrap();
        let store = FileStore::new(dir.path());
        let kept = receive(&store, b"kept");
        let orphan = receive(&store, b"orphan");
        let (kept_sha, orphan_sha) = (kept.sha256.clone(), orphan.sha256.clone());
        store.secure(store.keep(kept).unwrap()).unwrap();
        store.secure(store.keep(orphan).unwrap()).unwrap();
        let mut unfinished = store.receive(100).unwrap();
        unfinished.write(b"half").unwrap();
        std::mem::forget(unfinished);

        let referenced: HashSet<String> = [kept_sha.clone()].into();
        let grace = Duration::from_secs(3600);
        let soon = store.find_garbage(&referenced, SystemTime::now(), grace).unwrap();
        assert_eq!(soon, Garbage::default(), "young files are left alone");

        let later = SystemTime::now() + grace;
        let found = store.find_garbage(&referenced, later, grace).unwrap();
        assert_eq!(found.orphans, std::slice::from_ref(&orphan_sha));
        assert_eq!(found.unfinished.len(), 1);
        assert!(store.path_of(&orphan_sha).exists(), "finding removes nothing");
        assert!(!store.remove_if_stale(&store.path_of(&orphan_sha), SystemTime::now(), grace).unwrap(), "still young");
        assert!(store.remove_if_stale(&store.path_of(&orphan_sha), later, grace).unwrap());
        assert!(store.remove_if_stale(&found.unfinished[0], later, grace).unwrap());
        assert!(!store.remove_if_stale(&store.path_of(&orphan_sha), later, grace).unwrap(), "already gone");
        assert!(!store.path_of(&orphan_sha).exists());
        assert!(store.path_of(&kept_sha).exists());
        assert_eq!(fs::read_dir(store.incoming_dir()).unwrap().count(), 0);
    }
}
