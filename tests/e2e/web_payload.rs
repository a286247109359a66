//! PERF-7 (issue 8 item 8): what a browser really downloads for a cold load of the web app —
//! measured in headless Chromium with a fresh profile (nothing cached), from the browser's own
//! Resource Timing (`transferSize`: encoded body plus headers, as received over the wire).

#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::time::{Duration, Instant};

use serde_json::Value;

use crate::support;

use support::browser::{Browser, web_dist};
use support::{Server, TempDir};

/// PERF-7's budget for a cold load of the web app: everything the browser receives.
const COLD_LOAD_BUDGET: u64 = 700 * 1024;

/// Every entry of the page's Resource Timing, the navigation (index.html) included.
const ENTRIES: &str = "return performance.getEntriesByType('navigation')\
    .concat(performance.getEntriesByType('resource'))\
    .map(e => ({name: e.name, transfer: e.transferSize, encoded: e.encodedBodySize, \
                decoded: e.decodedBodySize}))";

/// A cold load of a page of each build (frontend/boot.js): the archive and service centre, and
/// complaints, reports and administration.
#[test]
fn a_cold_load_receives_at_most_700_kb() {
    let dist = web_dist();
    let dir = TempDir::new();
    let server = Server::start(&dir.0, &[("HCRM_WEB_DIR", dist.to_str().unwrap())]);
    for (path, build) in [
        ("/", "hcrm_service_bg-"),
        ("/admin/users", "hcrm_office_bg-"),
    ] {
        cold_load(&server, path, build);
    }
}

fn cold_load(server: &Server, path: &str, build: &str) {
    // A new browser with a profile of its own: an empty HTTP cache.
    let b = Browser::start();
    b.go(&format!("{}{path}", server.base));
    // The app has started (the wasm ran) once its sign-in form is there.
    b.find("#login-username");

    // Entries are added when a response has finished; wait until the wasm's is there and the
    // list has stopped growing.
    let deadline = Instant::now() + Duration::from_secs(15);
    let mut entries: Vec<Value>;
    let mut last = usize::MAX;
    loop {
        entries = b.script(ENTRIES).as_array().cloned().unwrap_or_default();
        let has_wasm = entries
            .iter()
            .any(|e| e["name"].as_str().is_some_and(|n| n.ends_with(".wasm")));
        if has_wasm && entries.len() == last {
            break;
        }
        assert!(Instant::now() < deadline, "no wasm entry: {entries:?}");
        last = entries.len();
        std::thread::sleep(Duration::from_millis(300));
    }

    let size = |e: &Value, key: &str| e[key].as_u64().unwrap_or(0);
    let mut total = 0;
    println!(
        "cold load of {}{path} (bytes received, body, decoded):",
        server.base
    );
    for e in &entries {
        let name = e["name"].as_str().unwrap_or("?");
        let transfer = size(e, "transfer");
        // A cold load comes from the network: a zero would mean a cached or unmeasured entry,
        // and a total that counts nothing.
        assert!(transfer > 0, "{name} not measured: {e}");
        total += transfer;
        println!(
            "  {:>9} {:>9} {:>9}  {}",
            transfer,
            size(e, "encoded"),
            size(e, "decoded"),
            name.trim_start_matches(&server.base)
        );
    }
    println!(
        "  {total:>9} total ({:.1} KB; budget {} KB)",
        total as f64 / 1024.0,
        COLD_LOAD_BUDGET / 1024
    );
    let wasm = entries
        .iter()
        .filter(|e| e["name"].as_str().is_some_and(|n| n.ends_with(".wasm")))
        .count();
    assert_eq!(wasm, 1, "one wasm is fetched: {entries:?}");
    assert!(
        entries
            .iter()
            .any(|e| e["name"].as_str().is_some_and(|n| n.contains(build))),
        "{path} loads {build}: {entries:?}"
    );
    assert!(
        total <= COLD_LOAD_BUDGET,
        "cold load received {total} bytes, over PERF-7's {COLD_LOAD_BUDGET}"
    );

    // The next visit asks again for index.html only (`no-cache`); the content-hashed files
    // come from the cache without a request (`immutable`): nothing transferred for them.
    b.go(&format!("{}{path}", server.base));
    b.find("#login-username");
    let warm: Vec<Value> = b.script(ENTRIES).as_array().cloned().unwrap_or_default();
    let assets: Vec<&Value> = warm
        .iter()
        .filter(|e| {
            e["name"]
                .as_str()
                .and_then(|n| n.rsplit('/').next())
                .is_some_and(hcrm_api::web_app::is_content_hashed)
        })
        .collect();
    assert_eq!(assets.len(), 4, "css, loader, glue, wasm: {warm:?}");
    for e in assets {
        assert_eq!(size(e, "transfer"), 0, "sent again: {e}");
    }
}
