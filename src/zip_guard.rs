//! Every zip archive the program opens from outside goes through here: roster workbooks (`.xlsx`),
//! Office and OpenDocument evidence, and any `.docx` read later. A few hundred kilobytes of deflate
//! can unpack into gigabytes (a 2 MB roster held 2.3 GB in memory before this guard), and an
//! archive's own header may lie about what it holds, so the guard caps:
//!
//! - the number of entries, counted before the archive is parsed: every end-of-central-directory
//!   record anywhere in the file is read, since the zip reader falls back from one to another and
//!   allocates per entry;
//! - each entry's declared size, their total and their ratio to the packed size, before anything
//!   is unpacked;
//! - each entry's actual size, the running total and the ratio while it is unpacked, through a
//!   byte-limited reader, so a lying header stops the unpacking at the limit instead of after it.
//!
//! A refusal names the entry where it helps; callers name the file.

use std::io::{self, Cursor, Read, Seek, SeekFrom};

use memchr::memmem;
use zip::ZipArchive;

const MIB: u64 = 1024 * 1024;

/// Below this many unpacked bytes an entry's ratio is not judged: small parts of real documents
/// (an empty sheet's styles, a content-types list) compress far better than anything large does.
const RATIO_GRACE: u64 = MIB;

/// What an archive may hold.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Limits {
    /// Entries in the archive.
    pub max_entries: u64,
    /// Unpacked bytes of one entry.
    pub max_entry_bytes: u64,
    /// Unpacked bytes of all entries together.
    pub max_total_bytes: u64,
    /// Unpacked bytes per packed byte of an entry, once it is past [`RATIO_GRACE`]. Real documents
    /// compress up to about 20:1 (XML) and rarely past 100:1; deflate itself stops near 1,032:1.
    pub max_ratio: u64,
}

impl Limits {
    /// A roster workbook, read whole: its XML is parsed into cells, so what it unpacks to is held
    /// in memory. A real roster of 8,000 projects unpacks to about 11 MB.
    pub const ROSTER: Limits =
        Limits { max_entries: 1_000, max_entry_bytes: 32 * MIB, max_total_bytes: 64 * MIB, max_ratio: 100 };

    /// An evidence file that is a zip (Office, OpenDocument, a plain archive): only its parts list and
    /// its `mimetype` are read, but what it declares must also be sane for the reviewer who opens it.
    /// 65,535 entries is the most a zip without its 64-bit extension can hold.
    pub const EVIDENCE: Limits =
        Limits { max_entries: 65_535, max_entry_bytes: 1024 * MIB, max_total_bytes: 4096 * MIB, max_ratio: 200 };
}

/// Why an archive is refused.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum Refusal {
    /// Not a zip archive the reader understands (or one that is encrypted or damaged).
    #[error("not a readable zip archive")]
    Unreadable,
    /// It holds, or says it holds, more than the limits allow.
    #[error(transparent)]
    TooBig(#[from] Excess),
}

/// Which limit an archive passes.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum Excess {
    /// More entries than the limit.
    #[error("more than {max} entries")]
    TooManyEntries {
        /// The limit.
        max: u64,
    },
    /// One entry unpacks (or says it unpacks) past the limit.
    #[error("{entry} unpacks to more than {max} bytes")]
    EntryTooLarge {
        /// The entry's name.
        entry: String,
        /// The limit in bytes.
        max: u64,
    },
    /// All entries together unpack (or say they unpack) past the limit.
    #[error("the entries unpack to more than {max} bytes")]
    TotalTooLarge {
        /// The limit in bytes.
        max: u64,
    },
    /// One entry unpacks to more than the ratio allows: the mark of a zip bomb.
    #[error("{entry} is compressed more than {max}:1")]
    Ratio {
        /// The entry's name.
        entry: String,
        /// The largest ratio allowed.
        max: u64,
    },
}

impl Excess {
    /// The catalogue key of the message; its arguments come from [`Excess::args`].
    pub fn message_key(&self) -> &'static str {
        match self {
            Excess::TooManyEntries { .. } => "archive.too_many_entries",
            Excess::EntryTooLarge { .. } => "archive.entry_too_large",
            Excess::TotalTooLarge { .. } => "archive.total_too_large",
            Excess::Ratio { .. } => "archive.ratio",
        }
    }

    /// The message's arguments besides the file's name: the limit (in MiB where it is a size) and
    /// the entry where there is one.
    pub fn args(&self) -> Vec<(&'static str, String)> {
        match self {
            Excess::TooManyEntries { max } => vec![("max", max.to_string())],
            Excess::EntryTooLarge { entry, max } => vec![("entry", entry.clone()), ("limit", (max / MIB).to_string())],
            Excess::TotalTooLarge { max } => vec![("limit", (max / MIB).to_string())],
            Excess::Ratio { entry, max } => vec![("entry", entry.clone()), ("max", max.to_string())],
        }
    }
}

/// An opened archive whose entry count and declared sizes are within its limits; reading an entry
/// checks the actual sizes.
pub struct Archive<R> {
    zip: ZipArchive<R>,
    limits: Limits,
    /// Bytes unpacked so far, for the total.
    unpacked: u64,
}

/// Opens an archive within `limits`: counts the entries it declares before parsing it, then checks
/// every entry's declared size and ratio. Nothing is unpacked yet.
pub fn open<R: Read + Seek>(mut reader: R, limits: Limits) -> Result<Archive<R>, Refusal> {
    let declared = most_entries_declared(&mut reader).map_err(|_| Refusal::Unreadable)?;
    if declared > limits.max_entries {
        return Err(Excess::TooManyEntries { max: limits.max_entries }.into());
    }
    reader.seek(SeekFrom::Start(0)).map_err(|_| Refusal::Unreadable)?;
    let mut zip = ZipArchive::new(reader).map_err(|_| Refusal::Unreadable)?;
    if zip.len() as u64 > limits.max_entries {
        return Err(Excess::TooManyEntries { max: limits.max_entries }.into());
    }
    let mut total = 0u64;
    for index in 0..zip.len() {
        let entry = zip.by_index_raw(index).map_err(|_| Refusal::Unreadable)?;
        let (name, size, packed) = (entry.name().to_owned(), entry.size(), entry.compressed_size());
        judge(&limits, &name, size, packed)?;
        total = total.saturating_add(size);
        if total > limits.max_total_bytes {
            return Err(Excess::TotalTooLarge { max: limits.max_total_bytes }.into());
        }
    }
    Ok(Archive { zip, limits, unpacked: 0 })
}

/// Opens an archive held in memory and unpacks every entry (into nothing) to prove that it is
/// within `limits`: for a reader that then opens the same bytes by itself (calamine).
pub fn check_all(bytes: &[u8], limits: Limits) -> Result<(), Refusal> {
    let mut archive = open(Cursor::new(bytes), limits)?;
    for index in 0..archive.zip.len() {
        archive.unpack(index, u64::MAX, &mut io::sink())?;
    }
    Ok(())
}

/// The size and ratio rules for one entry, declared or unpacked so far.
fn judge(limits: &Limits, name: &str, size: u64, packed: u64) -> Result<(), Refusal> {
    if size > limits.max_entry_bytes {
        return Err(Excess::EntryTooLarge { entry: name.to_owned(), max: limits.max_entry_bytes }.into());
    }
    if size > RATIO_GRACE && size / packed.max(1) > limits.max_ratio {
        return Err(Excess::Ratio { entry: name.to_owned(), max: limits.max_ratio }.into());
    }
    Ok(())
}

impl<R: Read + Seek> Archive<R> {
    /// The entries' names, in the archive's order.
    pub fn names(&self) -> impl Iterator<Item = &str> {
        self.zip.file_names()
    }

    /// Whether an entry of this name exists.
    pub fn contains(&self, name: &str) -> bool {
        self.zip.index_for_name(name).is_some()
    }

    /// The first `max` bytes of an entry (all of it if shorter), or `None` when there is no such
    /// entry; what is read counts toward the limits.
    pub fn read_prefix(&mut self, name: &str, max: usize) -> Result<Option<Vec<u8>>, Refusal> {
        let Some(index) = self.zip.index_for_name(name) else { return Ok(None) };
        let mut prefix = Vec::new();
        self.unpack(index, max as u64, &mut prefix)?;
        Ok(Some(prefix))
    }

    /// Unpacks at most `max` bytes of entry `index` into `into`, stopping at the first limit passed:
    /// the entry's size, the total, or its ratio to its packed size.
    fn unpack(&mut self, index: usize, max: u64, into: &mut impl io::Write) -> Result<(), Refusal> {
        let limits = self.limits;
        let mut entry = self.zip.by_index(index).map_err(|_| Refusal::Unreadable)?;
        let (name, packed) = (entry.name().to_owned(), entry.compressed_size());
        let mut buffer = vec![0u8; 64 * 1024];
        let mut size = 0u64;
        while size < max {
            let want = usize::try_from(max - size).map_or(buffer.len(), |left| left.min(buffer.len()));
            let n = match entry.read(&mut buffer[..want]) {
                Ok(0) => break,
                Ok(n) => n,
                Err(e) if e.kind() == io::ErrorKind::Interrupted => continue,
                Err(_) => return Err(Refusal::Unreadable),
            };
            size += n as u64;
            self.unpacked += n as u64;
            judge(&limits, &name, size, packed)?;
            if self.unpacked > limits.max_total_bytes {
                return Err(Excess::TotalTooLarge { max: limits.max_total_bytes }.into());
            }
            into.write_all(&buffer[..n]).map_err(|_| Refusal::Unreadable)?;
        }
        Ok(())
    }
}

/// The most entries any end-of-central-directory record in the input declares, read before the
/// zip reader parses (and allocates for) them. The reader looks for these records backwards through
/// the whole input and falls back to an earlier one when a later one does not parse, so every
/// record found counts, the 64-bit kind too.
fn most_entries_declared<R: Read>(reader: &mut R) -> io::Result<u64> {
    const END: &[u8] = b"PK\x05\x06";
    const END64: &[u8] = b"PK\x06\x06";
    // A record's counts end 12 bytes (the classic record) or 40 bytes (the 64-bit one) after its
    // signature; a record cut by a chunk's end is read again with the next chunk.
    const TAIL: usize = 40;
    let u16_at = |b: &[u8], at: usize| b.get(at..at + 2).map_or(0, |s| u64::from(u16::from_le_bytes([s[0], s[1]])));
    let u64_at =
        |b: &[u8], at: usize| b.get(at..at + 8).and_then(|s| <[u8; 8]>::try_from(s).ok()).map_or(0, u64::from_le_bytes);
    let mut most = 0u64;
    let mut window: Vec<u8> = Vec::new();
    let mut chunk = vec![0u8; 1024 * 1024];
    loop {
        let n = match reader.read(&mut chunk) {
            Ok(n) => n,
            Err(e) if e.kind() == io::ErrorKind::Interrupted => continue,
            Err(e) => return Err(e),
        };
        window.extend_from_slice(&chunk[..n]);
        let done = n == 0;
        // Records starting before `settled` have all their counts inside the window.
        let settled = if done { window.len() } else { window.len().saturating_sub(TAIL) };
        for at in memmem::find_iter(&window, END).take_while(|&at| at < settled) {
            most = most.max(u16_at(&window, at + 8)).max(u16_at(&window, at + 10));
        }
        for at in memmem::find_iter(&window, END64).take_while(|&at| at < settled) {
            most = most.max(u64_at(&window, at + 24)).max(u64_at(&window, at + 32));
        }
        if done {
            return Ok(most);
        }
        window.drain(..settled);
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::io::Write;
    use zip::write::SimpleFileOptions;

    fn zip_with(entries: &[(&str, Vec<u8>)]) -> Vec<u8> {
        let mut writer = zip::ZipWriter::new(Cursor::new(Vec::new()));
        let options = SimpleFileOptions::default().compression_method(zip::CompressionMethod::Deflated);
        for (name, content) in entries {
            writer.start_file(*name, options).unwrap();
            writer.write_all(content).unwrap();
        }
        writer.finish().unwrap().into_inner()
    }

    const SMALL: Limits = Limits { max_entries: 3, max_entry_bytes: 4 * MIB, max_total_bytes: 6 * MIB, max_ratio: 50 };

    /// Varied bytes that deflate cannot shrink much.
    fn noise(len: usize) -> Vec<u8> {
        let mut x = 0x2545_f491_u32;
        (0..len)
            .map(|_| {
                x ^= x << 13;
                x ^= x >> 17;
                x ^= x << 5;
                x as u8
            })
            .collect()
    }

    #[test]
    fn an_archive_within_its_limits_opens_and_reads() {
        let bytes = zip_with(&[("mimetype", b"application/vnd.oasis.opendocument.text".to_vec()), ("a", noise(1000))]);
        let mut archive = open(Cursor::new(&bytes), SMALL).unwrap();
        assert_eq!(archive.names().collect::<Vec<_>>(), ["mimetype", "a"]);
        assert!(archive.contains("a") && !archive.contains("b"));
        assert_eq!(archive.read_prefix("mimetype", 11).unwrap().unwrap(), b"application");
        assert_eq!(archive.read_prefix("missing", 11).unwrap(), None);
        check_all(&bytes, SMALL).unwrap();
    }

    #[test]
    fn too_many_entries_are_refused_before_the_archive_is_parsed() {
        let entries: Vec<(&str, Vec<u8>)> = ["a", "b", "c", "d"].iter().map(|n| (*n, vec![1])).collect();
        let bytes = zip_with(&entries);
        assert_eq!(most_entries_declared(&mut Cursor::new(&bytes)).unwrap(), 4);
        assert_eq!(open(Cursor::new(&bytes), SMALL).err(), Some(Excess::TooManyEntries { max: 3 }.into()));
        // A record claiming 60,000 entries hidden before the real one still counts: the reader
        // would fall back to it if the last one did not parse.
        let mut decoy = b"PK\x05\x06\0\0\0\0\x60\xea\x60\xea".to_vec();
        decoy.extend(zip_with(&[("a", vec![1])]));
        assert_eq!(most_entries_declared(&mut Cursor::new(&decoy)).unwrap(), 60_000);
    }

    #[test]
    fn records_cut_by_a_chunk_boundary_are_still_read() {
        let mut bytes = vec![0u8; 1024 * 1024 - 6];
        bytes.extend_from_slice(b"PK\x05\x06\0\0\0\0\x10\x27\x10\x27");
        bytes.extend_from_slice(&[0u8; 10]);
        assert_eq!(most_entries_declared(&mut Cursor::new(&bytes)).unwrap(), 10_000);
        let mut bytes = vec![0u8; 1024 * 1024 - 30];
        bytes.extend_from_slice(b"PK\x06\x06");
        bytes.extend_from_slice(&[0u8; 28]);
        bytes.extend_from_slice(&70_000u64.to_le_bytes());
        assert_eq!(most_entries_declared(&mut Cursor::new(&bytes)).unwrap(), 70_000);
    }

    #[test]
    fn declared_and_actual_sizes_and_ratios_are_capped() {
        let big = zip_with(&[("big", noise(5 * MIB as usize))]);
        assert_eq!(
            open(Cursor::new(&big), SMALL).err(),
            Some(Excess::EntryTooLarge { entry: "big".into(), max: 4 * MIB }.into())
        );
        let two = zip_with(&[("a", noise(3 * MIB as usize)), ("b", noise(3 * MIB as usize + 1))]);
        assert_eq!(open(Cursor::new(&two), SMALL).err(), Some(Excess::TotalTooLarge { max: 6 * MIB }.into()));
        let bomb = zip_with(&[("sheet.xml", vec![b'A'; 3 * MIB as usize])]);
        assert_eq!(
            open(Cursor::new(&bomb), SMALL).err(),
            Some(Excess::Ratio { entry: "sheet.xml".into(), max: 50 }.into())
        );
        // Below the grace size, a part may compress as well as it likes.
        check_all(&zip_with(&[("styles.xml", vec![b' '; 500_000])]), SMALL).unwrap();
    }

    /// An archive whose header claims `claimed` bytes for an entry that holds `real`: the zip writer
    /// has already written the true sizes, so the test rewrites them in both headers.
    fn lying(real: &[u8], claimed: u32) -> Vec<u8> {
        let mut bytes = zip_with(&[("sheet.xml", real.to_vec())]);
        let real_size = u32::try_from(real.len()).unwrap().to_le_bytes();
        let at: Vec<usize> = memmem::find_iter(&bytes, &real_size).collect();
        assert!(at.len() >= 2, "the size is in the local and the central header");
        for position in at {
            bytes[position..position + 4].copy_from_slice(&claimed.to_le_bytes());
        }
        bytes
    }

    #[test]
    fn a_header_that_understates_the_size_is_caught_while_unpacking() {
        let limits = Limits { max_ratio: 10_000, ..SMALL };
        let bytes = lying(&vec![b'A'; 5 * MIB as usize], 100);
        let mut archive = open(Cursor::new(&bytes), limits).expect("the declared sizes are small");
        let mut sink = Vec::new();
        // The zip reader inflates past a deflated entry's declared size (it checks only the
        // checksum, at the end), so the count of what comes out is what stops it.
        assert_eq!(
            archive.unpack(0, u64::MAX, &mut sink),
            Err(Excess::EntryTooLarge { entry: "sheet.xml".into(), max: 4 * MIB }.into())
        );
        assert!(sink.len() as u64 <= 4 * MIB, "unpacked {} bytes", sink.len());
    }

    #[test]
    fn what_is_not_a_zip_is_unreadable() {
        assert_eq!(open(Cursor::new(b"PK\x03\x04 not really"), SMALL).err(), Some(Refusal::Unreadable));
        assert_eq!(check_all(b"", SMALL), Err(Refusal::Unreadable));
    }

    proptest::proptest! {
        #![proptest_config(proptest::prelude::ProptestConfig::with_cases(crate::fuzz_cases(200)))]

        #[test]
        fn fuzz_any_bytes_are_opened_or_refused(bytes in proptest::collection::vec(proptest::prelude::any::<u8>(), 0..2000)) {
            let mut with_signature = b"PK\x03\x04".to_vec();
            with_signature.extend(&bytes);
            let _ = check_all(&with_signature, SMALL);
            let _ = check_all(&bytes, SMALL);
        }
    }
}
