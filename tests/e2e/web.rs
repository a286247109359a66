//! The web app end to end in headless Chromium (Debian's `chromium` + `chromium-driver`,
//! installed by scripts/test.sh): sign in as admin, create an institution and a user, sign
//! out, sign in as that user and see a different menu. Screenshots of each main page go to
//! `tests/screenshots/` (ignored by git).

#![allow(clippy::unwrap_used, clippy::expect_used)]

use crate::support;

use support::browser::{Browser, web_dist};
use support::{ADMIN_PASSWORD, Server, TempDir};

#[test]
fn admin_creates_a_user_who_then_sees_a_different_menu() {
    let dist = web_dist();
    let dir = TempDir::new();
    let server = Server::start(&dir.0, &[("HCRM_WEB_DIR", dist.to_str().unwrap())]);
    let b = Browser::start();

    // Signed out, any page leads to the sign-in form (Chinese by default).
    b.go(&format!("{}/admin/users", server.base));
    b.find("#login-username");
    b.shot("login");
    b.type_into("#login-username", "admin");
    b.type_into("#login-password", ADMIN_PASSWORD);
    b.click("#login-submit");
    b.find("#current-user");
    b.shot("home");
    let admin_menu = b.nav_keys();
    for key in [
        "customers",
        "institutions",
        "departments",
        "users",
        "audit",
        "profile",
    ] {
        assert!(
            admin_menu.contains(&key.to_string()),
            "admin menu lacks {key}: {admin_menu:?}"
        );
    }

    // The language switch changes the interface and back.
    let zh = b.page_text();
    b.click("#lang-switch");
    b.wait_text("Sign out");
    b.shot("home-en");
    b.click("#lang-switch");
    b.wait_text("退出");
    assert!(zh.contains("退出"), "Chinese by default");

    // Create an institution.
    b.click("#nav a[data-nav='institutions']");
    b.click("#institution-new");
    b.type_into("#institution-code", "BJ01");
    b.type_into("#institution-name", "北京和睦家医院");
    b.type_into("#institution-city", "北京");
    b.click("#institution-save");
    b.wait_text("北京和睦家医院");
    b.find("#institutions-table");
    b.shot("institutions");

    // Create an agent of that institution.
    b.click("#nav a[data-nav='users']");
    b.click("#user-new");
    b.type_into("#user-username", "wang.fang");
    b.type_into("#user-display-name", "王芳");
    b.type_into("#user-password", "Agent2026x");
    b.type_into("#user-phone", "13812345678");
    b.click("input[data-role='agent']");
    b.click("input[data-institution='BJ01']");
    b.shot("user-form");
    b.click("#user-save");
    b.wait_text("wang.fang");
    b.find("#users-table");
    b.shot("users");

    b.click("#nav a[data-nav='departments']");
    b.find("#departments-table");
    b.shot("departments");
    b.click("#nav a[data-nav='audit']");
    b.find("#audit-table");
    b.wait_text("wang.fang");
    b.shot("audit");
    b.click("#nav a[data-nav='profile']");
    b.find("#profile");
    b.shot("profile");

    // Sign out, sign in as the agent: no admin menu.
    b.click("#logout");
    b.find("#login-username");
    b.type_into("#login-username", "wang.fang");
    b.type_into("#login-password", "Agent2026x");
    b.click("#login-submit");
    b.find("#current-user");
    b.wait_text("王芳");
    let agent_menu = b.nav_keys();
    b.shot("agent-home");
    for key in [
        "customers",
        "service",
        "complaints",
        "follow-ups",
        "profile",
    ] {
        assert!(
            agent_menu.contains(&key.to_string()),
            "agent lacks {key}: {agent_menu:?}"
        );
    }
    for key in ["institutions", "users", "audit"] {
        assert!(
            !agent_menu.contains(&key.to_string()),
            "agent sees {key}: {agent_menu:?}"
        );
    }
    assert_ne!(agent_menu, admin_menu);

    // A wrong password is explained in the user's language.
    b.click("#logout");
    b.type_into("#login-username", "wang.fang");
    b.type_into("#login-password", "wrong-pass1");
    b.click("#login-submit");
    b.find(".error-banner");
    b.shot("login-error");
}

/// The Content-Security-Policy reports in the browser's console since the last look (after
/// checking that the console can be read at all).
fn csp_violations(b: &Browser) -> Vec<String> {
    b.script("console.error('hcrm-console-probe')");
    let console = b.console();
    assert!(
        console.iter().any(|m| m.contains("hcrm-console-probe")),
        "browser console unreadable: {console:?}"
    );
    console
        .into_iter()
        .filter(|m| m.contains("Content Security Policy") || m.contains("Content-Security-Policy"))
        .collect()
}

/// Issue 7 item 10 (X-3): the refresh token lives in an HttpOnly, SameSite=Strict cookie scoped
/// to /api/v1/auth — never in localStorage or sessionStorage, where a script could read it — yet
/// a reload keeps the user signed in; signing out clears it. The app runs under its
/// Content-Security-Policy (no inline script, 'wasm-unsafe-eval') without a single violation.
#[test]
fn a_reload_stays_signed_in_with_no_token_in_web_storage() {
    let dist = web_dist();
    let index = std::fs::read_to_string(dist.join("index.html")).unwrap();
    // The loader's name carries its content hash (issue 8 item 8): boot-<16 hex>.js.
    let boot = index
        .split(r#"<script type="module" src="/"#)
        .nth(1)
        .and_then(|rest| rest.split_once(r#""></script>"#))
        .map(|(src, _)| src.to_string())
        .unwrap_or_default();
    assert!(
        boot.starts_with("boot-")
            && hcrm_api::web_app::is_content_hashed(&boot)
            && dist.join(&boot).is_file()
            && index.matches("<script").count() == 1,
        "the only script is a file: {index}"
    );
    let dir = TempDir::new();
    let server = Server::start(&dir.0, &[("HCRM_WEB_DIR", dist.to_str().unwrap())]);
    let b = Browser::start();

    b.go(&format!("{}/profile", server.base));
    b.type_into("#login-username", "admin");
    b.type_into("#login-password", ADMIN_PASSWORD);
    b.click("#login-submit");
    b.find("#current-user");
    b.find("#profile-username");

    let storage = b
        .script(
            "return JSON.stringify([Object.entries(localStorage), Object.entries(sessionStorage)])",
        )
        .as_str()
        .unwrap_or_default()
        .to_string();
    for token_like in ["rt_", "refresh", "eyJ"] {
        assert!(
            !storage.contains(token_like),
            "{token_like} in web storage: {storage}"
        );
    }
    let visible = b.script("return document.cookie");
    assert!(
        !visible.to_string().contains("hcrm_refresh"),
        "scripts see the cookie: {visible}"
    );
    let refresh_cookie = |b: &Browser| {
        b.cookies()
            .into_iter()
            .find(|c| c["name"] == "hcrm_refresh" && c["value"] != "")
    };
    let cookie = refresh_cookie(&b).expect("the browser holds the refresh cookie");
    assert_eq!(cookie["httpOnly"], true, "{cookie}");
    assert_eq!(cookie["sameSite"], "Strict", "{cookie}");
    assert_eq!(cookie["path"], "/api/v1/auth", "{cookie}");

    // A reload starts without an access token and gets one from the cookie: still signed in,
    // on the same page.
    b.go(&format!("{}/profile", server.base));
    b.find("#profile-username");
    b.find("#current-user");
    assert!(
        b.try_find("#login-username").is_none(),
        "signed in after reload"
    );
    let rotated = refresh_cookie(&b).expect("cookie after reload");
    assert_ne!(rotated["value"], cookie["value"], "rotated on refresh");
    b.shot("reload-signed-in");

    // Sign out: the cookie is gone and a reload shows the sign-in page.
    b.click("#logout");
    b.find("#login-username");
    assert!(refresh_cookie(&b).is_none(), "cookie cleared on sign-out");
    b.go(&format!("{}/profile", server.base));
    b.find("#login-username");

    let violations = csp_violations(&b);
    assert!(violations.is_empty(), "CSP violations: {violations:?}");
}

/// Issue 7 item 10: the vendored Swagger UI at /docs renders under its own policy.
#[test]
fn the_docs_viewer_runs_under_its_content_security_policy() {
    let dir = TempDir::new();
    let server = Server::start(&dir.0, &[]);
    let b = Browser::start();
    b.go(&format!("{}/docs/", server.base));
    b.find(".swagger-ui .info .title");
    b.wait_text("HCRM API");
    b.find(".opblock-tag");
    b.shot("docs");
    let violations = csp_violations(&b);
    assert!(violations.is_empty(), "CSP violations: {violations:?}");
}

/// The authenticator app's code for `secret`, `offset` seconds from now.
fn totp_code(secret: &str, offset: i64) -> String {
    let now = chrono::Utc::now().timestamp() + offset;
    hcrm_api::auth::totp::current_code(secret, u64::try_from(now).unwrap())
}

/// Issue 7 item 14 (X-6c): the two-factor page asks for the password again to set up and to
/// turn off, and tells a wrong one apart from a wrong code.
#[test]
fn two_factor_changes_ask_for_the_password_on_the_profile_page() {
    let dist = web_dist();
    let dir = TempDir::new();
    let server = Server::start(&dir.0, &[("HCRM_WEB_DIR", dist.to_str().unwrap())]);
    let b = Browser::start();
    b.go(&format!("{}/profile", server.base));
    b.type_into("#login-username", "admin");
    b.type_into("#login-password", ADMIN_PASSWORD);
    b.click("#login-submit");
    b.find("#totp-setup-form");

    // No password: asked for it; a wrong one: told so, no secret shown.
    b.click("#totp-setup");
    b.find("#totp-password-error");
    b.type_into("#totp-password", "not-the-password1");
    b.click("#totp-setup");
    b.wait_text("密码错误");
    assert!(b.try_find("#totp-secret").is_none());
    b.shot("totp-wrong-password");

    b.type_into("#totp-password", ADMIN_PASSWORD);
    b.click("#totp-setup");
    let secret_el = b.find("#totp-secret");
    let secret = b
        .script("return document.querySelector('#totp-secret').textContent")
        .as_str()
        .unwrap()
        .to_string();
    assert!(!secret_el.is_empty() && secret.len() == 32, "{secret}");
    b.type_into("#totp-code", &totp_code(&secret, 0));
    b.click("#totp-enable");
    b.find("#totp-disable-form");
    b.wait_text("两步验证已开启");

    // Turning it off: the password field comes first; a wrong password is shown at it.
    b.type_into("#totp-password", "not-the-password1");
    b.type_into("#totp-code", &totp_code(&secret, 30));
    b.click("#totp-disable");
    b.find("#totp-password-error");
    b.wait_text("密码错误");
    assert_eq!(
        b.script("return document.querySelector('#totp').dataset.enabled"),
        "true"
    );
    b.shot("totp-disable-wrong-password");
    // In English too.
    b.click("#lang-switch");
    b.wait_text("Current password");
    b.type_into("#totp-password", ADMIN_PASSWORD);
    b.type_into("#totp-code", &totp_code(&secret, 30));
    b.click("#totp-disable");
    b.wait_text("Two-factor sign-in is off.");
    b.find("#totp-setup-form");
    b.shot("totp-off-en");
}
