// Starts the web app. A file of its own, not an inline script: the Content-Security-Policy
// (crates/hcrm-api/src/headers.rs) allows scripts from this origin only.
import init from "/hcrm_frontend.js";
init({ module_or_path: "/hcrm_frontend_bg.wasm" });
