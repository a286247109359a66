//! The one guard every endpoint goes through: `Authz<perm::X>` authenticates the bearer token,
//! loads the user (so deactivation takes effect at once) and checks permission X of the
//! matrix in hcrm-domain. A handler without it cannot see who is calling.

use std::future::Future;
use std::marker::PhantomData;
use std::pin::Pin;

use actix_web::dev::Payload;
use actix_web::http::header;
use actix_web::{FromRequest, HttpMessage, HttpRequest, web};
use hcrm_db::users::Principal;
use hcrm_domain::{ApiScope, Permission, PermissionSet, Role, Scope};

use crate::auth::tokens;
use crate::error::ApiError;
use crate::state::AppState;

/// The signed-in user of a request, with what they may do and where they called from.
#[derive(Debug, Clone)]
pub struct Caller {
    pub principal: Principal,
    /// A role of the caller requires two-factor sign-in (X-6c).
    pub totp_required: bool,
    pub permissions: PermissionSet,
    pub remote_addr: Option<String>,
    /// The API key a machine client called with; `None` for a signed-in user.
    pub api_key: Option<hcrm_db::audit::KeyRef>,
}

impl Caller {
    pub fn scope(&self) -> Scope {
        self.principal.scope()
    }

    pub fn can(&self, p: Permission) -> bool {
        self.permissions.contains(p)
    }

    /// Records `entry` in the audit trail as done by this caller, from where they called
    /// and, for a machine client, with which API key. Build it from the record:
    /// `audit::Entry::created(&record)` and its siblings.
    pub fn record(
        &self,
        c: &mut hcrm_db::DbConn,
        entry: hcrm_db::audit::Entry,
    ) -> Result<(), hcrm_db::DbError> {
        hcrm_db::audit::record(
            c,
            hcrm_db::audit::Entry {
                actor_id: Some(self.principal.id),
                actor_username: Some(self.principal.username.clone()),
                remote_addr: self.remote_addr.clone(),
                api_key: self.api_key.clone(),
                ..entry
            },
        )
    }
}

impl Caller {
    /// [`Caller::record`] for many entries at once, in multi-row INSERTs (a HIS batch: one
    /// entry per record it wrote).
    pub fn record_all(
        &self,
        c: &mut hcrm_db::DbConn,
        entries: Vec<hcrm_db::audit::Entry>,
    ) -> Result<(), hcrm_db::DbError> {
        let entries = entries
            .into_iter()
            .map(|entry| hcrm_db::audit::Entry {
                actor_id: Some(self.principal.id),
                actor_username: Some(self.principal.username.clone()),
                remote_addr: self.remote_addr.clone(),
                api_key: self.api_key.clone(),
                ..entry
            })
            .collect();
        hcrm_db::audit::record_all(c, entries)
    }
}

pub fn remote_addr(req: &HttpRequest) -> Option<String> {
    req.peer_addr().map(|a| a.ip().to_string())
}

fn bearer(req: &HttpRequest) -> Option<String> {
    let value = req.headers().get(header::AUTHORIZATION)?.to_str().ok()?;
    let (scheme, token) = value.split_once(' ')?;
    scheme
        .eq_ignore_ascii_case("bearer")
        .then(|| token.trim().to_string())
}

/// The user behind a token and the roles that must use two-factor sign-in, from the database.
fn load_known(
    c: &mut hcrm_db::DbConn,
    user: uuid::Uuid,
) -> Result<crate::auth::cache::Known, ApiError> {
    let principal = match hcrm_db::users::principal(c, user) {
        Err(hcrm_db::DbError::NotFound) => return Err(ApiError::Unauthorized("unknown user")),
        other => other?,
    };
    let required = hcrm_db::settings::security(c)?.totp_required_roles;
    Ok((principal, required))
}

async fn authenticate(req: HttpRequest) -> Result<Caller, ApiError> {
    let state = req
        .app_data::<web::Data<AppState>>()
        .ok_or(ApiError::Internal)?
        .clone();
    let token = bearer(&req).ok_or(ApiError::Unauthorized("missing bearer token"))?;
    // An API key names its scopes; a signed-in user's token names its sign-in. The key is
    // looked up on every request, so that a revocation takes effect at once.
    let (user, key, session) = if token.starts_with(tokens::API_KEY_PREFIX) {
        let hash = tokens::refresh_hash(&token);
        let key = state
            .db(move |c| Ok(hcrm_db::api_keys::authenticate(c, &hash)?))
            .await?
            .ok_or(ApiError::Unauthorized(
                "invalid, expired or revoked API key",
            ))?;
        (key.user_id, Some(key), None)
    } else {
        let (user, sid) = state
            .jwt
            .verify(&token)
            .ok_or(ApiError::Unauthorized("invalid or expired token"))?;
        (user, None, Some(sid))
    };
    // What the cache does not hold is read in one trip to the database. An API key has no
    // sign-in to end: it is live while the key is.
    let cached_live = match &session {
        Some(sid) => state.auth_cache.session(sid),
        None => Some(true),
    };
    let (live, (principal, required)) = match (cached_live, state.auth_cache.get(user)) {
        (Some(live), Some(known)) => (live, known),
        (cached_live, cached_known) => {
            let sid = session.clone();
            let (live, known) = state
                .db(move |c| {
                    let live = match (cached_live, &sid) {
                        (Some(live), _) => live,
                        (None, Some(sid)) => hcrm_db::auth::session_live(c, sid)?,
                        (None, None) => true,
                    };
                    let known = match cached_known {
                        Some(known) => known,
                        None => load_known(c, user)?,
                    };
                    Ok((live, known))
                })
                .await?;
            if let Some(sid) = session {
                state.auth_cache.put_session(sid, live);
            }
            state.auth_cache.put(user, known.clone());
            (live, known)
        }
    };
    if !live {
        return Err(ApiError::Unauthorized("the sign-in has ended"));
    }
    if !principal.active {
        return Err(ApiError::Unauthorized("the account is deactivated"));
    }
    let permissions = PermissionSet::for_roles(&principal.roles);
    // a key may do what its user's roles allow and one of its scopes grants.
    let permissions = match &key {
        Some(key) => permissions.restricted_to(&ApiScope::granted(&key.scopes)),
        // Integration clients use API keys only (least privilege).
        None if Role::is_machine_client(&principal.roles) => {
            return Err(ApiError::Unauthorized(
                "integration clients sign in with an API key",
            ));
        }
        None => permissions,
    };
    Ok(Caller {
        totp_required: hcrm_domain::api::auth::totp_required(&principal.roles, &required),
        permissions,
        principal,
        remote_addr: remote_addr(&req),
        api_key: key.map(|k| hcrm_db::audit::KeyRef {
            id: k.id,
            name: k.name,
        }),
    })
}

impl FromRequest for Caller {
    type Error = ApiError;
    type Future = Pin<Box<dyn Future<Output = Result<Caller, ApiError>>>>;

    fn from_request(req: &HttpRequest, _: &mut Payload) -> Self::Future {
        Box::pin(authenticate(req.clone()))
    }
}

/// Zero-sized markers naming the permission an endpoint requires.
pub mod perm {
    use hcrm_domain::Permission;

    pub trait Required {
        const PERMISSION: Permission;
    }

    macro_rules! markers {
        ($($name:ident),* $(,)?) => {$(
            pub struct $name;
            impl Required for $name {
                const PERMISSION: Permission = Permission::$name;
            }
        )*};
    }

    markers!(
        InstitutionRead,
        InstitutionWrite,
        DepartmentRead,
        DepartmentWrite,
        UserRead,
        UserWrite,
        AuditRead,
        SettingWrite,
        CustomerRead,
        CustomerWrite,
        CustomerDelete,
        RelationWrite,
        ContactRead,
        ContactWrite,
        CustomerMerge,
        CustomerImport,
        CustomerExport,
        MedicalRead,
        MedicalWrite,
        PrivateNotesRead,
        PrivateNotesWrite,
        BreakGlassReview,
        VisitRead,
        VisitWrite,
        ComplaintRead,
        ComplaintWrite,
        ComplaintApprove,
        ReportRead,
        CalendarRead,
        CalendarWrite,
        ServiceRead,
        ServiceWrite,
        ScheduleWrite,
        WebhookManage,
        IntegrationWrite,
        IntegrationRead,
    );
}

/// A caller holding permission `P`; 401 without a valid token, 403 without the permission.
pub struct Authz<P> {
    pub caller: Caller,
    _permission: PhantomData<P>,
}

/// The permission an endpoint checked, kept on the request so that an idempotent replay
/// checks it again for whoever replays.
#[derive(Debug, Clone, Copy)]
pub struct Checked(pub Permission);

/// Authenticates the caller of `req` and checks `permission` (and two-factor enrolment).
pub async fn authorize(req: HttpRequest, permission: Permission) -> Result<Caller, ApiError> {
    let caller = authenticate(req.clone()).await?;
    if caller.totp_required && !caller.principal.totp_enabled {
        return Err(ApiError::TotpEnrollmentRequired);
    }
    if !caller.can(permission) {
        return Err(ApiError::Forbidden);
    }
    req.extensions_mut().insert(Checked(permission));
    Ok(caller)
}

impl<P: perm::Required + 'static> FromRequest for Authz<P> {
    type Error = ApiError;
    type Future = Pin<Box<dyn Future<Output = Result<Self, ApiError>>>>;

    fn from_request(req: &HttpRequest, _: &mut Payload) -> Self::Future {
        let req = req.clone();
        Box::pin(async move {
            Ok(Authz {
                caller: authorize(req, P::PERMISSION).await?,
                _permission: PhantomData,
            })
        })
    }
}
