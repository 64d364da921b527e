//! Uploaded files (申报材料): which types are accepted, judged by content (magic bytes and, for
//! Office files, the names inside the zip's central directory) and not by the name alone; and
//! which file names are acceptable. Pure: the server and the browser run the same checks.

use super::error::{FieldError, FieldErrors};
use serde::{Deserialize, Serialize};

/// Default limits (configurable on the server).
pub const MAX_FILE_BYTES: u64 = 50 * 1024 * 1024;
pub const MAX_CASE_BYTES: u64 = 500 * 1024 * 1024;
/// The current materials of all of one institution's cases together (a quota, so that an
/// account cannot fill the disk with drafts).
pub const MAX_INSTITUTION_BYTES: u64 = 2 * 1024 * 1024 * 1024;
/// File names are at most this many bytes (UTF-8), as most file systems allow.
pub const MAX_NAME_BYTES: usize = 255;
/// A zip with more entries than this is refused (zip bombs, malformed archives).
pub const MAX_ZIP_ENTRIES: usize = 10_000;

coded! {
    /// An accepted file type.
    #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
    #[serde(rename_all = "snake_case")]
    pub enum FileType {
        Pdf = "pdf",
        Docx = "docx",
        Xlsx = "xlsx",
        Pptx = "pptx",
        Jpeg = "jpeg",
        Png = "png",
        Mp4 = "mp4",
    }
}

impl FileType {
    pub fn mime(self) -> &'static str {
        match self {
            FileType::Pdf => "application/pdf",
            FileType::Docx => {
                "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
            }
            FileType::Xlsx => "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
            FileType::Pptx => {
                "application/vnd.openxmlformats-officedocument.presentationml.presentation"
            }
            FileType::Jpeg => "image/jpeg",
            FileType::Png => "image/png",
            FileType::Mp4 => "video/mp4",
        }
    }

    /// File name extensions that belong to this type.
    pub fn extensions(self) -> &'static [&'static str] {
        match self {
            FileType::Pdf => &["pdf"],
            FileType::Docx => &["docx"],
            FileType::Xlsx => &["xlsx"],
            FileType::Pptx => &["pptx"],
            FileType::Jpeg => &["jpg", "jpeg"],
            FileType::Png => &["png"],
            FileType::Mp4 => &["mp4", "m4v"],
        }
    }

    /// Shown in the page (PDF and images); everything else only downloads.
    pub fn viewable_inline(self) -> bool {
        matches!(self, FileType::Pdf | FileType::Jpeg | FileType::Png)
    }

    /// The `accept` attribute of a file input.
    pub fn accept_attribute() -> String {
        FileType::ALL
            .iter()
            .flat_map(|t| t.extensions().iter().map(|e| format!(".{e}")))
            .collect::<Vec<_>>()
            .join(",")
    }
}

/// Why a file's content is refused.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum SniffError {
    Empty,
    Unknown,
    /// A zip that is not a Word, Excel or PowerPoint file, or is malformed.
    BadOffice,
}

impl SniffError {
    pub fn key(&self) -> &'static str {
        match self {
            SniffError::Empty => "err.file.empty",
            SniffError::Unknown => "err.file.type_unknown",
            SniffError::BadOffice => "err.file.office_invalid",
        }
    }
}

/// The type of a file from its first bytes; `tail` is the last up-to-64 KiB of a zip (where its
/// central directory lives). `whole` may be the same slice for small files.
pub fn sniff(head: &[u8], tail: &[u8]) -> Result<FileType, SniffError> {
    if head.is_empty() {
        return Err(SniffError::Empty);
    }
    if head.starts_with(b"%PDF-") {
        return Ok(FileType::Pdf);
    }
    if head.starts_with(b"\x89PNG\r\n\x1a\n") {
        return Ok(FileType::Png);
    }
    if head.starts_with(&[0xFF, 0xD8, 0xFF]) {
        return Ok(FileType::Jpeg);
    }
    if head.len() >= 12 && &head[4..8] == b"ftyp" {
        let brand = &head[8..12];
        const MP4_BRANDS: [&[u8; 4]; 8] = [
            b"isom", b"iso2", b"mp41", b"mp42", b"avc1", b"M4V ", b"dash", b"mmp4",
        ];
        if MP4_BRANDS.iter().any(|b| brand == *b) {
            return Ok(FileType::Mp4);
        }
        return Err(SniffError::Unknown);
    }
    if head.starts_with(b"PK\x03\x04") {
        let names = zip_entry_names(tail).ok_or(SniffError::BadOffice)?;
        if !names.iter().any(|n| n == "[Content_Types].xml") {
            return Err(SniffError::BadOffice);
        }
        let has = |prefix: &str| names.iter().any(|n| n.starts_with(prefix));
        return if has("word/") {
            Ok(FileType::Docx)
        } else if has("xl/") {
            Ok(FileType::Xlsx)
        } else if has("ppt/") {
            Ok(FileType::Pptx)
        } else {
            Err(SniffError::BadOffice)
        };
    }
    Err(SniffError::Unknown)
}

fn u16_at(b: &[u8], i: usize) -> Option<usize> {
    Some(u16::from_le_bytes([*b.get(i)?, *b.get(i + 1)?]) as usize)
}

fn u32_at(b: &[u8], i: usize) -> Option<usize> {
    Some(u32::from_le_bytes([*b.get(i)?, *b.get(i + 1)?, *b.get(i + 2)?, *b.get(i + 3)?]) as usize)
}

/// The entry names of a zip, read from the central directory in `tail` (the end of the file).
/// Only names are read, nothing is decompressed. `None` when malformed or over the limits.
pub fn zip_entry_names(tail: &[u8]) -> Option<Vec<String>> {
    // End of central directory: signature PK\x05\x06, at least 22 bytes from the end.
    if tail.len() < 22 {
        return None;
    }
    let eocd = (0..=tail.len() - 22)
        .rev()
        .find(|&i| tail[i..].starts_with(b"PK\x05\x06"))?;
    let entries = u16_at(tail, eocd + 10)?;
    let cd_size = u32_at(tail, eocd + 12)?;
    if entries > MAX_ZIP_ENTRIES || cd_size > eocd {
        return None;
    }
    // The central directory sits right before the end record.
    let mut p = eocd - cd_size;
    let mut names = Vec::with_capacity(entries);
    for _ in 0..entries {
        if !tail.get(p..)?.starts_with(b"PK\x01\x02") {
            return None;
        }
        let name_len = u16_at(tail, p + 28)?;
        let extra_len = u16_at(tail, p + 30)?;
        let comment_len = u16_at(tail, p + 32)?;
        let name = tail.get(p + 46..p + 46 + name_len)?;
        names.push(String::from_utf8_lossy(name).into_owned());
        p += 46 + name_len + extra_len + comment_len;
    }
    Some(names)
}

/// The extension of a file name, lowercased.
pub fn extension(name: &str) -> Option<String> {
    let (_, ext) = name.rsplit_once('.')?;
    (!ext.is_empty()).then(|| ext.to_ascii_lowercase())
}

/// Checks an uploaded file's name: not empty, at most 255 bytes, no path parts, no control
/// characters, and an extension that matches the detected type (when known).
pub fn check_file_name(field: &str, name: &str, detected: Option<FileType>) -> FieldErrors {
    let mut errs = FieldErrors::new();
    let trimmed = name.trim();
    if trimmed.is_empty() {
        errs.add(field, "err.file.name_empty");
        return errs;
    }
    if trimmed.len() > MAX_NAME_BYTES {
        errs.push(FieldError::new(field, "err.file.name_too_long").arg("max", MAX_NAME_BYTES));
    }
    if trimmed.contains('/')
        || trimmed.contains('\\')
        || trimmed == "."
        || trimmed == ".."
        || trimmed.contains("..")
    {
        errs.add(field, "err.file.name_path");
    }
    if trimmed.chars().any(|c| c.is_control()) {
        errs.add(field, "err.file.name_control");
    }
    match (extension(trimmed), detected) {
        (None, _) => errs.add(field, "err.file.extension_missing"),
        (Some(ext), Some(t)) if !t.extensions().contains(&ext.as_str()) => errs.push(
            FieldError::new(field, "err.file.extension_mismatch")
                .arg("ext", ext)
                .arg("type", t.code()),
        ),
        (Some(ext), None)
            if !FileType::ALL
                .iter()
                .any(|t| t.extensions().contains(&ext.as_str())) =>
        {
            errs.push(FieldError::new(field, "err.file.extension_not_allowed").arg("ext", ext))
        }
        _ => {}
    }
    errs
}

/// Checks a file's size against the limits.
pub fn check_size(
    field: &str,
    size: u64,
    case_total_before: u64,
    max_file: u64,
    max_case: u64,
) -> FieldErrors {
    let mut errs = FieldErrors::new();
    if size == 0 {
        errs.add(field, "err.file.empty");
    } else if size > max_file {
        errs.push(
            FieldError::new(field, "err.file.too_large").arg("max_mb", max_file / (1024 * 1024)),
        );
    } else if case_total_before + size > max_case {
        errs.push(
            FieldError::new(field, "err.file.case_too_large")
                .arg("max_mb", max_case / (1024 * 1024)),
        );
    }
    errs
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A minimal zip (stored entries, no data) with the given names.
    pub fn fake_zip(names: &[&str]) -> Vec<u8> {
        let mut out = Vec::new();
        let mut cd = Vec::new();
        for n in names {
            let off = out.len() as u32;
            out.extend_from_slice(b"PK\x03\x04");
            out.extend_from_slice(&[
                20, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,
            ]);
            out.extend_from_slice(&(n.len() as u16).to_le_bytes());
            out.extend_from_slice(&[0, 0]);
            out.extend_from_slice(n.as_bytes());
            cd.extend_from_slice(b"PK\x01\x02");
            cd.extend_from_slice(&[
                20, 0, 20, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,
            ]);
            cd.extend_from_slice(&(n.len() as u16).to_le_bytes());
            cd.extend_from_slice(&[0; 12]);
            cd.extend_from_slice(&off.to_le_bytes());
            cd.extend_from_slice(n.as_bytes());
        }
        let cd_off = out.len() as u32;
        out.extend_from_slice(&cd);
        out.extend_from_slice(b"PK\x05\x06\0\0\0\0");
        out.extend_from_slice(&(names.len() as u16).to_le_bytes());
        out.extend_from_slice(&(names.len() as u16).to_le_bytes());
        out.extend_from_slice(&(cd.len() as u32).to_le_bytes());
        out.extend_from_slice(&cd_off.to_le_bytes());
        out.extend_from_slice(&[0, 0]);
        out
    }

    #[test]
    fn sniffs_by_content() {
        assert_eq!(sniff(b"%PDF-1.7\n...", b""), Ok(FileType::Pdf));
        assert_eq!(sniff(b"\x89PNG\r\n\x1a\n....", b""), Ok(FileType::Png));
        assert_eq!(
            sniff(&[0xFF, 0xD8, 0xFF, 0xE0, 0, 0], b""),
            Ok(FileType::Jpeg)
        );
        assert_eq!(sniff(b"\0\0\0\x20ftypisom\0\0\0\0", b""), Ok(FileType::Mp4));
        assert_eq!(sniff(b"MZ\x90\0\x03\0\0\0", b""), Err(SniffError::Unknown));
        assert_eq!(sniff(b"<html><script>", b""), Err(SniffError::Unknown));
        assert_eq!(sniff(b"", b""), Err(SniffError::Empty));
        let docx = fake_zip(&["[Content_Types].xml", "_rels/.rels", "word/document.xml"]);
        assert_eq!(sniff(&docx, &docx), Ok(FileType::Docx));
        let xlsx = fake_zip(&["[Content_Types].xml", "xl/workbook.xml"]);
        assert_eq!(sniff(&xlsx, &xlsx), Ok(FileType::Xlsx));
        let pptx = fake_zip(&["[Content_Types].xml", "ppt/presentation.xml"]);
        assert_eq!(sniff(&pptx, &pptx), Ok(FileType::Pptx));
        let plain_zip = fake_zip(&["a.txt"]);
        assert_eq!(sniff(&plain_zip, &plain_zip), Err(SniffError::BadOffice));
        let mut broken = docx.clone();
        let n = broken.len();
        broken.truncate(n - 30);
        assert_eq!(sniff(&broken, &broken), Err(SniffError::BadOffice));
    }

    #[test]
    fn file_names() {
        assert!(check_file_name("f", "课程方案.pdf", Some(FileType::Pdf)).is_empty());
        assert!(check_file_name("f", "照片.JPG", Some(FileType::Jpeg)).is_empty());
        assert!(!check_file_name("f", "../etc/passwd.pdf", Some(FileType::Pdf)).is_empty());
        assert!(!check_file_name("f", "a\\b.pdf", Some(FileType::Pdf)).is_empty());
        assert!(!check_file_name("f", "bad\u{7}.pdf", Some(FileType::Pdf)).is_empty());
        assert!(!check_file_name(
            "f",
            &format!("{}.pdf", "长".repeat(90)),
            Some(FileType::Pdf)
        )
        .is_empty());
        assert!(!check_file_name("f", "virus.pdf", Some(FileType::Docx)).is_empty());
        assert!(!check_file_name("f", "noext", None).is_empty());
        assert!(!check_file_name("f", "run.exe", None).is_empty());
        assert!(check_file_name("f", "run.pdf", None).is_empty());
    }

    #[test]
    fn sizes() {
        assert!(!check_size("f", 0, 0, MAX_FILE_BYTES, MAX_CASE_BYTES).is_empty());
        assert!(check_size("f", 10, 0, MAX_FILE_BYTES, MAX_CASE_BYTES).is_empty());
        assert!(!check_size("f", MAX_FILE_BYTES + 1, 0, MAX_FILE_BYTES, MAX_CASE_BYTES).is_empty());
        assert!(
            !check_size("f", 10, MAX_CASE_BYTES - 5, MAX_FILE_BYTES, MAX_CASE_BYTES).is_empty()
        );
    }
}
