//! Evidence files as they arrive: the name each may be kept under, its content streamed into the
//! file store's incoming folder within the size limit, its type recognised from the content (zips
//! through the zip guard), and the daily upload quota. A file that is refused, or never kept,
//! removes itself from the incoming folder.

use std::collections::HashMap;
use std::io;

use chrono::NaiveDateTime;

use crate::db::DbConnection;
use crate::db::evidence;
use crate::db::user::User;
use crate::domain::proof::ProofKind;
use crate::domain::refusal::{Args, Failure, Refusal};
use crate::files::FileStore;
use crate::files::kind::{self, BadName, FileKind, FileRefusal};
use crate::files::store::{Incoming, ReceiveError, Received};

/// Why files were not taken: a failure as every use case has, or a refusal of the files
/// themselves, which the web answers with statuses of their own.
#[derive(Debug)]
pub enum UploadFailure {
    /// Refused or failed like any other operation.
    Failed(Failure),
    /// One file over the per-file limit: its name and the limit in MiB.
    FileTooLarge(String, u64),
    /// A file of a type not accepted: the message's key and arguments naming it.
    FileType(&'static str, Args),
    /// An archive (an Office document, a zip) that holds or unpacks to more than may be opened:
    /// the message's key and arguments naming the file.
    Inflated(&'static str, Args),
    /// The uploader's files of the last 24 hours would pass the daily quota.
    Quota {
        /// Bytes uploaded in the last 24 hours before these.
        used: u64,
        /// The quota in bytes.
        limit: u64,
        /// Seconds until the oldest of those uploads leaves the window; none when these files
        /// alone are over the quota.
        retry_after: Option<u64>,
    },
    /// The disk is full; nothing was kept.
    StorageFull,
}

/// Whatever a use case's failure comes from (a refusal, a database error) fails an upload too.
impl<E> From<E> for UploadFailure
where
    Failure: From<E>,
{
    fn from(error: E) -> Self {
        UploadFailure::Failed(error.into())
    }
}

/// A full disk is the operator's to fix and says so; anything else is internal.
pub(crate) fn storage_error(error: io::Error) -> UploadFailure {
    if error.kind() == io::ErrorKind::StorageFull {
        UploadFailure::StorageFull
    } else {
        UploadFailure::Failed(Failure::Internal(
            anyhow::Error::new(error).context("cannot write an uploaded file").into(),
        ))
    }
}

/// What a user has uploaded in the last 24 hours, against the daily quota.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Quota {
    /// Bytes of evidence files attached in the last 24 hours.
    pub used: u64,
    /// The quota (`evidence.daily_upload_mb`).
    pub limit: u64,
    /// Seconds until the oldest of those uploads leaves the window; none when there are none.
    pub frees_in: Option<u64>,
}

impl Quota {
    /// The refusal of an upload that `more` bytes would take past the quota.
    pub fn check(&self, more: u64) -> Result<(), UploadFailure> {
        if self.used.saturating_add(more) <= self.limit {
            return Ok(());
        }
        Err(UploadFailure::Quota { used: self.used, limit: self.limit, retry_after: self.frees_in })
    }
}

/// What `user` has uploaded in the 24 hours before `now`, against the daily quota of `limit` bytes.
pub fn quota(conn: &mut DbConnection, user: &User, now: NaiveDateTime, limit: u64) -> Result<Quota, Failure> {
    let window = chrono::Duration::hours(24);
    let (used, oldest) = evidence::uploaded_since(conn, user.id, now - window)?;
    Ok(Quota {
        used: u64::try_from(used).unwrap_or_default(),
        limit,
        frees_in: oldest.map(|at| u64::try_from((at + window - now).num_seconds()).unwrap_or_default().max(1)),
    })
}

/// A received file, checked and waiting in the incoming folder.
#[derive(Debug)]
pub struct ReceivedFile {
    /// The form field it came in.
    pub field: String,
    /// The kind of proof named by the field, if any.
    pub proof: Option<ProofKind>,
    /// The name it was uploaded under, without invisible characters.
    pub name: String,
    /// Its type, recognised from the content.
    pub kind: FileKind,
    /// The content.
    pub received: Received,
}

/// A read evidence form: its text fields and its received files.
#[derive(Debug, Default)]
pub struct EvidenceForm {
    /// Text fields (the last value wins).
    pub fields: HashMap<String, String>,
    /// Files in the order they came.
    pub files: Vec<ReceivedFile>,
}

impl EvidenceForm {
    /// A text field, empty when absent.
    pub fn text(&self, name: &str) -> &str {
        self.fields.get(name).map_or("", String::as_str)
    }
}

/// The name a file sent as `sent` is kept under: without invisible format characters, and refused
/// when empty, too long, a path or holding control characters.
pub fn file_name(sent: &str) -> Result<String, UploadFailure> {
    let name = kind::clean_name(sent);
    kind::check_name(&name).map_err(|bad| refused_name(&name, bad))?;
    Ok(name)
}

fn refused_name(name: &str, bad: BadName) -> UploadFailure {
    let key = match bad {
        BadName::Empty => "evidence.error.name_empty",
        BadName::TooLong => "evidence.error.name_too_long",
        BadName::Path => "evidence.error.name_path",
        BadName::Control => "evidence.error.name_control",
    };
    // The name is shown back only without its control characters.
    let shown: String = name.chars().filter(|c| !c.is_control()).take(80).collect();
    Refusal::Unusable(key, vec![("name", shown)]).into()
}

/// A file being received into the store's incoming folder.
#[derive(Debug)]
pub struct IncomingFile {
    name: String,
    incoming: Incoming,
}

/// Starts receiving a file named `name` (see [`file_name`]) of at most `max_bytes`.
pub fn receive(store: &FileStore, name: String, max_bytes: u64) -> Result<IncomingFile, UploadFailure> {
    let incoming = store.receive(max_bytes).map_err(storage_error)?;
    Ok(IncomingFile { name, incoming })
}

impl IncomingFile {
    /// Appends a chunk of the content; refused once the file passes its size limit.
    pub fn write(&mut self, chunk: &[u8]) -> Result<(), UploadFailure> {
        self.incoming.write(chunk).map_err(|e| match e {
            ReceiveError::TooLarge(limit) => UploadFailure::FileTooLarge(self.name.clone(), limit / (1024 * 1024)),
            ReceiveError::Io(e) => storage_error(e),
        })
    }

    /// Completes the file and recognises its type from the content, which must match its name's
    /// extension. Blocking: it fsyncs and may look inside an Office document.
    pub fn finish(self, field: String, proof: Option<ProofKind>) -> Result<ReceivedFile, UploadFailure> {
        let IncomingFile { name, incoming } = self;
        if incoming.size() == 0 {
            return Err(UploadFailure::FileType("evidence.error.empty_file", vec![("name", name)]));
        }
        let received = incoming.finish().map_err(storage_error)?;
        let content = std::fs::File::open(received.path()).map_err(storage_error)?;
        let kind = kind::recognise(&name, &received.head, io::BufReader::new(content))
            .map_err(|refusal| refused_type(&name, refusal))?;
        Ok(ReceivedFile { field, proof, name, kind, received })
    }
}

fn refused_type(name: &str, refusal: FileRefusal) -> UploadFailure {
    let name = name.to_owned();
    match refusal {
        FileRefusal::UnknownContent => UploadFailure::FileType("evidence.error.file_type", vec![("name", name)]),
        FileRefusal::Extension { kind, extension } => {
            let mut args =
                vec![("name", name), ("content", kind.label.to_owned()), ("expected", kind.extension_list())];
            match extension {
                Some(extension) => {
                    args.push(("extension", extension));
                    UploadFailure::FileType("evidence.error.file_mismatch", args)
                }
                None => UploadFailure::FileType("evidence.error.file_no_extension", args),
            }
        }
        FileRefusal::Archive(excess) => {
            let mut args = vec![("name", name)];
            args.extend(excess.args());
            UploadFailure::Inflated(excess.message_key(), args)
        }
    }
}
