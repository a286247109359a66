//! The load generator of the API side of `hcrm bench search` and `hcrm bench 360`: N
//! keep-alive HTTP/1.1 connections driven from one thread, as `pgbench` drives its N database
//! connections from one process. The generator shares the 2 cores with the server and the
//! database, and what it spends is taken from them: a blocking client thread per connection
//! (ureq) spent ~17 % of the machine at 32 clients, waking 32 threads for every answer.
//!
//! Each connection sends one GET at a time (no pipelining) with the caller's bearer token and
//! `Accept-Encoding`, reads the status line and headers, then exactly `Content-Length` bytes
//! of body. An answer is handed to the caller's check, which may look into it (the search
//! counts the rows of some answers).

use std::cell::Cell;
use std::rc::Rc;
use std::time::Instant;

use rand::SeedableRng;
use rand::rngs::StdRng;
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpStream;

use crate::bench::{Options, Samples};

/// One answer as received.
pub struct Answer<'a> {
    pub status: u16,
    pub gzip: bool,
    pub body: &'a [u8],
}

impl Answer<'_> {
    /// The body, gunzipped when it was sent gzipped.
    pub fn decoded(&self) -> Result<Vec<u8>, String> {
        if !self.gzip {
            return Ok(self.body.to_vec());
        }
        let mut out = Vec::new();
        std::io::Read::read_to_end(&mut flate2::read::GzDecoder::new(self.body), &mut out)
            .map_err(|e| format!("gzip: {e}"))?;
        Ok(out)
    }
}

fn find(hay: &[u8], needle: &[u8]) -> Option<usize> {
    hay.windows(needle.len()).position(|w| w == needle)
}

/// The status, the body's length and whether it is gzipped, from a response head.
fn head(text: &str) -> Result<(u16, usize, bool), String> {
    let mut lines = text.split("\r\n");
    let status = lines
        .next()
        .and_then(|l| l.split(' ').nth(1))
        .and_then(|s| s.parse().ok())
        .ok_or_else(|| format!("bad status line in {text:?}"))?;
    let (mut length, mut gzip) = (None, false);
    for line in lines {
        let Some((name, value)) = line.split_once(':') else {
            continue;
        };
        let value = value.trim();
        if name.eq_ignore_ascii_case("content-length") {
            length = value.parse().ok();
        } else if name.eq_ignore_ascii_case("content-encoding") {
            gzip = value.eq_ignore_ascii_case("gzip");
        } else if name.eq_ignore_ascii_case("transfer-encoding") {
            return Err("a chunked answer (the generator reads Content-Length only)".into());
        }
    }
    Ok((status, length.ok_or("no Content-Length")?, gzip))
}

/// Sends `request` and reads one whole answer into `buf`; returns the head and where the
/// body starts.
async fn exchange(
    stream: &mut TcpStream,
    request: &[u8],
    buf: &mut Vec<u8>,
) -> Result<(u16, bool, usize), String> {
    stream.write_all(request).await.map_err(|e| e.to_string())?;
    buf.clear();
    let mut parsed: Option<(u16, usize, bool, usize)> = None;
    loop {
        if let Some((_, length, _, start)) = parsed
            && buf.len() >= start + length
        {
            break;
        }
        if buf.capacity() - buf.len() < 16 * 1024 {
            buf.reserve(64 * 1024);
        }
        let n = stream.read_buf(buf).await.map_err(|e| e.to_string())?;
        if n == 0 {
            return Err("the server closed the connection".into());
        }
        if parsed.is_none()
            && let Some(end) = find(buf, b"\r\n\r\n")
        {
            let text = std::str::from_utf8(&buf[..end]).map_err(|e| e.to_string())?;
            let (status, length, gzip) = head(text)?;
            parsed = Some((status, length, gzip, end + 4));
        }
    }
    let (status, length, gzip, start) = parsed.ok_or("no answer")?;
    buf.truncate(start + length);
    Ok((status, gzip, start))
}

/// Runs `o.clients` connections to `o.base_url` as `token`'s bearer for the warm-up and the
/// duration. Each asks `next(client, rng)` for its next request — its kind (of `kinds`) and
/// path — and hands each answer to `check(kind, answer)`, which says whether it is right and
/// how many rows it holds. Returns the samples per kind and the seconds counted.
pub fn drive<N, C>(
    o: &Options,
    token: &str,
    seed: u64,
    kinds: usize,
    next: N,
    check: C,
) -> Result<(Vec<Samples>, f64), String>
where
    N: Fn(usize, &mut StdRng) -> (usize, String) + 'static,
    C: Fn(usize, &Answer) -> Result<u64, String> + 'static,
{
    let address = o
        .base_url
        .strip_prefix("http://")
        .ok_or("the base URL must start with http://")?
        .trim_end_matches('/')
        .to_string();
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .map_err(|e| e.to_string())?;
    let local = tokio::task::LocalSet::new();
    let (warmup, duration, clients) = (o.warmup, o.duration, o.clients);
    let request_head = format!(
        "Host: {address}\r\nAuthorization: Bearer {token}\r\nAccept-Encoding: {}\r\n\r\n",
        if o.identity { "identity" } else { "gzip" }
    );
    let plan = Rc::new((next, check, request_head));
    local.block_on(&runtime, async move {
        let stop = Rc::new(Cell::new(false));
        let counting = Rc::new(Cell::new(warmup.is_zero()));
        let mut tasks = Vec::new();
        for client in 0..clients {
            let mut stream = TcpStream::connect(&address)
                .await
                .map_err(|e| format!("cannot reach {address}: {e}"))?;
            stream.set_nodelay(true).map_err(|e| e.to_string())?;
            let (plan, stop, counting, address) = (
                plan.clone(),
                stop.clone(),
                counting.clone(),
                address.clone(),
            );
            tasks.push(tokio::task::spawn_local(async move {
                let mut rng = StdRng::seed_from_u64(seed ^ (client as u64 * 0x9E37_79B9));
                let mut samples: Vec<Samples> = vec![Samples::default(); kinds];
                let mut buf = Vec::with_capacity(64 * 1024);
                while !stop.get() {
                    let (kind, path) = (plan.0)(client, &mut rng);
                    let request = format!("GET {path} HTTP/1.1\r\n{}", plan.2);
                    let t = Instant::now();
                    let outcome = exchange(&mut stream, request.as_bytes(), &mut buf).await;
                    let micros = t.elapsed().as_micros() as u64;
                    let fatal = outcome.is_err();
                    let checked = outcome.and_then(|(status, gzip, start)| {
                        (plan.1)(
                            kind,
                            &Answer {
                                status,
                                gzip,
                                body: &buf[start..],
                            },
                        )
                    });
                    if counting.get() {
                        let s = &mut samples[kind];
                        match checked {
                            Ok(rows) => {
                                s.micros.push(micros);
                                s.rows += rows;
                            }
                            Err(_) => s.errors += 1,
                        }
                    }
                    if fatal {
                        // The connection's state is unknown: the next request on a new one.
                        match TcpStream::connect(&address).await {
                            Ok(s) => stream = s,
                            Err(_) => break,
                        }
                    }
                }
                samples
            }));
        }
        tokio::time::sleep(warmup).await;
        counting.set(true);
        let started = Instant::now();
        tokio::time::sleep(duration).await;
        stop.set(true);
        let secs = started.elapsed().as_secs_f64();
        let mut out: Vec<Samples> = vec![Samples::default(); kinds];
        for task in tasks {
            let samples = task.await.map_err(|e| e.to_string())?;
            for (o, s) in out.iter_mut().zip(samples) {
                o.micros.extend(s.micros);
                o.errors += s.errors;
                o.rows += s.rows;
            }
        }
        for o in &mut out {
            o.micros.sort_unstable();
        }
        Ok((out, secs))
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_response_head_gives_status_length_and_encoding() {
        assert_eq!(
            head(
                "HTTP/1.1 200 OK\r\ncontent-length: 12\r\nContent-Encoding: gzip\r\nvary: accept-encoding"
            ),
            Ok((200, 12, true))
        );
        assert_eq!(
            head("HTTP/1.1 404 Not Found\r\nContent-Length: 0"),
            Ok((404, 0, false))
        );
        assert!(head("HTTP/1.1 200 OK\r\ntransfer-encoding: chunked").is_err());
        assert!(head("HTTP/1.1 200 OK\r\nvary: x").is_err());
        assert!(head("garbage").is_err());
    }
}
