#!/usr/bin/env bash
# Builds the web app (frontend/) into frontend/dist/, which the `hcrm` binary serves at `/`.
# Needs only rustup and cargo; installs the wasm target and the matching wasm-bindgen CLI.
# Optional: `wasm-opt` on PATH (binaryen ≥ 116, e.g. npm's `binaryen`) shrinks the wasm further;
# Node (or the `brotli` CLI) makes the brotli variants. The assets get content-hashed names and
# `.br`/`.gz` variants beside them, which the server sends as they are (PERF-7).
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

# PERF-7: one build per area (frontend/Cargo.toml features), each with only its area's pages;
# frontend/boot.js loads the one that holds the page asked for.
AREAS=(service office)
rm -rf "$DIST"
mkdir -p "$DIST"
for area in "${AREAS[@]}"; do
    cargo build --profile web -p hcrm-frontend --target wasm32-unknown-unknown \
        --target-dir "$TARGET_DIR" --no-default-features --features "$area"
    wasm-bindgen --target web --no-typescript --out-name "hcrm_$area" --out-dir "$DIST" \
        "$TARGET_DIR/wasm32-unknown-unknown/web/hcrm-frontend.wasm"
done

# wasm-opt keeps the app within PERF-7's 700 KB (brotli). Debian's binaryen is too old for this
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
for area in "${AREAS[@]}"; do
    [ -n "$WASM_OPT" ] || break
    # Old binaryen (Debian's 108) cannot read this wasm; keep the unoptimised file then.
    if "$WASM_OPT" -Oz --enable-bulk-memory --enable-nontrapping-float-to-int --enable-sign-ext \
        --enable-mutable-globals --enable-reference-types --enable-multivalue \
        -o "$DIST/opt.wasm" "$DIST/hcrm_${area}_bg.wasm" 2>/dev/null; then
        mv "$DIST/opt.wasm" "$DIST/hcrm_${area}_bg.wasm"
    else
        rm -f "$DIST/opt.wasm"
        echo "wasm-opt failed; keeping the wasm as built" >&2
    fi
done

# Content-hashed names (PERF-7): a name always means the same bytes, so the server lets browsers
# keep these files for a year without asking (`immutable`, crates/hcrm-api/src/web_app.rs), and
# a new build is new names that index.html (never cached without asking) points to. The wasm
# comes first: the glue and the loader name it; the loader names the glue; index.html names all.
hash_name() { # file in $DIST → <stem>-<16 hex of sha256>.<ext>; prints the new name
    local file=$1 name
    name="${file%.*}-$(sha256sum "$DIST/$file" | cut -c1-16).${file##*.}"
    mv "$DIST/$file" "$DIST/$name"
    echo "$name"
}
rewrite() { # src dst sed-args… — dst is src with the references replaced
    local src=$1 dst=$2
    shift 2
    sed "$@" "$src" >"$dst.tmp" && mv "$dst.tmp" "$dst"
}
cp frontend/boot.js "$DIST/boot.js"
checks=()
for area in "${AREAS[@]}"; do
    wasm=$(hash_name "hcrm_${area}_bg.wasm")
    # The glue's default wasm URL (unused: boot.js passes one) must not name a missing file either.
    rewrite "$DIST/hcrm_$area.js" "$DIST/hcrm_$area.js" -e "s|'hcrm_${area}_bg.wasm'|'$wasm'|"
    js=$(hash_name "hcrm_$area.js")
    rewrite "$DIST/boot.js" "$DIST/boot.js" \
        -e "s|\"/hcrm_$area.js\"|\"/$js\"|" -e "s|\"/hcrm_${area}_bg.wasm\"|\"/$wasm\"|"
    checks+=("BOOT:/$js" "BOOT:/$wasm")
done
cp frontend/style.css "$DIST/style.css"
css=$(hash_name style.css)
boot=$(hash_name boot.js)
rewrite frontend/index.html "$DIST/index.html" \
    -e "s|\"/style.css\"|\"/$css\"|" -e "s|\"/boot.js\"|\"/$boot\"|"
# A reference the rewrite missed would load a file that is not there (or an old, cached one).
for check in "index.html:/$css" "index.html:/$boot" "${checks[@]/#BOOT/$boot}"; do
    grep -qF "\"${check#*:}\"" "$DIST/${check%%:*}" \
        || { echo "build-web: ${check%%:*} does not reference ${check#*:}" >&2; exit 1; }
done
if grep -Eq '"/(boot\.js|style\.css|hcrm_[a-z]+\.js|hcrm_[a-z]+_bg\.wasm)"' "$DIST/index.html" "$DIST/$boot"; then
    echo "build-web: an unhashed asset name is left in index.html or $boot" >&2
    exit 1
fi

# Precompressed variants (PERF-7) at the best levels, sent as they are with Content-Encoding:
# brotli (quality 11, 16 MiB window) through Node's built-in zlib — Node is already needed for
# wasm-opt above and brings brotli without a download; the `brotli` CLI when Node is missing —
# and gzip -9 (-n: no name or time stamp, so equal inputs give equal files). A variant that is
# not smaller than its file is dropped; the server then sends the file as stored.
FILES=("$DIST"/*)
if command -v node >/dev/null 2>&1; then
    node -e '
        const fs = require("fs"), zlib = require("zlib"), c = zlib.constants;
        for (const f of process.argv.slice(1)) {
            const data = fs.readFileSync(f);
            fs.writeFileSync(f + ".br", zlib.brotliCompressSync(data, {params: {
                [c.BROTLI_PARAM_QUALITY]: c.BROTLI_MAX_QUALITY,
                [c.BROTLI_PARAM_LGWIN]: c.BROTLI_MAX_WINDOW_BITS,
                [c.BROTLI_PARAM_SIZE_HINT]: data.length}}));
        }' "${FILES[@]}"
elif command -v brotli >/dev/null 2>&1; then
    brotli --best --large_window=24 --force --keep "${FILES[@]}" 2>/dev/null \
        || brotli --best --force --keep "${FILES[@]}"
else
    echo "build-web: neither node nor brotli found; no .br files (browsers get gzip)" >&2
fi
for f in "${FILES[@]}"; do
    gzip -9 -n -c "$f" >"$f.gz"
    for v in "$f.br" "$f.gz"; do
        if [ -f "$v" ] && [ "$(wc -c <"$v")" -ge "$(wc -c <"$f")" ]; then rm "$v"; fi
    done
done

size() { if [ -f "$1" ]; then wc -c <"$1"; else echo -; fi; }
echo "frontend/dist (bytes as stored, brotli, gzip; a browser receives the smallest it accepts):"
total_raw=0
total_br=0
total_gz=0
for f in "${FILES[@]}"; do
    raw=$(wc -c <"$f")
    br=$(size "$f.br")
    gz=$(size "$f.gz")
    total_raw=$((total_raw + raw))
    total_br=$((total_br + $([ "$br" = - ] && echo "$raw" || echo "$br")))
    total_gz=$((total_gz + $([ "$gz" = - ] && echo "$raw" || echo "$gz")))
    printf '  %-42s %9s %9s %9s\n' "$(basename "$f")" "$raw" "$br" "$gz"
done
printf '  %-42s %9s %9s %9s\n' total "$total_raw" "$total_br" "$total_gz"
