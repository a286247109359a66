#!/usr/bin/env bash
# Runs every test: unit, API and end-to-end (the binary, and the web app in headless Chromium)
# on SQLite, and on PostgreSQL too when HCRM_TEST_DATABASE_URL is set
# (e.g. postgres://postgres@127.0.0.1:5432/test; each test makes and drops its own database).
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/build-web.sh
scripts/install-browser.sh
cargo build -p hcrm-server
cargo test --workspace --exclude hcrm-frontend
cargo test -p hcrm-frontend
