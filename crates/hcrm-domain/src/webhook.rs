//! 事件推送 (INT-3): the rules of outgoing webhooks, pure — when a failed message is tried
//! again, what a `Retry-After` asks for, which URLs a subscription may name and which
//! addresses a delivery may reach. The worker (hcrm-server) and the API apply them.

use std::net::IpAddr;

use chrono::{DateTime, Duration, Utc};

use crate::api::events::DomainEvent;

/// Waits before each attempt after the first (Standard Webhooks' suggestion, shortened to
/// eight attempts over about 42 hours): 5 s, 5 min, 30 min, 2 h, 5 h, 10 h, 24 h.
pub const RETRY_DELAYS_SECONDS: [i64; 7] = [5, 300, 1_800, 7_200, 18_000, 36_000, 86_400];

/// Attempts a message gets in one round (the first and the retries).
pub const MAX_ATTEMPTS: i32 = RETRY_DELAYS_SECONDS.len() as i32 + 1;

/// The longest wait a receiver's `Retry-After` can ask for; longer asks are cut to it.
pub const MAX_RETRY_AFTER_SECONDS: i64 = 86_400;

/// How long a receiver has to answer, by default (Standard Webhooks: 15–30 s).
pub const DEFAULT_TIMEOUT_SECONDS: u64 = 15;

/// The longest URL a subscription may name.
pub const MAX_URL_CHARS: usize = 2_000;

/// The wait before the next attempt after `attempts` failed ones (1 = the first failed), or
/// `None` when the round is over (the message is given up). A receiver's `Retry-After` is
/// honoured: the wait is the longer of the schedule's and the one asked for (cut to a day).
pub fn next_delay(attempts: i32, retry_after: Option<Duration>) -> Option<Duration> {
    let index = usize::try_from(attempts.checked_sub(1)?).ok()?;
    let scheduled = Duration::seconds(*RETRY_DELAYS_SECONDS.get(index)?);
    let asked = retry_after
        .map(|d| d.clamp(Duration::zero(), Duration::seconds(MAX_RETRY_AFTER_SECONDS)))
        .unwrap_or_else(Duration::zero);
    Some(scheduled.max(asked))
}

/// A `Retry-After` header's value (RFC 9110: delay seconds or an HTTP date) as a wait from
/// `now`; `None` when it is neither.
pub fn retry_after(value: &str, now: DateTime<Utc>) -> Option<Duration> {
    let value = value.trim();
    if let Ok(seconds) = value.parse::<u32>() {
        return Some(Duration::seconds(i64::from(seconds)));
    }
    let at = DateTime::parse_from_rfc2822(value)
        .ok()?
        .with_timezone(&Utc);
    Some((at - now).max(Duration::zero()))
}

/// What is wrong with a subscription's URL.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum UrlProblem {
    TooLong,
    /// Not `http://` or `https://`.
    Scheme,
    /// No host, a bad port, or characters a URL cannot hold (spaces, controls).
    Malformed,
    /// `user:password@` in the URL: credentials would be logged and shown; use the signature.
    Credentials,
    /// A literal address that deliveries may not reach (see [`address_allowed`]).
    PrivateAddress,
}

impl UrlProblem {
    pub fn code(self) -> &'static str {
        match self {
            UrlProblem::TooLong => "length",
            UrlProblem::Scheme => "scheme",
            UrlProblem::Malformed => "url",
            UrlProblem::Credentials => "credentials",
            UrlProblem::PrivateAddress => "private_address",
        }
    }

    pub fn message(self) -> &'static str {
        match self {
            UrlProblem::TooLong => "at most 2000 characters",
            UrlProblem::Scheme => "must be an http:// or https:// URL",
            UrlProblem::Malformed => "must be a URL with a host (and a port of 1–65535)",
            UrlProblem::Credentials => "must not hold a user name or password",
            UrlProblem::PrivateAddress => {
                "this server does not deliver to private, loopback or link-local addresses"
            }
        }
    }
}

/// The parts of a webhook URL the rules look at.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Target {
    pub https: bool,
    /// The host as written (an IPv6 address without its brackets).
    pub host: String,
    pub port: u16,
}

impl Target {
    /// The host as an address when it is written as one.
    pub fn literal_ip(&self) -> Option<IpAddr> {
        self.host.parse().ok()
    }
}

/// Checks a subscription's URL and returns its target. `allow_private` is the server's
/// setting: when off, a URL whose host is a literal non-public address is refused at once
/// (names are checked again at each delivery, once resolved).
pub fn check_url(url: &str, allow_private: bool) -> Result<Target, UrlProblem> {
    if url.chars().count() > MAX_URL_CHARS {
        return Err(UrlProblem::TooLong);
    }
    if url.chars().any(|c| c.is_whitespace() || c.is_control()) {
        return Err(UrlProblem::Malformed);
    }
    let lower = url.get(..8).unwrap_or(url).to_ascii_lowercase();
    let (https, rest) = if lower.starts_with("https://") {
        (true, &url[8..])
    } else if lower.starts_with("http://") {
        (false, &url[7..])
    } else {
        return Err(UrlProblem::Scheme);
    };
    let authority = rest.split(['/', '?', '#']).next().unwrap_or_default();
    if authority.contains('@') {
        return Err(UrlProblem::Credentials);
    }
    let (host, port) = if let Some(v6) = authority.strip_prefix('[') {
        let (host, after) = v6.split_once(']').ok_or(UrlProblem::Malformed)?;
        host.parse::<std::net::Ipv6Addr>()
            .map_err(|_| UrlProblem::Malformed)?;
        let port = match after {
            "" => None,
            p => Some(p.strip_prefix(':').ok_or(UrlProblem::Malformed)?),
        };
        (host, port)
    } else {
        match authority.rsplit_once(':') {
            Some((h, p)) => (h, Some(p)),
            None => (authority, None),
        }
    };
    let host_ok = !host.is_empty()
        && host.len() <= 253
        && host
            .chars()
            .all(|c| c.is_alphanumeric() || matches!(c, '.' | '-' | '_' | ':'));
    if !host_ok {
        return Err(UrlProblem::Malformed);
    }
    let port = match port {
        None => {
            if https {
                443
            } else {
                80
            }
        }
        Some(p) => match p.parse::<u16>() {
            Ok(n) if n > 0 => n,
            _ => return Err(UrlProblem::Malformed),
        },
    };
    let target = Target {
        https,
        host: host.to_string(),
        port,
    };
    if !allow_private
        && let Some(ip) = target.literal_ip()
        && !address_allowed(ip, false)
    {
        return Err(UrlProblem::PrivateAddress);
    }
    Ok(target)
}

/// SSRF guard: whether a delivery may connect to `ip`. With `allow_private` off, only public
/// unicast addresses: not loopback, private (RFC 1918, IPv6 unique-local), link-local (cloud
/// metadata at 169.254.169.254), carrier-grade NAT, unspecified, broadcast, multicast or
/// documentation ranges, nor an IPv4-mapped IPv6 form of one of them.
pub fn address_allowed(ip: IpAddr, allow_private: bool) -> bool {
    if allow_private {
        return true;
    }
    match ip {
        IpAddr::V4(v4) => {
            let [a, b, ..] = v4.octets();
            !(v4.is_loopback()
                || v4.is_private()
                || v4.is_link_local()
                || v4.is_unspecified()
                || v4.is_broadcast()
                || v4.is_multicast()
                || v4.is_documentation()
                || a == 0
                || (a == 100 && (64..128).contains(&b))
                || (a == 198 && (b == 18 || b == 19))
                || a >= 240)
        }
        IpAddr::V6(v6) => {
            if let Some(v4) = v6.to_ipv4_mapped() {
                return address_allowed(IpAddr::V4(v4), false);
            }
            let first = v6.segments()[0];
            !(v6.is_loopback()
                || v6.is_unspecified()
                || v6.is_multicast()
                || (first & 0xfe00) == 0xfc00
                || (first & 0xffc0) == 0xfe80
                || first == 0x2001 && v6.segments()[1] == 0x0db8)
        }
    }
}

/// The JSON body of an event's messages (Standard Webhooks' shape: `type`, `timestamp`,
/// `data`), the same at every attempt: the event's facts and the record's as raised. Ids
/// only, never names or numbers of patients — a receiver reads those through the API.
pub fn message_body(event: &DomainEvent) -> serde_json::Value {
    serde_json::json!({
        "type": event.kind.code(),
        "timestamp": event.occurred_at,
        "data": {
            "event_id": event.id,
            "subject_type": event.subject_type,
            "subject_id": event.subject_id,
            "institution_id": event.institution_id,
            "customer_id": event.customer_id,
            "occurred_at": event.occurred_at,
            "recorded_at": event.recorded_at,
            "record": event.payload,
        },
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_schedule_is_now_5s_5min_30min_2h_5h_10h_24h_then_given_up() {
        let waits: Vec<i64> = (1..=8)
            .map(|n| next_delay(n, None).map_or(-1, |d| d.num_seconds()))
            .collect();
        assert_eq!(
            waits,
            vec![5, 300, 1_800, 7_200, 18_000, 36_000, 86_400, -1]
        );
        assert_eq!(MAX_ATTEMPTS, 8);
        assert_eq!(next_delay(0, None), None);
    }

    #[test]
    fn retry_after_is_honoured_when_longer_and_cut_to_a_day() {
        let ask = |s| Some(Duration::seconds(s));
        assert_eq!(next_delay(1, ask(120)), ask(120));
        assert_eq!(next_delay(2, ask(120)), ask(300));
        assert_eq!(next_delay(1, ask(10_000_000)), ask(86_400));
        assert_eq!(next_delay(8, ask(1)), None);
    }

    #[test]
    fn retry_after_reads_seconds_and_http_dates() {
        let now = DateTime::parse_from_rfc3339("2015-10-21T07:27:00Z")
            .map(|d| d.with_timezone(&Utc))
            .unwrap_or_default();
        assert_eq!(retry_after("120", now), Some(Duration::seconds(120)));
        assert_eq!(
            retry_after("Wed, 21 Oct 2015 07:28:00 GMT", now),
            Some(Duration::seconds(60))
        );
        assert_eq!(
            retry_after("Wed, 21 Oct 2015 07:00:00 GMT", now),
            Some(Duration::zero())
        );
        assert_eq!(retry_after("soon", now), None);
        assert_eq!(retry_after("-5", now), None);
    }

    #[test]
    fn urls_are_http_or_https_with_a_host() {
        let ok = |u: &str| check_url(u, true).map(|t| (t.https, t.host, t.port));
        assert_eq!(
            ok("https://his.example.cn/hooks"),
            Ok((true, "his.example.cn".into(), 443))
        );
        assert_eq!(
            ok("http://127.0.0.1:9000/x?y=1"),
            Ok((false, "127.0.0.1".into(), 9000))
        );
        assert_eq!(ok("HTTP://[::1]:8080"), Ok((false, "::1".into(), 8080)));
        let bad = |u: &str| check_url(u, true).err();
        assert_eq!(bad("ftp://x.cn/"), Some(UrlProblem::Scheme));
        assert_eq!(bad("javascript:alert(1)"), Some(UrlProblem::Scheme));
        assert_eq!(bad("file:///etc/passwd"), Some(UrlProblem::Scheme));
        assert_eq!(bad("http://"), Some(UrlProblem::Malformed));
        assert_eq!(bad("http://a b.cn/"), Some(UrlProblem::Malformed));
        assert_eq!(bad("http://x.cn:0/"), Some(UrlProblem::Malformed));
        assert_eq!(bad("http://x.cn:70000/"), Some(UrlProblem::Malformed));
        assert_eq!(bad("http://u:p@x.cn/"), Some(UrlProblem::Credentials));
        let long = format!("https://x.cn/{}", "a".repeat(2_000));
        assert_eq!(bad(&long), Some(UrlProblem::TooLong));
    }

    #[test]
    fn private_literal_addresses_are_refused_unless_allowed() {
        for u in [
            "http://127.0.0.1/",
            "http://10.1.2.3/",
            "http://192.168.0.9/",
            "http://169.254.169.254/latest/meta-data",
            "http://[::1]/",
            "http://[fd00::1]/",
            "http://[::ffff:127.0.0.1]/",
            "http://0.0.0.0/",
            "http://100.64.0.1/",
        ] {
            assert_eq!(
                check_url(u, false).err(),
                Some(UrlProblem::PrivateAddress),
                "{u}"
            );
            assert!(check_url(u, true).is_ok(), "{u}");
        }
        assert!(check_url("http://8.8.8.8/", false).is_ok());
        assert!(check_url("https://his.example.cn/", false).is_ok());
        assert!(address_allowed(
            "2400:3200::1".parse().unwrap_or(IpAddr::from([0; 4])),
            false
        ));
    }
}
