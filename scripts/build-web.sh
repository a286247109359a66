#!/usr/bin/env bash
# Builds the web app (frontend/) into frontend/dist/, which the `hcrm` binary serves at `/`.
# Needs only rustup and cargo; installs the wasm target and the matching wasm-bindgen CLI.
# Optional: `wasm-opt` on PATH (binaryen ≥ 116, e.g. npm's `binaryen`) shrinks the wasm further.
set -euo pipefail

cd "$(dirname "$0")/.."
WASM_BINDGEN_VERSION=0.2.130
TARGET_DIR="${HCRM_WEB_TARGET_DIR:-target/web}"
DIST=frontend/dist

if ! rustup target list --installed | grep -qx wasm32-unknown-unknown; then
    rustup target add wasm32-unknown-unknown
fi

if [ "$(wasm-bindgen --version 2>/dev/null || true)" != "wasm-bindgen $WASM_BINDGEN_VERSION" ]; then
    # --locked may fail when the registry index lacks a crate version pinned in the CLI's own
    # lock file; fall back to fresh resolution of its dependencies.
    cargo install wasm-bindgen-cli --version "$WASM_BINDGEN_VERSION" --locked \
        || cargo install wasm-bindgen-cli --version "$WASM_BINDGEN_VERSION"
fi

cargo build --release -p hcrm-frontend --target wasm32-unknown-unknown --target-dir "$TARGET_DIR"

rm -rf "$DIST"
mkdir -p "$DIST"
wasm-bindgen --target web --no-typescript --out-name hcrm_frontend --out-dir "$DIST" \
    "$TARGET_DIR/wasm32-unknown-unknown/release/hcrm-frontend.wasm"

# wasm-opt keeps the app within PERF-7's 700 KB (gzip). Debian's binaryen is too old for this
# wasm; npm's `binaryen` package ships a current one, so use it when npm is there.
WASM_OPT=$(command -v wasm-opt || true)
if [ -z "$WASM_OPT" ] && command -v npm >/dev/null 2>&1; then
    BINARYEN_DIR="$TARGET_DIR/binaryen"
    if [ ! -x "$BINARYEN_DIR/node_modules/.bin/wasm-opt" ]; then
        npm install --silent --no-audit --no-fund --prefix "$BINARYEN_DIR" binaryen@132.0.0 >/dev/null 2>&1 \
            || echo "npm could not install binaryen; skipping wasm-opt" >&2
    fi
    [ -x "$BINARYEN_DIR/node_modules/.bin/wasm-opt" ] && WASM_OPT="$BINARYEN_DIR/node_modules/.bin/wasm-opt"
fi
if [ -n "$WASM_OPT" ]; then
    # Old binaryen (Debian's 108) cannot read this wasm; keep the unoptimised file then.
    if "$WASM_OPT" -Oz --enable-bulk-memory --enable-nontrapping-float-to-int --enable-sign-ext \
        --enable-mutable-globals --enable-reference-types --enable-multivalue \
        -o "$DIST/opt.wasm" "$DIST/hcrm_frontend_bg.wasm" 2>/dev/null; then
        mv "$DIST/opt.wasm" "$DIST/hcrm_frontend_bg.wasm"
    else
        rm -f "$DIST/opt.wasm"
        echo "wasm-opt failed; keeping the wasm as built" >&2
    fi
fi

cp frontend/index.html frontend/boot.js frontend/style.css "$DIST/"

echo "frontend/dist:"
total_raw=0
total_gz=0
for f in "$DIST"/*; do
    raw=$(wc -c <"$f")
    gz=$(gzip -9 -c "$f" | wc -c)
    total_raw=$((total_raw + raw))
    total_gz=$((total_gz + gz))
    printf '  %-28s %9d bytes  %9d gzip\n' "$(basename "$f")" "$raw" "$gz"
done
printf '  %-28s %9d bytes  %9d gzip\n' total "$total_raw" "$total_gz"
