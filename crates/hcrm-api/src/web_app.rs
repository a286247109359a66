//! Serves the built web app (`frontend/dist`): files by path, and `index.html` for every
//! other route so that client-side routes survive a reload. Unknown API paths get 404
//! problem+json instead.
//!
//! PERF-7 (issue 8 item 8): `scripts/build-web.sh` stores every file also brotli- (`.br`) and
//! gzip-compressed (`.gz`) at the best levels, and names the assets by their content
//! (`hcrm_frontend-<16 hex>.js`). A file is sent in the encoding the request accepts — the
//! highest `q`, brotli before gzip at equal `q`, else as stored — with `Content-Encoding` set,
//! which makes the compression middleware (`compress.rs`) leave it alone (no second, weaker
//! compression on the fly). Content-hashed files never change under their name:
//! `Cache-Control: public, max-age=31536000, immutable`; everything else (`index.html`, the
//! client-side routes) is `no-cache`, so a new build is picked up at the next load.
//!
//! Issue 9 item 18: where the app is built is looked up at each request among the candidate
//! folders, so a server started before `scripts/build-web.sh` finished serves the app as soon
//! as it is there (no restart).

use std::path::{Path, PathBuf};

use actix_files::NamedFile;
use actix_web::http::header::{self, AcceptEncoding, ContentEncoding, Encoding, HeaderValue};
use actix_web::{HttpMessage, HttpRequest, HttpResponse, web};

use crate::error::ApiError;

/// The folders the built web app may be in, by preference; the first holding an
/// `index.html` is served (looked up per request: a build may appear after the start).
pub struct WebDir(pub Vec<PathBuf>);

impl WebDir {
    /// The first candidate that holds a built app now.
    fn built(&self) -> Option<&Path> {
        self.0
            .iter()
            .map(PathBuf::as_path)
            .find(|d| d.join("index.html").is_file())
    }
}

const NOT_BUILT: &str = "<!doctype html><meta charset=utf-8><title>HCRM</title>\
<p>HCRM is running, but the web app is not built. Run <code>scripts/run.sh</code>, or see \
<a href=\"/docs/\">/docs</a> for the API.</p>";

/// For files named by their content: the same name always means the same bytes.
pub const IMMUTABLE: &str = "public, max-age=31536000, immutable";

/// The precompressed variants the build makes, by preference at equal `q`, with their suffix.
const VARIANTS: [(ContentEncoding, &str); 2] = [
    (ContentEncoding::Brotli, "br"),
    (ContentEncoding::Gzip, "gz"),
];

pub async fn fallback(req: HttpRequest, dir: web::Data<WebDir>) -> Result<HttpResponse, ApiError> {
    let path = req.path();
    let is_api = ["/api", "/api-docs", "/healthz", "/readyz"]
        .iter()
        .any(|p| path == *p || path.starts_with(&format!("{p}/")));
    if is_api {
        return Err(ApiError::NotFound);
    }
    let Some(root) = dir.built() else {
        return Ok(not_built());
    };
    let rel = path.trim_start_matches('/');
    let safe = !rel.is_empty()
        && rel
            .split('/')
            .all(|seg| !seg.is_empty() && seg != ".." && !seg.starts_with('.'));
    let file = root.join(rel);
    if safe && file.is_file() {
        return serve(&req, &file).map_err(|_| ApiError::NotFound);
    }
    Ok(serve(&req, &root.join("index.html")).unwrap_or_else(|_| not_built()))
}

fn not_built() -> HttpResponse {
    HttpResponse::Ok()
        .content_type("text/html; charset=utf-8")
        .insert_header((header::CACHE_CONTROL, "no-cache"))
        .body(NOT_BUILT)
}

/// `file` in the best encoding the request accepts, with its caching headers.
fn serve(req: &HttpRequest, file: &Path) -> std::io::Result<HttpResponse> {
    let identity = NamedFile::open(file)?;
    let variants: Vec<(ContentEncoding, PathBuf)> = VARIANTS
        .iter()
        .map(|(encoding, suffix)| (*encoding, with_suffix(file, suffix)))
        .filter(|(_, path)| path.is_file())
        .collect();
    // actix-files would send a range of an encoded file as `identity`: ranges are of the file
    // as stored (browsers ask for ranges of media, never of the app's files).
    let chosen = if req.headers().contains_key(header::RANGE) {
        None
    } else {
        negotiate(req, variants.iter().map(|(e, _)| *e))
    };
    let named = match chosen.and_then(|c| variants.iter().find(|(e, _)| *e == c)) {
        // Typed and disposed (inline) as the file it encodes, not as a `.br` download.
        Some((encoding, path)) => NamedFile::open(path)?
            .set_content_type(identity.content_type().clone())
            .set_content_disposition(identity.content_disposition().clone())
            .set_content_encoding(*encoding),
        None => identity,
    };
    let mut res = named.into_response(req);
    let headers = res.headers_mut();
    if !variants.is_empty() {
        headers.append(header::VARY, HeaderValue::from_static("accept-encoding"));
    }
    let hashed = file
        .file_name()
        .and_then(|n| n.to_str())
        .is_some_and(is_content_hashed);
    headers.insert(
        header::CACHE_CONTROL,
        HeaderValue::from_static(if hashed { IMMUTABLE } else { "no-cache" }),
    );
    Ok(res)
}

fn with_suffix(file: &Path, suffix: &str) -> PathBuf {
    let mut name = file.as_os_str().to_owned();
    name.push(".");
    name.push(suffix);
    PathBuf::from(name)
}

/// The encoding to send among `available` (besides identity), by the request's
/// `Accept-Encoding`; `None` means the file as stored. No header means identity (RFC 9110
/// allows any coding then, but clients that send none are often ones that cannot decode).
fn negotiate(
    req: &HttpRequest,
    available: impl Iterator<Item = ContentEncoding>,
) -> Option<ContentEncoding> {
    let accept = req.get_header::<AcceptEncoding>()?;
    let mut supported: Vec<Encoding> = available.map(Encoding::Known).collect();
    supported.push(Encoding::identity());
    match accept.negotiate(supported.iter())? {
        Encoding::Known(ContentEncoding::Identity) => None,
        Encoding::Known(encoding) => Some(encoding),
        _ => None,
    }
}

/// Whether `name` is `<stem>-<16 lowercase hex>.<ext>`, as build-web.sh names the assets.
pub fn is_content_hashed(name: &str) -> bool {
    let Some((stem, ext)) = name.rsplit_once('.') else {
        return false;
    };
    let Some((base, hash)) = stem.rsplit_once('-') else {
        return false;
    };
    !base.is_empty()
        && !ext.is_empty()
        && hash.len() == 16
        && hash
            .bytes()
            .all(|b| b.is_ascii_digit() || (b'a'..=b'f').contains(&b))
}

#[cfg(test)]
mod tests {
    use super::*;
    use actix_web::test::TestRequest;

    #[test]
    fn content_hashed_names_are_told_apart() {
        for name in [
            "hcrm_frontend-0123456789abcdef.js",
            "hcrm_frontend_bg-fedcba9876543210.wasm",
            "style-00000000000000ff.css",
            "boot-aaaaaaaaaaaaaaaa.js",
        ] {
            assert!(is_content_hashed(name), "{name}");
        }
        for name in [
            "index.html",
            "boot.js",
            "hcrm_frontend.js",
            "style-0123456789abcde.css",     // 15 digits
            "style-0123456789abcdef0.css",   // 17
            "style-0123456789ABCDEF.css",    // upper case: not ours
            "style-0123456789abcdeg.css",    // not hex
            "-0123456789abcdef.css",         // no stem
            "style-0123456789abcdef",        // no extension
            "style-0123456789abcdef.css.br", // a variant is never asked for by name
        ] {
            assert!(!is_content_hashed(name), "{name}");
        }
    }

    #[test]
    fn the_accepted_encoding_with_the_highest_q_wins_brotli_first() {
        let both = [ContentEncoding::Brotli, ContentEncoding::Gzip];
        for (accept, available, chosen) in [
            (
                Some("gzip, deflate, br, zstd"),
                &both[..],
                Some(ContentEncoding::Brotli),
            ),
            (
                Some("gzip, deflate"),
                &both[..],
                Some(ContentEncoding::Gzip),
            ),
            (
                Some("br;q=0.5, gzip"),
                &both[..],
                Some(ContentEncoding::Gzip),
            ),
            (Some("br"), &both[1..], None),
            (Some("gzip;q=0, br;q=0"), &both[..], None),
            (Some("identity"), &both[..], None),
            (Some("deflate"), &both[..], None),
            (Some(""), &both[..], None),
            (None, &both[..], None),
            (Some("br, gzip"), &[][..], None),
        ] {
            let mut req = TestRequest::get();
            if let Some(a) = accept {
                req = req.insert_header((header::ACCEPT_ENCODING, a));
            }
            let req = req.to_http_request();
            assert_eq!(
                negotiate(&req, available.iter().copied()),
                chosen,
                "{accept:?} with {available:?}"
            );
        }
    }
}
