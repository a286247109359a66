#!/usr/bin/env bash
# Runs every test: unit, API and end-to-end (the binary, and the web app in headless Chromium),
# then the API contract check (scripts/contract.sh: generated clients, schemathesis) and the
# FHIR validity check (scripts/fhir-check.sh),
# on SQLite, and on PostgreSQL too when HCRM_TEST_DATABASE_URL is set
# (e.g. postgres://postgres@127.0.0.1:5432/test; each test makes and drops its own database).
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/build-web.sh
scripts/install-browser.sh
cargo build -p hcrm-server
cargo test --workspace --exclude hcrm-frontend
cargo test -p hcrm-frontend
# REL-1 / X-1: generated clients and schemathesis against the running binary (scripts/contract.sh).
scripts/contract.sh
# INT-4: the FHIR answers are valid R4 for fhir.resources and HL7's JSON schema (scripts/fhir-check.sh).
scripts/fhir-check.sh
