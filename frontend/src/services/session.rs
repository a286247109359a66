//! The signed-in session: the access token lives here, in memory inside the Yew context (never
//! a global, never in web storage).
//!
//! The refresh token is never seen by the app: the server keeps it in an `HttpOnly`,
//! `SameSite=Strict` cookie scoped to `/api/v1/auth` (issue 7 item 10), which the browser sends
//! with the app's same-origin calls to `/auth/refresh` and `/auth/logout`. A reload therefore
//! starts without an access token and asks `/auth/refresh` for one. The access token is
//! refreshed by a timer shortly before it expires and, once, when a request comes back 401.
//! Refresh tokens rotate, so concurrent refreshes are serialised; every tab shares the cookie.

use std::cell::{Cell, RefCell};
use std::rc::{Rc, Weak};

use gloo_net::http::Method;
use gloo_storage::{LocalStorage, Storage};
use gloo_timers::callback::Timeout;
use gloo_timers::future::TimeoutFuture;
use hcrm_domain::api::Problem;
use hcrm_domain::api::auth::{LoginRequest, Me, TokenResponse};
use serde::Serialize;
use serde::de::DeserializeOwned;
use yew::Callback;

use super::{decode, read, read_text, send, send_raw};

/// Where earlier versions kept the refresh token; removed on start so none lingers there.
const LEGACY_REFRESH_KEY: &str = "hcrm.refresh_token";

/// The 403 of every non-`/auth` endpoint while the user still has to set up two-factor sign-in.
pub const TOTP_ENROLLMENT_REQUIRED: &str = "totp_enrollment_required";

/// What the interface shows: still restoring, the sign-in page, or the app for this user.
#[derive(Debug, Clone, PartialEq)]
pub enum AuthState {
    Loading,
    SignedOut,
    SignedIn(Rc<Me>),
}

struct Inner {
    /// The access token while signed in.
    access: RefCell<Option<String>>,
    refreshing: Cell<bool>,
    timer: RefCell<Option<Timeout>>,
    on_state: Callback<AuthState>,
}

/// The API client of one session. Cheap to clone; equal when it is the same session.
#[derive(Clone)]
pub struct Api(Rc<Inner>);

impl PartialEq for Api {
    fn eq(&self, other: &Self) -> bool {
        Rc::ptr_eq(&self.0, &other.0)
    }
}

impl Api {
    /// `on_state` is told whenever the user signs in or out (or the session is lost).
    pub fn new(on_state: Callback<AuthState>) -> Api {
        Api(Rc::new(Inner {
            access: RefCell::new(None),
            refreshing: Cell::new(false),
            timer: RefCell::new(None),
            on_state,
        }))
    }

    /// On start: resume the session of the refresh cookie, if the browser has one.
    pub async fn restore(&self) {
        LocalStorage::delete(LEGACY_REFRESH_KEY);
        if self.refresh().await {
            self.load_me().await;
        } else {
            self.sign_out_locally();
        }
    }

    pub async fn login(&self, req: &LoginRequest) -> Result<(), Problem> {
        let body = super::json_body(Some(req))?;
        let resp = send(Method::POST, "/auth/login", None, None, body.as_deref()).await?;
        let tokens: TokenResponse = read(resp).await?;
        self.store(tokens);
        self.load_me().await;
        Ok(())
    }

    /// Revokes the refresh cookie's token on the server, which also clears the cookie (best
    /// effort), and forgets the session.
    pub async fn logout(&self) {
        let access = self.access_token();
        let _ = send(Method::POST, "/auth/logout", access.as_deref(), None, None).await;
        self.sign_out_locally();
    }

    /// Fetches the profile again (after the user's own record changed).
    pub async fn load_me(&self) {
        match self.get::<Me>("/auth/me").await {
            Ok(me) => self.set_me(me),
            Err(p) if p.status == 401 => self.sign_out_locally(),
            // Server unreachable: keep the tokens, show the sign-in page; a later sign-in works.
            Err(_) => self.0.on_state.emit(AuthState::SignedOut),
        }
    }

    /// Shows `me` as the signed-in user (an endpoint answered with the updated profile).
    pub fn set_me(&self, me: Me) {
        crate::clock::set_zone(&me.time_zone);
        self.0.on_state.emit(AuthState::SignedIn(Rc::new(me)));
    }

    /// THE request function: adds the bearer token and `If-Match`, refreshes the access token
    /// once on a 401, and maps every failure to a [`Problem`].
    pub async fn request<T, B>(
        &self,
        method: Method,
        path: &str,
        if_match: Option<i32>,
        body: Option<&B>,
    ) -> Result<T, Problem>
    where
        T: DeserializeOwned,
        B: Serialize + ?Sized,
    {
        let body = super::json_body(body)?;
        decode(
            self.exchange(method, path, if_match, body.as_deref())
                .await?,
        )
    }

    /// [`Api::request`] without types: the JSON text sent and the status and text of the
    /// success received.
    async fn exchange(
        &self,
        method: Method,
        path: &str,
        if_match: Option<i32>,
        body: Option<&str>,
    ) -> Result<(u16, String), Problem> {
        let token = self.access_token();
        let mut resp = send(method.clone(), path, token.as_deref(), if_match, body).await?;
        if resp.status() == 401 && token.is_some() {
            if self.refresh().await {
                let token = self.access_token();
                resp = send(method, path, token.as_deref(), if_match, body).await?;
                if resp.status() == 401 {
                    self.sign_out_locally();
                }
            } else if self.0.access.borrow().is_none() {
                // The refresh token was refused: the session is over.
                self.sign_out_locally();
            }
        }
        let result = read_text(resp).await;
        if matches!(&result, Err(p) if p.code() == TOTP_ENROLLMENT_REQUIRED) {
            // A role of the user now requires two-factor sign-in (X-6c): reload the profile so
            // the app locks its modules and sends the user to set it up.
            let api = self.clone();
            yew::platform::spawn_local(async move { api.load_me().await });
        }
        result
    }

    /// A full replacement guarded by the version the user read.
    pub async fn put<T: DeserializeOwned, B: Serialize + ?Sized>(
        &self,
        path: &str,
        version: i32,
        body: &B,
    ) -> Result<T, Problem> {
        self.request(Method::PUT, path, Some(version), Some(body))
            .await
    }

    pub async fn get<T: DeserializeOwned>(&self, path: &str) -> Result<T, Problem> {
        decode(self.get_text(path).await?)
    }

    /// A GET's status and text on success (for [`decode`]), or its problem.
    pub async fn get_text(&self, path: &str) -> Result<(u16, String), Problem> {
        self.exchange(Method::GET, path, None, None).await
    }

    pub async fn post<T: DeserializeOwned, B: Serialize + ?Sized>(
        &self,
        path: &str,
        body: &B,
    ) -> Result<T, Problem> {
        self.request(Method::POST, path, None, Some(body)).await
    }

    /// A POST of an action on a versioned record (a merge), with the version read.
    pub async fn post_versioned<T: DeserializeOwned, B: Serialize + ?Sized>(
        &self,
        path: &str,
        version: i32,
        body: &B,
    ) -> Result<T, Problem> {
        self.request(Method::POST, path, Some(version), Some(body))
            .await
    }

    /// A POST without a body (actions such as `/deactivate`), with the version when known.
    pub async fn post_empty<T: DeserializeOwned>(
        &self,
        path: &str,
        version: Option<i32>,
    ) -> Result<T, Problem> {
        self.request::<T, ()>(Method::POST, path, version, None)
            .await
    }

    /// A partial update guarded by the version the user read.
    pub async fn patch<T: DeserializeOwned, B: Serialize + ?Sized>(
        &self,
        path: &str,
        version: i32,
        body: &B,
    ) -> Result<T, Problem> {
        self.request(Method::PATCH, path, Some(version), Some(body))
            .await
    }

    /// Sends a raw body (or none) with the bearer token, refreshing once on a 401; the
    /// response is handed back as is for the caller to read.
    pub async fn request_raw(
        &self,
        method: Method,
        path: &str,
        body: Option<(&wasm_bindgen::JsValue, &str)>,
    ) -> Result<gloo_net::http::Response, Problem> {
        let token = self.access_token();
        let mut resp = send_raw(method.clone(), path, token.as_deref(), body).await?;
        if resp.status() == 401 && token.is_some() && self.refresh().await {
            let token = self.access_token();
            resp = send_raw(method, path, token.as_deref(), body).await?;
        }
        Ok(resp)
    }

    /// Uploads a file body and reads the JSON answer.
    pub async fn upload<T: DeserializeOwned>(
        &self,
        path: &str,
        body: &wasm_bindgen::JsValue,
        content_type: &str,
    ) -> Result<T, Problem> {
        let resp = self
            .request_raw(Method::POST, path, Some((body, content_type)))
            .await?;
        read(resp).await
    }

    /// Downloads a file: its bytes, or the problem of a failure.
    pub async fn download(&self, path: &str) -> Result<Vec<u8>, Problem> {
        let resp = self.request_raw(Method::GET, path, None).await?;
        if !(200..300).contains(&resp.status()) {
            return Err(read_text(resp)
                .await
                .err()
                .unwrap_or_else(|| super::local_problem("other", 500, "download failed")));
        }
        resp.binary()
            .await
            .map_err(|_| super::local_problem("network", 0, "network error"))
    }

    fn access_token(&self) -> Option<String> {
        self.0.access.borrow().clone().filter(|a| !a.is_empty())
    }

    /// Keeps the access token; the refresh token (in the body after sign-in) is ignored, the
    /// browser holds it in the cookie.
    fn store(&self, t: TokenResponse) {
        *self.0.access.borrow_mut() = Some(t.access_token);
        // Refresh a minute before expiry (or halfway for very short tokens).
        let secs = (t.expires_in - 60).max(t.expires_in / 2).max(5);
        let millis = u32::try_from(secs.saturating_mul(1000)).unwrap_or(u32::MAX);
        let weak: Weak<Inner> = Rc::downgrade(&self.0);
        let timer = Timeout::new(millis, move || {
            if let Some(inner) = weak.upgrade() {
                let api = Api(inner);
                yew::platform::spawn_local(async move {
                    if !api.refresh().await && api.0.access.borrow().is_none() {
                        api.0.on_state.emit(AuthState::SignedOut);
                    }
                });
            }
        });
        *self.0.timer.borrow_mut() = Some(timer);
    }

    fn sign_out_locally(&self) {
        self.0.access.borrow_mut().take();
        self.0.timer.borrow_mut().take();
        self.0.on_state.emit(AuthState::SignedOut);
    }

    /// Swaps the refresh cookie for a new access token (and a rotated cookie). True when the
    /// session is still valid.
    async fn refresh(&self) -> bool {
        if self.0.refreshing.get() {
            // Another request is refreshing already; its new access token is the one to use.
            while self.0.refreshing.get() {
                TimeoutFuture::new(50).await;
            }
            return self.access_token().is_some();
        }
        self.0.refreshing.set(true);
        // No body: the browser sends the cookie (same origin, path /api/v1/auth).
        let result = match send(Method::POST, "/auth/refresh", None, None, None).await {
            Ok(resp) => read::<TokenResponse>(resp).await,
            Err(p) => Err(p),
        };
        self.0.refreshing.set(false);
        match result {
            Ok(tokens) => {
                self.store(tokens);
                true
            }
            Err(p) if (400..500).contains(&p.status) => {
                self.0.access.borrow_mut().take();
                self.0.timer.borrow_mut().take();
                false
            }
            // Network trouble: keep what we have and let the caller see the failure.
            Err(_) => false,
        }
    }
}
