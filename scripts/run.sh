#!/usr/bin/env bash
# Builds the web app and the server (release) and starts HCRM on http://127.0.0.1:8080.
# Needs only Rust (rustup + cargo). Configuration comes from the environment (see README).
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/build-web.sh
cargo build --release -p hcrm-server
exec target/release/hcrm serve
