//! Issue 7 item 2 / PERF-6: crafted import files — a few KB that describe millions of cells,
//! hundreds of MB unpacked or one string copied into every cell — posted to the real `hcrm`
//! binary are refused (413/422) before their cells are built: the server's peak resident memory
//! (VmHWM) stays under 150 MB for each, on SQLite and PostgreSQL. The time each took is
//! printed, not asserted (no timed tests).

#![allow(clippy::unwrap_used, clippy::expect_used)]

#[path = "../../crates/hcrm-api/tests/api/crafted.rs"]
mod crafted;

use std::time::Instant;

use crate::support;

use hcrm_db::testing::{TestDb, backends};
use support::{ADMIN_PASSWORD, PERF_6_MIB, STAFF_PASSWORD, Server, TempDir};

const CSV: &str = "text/csv";
const XLSX: &str = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet";

/// A line of `/proc/<pid>/status` in MB (the kernel writes kB).
fn status_mb(pid: u32, key: &str) -> f64 {
    let text = std::fs::read_to_string(format!("/proc/{pid}/status")).unwrap_or_default();
    text.lines()
        .find(|l| l.starts_with(key))
        .and_then(|l| l.split_whitespace().nth(1))
        .and_then(|kb| kb.parse::<f64>().ok())
        .map_or(0.0, |kb| kb / 1024.0)
}

#[test]
fn crafted_imports_are_refused_and_keep_the_server_under_150_mb() {
    for backend in backends() {
        let dir = TempDir::new();
        let db = TestDb::new(backend);
        let env = [("DATABASE_URL", db.url.as_str())];
        let server = Server::start(&dir.0, &env);
        let admin = server.login("admin", ADMIN_PASSWORD);
        server.institution_with_staff(&admin, &[("sup.a", "supervisor")]);
        let pid = server.pid();
        eprintln!(
            "{backend}: idle {:.0} MB resident ({:.0} MB anonymous, {:.0} MB of mapped files)",
            status_mb(pid, "VmRSS:"),
            status_mb(pid, "RssAnon:"),
            status_mb(pid, "RssFile:")
        );
        drop(server);

        // (what, content type, query, file, expected status)
        let files: Vec<(&str, &str, &str, Vec<u8>, u16)> = vec![
            (
                "xlsx A1 + Z200000",
                XLSX,
                "",
                crafted::two_cells(199_999, 25),
                413,
            ),
            (
                "xlsx A1 + A200000, dimension A1",
                XLSX,
                "",
                crafted::lying_dimension(200_000),
                413,
            ),
            (
                "xlsx 100 MiB of whitespace",
                XLSX,
                "",
                crafted::whitespace_bomb(100),
                413,
            ),
            (
                "xlsx declaring 3 GB",
                XLSX,
                "",
                crafted::declared_size(
                    &crafted::lying_dimension(3),
                    "xl/worksheets/sheet1.xml",
                    3_000_000_000,
                ),
                413,
            ),
            (
                "xlsx 30 KB string x 21,000 cells",
                XLSX,
                "",
                crafted::shared_string_fanout(1000, 21, 30_000),
                413,
            ),
            ("xlsx 4 MiB cell", XLSX, "", crafted::huge_cell(4), 413),
            (
                "xlsx at the limits",
                XLSX,
                "",
                crafted::at_the_limits(),
                200,
            ),
            ("csv 200,001 rows", CSV, "", crafted::csv_rows(200_000), 413),
            (
                "csv 10 MB line",
                CSV,
                "",
                crafted::csv_long_line(10 * 1024 * 1024 - 100),
                413,
            ),
            (
                "csv 100,000 wrong rows",
                CSV,
                "",
                crafted::csv_all_wrong(100_000, 10),
                200,
            ),
            (
                "xlsx uniqueCount 4e9",
                XLSX,
                "",
                crafted::unique_count(4_000_000_000),
                413,
            ),
            (
                "xlsx A1 + XFD1048576",
                XLSX,
                "",
                crafted::two_cells(1_048_575, 16_383),
                413,
            ),
            // The largest files allowed (nothing is written: a dry run, or all rows wrong).
            (
                "csv 100,000 customers, dry run",
                CSV,
                "?dry_run=true",
                crafted::csv_valid(100_000),
                200,
            ),
            (
                "xlsx 100,000 rows x 21 columns",
                XLSX,
                "",
                crafted::full_sheet(100_000),
                200,
            ),
            (
                "xlsx 700,000 shared strings",
                XLSX,
                "",
                crafted::many_shared_strings(700_000),
                200,
            ),
        ];
        let mut failures = Vec::new();
        for (what, ct, query, file, expected) in files {
            // A fresh process for each file: memory an allocator keeps after one file would
            // count against the next.
            let server = Server::start(&dir.0, &env);
            let sup = server.login("sup.a", STAFF_PASSWORD);
            let pid = server.pid();
            let size = file.len();
            let started = Instant::now();
            let (status, body) =
                server.upload(&format!("/api/v1/customers/import{query}"), &sup, ct, file);
            let took = started.elapsed();
            let peak = status_mb(pid, "VmHWM:");
            eprintln!(
                "{backend}: {what} ({} KB): {status} in {} ms, peak {peak:.0} MB",
                size / 1024,
                took.as_millis()
            );
            if status != expected {
                let text = body.to_string();
                failures.push(format!(
                    "{what}: {status}, expected {expected}: {}",
                    &text[..text.len().min(300)]
                ));
            }
            if peak >= PERF_6_MIB || peak == 0.0 {
                failures.push(format!("{what}: peak {peak:.0} MB"));
            }
        }
        // Nothing was imported but the customer of the file at the limits.
        let server = Server::start(&dir.0, &env);
        let sup = server.login("sup.a", STAFF_PASSWORD);
        let (_, list) = server.json(
            "GET",
            "/api/v1/customers?limit=1&exact_total=true",
            Some(&sup),
            None,
        );
        if list["total"] != 1 {
            failures.push(format!("customers afterwards: {}", list["total"]));
        }
        assert!(failures.is_empty(), "{backend}:\n{}", failures.join("\n"));
    }
}
