//! Serves the built web app (`frontend/dist`): files by path, and `index.html` for every
//! other route so that client-side routes survive a reload. Unknown API paths get 404
//! problem+json instead.

use std::path::PathBuf;

use actix_files::NamedFile;
use actix_web::http::header;
use actix_web::{HttpRequest, HttpResponse, web};

use crate::error::ApiError;

pub struct WebDir(pub Option<PathBuf>);

const NOT_BUILT: &str = "<!doctype html><meta charset=utf-8><title>HCRM</title>\
<p>HCRM is running, but the web app is not built. Run <code>scripts/run.sh</code>, or see \
<a href=\"/docs/\">/docs</a> for the API.</p>";

pub async fn fallback(req: HttpRequest, dir: web::Data<WebDir>) -> Result<HttpResponse, ApiError> {
    let path = req.path();
    let is_api = ["/api", "/api-docs", "/healthz", "/readyz"]
        .iter()
        .any(|p| path == *p || path.starts_with(&format!("{p}/")));
    if is_api {
        return Err(ApiError::NotFound);
    }
    let Some(root) = &dir.0 else {
        return Ok(HttpResponse::Ok()
            .content_type("text/html; charset=utf-8")
            .body(NOT_BUILT));
    };
    let rel = path.trim_start_matches('/');
    let safe = !rel.is_empty()
        && rel
            .split('/')
            .all(|seg| !seg.is_empty() && seg != ".." && !seg.starts_with('.'));
    let file = root.join(rel);
    if safe && file.is_file() {
        return NamedFile::open(file)
            .map(|f| f.into_response(&req))
            .map_err(|_| ApiError::NotFound);
    }
    let index = root.join("index.html");
    match NamedFile::open(index) {
        Ok(f) => {
            let mut res = f.into_response(&req);
            res.headers_mut().insert(
                header::CACHE_CONTROL,
                header::HeaderValue::from_static("no-cache"),
            );
            Ok(res)
        }
        Err(_) => Ok(HttpResponse::Ok()
            .content_type("text/html; charset=utf-8")
            .body(NOT_BUILT)),
    }
}
