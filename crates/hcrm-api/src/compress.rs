//! gzip where it pays (PERF-1, PERF-2). actix-web's `Compress` gzips every answer: a 300-byte
//! visit summary too, with a fresh 256 KiB deflate state allocated and zeroed each time, and
//! any answer over 1 KiB on a blocking thread (two more thread hand-offs). Here:
//!
//! - an answer under [`MIN_GZIP`] bytes goes as it is: it fits in one packet either way;
//! - an answer held in memory up to [`INLINE_MAX`] bytes (the API's JSON) is gzipped on the
//!   worker, with a deflate state kept per thread and reset between answers;
//! - larger answers and streams (exports, the web app's files without a precompressed variant)
//!   go to actix-web's own encoder, as before;
//! - an answer that already names its encoding (the web app's precompressed files) is left
//!   alone; `Vary: Accept-Encoding` is on every answer that could have differed.

use std::cell::RefCell;

use actix_http::encoding::Encoder;
use actix_web::Error;
use actix_web::body::{BoxBody, MessageBody};
use actix_web::dev::{ServiceRequest, ServiceResponse};
use actix_web::http::StatusCode;
use actix_web::http::header::{
    self, AcceptEncoding, ContentEncoding, Encoding, Header, HeaderValue,
};
use actix_web::middleware::Next;
use flate2::{Compress, Compression, Crc, FlushCompress, Status};

/// Smaller answers are sent uncompressed.
pub const MIN_GZIP: usize = 1024;
/// Larger ones are compressed by actix-web's encoder, off the worker thread.
pub const INLINE_MAX: usize = 256 * 1024;

thread_local! {
    /// Raw deflate (the gzip member's header and trailer are written around it), at the speed
    /// level actix-web uses.
    static DEFLATE: RefCell<Compress> = RefCell::new(Compress::new(Compression::fast(), false));
}

/// `data` as one gzip member (RFC 1952): the 10-byte header, the deflate stream, CRC-32 and
/// length.
pub fn gzip(data: &[u8]) -> Vec<u8> {
    let mut out = Vec::with_capacity(data.len() / 3 + 64);
    // ID1 ID2, deflate, no flags, no time, no extra flags, OS unknown.
    out.extend_from_slice(&[0x1f, 0x8b, 8, 0, 0, 0, 0, 0, 0, 255]);
    DEFLATE.with(|d| {
        let mut d = d.borrow_mut();
        d.reset();
        loop {
            let read = d.total_in() as usize;
            if out.capacity() - out.len() < 64 {
                out.reserve(out.capacity().max(1024));
            }
            // Writing to a Vec with spare room cannot fail but with a bug in the encoder.
            match d.compress_vec(&data[read..], &mut out, FlushCompress::Finish) {
                Ok(Status::StreamEnd) => break,
                Ok(_) => {}
                Err(e) => unreachable!("deflate into memory: {e}"),
            }
        }
    });
    let mut crc = Crc::new();
    crc.update(data);
    out.extend_from_slice(&crc.sum().to_le_bytes());
    out.extend_from_slice(&(data.len() as u32).to_le_bytes());
    out
}

/// Whether the request takes gzip (`q=0` refuses it).
fn accepts_gzip(req: &ServiceRequest) -> bool {
    AcceptEncoding::parse(req)
        .ok()
        .and_then(|a| a.negotiate([Encoding::gzip()].iter()))
        .is_some_and(|e| e == Encoding::gzip())
}

fn vary(head: &mut actix_http::ResponseHead) {
    let named = head.headers().get_all(header::VARY).any(|v| {
        v.to_str()
            .is_ok_and(|v| v.to_ascii_lowercase().contains("accept-encoding"))
    });
    if !named {
        head.headers_mut()
            .append(header::VARY, HeaderValue::from_static("accept-encoding"));
    }
}

/// The middleware (outside the handlers and the idempotency store, inside the security
/// headers and the request log).
pub async fn middleware(
    req: ServiceRequest,
    next: Next<impl MessageBody + 'static>,
) -> Result<ServiceResponse<BoxBody>, Error> {
    let gzip_ok = accepts_gzip(&req);
    let res = next.call(req).await?;
    let status = res.status();
    let encoded = res.headers().contains_key(header::CONTENT_ENCODING);
    let skip = encoded
        || matches!(
            status,
            StatusCode::SWITCHING_PROTOCOLS | StatusCode::NO_CONTENT | StatusCode::PARTIAL_CONTENT
        );
    Ok(res.map_body(move |head, body| {
        if skip {
            return body.boxed();
        }
        if !gzip_ok {
            vary(head);
            return body.boxed();
        }
        // actix-web's encoder names `Vary` itself.
        match body.try_into_bytes() {
            Ok(bytes) if bytes.len() < MIN_GZIP => {
                vary(head);
                BoxBody::new(bytes)
            }
            Ok(bytes) if bytes.len() <= INLINE_MAX => {
                vary(head);
                head.headers_mut()
                    .insert(header::CONTENT_ENCODING, HeaderValue::from_static("gzip"));
                BoxBody::new(gzip(&bytes))
            }
            Ok(bytes) => Encoder::response(ContentEncoding::Gzip, head, bytes).boxed(),
            Err(body) => Encoder::response(ContentEncoding::Gzip, head, body).boxed(),
        }
    }))
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used, clippy::expect_used)]

    use std::io::Read;

    use actix_web::test as atest;
    use actix_web::{App, HttpResponse, web};

    use super::*;

    fn gunzip(data: &[u8]) -> Vec<u8> {
        let mut out = Vec::new();
        flate2::read::GzDecoder::new(data)
            .read_to_end(&mut out)
            .unwrap();
        out
    }

    #[test]
    fn a_member_decodes_to_what_was_sent_again_and_again_on_one_thread() {
        for n in [0usize, 1, 1023, 1024, 70_000, INLINE_MAX] {
            // Half repetitive, half noise: the encoder must grow its output past a guess.
            let data: Vec<u8> = (0..n)
                .map(|i| {
                    if i % 2 == 0 {
                        b'a'
                    } else {
                        (i * 7919 % 251) as u8
                    }
                })
                .collect();
            let first = gzip(&data);
            assert_eq!(gunzip(&first), data, "{n} bytes");
            // The state kept by the thread is reset: the same bytes give the same member.
            assert_eq!(gzip(&data), first, "{n} bytes again");
        }
    }

    async fn answer(size: usize, accept: Option<&str>) -> (Option<String>, Vec<String>, Vec<u8>) {
        let app = atest::init_service(
            App::new()
                .wrap(actix_web::middleware::from_fn(middleware))
                .route(
                    "/json",
                    web::get().to(move || async move {
                        HttpResponse::Ok()
                            .content_type("application/json")
                            .body("x".repeat(size))
                    }),
                ),
        )
        .await;
        let mut req = atest::TestRequest::get().uri("/json");
        if let Some(a) = accept {
            req = req.insert_header(("accept-encoding", a));
        }
        let res = atest::call_service(&app, req.to_request()).await;
        let encoding = res
            .headers()
            .get("content-encoding")
            .map(|v| v.to_str().unwrap().to_string());
        let vary = res
            .headers()
            .get_all("vary")
            .map(|v| v.to_str().unwrap().to_string())
            .collect();
        let body = atest::read_body(res).await.to_vec();
        (encoding, vary, body)
    }

    #[actix_web::test]
    async fn small_answers_go_plain_larger_ones_gzipped_as_accepted() {
        let browser = Some("gzip, deflate, br, zstd");
        let (enc, vary, body) = answer(MIN_GZIP - 1, browser).await;
        assert_eq!((enc, vary), (None, vec!["accept-encoding".to_string()]));
        assert_eq!(body.len(), MIN_GZIP - 1);

        for size in [MIN_GZIP, 50_000, INLINE_MAX, INLINE_MAX + 1, 2 * INLINE_MAX] {
            let (enc, vary, body) = answer(size, browser).await;
            assert_eq!(enc.as_deref(), Some("gzip"), "{size}");
            assert_eq!(vary, ["accept-encoding"], "{size}");
            assert!(body.len() < size / 10, "{size}: {} bytes sent", body.len());
            assert_eq!(gunzip(&body), "x".repeat(size).into_bytes(), "{size}");
        }

        for refused in [None, Some("identity"), Some("br"), Some("gzip;q=0, br")] {
            let (enc, vary, body) = answer(50_000, refused).await;
            assert_eq!(enc, None, "{refused:?}");
            assert_eq!(vary, ["accept-encoding"], "{refused:?}");
            assert_eq!(body.len(), 50_000, "{refused:?}");
        }
    }
}
