//! A webhook receiver for tests (feature `testing`): an HTTP/1.1 server on 127.0.0.1 that
//! verifies each message's Standard Webhooks signature with the `standardwebhooks` crate —
//! as a real receiver would, independently of the sender's code — records it, and answers
//! as the test tells it (a status, `Retry-After`, a slow answer, or a request held open).

use std::collections::HashMap;
use std::io::{BufRead, BufReader, Read, Write};
use std::net::{TcpListener, TcpStream};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

/// One message as received.
#[derive(Debug, Clone)]
pub struct Received {
    pub webhook_id: String,
    pub timestamp: String,
    pub signature: String,
    pub body: Vec<u8>,
    /// The signature checked out against the secret the receiver holds.
    pub verified: bool,
    pub at: Instant,
}

impl Received {
    pub fn json(&self) -> serde_json::Value {
        serde_json::from_slice(&self.body).unwrap_or(serde_json::Value::Null)
    }
}

/// How to answer a message.
#[derive(Debug, Clone)]
pub enum Reply {
    /// This status with these headers.
    Status(u16, Vec<(String, String)>),
    /// 200 after this long.
    Slow(Duration),
    /// Never answer (the connection stays open until the sender goes away).
    Hold,
}

type Rule = Box<dyn Fn(&Received, usize) -> Reply + Send + Sync>;

struct Shared {
    secrets: Vec<String>,
    received: Vec<Received>,
    rule: Rule,
}

/// The receiver; it listens until the test ends.
#[derive(Clone)]
pub struct Receiver {
    pub url: String,
    shared: Arc<Mutex<Shared>>,
}

impl Receiver {
    /// Listens on a free port of 127.0.0.1, verifying with `secret`; answers 200.
    pub fn start(secret: &str) -> std::io::Result<Receiver> {
        let listener = TcpListener::bind("127.0.0.1:0")?;
        let url = format!("http://{}/hooks", listener.local_addr()?);
        let shared = Arc::new(Mutex::new(Shared {
            secrets: vec![secret.to_string()],
            received: Vec::new(),
            rule: Box::new(|_, _| Reply::Status(200, Vec::new())),
        }));
        let for_thread = shared.clone();
        std::thread::spawn(move || {
            for stream in listener.incoming().flatten() {
                let shared = for_thread.clone();
                std::thread::spawn(move || {
                    let _ = serve(stream, &shared);
                });
            }
        });
        Ok(Receiver { url, shared })
    }

    fn with<T>(&self, f: impl FnOnce(&mut Shared) -> T) -> T {
        let mut guard = match self.shared.lock() {
            Ok(g) => g,
            Err(poisoned) => poisoned.into_inner(),
        };
        f(&mut guard)
    }

    /// The secret the receiver verifies with (after a rotation, the new one).
    pub fn set_secret(&self, secret: &str) {
        self.with(|s| s.secrets = vec![secret.to_string()]);
    }

    /// How to answer from now on: given the message and how many times its `webhook-id` came
    /// before (0 the first time).
    pub fn answer(&self, rule: impl Fn(&Received, usize) -> Reply + Send + Sync + 'static) {
        self.with(|s| s.rule = Box::new(rule));
    }

    /// Everything received so far, in order of arrival.
    pub fn received(&self) -> Vec<Received> {
        self.with(|s| s.received.clone())
    }

    /// How many times each `webhook-id` came.
    pub fn counts(&self) -> HashMap<String, usize> {
        let mut counts = HashMap::new();
        for r in self.received() {
            *counts.entry(r.webhook_id).or_insert(0) += 1;
        }
        counts
    }

    /// Waits until `done` holds of what was received, at most `limit`.
    pub fn wait(&self, limit: Duration, done: impl Fn(&[Received]) -> bool) -> bool {
        let end = Instant::now() + limit;
        while Instant::now() < end {
            if done(&self.received()) {
                return true;
            }
            std::thread::sleep(Duration::from_millis(50));
        }
        done(&self.received())
    }
}

fn serve(stream: TcpStream, shared: &Arc<Mutex<Shared>>) -> std::io::Result<()> {
    stream.set_read_timeout(Some(Duration::from_secs(30)))?;
    let mut reader = BufReader::new(stream.try_clone()?);
    let mut line = String::new();
    reader.read_line(&mut line)?;
    let mut headers = ureq::http::HeaderMap::new();
    let mut length = 0usize;
    loop {
        line.clear();
        reader.read_line(&mut line)?;
        let l = line.trim_end();
        if l.is_empty() {
            break;
        }
        if let Some((name, value)) = l.split_once(':') {
            let (name, value) = (name.trim().to_ascii_lowercase(), value.trim());
            if name == "content-length" {
                length = value.parse().unwrap_or(0);
            }
            if let (Ok(n), Ok(v)) = (
                ureq::http::HeaderName::from_bytes(name.as_bytes()),
                ureq::http::HeaderValue::from_str(value),
            ) {
                headers.insert(n, v);
            }
        }
    }
    let mut body = vec![0u8; length];
    reader.read_exact(&mut body)?;
    let header = |n: &str| {
        headers
            .get(n)
            .and_then(|v| v.to_str().ok())
            .unwrap_or_default()
            .to_string()
    };
    let reply = {
        let mut guard = match shared.lock() {
            Ok(g) => g,
            Err(poisoned) => poisoned.into_inner(),
        };
        let verified = guard.secrets.iter().any(|secret| {
            standardwebhooks::Webhook::new(secret)
                .and_then(|w| w.verify(&body, &headers))
                .is_ok()
        });
        let received = Received {
            webhook_id: header("webhook-id"),
            timestamp: header("webhook-timestamp"),
            signature: header("webhook-signature"),
            body,
            verified,
            at: Instant::now(),
        };
        let before = guard
            .received
            .iter()
            .filter(|r| r.webhook_id == received.webhook_id)
            .count();
        let reply = (guard.rule)(&received, before);
        guard.received.push(received);
        reply
    };
    let mut out = stream;
    match reply {
        Reply::Hold => {
            // Keep the connection until the sender goes away (or a minute passes).
            let mut sink = [0u8; 64];
            let _ = out.set_read_timeout(Some(Duration::from_secs(60)));
            let _ = out.read(&mut sink);
            Ok(())
        }
        Reply::Slow(wait) => {
            std::thread::sleep(wait);
            out.write_all(b"HTTP/1.1 200 OK\r\ncontent-length: 2\r\nconnection: close\r\n\r\nok")
        }
        Reply::Status(status, extra) => {
            let text = format!("answer {status}");
            let mut head = format!(
                "HTTP/1.1 {status} X\r\ncontent-length: {}\r\nconnection: close\r\n",
                text.len()
            );
            for (n, v) in extra {
                head.push_str(&format!("{n}: {v}\r\n"));
            }
            head.push_str("\r\n");
            out.write_all(head.as_bytes())?;
            out.write_all(text.as_bytes())
        }
    }
}
