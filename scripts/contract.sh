#!/usr/bin/env bash
# REL-1 / X-1: the API contract, checked from the outside (issue 8 items 1 and 9).
#
# 1. Client generation: a Python client (openapi-python-client) and TypeScript types
#    (openapi-typescript) are generated from openapi/openapi.json; any generator warning, or an
#    operation missing from what they generated, fails the run.
# 2. Fuzzing: schemathesis sends generated requests to every operation of a running `hcrm`
#    (debug build, a fresh SQLite database in a temporary folder; and a fresh PostgreSQL
#    database too when HCRM_TEST_DATABASE_URL is set), once as `admin` and once as a
#    `supervisor` (a service role), with a fixed seed and a bounded number of cases. Before it,
#    the generated Python client runs a smoke test and the HIS scenario (scripts/contract-his.py:
#    an API key, a batch upserted, replayed and read back). Checks:
#    no server error, every status, content type and body as documented. 0 failures.
#
# The tools are pinned and installed into target/contract (a Python venv and an npm prefix),
# so a fresh machine needs only Rust, Python 3 and Node with their registries.
#
# Environment: HCRM_CONTRACT_EXAMPLES (cases per operation and phase, default 20),
# HCRM_CONTRACT_SEED (default 20260801), HCRM_TEST_DATABASE_URL (adds the PostgreSQL run).
set -euo pipefail
cd "$(dirname "$0")/.."

SCHEMATHESIS_VERSION=4.32.5
OPENAPI_PYTHON_CLIENT_VERSION=0.29.1
OPENAPI_TYPESCRIPT_VERSION=7.13.0
TYPESCRIPT_VERSION=5.9.3
PYTHON_DATEUTIL_VERSION=2.9.0.post0
EXAMPLES="${HCRM_CONTRACT_EXAMPLES:-20}"
SEED="${HCRM_CONTRACT_SEED:-20260801}"

root="$PWD"
work="$root/target/contract"
spec="$root/openapi/openapi.json"
py_out="$work/python/hcrm_client"
mkdir -p "$work"
checks=0 # generators, client calls and schemathesis cases that passed

say() { printf '\n== contract: %s\n' "$*"; }
fail() { printf 'contract: FAILED: %s\n' "$*" >&2; exit 1; }

# --- tools -------------------------------------------------------------------------------
venv="$work/venv"
# python-dateutil: a dependency of the generated client, used by its smoke test.
want_py="schemathesis==$SCHEMATHESIS_VERSION openapi-python-client==$OPENAPI_PYTHON_CLIENT_VERSION python-dateutil==$PYTHON_DATEUTIL_VERSION"
if [ "$(cat "$venv/.pinned" 2>/dev/null)" != "$want_py" ]; then
    say "installing $want_py into $venv"
    rm -rf "$venv"
    python3 -m venv "$venv"
    # shellcheck disable=SC2086
    "$venv/bin/pip" install --quiet --disable-pip-version-check $want_py
    echo "$want_py" >"$venv/.pinned"
fi
node_dir="$work/node"
want_js="openapi-typescript@$OPENAPI_TYPESCRIPT_VERSION typescript@$TYPESCRIPT_VERSION"
if [ "$(cat "$node_dir/.pinned" 2>/dev/null)" != "$want_js" ]; then
    say "installing $want_js into $node_dir"
    rm -rf "$node_dir"
    mkdir -p "$node_dir"
    echo '{"private": true}' >"$node_dir/package.json"
    # shellcheck disable=SC2086
    (cd "$node_dir" && npm install --silent --no-audit --no-fund --save-exact $want_js)
    echo "$want_js" >"$node_dir/.pinned"
fi

# The operations the document declares, one `METHOD path operationId` a line.
operations="$work/operations.txt"
python3 - "$spec" >"$operations" <<'EOF'
import json, sys
doc = json.load(open(sys.argv[1]))
for path, item in doc["paths"].items():
    for method, op in item.items():
        print(method.upper(), path, op.get("operationId", "-"))
EOF
count=$(wc -l <"$operations")

# --- 1. client generation ------------------------------------------------------------------
clients() {
say "Python client (openapi-python-client $OPENAPI_PYTHON_CLIENT_VERSION)"
rm -rf "$py_out"
# No post hooks: formatting the generated code (ruff) is not what is checked here. The
# generator knows raw bodies only as application/octet-stream: the import's CSV and XLSX bodies
# and the complaint attachments' file types (bodies and downloads) are mapped to it (the
# forms, `multipart/form-data`, need no mapping).
cat >"$work/python-client.yaml" <<'YAML'
post_hooks: []
content_type_overrides:
  text/csv: application/octet-stream
  application/vnd.openxmlformats-officedocument.spreadsheetml.sheet: application/octet-stream
  image/jpeg: application/octet-stream
  image/png: application/octet-stream
  application/pdf: application/octet-stream
  application/vnd.openxmlformats-officedocument.wordprocessingml.document: application/octet-stream
YAML
if ! "$venv/bin/openapi-python-client" generate --path "$spec" --output-path "$py_out" \
    --meta none --config "$work/python-client.yaml" >"$work/python-client.log" 2>&1; then
    cat "$work/python-client.log"
    fail "openapi-python-client failed"
fi
if grep -qi 'warning\|will not be generated\|error' "$work/python-client.log"; then
    cat "$work/python-client.log"
    fail "openapi-python-client warned"
fi
missing=$(while read -r _ _ id; do
    compgen -G "$py_out/api/*/$id.py" >/dev/null || echo "$id"
done <"$operations")
[ -z "$missing" ] || fail "operations missing from the Python client: $missing"
echo "$count operations generated"
checks=$((checks + 1))

say "TypeScript types (openapi-typescript $OPENAPI_TYPESCRIPT_VERSION)"
ts_out="$work/typescript/api.d.ts"
mkdir -p "$(dirname "$ts_out")"
if ! "$node_dir/node_modules/.bin/openapi-typescript" "$spec" -o "$ts_out" \
    >"$work/typescript.log" 2>&1; then
    cat "$work/typescript.log"
    fail "openapi-typescript failed"
fi
if grep -qi 'warn\|error' "$work/typescript.log"; then
    cat "$work/typescript.log"
    fail "openapi-typescript warned"
fi
missing=$(while read -r _ _ id; do
    grep -q "^    $id: {" "$ts_out" || echo "$id"
done <"$operations")
[ -z "$missing" ] || fail "operations missing from the TypeScript types: $missing"
"$node_dir/node_modules/.bin/tsc" --noEmit --strict "$ts_out" || fail "the TypeScript types do not compile"
echo "$count operations typed"
checks=$((checks + 1))
}

# --- 2. schemathesis against the running binary ---------------------------------------------
hcrm="$root/target/debug/hcrm"
st="$venv/bin/schemathesis"

free_port() {
    python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'
}

# POST JSON $2 to $1 (with bearer $3 when given); prints the answer's body, fails on >= 400.
post() {
    curl -sS --fail-with-body -H 'Content-Type: application/json' \
        ${3:+-H "Authorization: Bearer $3"} -d "$2" "$base$1"
}

token_of() {
    post /api/v1/auth/login "{\"username\": \"$1\", \"password\": \"$2\"}" |
        python3 -c 'import json, sys; print(json.load(sys.stdin)["access_token"])'
}

server_pid=""
stop_server() {
    if [ -n "$server_pid" ]; then
        kill "$server_pid" 2>/dev/null || true
        wait "$server_pid" 2>/dev/null || true
        server_pid=""
    fi
}
trap stop_server EXIT

SETTINGS_OP=update_security_settings

# st_run LABEL WHO TOKEN PART FILTER…: one schemathesis run; fails the script on a failure.
st_run() {
    local label=$1 who=$2 token=$3 part=$4 started=$SECONDS log
    shift 4
    log="$dir/schemathesis-$who-$part.log"
    say "$label: schemathesis $SCHEMATHESIS_VERSION as $who, $part (seed $SEED, $EXAMPLES cases per operation and phase)"
    # Run from the report folder: schemathesis keeps a cache folder where it runs.
    if ! (cd "$dir" && "$st" --config-file "$dir/schemathesis.toml" run "$spec" --url "$base" "$@" \
        -H "Authorization: Bearer $token" \
        --checks not_a_server_error,status_code_conformance,content_type_conformance,response_schema_conformance \
        --phases examples,coverage,fuzzing \
        --seed "$SEED" --max-examples "$EXAMPLES" --workers 1 --generation-database none \
        --no-color --report junit --report-dir "$dir/report-$who-$part" \
        >"$log" 2>&1); then
        tail -n 200 "$log"
        fail "$label: schemathesis as $who ($part) found failures (see $log)"
    fi
    grep -E '^  (Selected|Tested):|generated|^=+ .* in ' "$log" || true
    local cases
    cases=$(grep -oE '^  [0-9]+ generated' "$log" | grep -oE '[0-9]+' || echo 0)
    checks=$((checks + cases))
    echo "($((SECONDS - started)) s)"
}

# fuzz LABEL DATABASE_URL: one server on a fresh database, schemathesis as admin and supervisor.
fuzz() {
    local label=$1 database_url=$2 dir
    dir="$work/run-$label"
    rm -rf "$dir"
    mkdir -p "$dir"
    base="http://127.0.0.1:$(free_port)"
    local password='Contract-Passw0rd-1'
    DATABASE_URL="$database_url" HCRM_BIND="${base#http://}" HCRM_ADMIN_PASSWORD="$password" \
        HCRM_JWT_SECRET=contract-check-secret-0123456789abcdef HCRM_WEB_DIR="$dir/no-web-app" \
        RUST_LOG=warn "$hcrm" serve >"$dir/server.log" 2>&1 &
    server_pid=$!
    for _ in $(seq 1 100); do
        curl -sf "$base/readyz" >/dev/null 2>&1 && break
        sleep 0.2
    done
    curl -sf "$base/readyz" >/dev/null || { cat "$dir/server.log"; fail "$label: server did not start"; }

    local admin supervisor
    admin=$(token_of admin "$password")
    post /api/v1/institutions '{"code": "CT01", "name": "契约测试医院", "city": "北京", "local": true}' \
        "$admin" >/dev/null
    echo "$password" | DATABASE_URL="$database_url" "$hcrm" user create --username supervisor \
        --role supervisor --institution CT01 --password-stdin >/dev/null
    supervisor=$(token_of supervisor "$password")

    # The generated Python client calls the server: sign-in, a list, and the import as a form.
    if [ -d "$py_out" ]; then
        say "$label: the generated Python client"
        PYTHONPATH="$work/python" "$venv/bin/python" - "$base" "$password" <<'PY' || fail "$label: the generated Python client failed"
import io, sys
from hcrm_client import AuthenticatedClient, Client
from hcrm_client.api.auth import sign_in
from hcrm_client.api.customers import import_customers, list_customers
from hcrm_client.models import FileUpload, ImportReport, LoginRequest, PageCustomerSummary, TokenResponse
from hcrm_client.types import File

base, password = sys.argv[1], sys.argv[2]
tokens = sign_in.sync(client=Client(base_url=base), body=LoginRequest(username="supervisor", password=password))
assert isinstance(tokens, TokenResponse), tokens
client = AuthenticatedClient(base_url=base, token=tokens.access_token)
page = list_customers.sync(client=client, limit=5)
assert isinstance(page, PageCustomerSummary), page
csv = "姓名,手机\r\n王芳,13812345678\r\n".encode()
upload = FileUpload(file=File(payload=io.BytesIO(csv), file_name="customers.csv", mime_type="text/csv"))
report = import_customers.sync(client=client, body=upload, dry_run=True)
assert isinstance(report, ImportReport) and report.total_rows == 1 and report.created == 1, report
print(f"signed in, listed {page.total} customers, imported a form (dry run): {report.created} created")
PY
        checks=$((checks + 1))
        # Issue 12: the HIS path through the generated client — sign in with an API key, upsert a
        # batch of patients and visits, replay it, read the per-item results and the batches.
        say "$label: the HIS scenario with the generated Python client"
        PYTHONPATH="$work/python" "$venv/bin/python" "$root/scripts/contract-his.py" "$base" "$password" \
            || fail "$label: the HIS scenario with the generated Python client failed"
        checks=$((checks + 1))
    fi

    # Records of each kind, whose ids schemathesis uses for `{id}` half the time, so that
    # reads and changes get past 404 too.
    python3 "$root/scripts/contract-seed.py" "$base" "$admin" "$supervisor" "$password" \
        "$dir/schemathesis.toml" || fail "$label: could not make the records to test with"

    local who token
    for who in admin supervisor; do
        token=$admin
        [ "$who" = supervisor ] && token=$supervisor
        # Changing the sign-in settings may oblige the admin role to use two-factor sign-in,
        # after which every other operation answers 403: that operation runs last.
        st_run "$label" "$who" "$token" main --exclude-operation-id "$SETTINGS_OP"
        st_run "$label" "$who" "$token" settings --include-operation-id "$SETTINGS_OP"
    done
    stop_server
}

what="${1:-all}"
case "$what" in
all | clients) clients ;;
esac
case "$what" in
all | fuzz)
    say "building the hcrm binary (debug)"
    cargo build --quiet -p hcrm-server
    sqlite_dir=$(mktemp -d)
    fuzz sqlite "sqlite://$sqlite_dir/hcrm.db"
    rm -rf "$sqlite_dir"
    if [ -n "${HCRM_TEST_DATABASE_URL:-}" ]; then
        # A fresh database beside the one the tests are given, dropped afterwards.
        pg_db="hcrm_contract_$$"
        pg_url="${HCRM_TEST_DATABASE_URL%/*}/$pg_db"
        PGOPTIONS=--client-min-messages=warning psql -q "$HCRM_TEST_DATABASE_URL" -c "DROP DATABASE IF EXISTS $pg_db" -c "CREATE DATABASE $pg_db"
        fuzz postgres "$pg_url"
        psql -q "$HCRM_TEST_DATABASE_URL" -c "DROP DATABASE $pg_db WITH (FORCE)"
    fi
    ;;
esac
# The plain closing line CI reads (any failure has stopped the script before).
echo "contract: $checks passed, 0 failed"
