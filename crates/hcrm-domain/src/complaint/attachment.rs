//! CMP-9: attachments of a complaint — photos, letters, signed agreements and the patient's
//! signed refund documents. A file is known by its content, never by its name alone: the
//! first bytes must be one of the allowed formats, and a file name's extension, when it has
//! one, must agree with them (an `.exe` renamed `.png` is refused).

use serde::{Deserialize, Serialize};

use crate::customer::kinds::coded_enum;
use crate::i18n::{Label, Lang};

/// The largest attachment the server takes: 20 MB (a phone photo or a scanned agreement of
/// many pages). The setting `complaint_attachments.max_bytes` may lower it, not raise it.
pub const MAX_ATTACHMENT_BYTES: usize = 20 * 1024 * 1024;

/// The longest file name kept (characters).
pub const MAX_FILE_NAME_CHARS: usize = 200;

coded_enum! {
    /// 附件类别 — what an attachment of a complaint is.
    pub enum AttachmentKind {
        Photo = "photo", "照片", "Photo";
        Letter = "letter", "投诉信件", "Letter";
        SignedAgreement = "signed_agreement", "处理协议书", "Signed agreement";
        SignedDocument = "signed_document", "患者签署文件", "Patient's signed document";
        Other = "other", "其他", "Other";
    }
}

coded_enum! {
    /// 文件格式 — the formats an attachment may have, known by their content.
    pub enum FileFormat {
        Jpeg = "jpeg", "JPEG 图片", "JPEG image";
        Png = "png", "PNG 图片", "PNG image";
        Pdf = "pdf", "PDF 文档", "PDF document";
        Docx = "docx", "Word 文档", "Word document";
    }
}

impl FileFormat {
    /// The media type the file is stored and sent with.
    pub fn media_type(self) -> &'static str {
        match self {
            FileFormat::Jpeg => "image/jpeg",
            FileFormat::Png => "image/png",
            FileFormat::Pdf => "application/pdf",
            FileFormat::Docx => {
                "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
            }
        }
    }

    /// The file name extensions of the format (lower case, with the dot).
    pub fn extensions(self) -> &'static [&'static str] {
        match self {
            FileFormat::Jpeg => &[".jpg", ".jpeg"],
            FileFormat::Png => &[".png"],
            FileFormat::Pdf => &[".pdf"],
            FileFormat::Docx => &[".docx"],
        }
    }

    /// The format of `bytes` by its signature; `None` for anything else (executables,
    /// scripts, HTML, other archives, an empty file).
    pub fn sniff(bytes: &[u8]) -> Option<FileFormat> {
        if bytes.starts_with(&[0xFF, 0xD8, 0xFF]) {
            Some(FileFormat::Jpeg)
        } else if bytes.starts_with(b"\x89PNG\r\n\x1a\n") {
            Some(FileFormat::Png)
        } else if bytes.starts_with(b"%PDF-") {
            Some(FileFormat::Pdf)
        } else if bytes.starts_with(b"PK\x03\x04") && is_word_package(bytes) {
            Some(FileFormat::Docx)
        } else {
            None
        }
    }
}

/// A ZIP archive is a Word document when its directory names `[Content_Types].xml` and a
/// part under `word/` (the parts every .docx has); other archives (.xlsx, .jar, .apk) are not.
fn is_word_package(bytes: &[u8]) -> bool {
    let has = |needle: &[u8]| bytes.windows(needle.len()).any(|w| w == needle);
    has(b"[Content_Types].xml") && has(b"word/document.xml")
}

/// Why a file is refused.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FileRefused {
    Empty,
    TooLarge,
    /// The content is none of the allowed formats.
    UnsupportedType,
    /// The name's extension says another format than the content.
    NameMismatch(FileFormat),
}

impl FileRefused {
    pub fn code(self) -> &'static str {
        match self {
            FileRefused::Empty => "empty",
            FileRefused::TooLarge => "payload_too_large",
            FileRefused::UnsupportedType => "unsupported_file_type",
            FileRefused::NameMismatch(_) => "file_name_mismatch",
        }
    }
}

/// Checks a file: not empty, at most `max_bytes` (and never more than
/// [`MAX_ATTACHMENT_BYTES`]), of an allowed format by its content, and named (if at all) with
/// an extension of that format — or with none.
pub fn check_file(
    bytes: &[u8],
    file_name: Option<&str>,
    max_bytes: usize,
) -> Result<FileFormat, FileRefused> {
    if bytes.is_empty() {
        return Err(FileRefused::Empty);
    }
    if bytes.len() > max_bytes.min(MAX_ATTACHMENT_BYTES) {
        return Err(FileRefused::TooLarge);
    }
    let format = FileFormat::sniff(bytes).ok_or(FileRefused::UnsupportedType)?;
    if let Some(name) = file_name {
        let lower = name.to_lowercase();
        let has_extension = lower.rsplit_once('.').is_some_and(|(stem, ext)| {
            !stem.is_empty() && !ext.is_empty() && ext.chars().all(|c| c.is_ascii_alphanumeric())
        });
        if has_extension && !format.extensions().iter().any(|e| lower.ends_with(e)) {
            return Err(FileRefused::NameMismatch(format));
        }
    }
    Ok(format)
}

/// The file name as kept: its last path segment (a client may send `C:\scan\信.pdf`), without
/// control characters and quotes, at most [`MAX_FILE_NAME_CHARS`]; the format's own name
/// (`attachment.pdf`) when nothing is left.
pub fn clean_file_name(raw: Option<&str>, format: FileFormat) -> String {
    let last = raw
        .unwrap_or_default()
        .rsplit(['/', '\\'])
        .next()
        .unwrap_or_default();
    let cleaned: String = last
        .chars()
        .filter(|c| !c.is_control() && !matches!(c, '"' | '\u{200b}'..='\u{200f}' | '\u{202a}'..='\u{202e}' | '\u{2066}'..='\u{2069}' | '\u{feff}'))
        .take(MAX_FILE_NAME_CHARS)
        .collect();
    let cleaned = cleaned.trim().to_string();
    if cleaned.is_empty() || cleaned.chars().all(|c| c == '.') {
        format!("attachment{}", format.extensions()[0])
    } else {
        cleaned
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const PNG: &[u8] = b"\x89PNG\r\n\x1a\n\0\0\0\rIHDR";
    const EXE: &[u8] = b"MZ\x90\0\x03\0\0\0\x04\0\0\0\xff\xff";

    #[test]
    fn files_are_known_by_their_content() {
        assert_eq!(FileFormat::sniff(PNG), Some(FileFormat::Png));
        assert_eq!(
            FileFormat::sniff(b"\xff\xd8\xff\xe0JFIF"),
            Some(FileFormat::Jpeg)
        );
        assert_eq!(FileFormat::sniff(b"%PDF-1.7\n"), Some(FileFormat::Pdf));
        let docx = b"PK\x03\x04....[Content_Types].xml....word/document.xml...";
        assert_eq!(FileFormat::sniff(docx), Some(FileFormat::Docx));
        let xlsx = b"PK\x03\x04....[Content_Types].xml....xl/workbook.xml...";
        assert_eq!(FileFormat::sniff(xlsx), None);
        assert_eq!(FileFormat::sniff(EXE), None);
        assert_eq!(FileFormat::sniff(b"<html><script>"), None);
        assert_eq!(FileFormat::sniff(b""), None);
    }

    #[test]
    fn a_file_is_checked_by_content_size_and_name() {
        assert_eq!(
            check_file(PNG, Some("伤口.PNG"), MAX_ATTACHMENT_BYTES),
            Ok(FileFormat::Png)
        );
        assert_eq!(
            check_file(PNG, None, MAX_ATTACHMENT_BYTES),
            Ok(FileFormat::Png)
        );
        assert_eq!(
            check_file(PNG, Some("photo"), MAX_ATTACHMENT_BYTES),
            Ok(FileFormat::Png)
        );
        assert_eq!(
            check_file(EXE, Some("photo.png"), MAX_ATTACHMENT_BYTES),
            Err(FileRefused::UnsupportedType)
        );
        assert_eq!(
            check_file(PNG, Some("photo.pdf"), MAX_ATTACHMENT_BYTES),
            Err(FileRefused::NameMismatch(FileFormat::Png))
        );
        assert_eq!(
            check_file(PNG, Some("photo.png.exe"), MAX_ATTACHMENT_BYTES),
            Err(FileRefused::NameMismatch(FileFormat::Png))
        );
        assert_eq!(
            check_file(b"", Some("a.png"), MAX_ATTACHMENT_BYTES),
            Err(FileRefused::Empty)
        );
        let mut big = PNG.to_vec();
        big.resize(MAX_ATTACHMENT_BYTES, 0);
        assert_eq!(
            check_file(&big, None, MAX_ATTACHMENT_BYTES),
            Ok(FileFormat::Png)
        );
        assert_eq!(check_file(&big, None, 1_000), Err(FileRefused::TooLarge));
        big.push(0);
        assert_eq!(
            check_file(&big, None, MAX_ATTACHMENT_BYTES),
            Err(FileRefused::TooLarge)
        );
        assert_eq!(
            check_file(&big, None, usize::MAX),
            Err(FileRefused::TooLarge)
        );
    }

    #[test]
    fn file_names_keep_their_last_segment_without_control_characters() {
        assert_eq!(
            clean_file_name(Some("C:\\scan\\信.pdf"), FileFormat::Pdf),
            "信.pdf"
        );
        assert_eq!(
            clean_file_name(Some("../../etc/a\r\n\".png"), FileFormat::Png),
            "a.png"
        );
        assert_eq!(
            clean_file_name(Some(".."), FileFormat::Png),
            "attachment.png"
        );
        assert_eq!(clean_file_name(None, FileFormat::Jpeg), "attachment.jpg");
    }
}
