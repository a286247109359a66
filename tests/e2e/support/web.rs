//! What the browser tests of the web app share: a server serving the app with one hospital
//! (BJ01) and its staff, and the checks every page gets in both languages — no raw code, no
//! Chinese left on the English page but what people typed.

use serde_json::{Value, json};

use super::browser::web_dist;
use super::{ADMIN_PASSWORD, Server, TempDir};

pub use super::STAFF_PASSWORD;
/// WebDriver's Enter key ([`super::browser::Browser::keys`]).
pub const ENTER: &str = "\u{E007}";
/// The widths every page is looked at: desktop and phone (width, height, mobile, name).
pub const WIDTHS: [(u32, u32, bool, &str); 2] =
    [(1280, 860, false, "1280"), (390, 844, true, "390")];

/// A server with the web app and the institution BJ01 (北京和睦家医院, Beijing), signed in as
/// the admin.
pub struct Hospital {
    pub server: Server,
    pub admin: String,
    pub institution: Value,
}

impl Hospital {
    /// Starts the server in `dir` with the built web app and makes the institution.
    pub fn start(dir: &TempDir) -> Hospital {
        let dist = web_dist();
        let server = Server::start(
            &dir.0,
            &[("HCRM_WEB_DIR", dist.to_str().expect("utf-8 path"))],
        );
        let admin = server.login("admin", ADMIN_PASSWORD);
        let institution = server.created(
            "/api/v1/institutions",
            &admin,
            json!({"code": "BJ01", "name": "北京和睦家医院", "city": "北京", "local": true}),
        );
        Hospital {
            server,
            admin,
            institution,
        }
    }

    /// The web address of the server.
    pub fn base(&self) -> &str {
        &self.server.base
    }

    /// A department of the institution.
    pub fn department(&self, name: &str) -> Value {
        self.post(
            "/api/v1/departments",
            json!({"institution_id": self.institution["id"], "name": name}),
        )
    }

    /// A doctor of `department` with no weekly schedule.
    pub fn doctor(
        &self,
        department: &Value,
        name: &str,
        title: &str,
        specialties: &[&str],
    ) -> Value {
        self.post(
            "/api/v1/doctors",
            json!({"department_id": department["id"], "name": name, "title": title,
                   "specialties": specialties, "schedule": []}),
        )
    }

    /// Staff of the institution: (username, display name, role), password [`STAFF_PASSWORD`].
    pub fn staff(&self, users: &[(&str, &str, &str)]) {
        for (username, name, role) in users {
            self.post(
                "/api/v1/users",
                json!({"username": username, "display_name": name, "password": STAFF_PASSWORD,
                       "roles": [role], "institution_ids": [self.institution["id"]]}),
            );
        }
    }

    /// The access token of the staff member `username`.
    pub fn login(&self, username: &str) -> String {
        self.server.login(username, STAFF_PASSWORD)
    }

    fn post(&self, path: &str, body: Value) -> Value {
        self.server.created(path, &self.admin, body)
    }
}

/// The page's text has none of `codes` (raw codes of a vocabulary — those with an underscore,
/// as the others are words too — and untranslated text keys such as `visit.`).
#[track_caller]
pub fn no_codes(text: &str, codes: &[&str], lang: &str) {
    for code in codes {
        assert!(!text.contains(code), "{code} on the {lang} page: {text}");
    }
}

/// English text has no Chinese but what people typed (`typed`) and the language switch's
/// name for Chinese.
#[track_caller]
pub fn english_only(text: &str, typed: &[&str]) {
    let mut rest = text.to_string();
    for t in typed {
        rest = rest.replace(t, "");
    }
    let cjk: String = rest
        .chars()
        .filter(|c| ('\u{3000}'..='\u{9fff}').contains(c) || ('\u{ff00}'..='\u{ffef}').contains(c))
        .collect();
    let cjk = cjk.replacen("简体中文", "", 1);
    assert!(cjk.is_empty(), "untranslated {cjk:?} in: {text}");
}
