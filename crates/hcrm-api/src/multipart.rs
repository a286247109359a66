//! `multipart/form-data` uploads (RFC 7578) — what generated API clients send for a file
//! (issue 8 item 1). The body has already been read within its limit; this finds one named
//! part in it. Uploads are a few files of at most 10 MB, so a parser over the bytes in memory
//! is enough, and the workspace needs no multipart crate.

use actix_web::HttpRequest;
use actix_web::http::header;

use crate::error::ApiError;

/// Room for the form's envelope (boundaries, part headers) on top of a file's own limit.
pub const ENVELOPE_BYTES: usize = 64 * 1024;

/// The formats a file part may be named by its extension when its `Content-Type` is missing
/// or `application/octet-stream` (as clients send a file whose type they were not told).
const BY_EXTENSION: [(&str, &str); 2] = [
    (".csv", "text/csv"),
    (
        ".xlsx",
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    ),
];

/// One part of a form.
#[derive(Debug, PartialEq, Eq)]
pub struct Part {
    pub content_type: Option<String>,
    pub filename: Option<String>,
    pub bytes: Vec<u8>,
}

impl Part {
    /// The part's media type without parameters, from its `Content-Type`, or else from the
    /// extension of its file name.
    pub fn media_type(&self) -> Option<String> {
        let declared = self
            .content_type
            .as_deref()
            .map(|t| {
                t.split(';')
                    .next()
                    .unwrap_or_default()
                    .trim()
                    .to_ascii_lowercase()
            })
            .filter(|t| !t.is_empty() && t != "application/octet-stream");
        declared.or_else(|| {
            let name = self.filename.as_deref()?.to_ascii_lowercase();
            BY_EXTENSION
                .iter()
                .find(|(ext, _)| name.ends_with(ext))
                .map(|(_, t)| (*t).to_string())
        })
    }
}

/// The boundary of a `multipart/form-data` request; `None` for any other body.
pub fn boundary(req: &HttpRequest) -> Option<String> {
    let raw = req.headers().get(header::CONTENT_TYPE)?.to_str().ok()?;
    let mut params = raw.split(';');
    let essence = params.next()?.trim();
    if !essence.eq_ignore_ascii_case("multipart/form-data") {
        return None;
    }
    params.find_map(|p| {
        let (name, value) = p.split_once('=')?;
        name.trim()
            .eq_ignore_ascii_case("boundary")
            .then(|| value.trim().trim_matches('"').to_string())
    })
}

fn malformed(detail: &str) -> ApiError {
    ApiError::BadRequest {
        code: "malformed_multipart",
        detail: detail.to_string(),
    }
}

fn find(haystack: &[u8], needle: &[u8]) -> Option<usize> {
    haystack.windows(needle.len()).position(|w| w == needle)
}

/// The part named `name` of the form `body` (the first, if several), at most `limit` bytes
/// (413 beyond). 400 for a body that is not a form with this boundary; 422 when no part has
/// that name.
pub fn part(body: &[u8], boundary: &str, name: &str, limit: usize) -> Result<Part, ApiError> {
    if boundary.is_empty() || boundary.len() > 70 {
        return Err(malformed("the boundary must be 1 to 70 characters"));
    }
    let delimiter = format!("--{boundary}");
    let inner = format!("\r\n--{boundary}");
    // The first delimiter may be preceded by a preamble ending in CRLF.
    let mut at = if body.starts_with(delimiter.as_bytes()) {
        delimiter.len()
    } else {
        find(body, inner.as_bytes()).ok_or_else(|| malformed("no part"))? + inner.len()
    };
    loop {
        let rest = &body[at..];
        if rest.starts_with(b"--") {
            return Err(ApiError::field(
                name,
                "required",
                "the form has no such part",
            ));
        }
        // Transport padding, then the line break that ends the delimiter line.
        let padding = rest
            .iter()
            .take_while(|b| **b == b' ' || **b == b'\t')
            .count();
        let rest = rest[padding..]
            .strip_prefix(b"\r\n")
            .ok_or_else(|| malformed("a delimiter line must end in CRLF"))?;
        let head_end = if rest.starts_with(b"\r\n") {
            0
        } else {
            find(rest, b"\r\n\r\n").ok_or_else(|| malformed("a part has no end of its headers"))?
                + 2
        };
        let head = std::str::from_utf8(&rest[..head_end])
            .map_err(|_| malformed("part headers must be UTF-8"))?;
        let content = &rest[head_end + 2..];
        let end = find(content, inner.as_bytes())
            .ok_or_else(|| malformed("the form has no closing delimiter"))?;
        let (disposition, content_type) = headers(head);
        if disposition_param(&disposition, "name").as_deref() == Some(name) {
            if end > limit {
                return Err(ApiError::PayloadTooLarge);
            }
            return Ok(Part {
                content_type,
                filename: disposition_param(&disposition, "filename"),
                bytes: content[..end].to_vec(),
            });
        }
        at = body.len() - content.len() + end + inner.len();
    }
}

/// `Content-Disposition` and `Content-Type` of a part's header block.
fn headers(head: &str) -> (String, Option<String>) {
    let mut disposition = String::new();
    let mut content_type = None;
    for line in head.split("\r\n") {
        let Some((name, value)) = line.split_once(':') else {
            continue;
        };
        if name.trim().eq_ignore_ascii_case("content-disposition") {
            disposition = value.trim().to_string();
        } else if name.trim().eq_ignore_ascii_case("content-type") {
            content_type = Some(value.trim().to_string());
        }
    }
    (disposition, content_type)
}

/// A parameter of `form-data; name="file"; filename="a.csv"` (quoted or not; `;` inside
/// quotes is part of the value).
fn disposition_param(disposition: &str, wanted: &str) -> Option<String> {
    let mut params = Vec::new();
    let (mut current, mut quoted, mut escaped) = (String::new(), false, false);
    for c in disposition.chars() {
        match c {
            _ if escaped => {
                current.push(c);
                escaped = false;
            }
            '\\' if quoted => escaped = true,
            '"' => quoted = !quoted,
            ';' if !quoted => params.push(std::mem::take(&mut current)),
            _ => current.push(c),
        }
    }
    params.push(current);
    params.iter().skip(1).find_map(|p| {
        let (name, value) = p.split_once('=')?;
        name.trim()
            .eq_ignore_ascii_case(wanted)
            .then(|| value.trim().to_string())
    })
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]
    use super::*;

    fn form(parts: &[(&str, &str)]) -> Vec<u8> {
        let mut out = b"preamble\r\n".to_vec();
        for (head, content) in parts {
            out.extend_from_slice(format!("--XyZ\r\n{head}\r\n\r\n{content}\r\n").as_bytes());
        }
        out.extend_from_slice(b"--XyZ--\r\n");
        out
    }

    #[test]
    fn finds_the_named_part_with_its_type_and_file_name() {
        let body = form(&[
            ("Content-Disposition: form-data; name=\"note\"", "hello"),
            (
                "Content-Disposition: form-data; name=\"file\"; filename=\"a;b.csv\"\r\nContent-Type: text/csv",
                "姓名,手机\r\n张三,13800138000",
            ),
        ]);
        let part = part(&body, "XyZ", "file", 1000).unwrap();
        assert_eq!(part.bytes, "姓名,手机\r\n张三,13800138000".as_bytes());
        assert_eq!(part.filename.as_deref(), Some("a;b.csv"));
        assert_eq!(part.media_type().as_deref(), Some("text/csv"));
    }

    #[test]
    fn an_untyped_file_is_known_by_its_extension() {
        let body = form(&[(
            "content-disposition: form-data; name=file; filename=\"Customers.XLSX\"\r\ncontent-type: application/octet-stream",
            "PK",
        )]);
        let part = part(&body, "XyZ", "file", 1000).unwrap();
        assert_eq!(
            part.media_type().as_deref(),
            Some("application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")
        );
        let unnamed = Part {
            content_type: None,
            filename: Some("data.bin".into()),
            bytes: vec![],
        };
        assert_eq!(unnamed.media_type(), None);
    }

    #[test]
    fn refuses_what_is_not_a_form_or_lacks_the_part_or_is_too_large() {
        let body = form(&[("Content-Disposition: form-data; name=\"other\"", "x")]);
        let e = part(&body, "XyZ", "file", 1000).unwrap_err();
        assert_eq!(e.code(), "validation");
        let e = part(b"no form at all", "XyZ", "file", 1000).unwrap_err();
        assert_eq!(e.code(), "malformed_multipart");
        let unclosed = b"--XyZ\r\nContent-Disposition: form-data; name=\"file\"\r\n\r\nabc";
        assert_eq!(
            part(unclosed, "XyZ", "file", 1000).unwrap_err().code(),
            "malformed_multipart"
        );
        let big = form(&[(
            "Content-Disposition: form-data; name=\"file\"",
            "0123456789",
        )]);
        assert_eq!(
            part(&big, "XyZ", "file", 9).unwrap_err().code(),
            "payload_too_large"
        );
        assert_eq!(part(&big, "XyZ", "file", 10).unwrap().bytes, b"0123456789");
    }

    #[test]
    fn an_empty_file_part_is_empty() {
        let body = form(&[("Content-Disposition: form-data; name=\"file\"", "")]);
        assert!(part(&body, "XyZ", "file", 10).unwrap().bytes.is_empty());
    }
}
