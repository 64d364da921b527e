//! The content-addressed file store: bytes under their SHA-256, metadata in the database.
//! `FileStore` is the interface an object store can implement for several servers; `DirStore`
//! keeps files in a directory (`<data>/files/ab/cd/<sha256>`).

use super::entities::blob;
use crate::domain::files::{sniff, FileType, SniffError};
use chrono::{DateTime, Utc};
use sea_orm::{ActiveValue::Set, ConnectionTrait, DbErr, EntityTrait};
use sha2::{Digest, Sha256};
use std::io::{Read, Seek, SeekFrom};
use std::path::{Path, PathBuf};

/// Where file contents live.
pub trait FileStore: Send + Sync + 'static {
    /// Moves a verified temporary file into the store under its hash (no-op if present).
    fn put(&self, temp: &Path, sha256: &str) -> std::io::Result<()>;
    /// A local path to read the content from.
    fn path(&self, sha256: &str) -> std::io::Result<PathBuf>;
    /// A directory for temporary uploads.
    fn temp_dir(&self) -> PathBuf;
}

/// Files in a directory.
#[derive(Debug, Clone)]
pub struct DirStore {
    root: PathBuf,
}

impl DirStore {
    pub fn new(data_dir: &Path) -> std::io::Result<DirStore> {
        let root = data_dir.join("files");
        std::fs::create_dir_all(root.join("tmp"))?;
        Ok(DirStore { root })
    }

    fn location(&self, sha256: &str) -> std::io::Result<PathBuf> {
        if sha256.len() != 64 || !sha256.bytes().all(|b| b.is_ascii_hexdigit()) {
            return Err(std::io::Error::new(
                std::io::ErrorKind::InvalidInput,
                "not a SHA-256",
            ));
        }
        Ok(self
            .root
            .join(&sha256[0..2])
            .join(&sha256[2..4])
            .join(sha256))
    }
}

impl FileStore for DirStore {
    fn put(&self, temp: &Path, sha256: &str) -> std::io::Result<()> {
        let dest = self.location(sha256)?;
        if dest.exists() {
            std::fs::remove_file(temp)?;
            return Ok(());
        }
        if let Some(parent) = dest.parent() {
            std::fs::create_dir_all(parent)?;
        }
        // Durable before the database says it exists.
        std::fs::File::open(temp)?.sync_all()?;
        std::fs::rename(temp, &dest)?;
        Ok(())
    }

    fn path(&self, sha256: &str) -> std::io::Result<PathBuf> {
        self.location(sha256)
    }

    fn temp_dir(&self) -> PathBuf {
        self.root.join("tmp")
    }
}

/// A received upload, hashed and typed, still in its temporary file.
#[derive(Debug)]
pub struct Received {
    pub temp: PathBuf,
    pub size: u64,
    pub sha256: String,
}

/// Types a received file by its content: the first bytes, and for zips the central directory
/// at the end.
pub fn type_of(path: &Path) -> std::io::Result<Result<FileType, SniffError>> {
    let mut f = std::fs::File::open(path)?;
    let len = f.metadata()?.len();
    let mut head = vec![0u8; 64.min(len as usize)];
    f.read_exact(&mut head)?;
    let tail_len = (64 * 1024).min(len);
    f.seek(SeekFrom::Start(len - tail_len))?;
    let mut tail = vec![0u8; tail_len as usize];
    f.read_exact(&mut tail)?;
    Ok(sniff(&head, &tail))
}

/// An incremental SHA-256 writer for streaming uploads to a temporary file.
pub struct HashingWriter {
    pub file: std::fs::File,
    pub hasher: Sha256,
    pub size: u64,
    pub path: PathBuf,
}

impl HashingWriter {
    pub fn create(dir: &Path) -> std::io::Result<HashingWriter> {
        let mut b = [0u8; 12];
        getrandom::fill(&mut b).map_err(|e| std::io::Error::other(e.to_string()))?;
        let path = dir.join(format!("up-{}", hex::encode(b)));
        let file = std::fs::File::create(&path)?;
        Ok(HashingWriter {
            file,
            hasher: Sha256::new(),
            size: 0,
            path,
        })
    }

    pub fn write(&mut self, chunk: &[u8]) -> std::io::Result<()> {
        use std::io::Write;
        self.hasher.update(chunk);
        self.size += chunk.len() as u64;
        self.file.write_all(chunk)
    }

    pub fn finish(self) -> std::io::Result<Received> {
        self.file.sync_all()?;
        Ok(Received {
            temp: self.path,
            size: self.size,
            sha256: hex::encode(self.hasher.finalize()),
        })
    }
}

/// Records a blob's metadata (idempotent).
pub async fn record_blob<C: ConnectionTrait>(
    c: &C,
    sha256: &str,
    size: u64,
    t: FileType,
    now: DateTime<Utc>,
) -> Result<(), DbErr> {
    if blob::Entity::find_by_id(sha256.to_string())
        .one(c)
        .await?
        .is_some()
    {
        return Ok(());
    }
    blob::Entity::insert(blob::ActiveModel {
        sha256: Set(sha256.into()),
        size: Set(size as i64),
        file_type: Set(t.code().into()),
        created_at: Set(now),
    })
    .exec_without_returning(c)
    .await?;
    Ok(())
}

/// Stores bytes made by the server (e.g. the sealed opinion's PDF) under their SHA-256 and
/// records the blob.
pub async fn put_bytes<C: ConnectionTrait>(
    c: &C,
    store: &dyn FileStore,
    bytes: &[u8],
    sha256: &str,
    t: FileType,
    now: DateTime<Utc>,
) -> Result<(), DbErr> {
    let mut name = [0u8; 8];
    getrandom::fill(&mut name).map_err(|e| DbErr::Custom(e.to_string()))?;
    let temp = store.temp_dir().join(format!("made-{}", hex::encode(name)));
    std::fs::write(&temp, bytes).map_err(|e| DbErr::Custom(format!("file store: {e}")))?;
    store
        .put(&temp, sha256)
        .map_err(|e| DbErr::Custom(format!("file store: {e}")))?;
    let _ = std::fs::remove_file(&temp);
    record_blob(c, sha256, bytes.len() as u64, t, now).await
}
