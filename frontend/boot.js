// Starts the web app. A file of its own, not an inline script: the Content-Security-Policy
// (crates/hcrm-api/src/headers.rs) allows scripts from this origin only.
//
// PERF-7: the app is built once per area (frontend/Cargo.toml features); this loads the build
// that holds the page asked for — `office` for complaints, reports and administration, the
// `service` build for everything else; the same rule tags the routes in src/app/mod.rs.
const office = /^\/(complaints|reports|admin)(\/|$)/.test(location.pathname);
const [glue, wasm] = office
    ? ["/hcrm_office.js", "/hcrm_office_bg.wasm"]
    : ["/hcrm_service.js", "/hcrm_service_bg.wasm"];
const { default: init } = await import(glue);
init({ module_or_path: wasm });
