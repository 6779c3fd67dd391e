//! Where a snapshot's files come from: a folder on disk, or files held in memory.
//!
//! The reader only needs to list the top-level entries of a snapshot and read a file by its
//! relative path, so both are hidden behind [`SnapshotSource`]. Files in memory let the demo
//! read the snapshots embedded in the binary (no data folder next to it) and would let a future
//! upload be read without writing it to disk first.

use std::borrow::Cow;
use std::collections::BTreeMap;
use std::fmt;
use std::fs;
use std::io;
use std::path::PathBuf;

/// A DashLord snapshot to read: a directory, or files in memory.
#[derive(Debug, Clone)]
pub enum SnapshotSource {
    /// A snapshot directory on disk (one sub-folder per product id, plus `index.csv`).
    Dir(PathBuf),
    /// The same layout, held in memory.
    Memory(MemorySnapshot),
}

/// A snapshot held in memory: relative paths (`"index.csv"`, `"757/jdma.json"`, `/` separated)
/// and their bytes.
///
/// A folder exists when at least one file lies under it.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct MemorySnapshot {
    name: String,
    files: BTreeMap<String, Cow<'static, [u8]>>,
}

impl MemorySnapshot {
    /// An empty snapshot named `name` (how problems refer to it, like a directory's name).
    pub fn new(name: impl Into<String>) -> Self {
        MemorySnapshot {
            name: name.into(),
            files: BTreeMap::new(),
        }
    }

    /// Adds (or replaces) a file; `path` is relative to the snapshot, `/` separated.
    pub fn insert(&mut self, path: impl Into<String>, bytes: impl Into<Cow<'static, [u8]>>) {
        self.files.insert(path.into(), bytes.into());
    }

    /// Same as [`MemorySnapshot::insert`], by value.
    #[must_use]
    pub fn with_file(
        mut self,
        path: impl Into<String>,
        bytes: impl Into<Cow<'static, [u8]>>,
    ) -> Self {
        self.insert(path, bytes);
        self
    }

    /// The number of files.
    pub fn len(&self) -> usize {
        self.files.len()
    }

    /// Whether the snapshot holds no file.
    pub fn is_empty(&self) -> bool {
        self.files.is_empty()
    }
}

/// The directory's path, or the memory snapshot's name: how a person recognises the snapshot.
impl fmt::Display for SnapshotSource {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            SnapshotSource::Dir(dir) => write!(f, "{}", dir.display()),
            SnapshotSource::Memory(m) => f.write_str(&m.name),
        }
    }
}

/// A top-level entry of a snapshot.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
pub(super) struct Entry {
    pub(super) name: String,
    pub(super) is_dir: bool,
}

impl SnapshotSource {
    /// How problems name the snapshot: the directory's last component, or the memory name.
    pub(super) fn name(&self) -> String {
        match self {
            SnapshotSource::Dir(dir) => dir
                .file_name()
                .map(|s| s.to_string_lossy().into_owned())
                .unwrap_or_else(|| dir.display().to_string()),
            SnapshotSource::Memory(m) => m.name.clone(),
        }
    }

    /// The top-level entries, sorted by name. `Err` when the snapshot itself cannot be listed;
    /// an entry that cannot be read is an inner `Err`, reported by the caller.
    pub(super) fn entries(&self) -> io::Result<Vec<io::Result<Entry>>> {
        match self {
            SnapshotSource::Dir(dir) => Ok(fs::read_dir(dir)?
                .map(|entry| {
                    entry.map(|e| Entry {
                        name: e.file_name().to_string_lossy().into_owned(),
                        is_dir: fs::metadata(e.path()).map(|m| m.is_dir()).unwrap_or(false),
                    })
                })
                .collect()),
            SnapshotSource::Memory(m) => {
                let mut entries: Vec<Entry> = m
                    .files
                    .keys()
                    .map(|path| match path.split_once('/') {
                        Some((folder, _)) => Entry {
                            name: folder.to_string(),
                            is_dir: true,
                        },
                        None => Entry {
                            name: path.clone(),
                            is_dir: false,
                        },
                    })
                    .collect();
                entries.sort();
                entries.dedup();
                Ok(entries.into_iter().map(Ok).collect())
            }
        }
    }

    /// The bytes of a file, `/`-separated path relative to the snapshot; a missing file is an
    /// error of kind [`io::ErrorKind::NotFound`].
    pub(super) fn read(&self, path: &str) -> io::Result<Cow<'_, [u8]>> {
        match self {
            SnapshotSource::Dir(dir) => fs::read(dir.join(path)).map(Cow::Owned),
            SnapshotSource::Memory(m) => m
                .files
                .get(path)
                .map(|b| Cow::Borrowed(b.as_ref()))
                .ok_or_else(|| io::Error::from(io::ErrorKind::NotFound)),
        }
    }

    /// Whether a file exists.
    pub(super) fn exists(&self, path: &str) -> bool {
        match self {
            SnapshotSource::Dir(dir) => dir.join(path).exists(),
            SnapshotSource::Memory(m) => m.files.contains_key(path),
        }
    }
}
