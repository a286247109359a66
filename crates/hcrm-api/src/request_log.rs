//! The request log (issue 7 item 14, PIPL): one line per request with the method, the path and
//! the query string with its values replaced, so that what an agent typed into the search box
//! (a mobile, a name, an ID number) never reaches the log. Parameter names stay, to show what
//! kind of request it was; the values of paging and sorting stay too, as they identify no one.

use actix_web::dev::ServiceRequest;
use actix_web::middleware::Logger;

/// What replaces a value (or a parameter name that does not look like one).
const HIDDEN: &str = "***";

/// Parameters whose values are kept when they are a short number (paging).
const NUMERIC: &[&str] = &["limit", "offset"];
/// Parameters whose values are kept when they are a short lower-case word (order, switches),
/// `-` first for a descending sort.
const WORDS: &[&str] = &["sort", "exact_total", "unmasked", "format", "active"];

fn keeps_value(name: &str, value: &str) -> bool {
    let word = value.strip_prefix('-').unwrap_or(value);
    (NUMERIC.contains(&name)
        && (1..=6).contains(&value.len())
        && value.bytes().all(|b| b.is_ascii_digit()))
        || (WORDS.contains(&name)
            && (1..=20).contains(&word.len())
            && word.bytes().all(|b| b.is_ascii_lowercase() || b == b'_'))
}

/// A parameter name as written by our clients: a letter, then letters, digits, `_`, `.`, `-`.
fn is_plain_name(name: &str) -> bool {
    (1..=40).contains(&name.len())
        && name.starts_with(|c: char| c.is_ascii_alphabetic())
        && name
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b"_.-".contains(&b))
}

/// The raw query string with every value replaced by `***`, except those of [`NUMERIC`] and
/// [`WORDS`] that look as expected; odd parameter names are replaced too.
pub fn redact_query(query: &str) -> String {
    query
        .split('&')
        .map(|pair| {
            let (name, value) = match pair.split_once('=') {
                Some((n, v)) => (n, Some(v)),
                None => (pair, None),
            };
            let name_out = if is_plain_name(name) || name.is_empty() {
                name
            } else {
                HIDDEN
            };
            match value {
                None => name_out.to_string(),
                Some("") => format!("{name_out}="),
                Some(v) if name_out == name && keeps_value(name, v) => format!("{name}={v}"),
                Some(_) => format!("{name_out}={HIDDEN}"),
            }
        })
        .collect::<Vec<_>>()
        .join("&")
}

/// `GET /api/v1/customers?q=***&limit=20 HTTP/1.1`: the request line, query redacted.
fn request_line(req: &ServiceRequest) -> String {
    let query = req.query_string();
    let query = if query.is_empty() {
        String::new()
    } else {
        format!("?{}", redact_query(query))
    };
    format!("{} {}{query} {:?}", req.method(), req.path(), req.version())
}

/// The access log: client address, redacted request line, status, size, duration.
pub fn logger() -> Logger {
    Logger::new(r#"%a "%{request}xi" %s %b %Dms"#).custom_request_replace("request", request_line)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn values_are_hidden_but_names_and_paging_stay() {
        for (query, logged) in [
            ("q=13812345678", "q=***"),
            (
                "q=13812345678&limit=20&offset=40",
                "q=***&limit=20&offset=40",
            ),
            ("q=%E5%BC%A0%E4%B8%89&sort=name", "q=***&sort=name"),
            ("q=zhangsan&sort=-updated_at", "q=***&sort=-updated_at"),
            ("sort=--name", "sort=***"),
            ("sort=Zhang", "sort=***"),
            ("q=", "q="),
            (
                "exact_total=true&unmasked=true",
                "exact_total=true&unmasked=true",
            ),
            ("format=xlsx&active=false", "format=xlsx&active=false"),
            // Paging values that are not paging numbers (a mobile pasted into a limit).
            ("limit=13700002222", "limit=***"),
            ("offset=zs", "offset=***"),
            // A value without a name, names that carry data, odd separators.
            ("13900001111", "***"),
            ("13900001111=1", "***=***"),
            ("%E5%BC%A0=1", "***=***"),
            ("id_number=110101199003077777", "id_number=***"),
            ("tag=VIP&tag=%E5%AD%95", "tag=***&tag=***"),
            ("q=a=b", "q=***"),
            ("a&&b", "a&&b"),
            (
                "institution_id=0193a1d2-7c4e-7b10-8000-000000000001",
                "institution_id=***",
            ),
        ] {
            assert_eq!(redact_query(query), logged, "{query}");
        }
    }

    #[test]
    fn the_request_line_names_method_path_and_redacted_query() {
        let req = actix_web::test::TestRequest::get()
            .uri("/api/v1/customers?q=13812345678&limit=20")
            .to_srv_request();
        assert_eq!(
            request_line(&req),
            "GET /api/v1/customers?q=***&limit=20 HTTP/1.1"
        );
        let req = actix_web::test::TestRequest::get()
            .uri("/api/v1/auth/me")
            .to_srv_request();
        assert_eq!(request_line(&req), "GET /api/v1/auth/me HTTP/1.1");
    }
}
