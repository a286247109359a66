//! Headless Chromium driven over WebDriver (Debian's `chromium` + `chromium-driver`, installed
//! by scripts/install-browser.sh), with screenshots into `tests/screenshots/`.

use std::path::PathBuf;
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use base64::Engine;
use serde_json::{Value, json};

use super::{TempDir, free_port, workspace};

const ELEMENT: &str = "element-6066-11e4-a52e-4f735466cecf";

/// WebDriver's codes of the keys tests press ([`Browser::press`]).
pub const TAB: &str = "\u{E004}";
pub const SHIFT: &str = "\u{E008}";
pub const ESCAPE: &str = "\u{E00C}";

fn chromedriver() -> PathBuf {
    ["/usr/bin/chromedriver", "/usr/lib/chromium/chromedriver"]
        .iter()
        .map(PathBuf::from)
        .find(|p| p.is_file())
        .expect("chromedriver missing: run scripts/install-browser.sh (Debian's chromium-driver)")
}

pub struct Browser {
    driver: Child,
    base: String,
    session: String,
    agent: ureq::Agent,
    shots: PathBuf,
    _profile: TempDir,
}

impl Browser {
    pub fn start() -> Browser {
        let port = free_port();
        let driver = Command::new(chromedriver())
            .arg(format!("--port={port}"))
            // The browser's clock reads Beijing time, as the hospitals' machines do: the web
            // app's "today" is the browser's, and from 00:00 to 08:00 in Beijing a UTC browser
            // was a day behind the institution (the console's arrivals of today were empty).
            .env("TZ", "Asia/Shanghai")
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .expect("start chromedriver");
        let agent: ureq::Agent = ureq::Agent::config_builder()
            .http_status_as_error(false)
            .build()
            .into();
        let base = format!("http://127.0.0.1:{port}");
        let deadline = Instant::now() + Duration::from_secs(20);
        while agent.get(format!("{base}/status")).call().is_err() {
            assert!(Instant::now() < deadline, "chromedriver did not start");
            std::thread::sleep(Duration::from_millis(100));
        }
        let profile = TempDir::new();
        let args = [
            "--headless",
            "--no-sandbox",
            "--disable-gpu",
            "--disable-dev-shm-usage",
            "--disable-quic",
            "--disable-background-networking",
            "--disable-component-update",
            "--disable-sync",
            "--no-first-run",
            "--window-size=1280,860",
            "--lang=zh-CN",
        ];
        let mut args: Vec<String> = args.iter().map(|s| s.to_string()).collect();
        args.push(format!("--user-data-dir={}", profile.0.display()));
        let caps = json!({"capabilities": {"alwaysMatch": {
            "browserName": "chrome",
            "goog:chromeOptions": {"binary": "/usr/bin/chromium", "args": args},
            "goog:loggingPrefs": {"browser": "ALL"}
        }}});
        let mut b = Browser {
            driver,
            base,
            session: String::new(),
            agent,
            shots: workspace().join("tests/screenshots"),
            _profile: profile,
        };
        let res = b.call("POST", "/session", Some(caps));
        b.session = res["sessionId"]
            .as_str()
            .unwrap_or_else(|| panic!("no session: {res}"))
            .to_string();
        std::fs::create_dir_all(&b.shots).expect("screenshots dir");
        b
    }

    fn call(&self, method: &str, path: &str, body: Option<Value>) -> Value {
        let url = if path == "/session" {
            format!("{}{path}", self.base)
        } else {
            format!("{}/session/{}{path}", self.base, self.session)
        };
        let req = ureq::http::Request::builder().method(method).uri(url);
        let res = match body {
            Some(b) => self.agent.run(
                req.header("Content-Type", "application/json")
                    .body(b.to_string())
                    .expect("req"),
            ),
            None => self.agent.run(req.body(()).expect("req")),
        };
        let text = res
            .expect("webdriver")
            .body_mut()
            .read_to_string()
            .unwrap_or_default();
        let v: Value = serde_json::from_str(&text).unwrap_or(Value::Null);
        v.get("value").cloned().unwrap_or(v)
    }

    pub fn go(&self, url: &str) {
        self.call("POST", "/url", Some(json!({"url": url})));
    }

    /// Makes the browser's own time zone `zone` (IANA), as if the machine were there: what
    /// the page shows "in the browser's zone" changes with it.
    pub fn time_zone(&self, zone: &str) {
        self.call(
            "POST",
            "/goog/cdp/execute",
            Some(json!({"cmd": "Emulation.setTimezoneOverride", "params": {"timezoneId": zone}})),
        );
    }

    pub fn try_find(&self, css: &str) -> Option<String> {
        let v = self.call(
            "POST",
            "/element",
            Some(json!({"using": "css selector", "value": css})),
        );
        v.get(ELEMENT).and_then(Value::as_str).map(str::to_string)
    }

    /// Waits up to 15 s for `css` to appear.
    #[track_caller]
    pub fn find(&self, css: &str) -> String {
        let deadline = Instant::now() + Duration::from_secs(15);
        loop {
            if let Some(id) = self.try_find(css) {
                return id;
            }
            if Instant::now() > deadline {
                self.shot("failure");
                panic!("{css} not found; page text: {}", self.page_text());
            }
            std::thread::sleep(Duration::from_millis(100));
        }
    }

    /// Clicks `css` brought to the middle of the window first: below the sticky top bar a
    /// click would land on the bar.
    pub fn tap(&self, css: &str) {
        self.find(css);
        let quoted = serde_json::to_string(css).unwrap_or_default();
        self.script(&format!(
            "document.querySelector({quoted}).scrollIntoView({{block: 'center'}}); return 1;"
        ));
        self.click(css);
    }

    /// Switches the app to English (`en`) or Chinese with the top bar's switch, when it is not
    /// in that language already, and waits until it is.
    pub fn set_lang(&self, en: bool) {
        let want = if en { "en" } else { "zh-CN" };
        if self.script("return document.documentElement.lang") != json!(want) {
            self.tap("#lang-switch");
            self.wait_for(
                "the language switched",
                &format!("document.documentElement.lang === '{want}'"),
            );
        }
    }

    /// Lets the page's downloads go to `dir` (through the DevTools protocol: headless
    /// Chromium refuses them otherwise).
    pub fn download_to(&self, dir: &std::path::Path) {
        let v = self.call(
            "POST",
            "/goog/cdp/execute",
            Some(json!({"cmd": "Browser.setDownloadBehavior", "params": {
                "behavior": "allow", "downloadPath": dir.display().to_string(),
                "eventsEnabled": false
            }})),
        );
        assert!(
            v.get("error").is_none(),
            "downloads to {}: {v}",
            dir.display()
        );
    }

    pub fn click(&self, css: &str) {
        let id = self.find(css);
        self.call("POST", &format!("/element/{id}/click"), Some(json!({})));
    }

    pub fn type_into(&self, css: &str, text: &str) {
        let id = self.find(css);
        self.call("POST", &format!("/element/{id}/clear"), Some(json!({})));
        self.call(
            "POST",
            &format!("/element/{id}/value"),
            Some(json!({"text": text})),
        );
    }

    /// Presses `keys` together, as a real keyboard (WebDriver actions): e.g. `[TAB]`,
    /// `[SHIFT, TAB]`, `[ESCAPE]`. Keys go to the element that has focus.
    pub fn press(&self, keys: &[&str]) {
        let mut actions: Vec<Value> = keys
            .iter()
            .map(|k| json!({"type": "keyDown", "value": k}))
            .collect();
        actions.extend(
            keys.iter()
                .rev()
                .map(|k| json!({"type": "keyUp", "value": k})),
        );
        self.call(
            "POST",
            "/actions",
            Some(json!({"actions": [{"type": "key", "id": "keyboard", "actions": actions}]})),
        );
        self.call("DELETE", "/actions", None);
    }

    /// The id of the element that has focus ("" for none or one without an id).
    pub fn focused(&self) -> String {
        self.script("return document.activeElement ? document.activeElement.id : ''")
            .as_str()
            .unwrap_or_default()
            .to_string()
    }

    /// Sets a `<select>` or `<input>`'s value as a user's choice does (input and change
    /// events), for controls WebDriver cannot type into (dates, selects).
    pub fn set_value(&self, css: &str, value: &str) {
        self.find(css);
        let css = css.replace('\'', "\\'");
        self.script(&format!(
            "const el = document.querySelector('{css}'); \
             const proto = el instanceof HTMLSelectElement ? HTMLSelectElement.prototype : HTMLInputElement.prototype; \
             Object.getOwnPropertyDescriptor(proto, 'value').set.call(el, '{value}'); \
             el.dispatchEvent(new Event('input', {{bubbles: true}})); \
             el.dispatchEvent(new Event('change', {{bubbles: true}})); return el.value;"
        ));
    }

    pub fn script(&self, js: &str) -> Value {
        self.call(
            "POST",
            "/execute/sync",
            Some(json!({"script": js, "args": []})),
        )
    }

    pub fn page_text(&self) -> String {
        self.script("return document.body ? document.body.innerText : ''")
            .as_str()
            .unwrap_or_default()
            .to_string()
    }

    /// Waits until the page's text contains `needle`.
    #[track_caller]
    pub fn wait_text(&self, needle: &str) {
        let deadline = Instant::now() + Duration::from_secs(15);
        while !self.page_text().contains(needle) {
            if Instant::now() > deadline {
                self.shot("failure");
                panic!("{needle:?} never shown; page text: {}", self.page_text());
            }
            std::thread::sleep(Duration::from_millis(100));
        }
    }

    /// Every cookie the browser holds, whatever its path, `HttpOnly` ones included (through
    /// the DevTools protocol: WebDriver's own list has only the current page's path).
    pub fn cookies(&self) -> Vec<Value> {
        self.call(
            "POST",
            "/goog/cdp/execute",
            Some(json!({"cmd": "Network.getAllCookies", "params": {}})),
        )["cookies"]
            .as_array()
            .cloned()
            .unwrap_or_default()
    }

    /// The console messages since the last call (Chromium's browser log), e.g. CSP violations.
    pub fn console(&self) -> Vec<String> {
        self.call("POST", "/se/log", Some(json!({"type": "browser"})))
            .as_array()
            .map(|a| {
                a.iter()
                    .filter_map(|e| e["message"].as_str().map(str::to_string))
                    .collect()
            })
            .unwrap_or_default()
    }

    pub fn nav_keys(&self) -> Vec<String> {
        let v = self.script("return Array.from(document.querySelectorAll('#nav [data-nav]')).map(a => a.getAttribute('data-nav'))");
        v.as_array()
            .map(|a| {
                a.iter()
                    .filter_map(|x| x.as_str().map(str::to_string))
                    .collect()
            })
            .unwrap_or_default()
    }

    /// Sets the viewport to `width` × `height` CSS pixels (issue 9: desktop, tablet 768, phone
    /// 390), as a phone when `mobile` (touch, the page's viewport meta). Through the DevTools
    /// protocol: a headless window cannot be made narrower than Chromium's minimum.
    pub fn window_size(&self, width: u32, height: u32, mobile: bool) {
        let v = self.call(
            "POST",
            "/goog/cdp/execute",
            Some(
                json!({"cmd": "Emulation.setDeviceMetricsOverride", "params": {
                    "width": width, "height": height, "deviceScaleFactor": 1, "mobile": mobile
                }}),
            ),
        );
        assert!(v.get("error").is_none(), "viewport {width}x{height}: {v}");
        let deadline = Instant::now() + Duration::from_secs(5);
        loop {
            let now = self.script("return window.innerWidth");
            if now == json!(width) {
                break;
            }
            assert!(
                Instant::now() < deadline,
                "the viewport is not {width} wide but {now}"
            );
            std::thread::sleep(Duration::from_millis(50));
        }
    }

    /// How far the page itself scrolls sideways: the document's scroll width beyond the
    /// viewport, in CSS pixels (0: none), with the widest elements that stick out.
    pub fn sideways_overflow(&self) -> (i64, String) {
        let v = self.script(
            "const w = window.innerWidth; \
             const over = document.scrollingElement.scrollWidth - w; \
             const wide = [...document.querySelectorAll('body *')] \
               .filter(e => e.getBoundingClientRect().right > w + 1) \
               .filter(e => !e.closest('.grid-scroll') || e.classList.contains('grid-scroll')) \
               .slice(0, 5) \
               .map(e => e.tagName.toLowerCase() + (e.id ? '#' + e.id : '') + \
                    (e.className && typeof e.className === 'string' ? '.' + e.className.split(' ').join('.') : '') + \
                    ' ' + Math.round(e.getBoundingClientRect().right)); \
             return [over, wide.join(', ')];",
        );
        (
            v[0].as_i64().unwrap_or(i64::MAX),
            v[1].as_str().unwrap_or_default().to_string(),
        )
    }

    /// Text on the page below WCAG AA contrast (4.5:1; 3:1 from 24 px, or 18.67 px bold): each
    /// as "text (ratio)", against the first opaque background behind it. Disabled controls
    /// are exempt, as WCAG has it.
    pub fn low_contrast(&self) -> Vec<String> {
        let v = self.script(
            "const rgb = c => (c.match(/[\\d.]+/g) || []).map(Number); \
             const lum = ([r, g, b]) => [r, g, b].map(v => { v /= 255; \
               return v <= 0.03928 ? v / 12.92 : Math.pow((v + 0.055) / 1.055, 2.4); }) \
               .reduce((s, v, i) => s + v * [0.2126, 0.7152, 0.0722][i], 0); \
             const bg = e => { for (; e; e = e.parentElement) { const c = rgb(getComputedStyle(e).backgroundColor); \
               if (c.length === 3 || c[3] > 0.5) return c.slice(0, 3); } return [255, 255, 255]; }; \
             const out = []; \
             for (const e of document.querySelectorAll('body *')) { \
               const own = [...e.childNodes].some(n => n.nodeType === 3 && n.textContent.trim()); \
               if (!own || e.closest('[disabled], [aria-disabled=true], .sr-only, .skip-link')) continue; \
               const s = getComputedStyle(e); \
               if (s.visibility !== 'visible' || s.display === 'none' || e.getClientRects().length === 0) continue; \
               if (Number(s.opacity) < 1) continue; \
               const a = lum(rgb(s.color).slice(0, 3)), b = lum(bg(e)); \
               const ratio = (Math.max(a, b) + 0.05) / (Math.min(a, b) + 0.05); \
               const size = parseFloat(s.fontSize), bold = Number(s.fontWeight) >= 700; \
               const need = size >= 24 || (bold && size >= 18.66) ? 3 : 4.5; \
               if (ratio < need) out.push(e.textContent.trim().slice(0, 30) + ' (' + ratio.toFixed(2) + ')'); } \
             return out;",
        );
        v.as_array()
            .map(|a| {
                a.iter()
                    .filter_map(|x| x.as_str().map(str::to_string))
                    .collect()
            })
            .unwrap_or_default()
    }

    /// The number of elements matching `css` now.
    pub fn count(&self, css: &str) -> usize {
        let css = serde_json::to_string(css).unwrap_or_default();
        self.script(&format!("return document.querySelectorAll({css}).length"))
            .as_u64()
            .unwrap_or(0) as usize
    }

    /// The ids that more than one element of the page has. `#id`, `<label for>` and
    /// `aria-describedby` all take the first such element, so a second one goes unlabelled
    /// and unfound.
    pub fn duplicate_ids(&self) -> Vec<String> {
        let ids = self.script(
            "const seen = new Set(), twice = new Set(); \
             for (const e of document.querySelectorAll('[id]')) { \
                 if (seen.has(e.id)) twice.add(e.id); seen.add(e.id); } \
             return [...twice];",
        );
        ids.as_array()
            .map(|a| {
                a.iter()
                    .filter_map(|v| v.as_str().map(String::from))
                    .collect()
            })
            .unwrap_or_default()
    }

    /// The `id` of the element that has the keyboard's focus ("" for none).
    pub fn focused_id(&self) -> String {
        self.script("return document.activeElement ? document.activeElement.id : ''")
            .as_str()
            .unwrap_or_default()
            .to_string()
    }

    /// Sends keys to the element with the focus (WebDriver key codes: `\u{E004}` is Tab,
    /// `\u{E007}` Enter, `\u{E015}` Arrow down).
    pub fn keys(&self, keys: &str) {
        let actions: Vec<Value> = keys
            .chars()
            .flat_map(|c| {
                let k = c.to_string();
                [
                    json!({"type": "keyDown", "value": k}),
                    json!({"type": "keyUp", "value": k}),
                ]
            })
            .collect();
        self.call(
            "POST",
            "/actions",
            Some(json!({"actions": [{"type": "key", "id": "keyboard", "actions": actions}]})),
        );
        self.call("DELETE", "/actions", None);
    }

    /// Waits until `js` (an expression) is true on the page.
    #[track_caller]
    pub fn wait_for(&self, what: &str, js: &str) {
        let deadline = Instant::now() + Duration::from_secs(15);
        while self.script(&format!("return !!({js})")) != json!(true) {
            if Instant::now() > deadline {
                self.shot("failure");
                panic!("{what} never true; page text: {}", self.page_text());
            }
            std::thread::sleep(Duration::from_millis(100));
        }
    }

    /// Opens the app at `base` and signs in as `username`; a session the app restored from its
    /// cookie is signed out first.
    pub fn sign_in(&self, base: &str, username: &str, password: &str) {
        self.go(&format!("{base}/"));
        self.find("#login-username, #logout");
        if self.try_find("#logout").is_some() {
            self.click("#logout");
        }
        self.type_into("#login-username", username);
        self.type_into("#login-password", password);
        self.click("#login-submit");
        self.find("#current-user");
    }

    pub fn shot(&self, name: &str) {
        let data = self.call("GET", "/screenshot", None);
        if let Some(b64) = data.as_str()
            && let Ok(png) = base64::engine::general_purpose::STANDARD.decode(b64)
        {
            let _ = std::fs::write(self.shots.join(format!("{name}.png")), png);
        }
    }
}

impl Drop for Browser {
    fn drop(&mut self) {
        if !self.session.is_empty() {
            let _ = self
                .agent
                .delete(format!("{}/session/{}", self.base, self.session))
                .call();
        }
        let _ = self.driver.kill();
        let _ = self.driver.wait();
    }
}

/// The built web app; the browser tests need it (scripts/test.sh builds it first).
pub fn web_dist() -> PathBuf {
    let dist = workspace().join("frontend/dist");
    assert!(
        dist.join("index.html").is_file(),
        "frontend/dist missing: run scripts/build-web.sh"
    );
    dist
}
