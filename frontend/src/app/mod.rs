//! The application root: language and session providers, the routes and the one switch.

use gloo_storage::{LocalStorage, Storage};
use hcrm_domain::{Lang, Permission};
use yew::prelude::*;
use yew_router::prelude::*;

use crate::components::shell::Shell;
use crate::hooks::{LangContext, Session};
use crate::pages::complaint_limits::ComplaintLimitsPage;
use crate::pages::complaint_stats::ComplaintStatsPage;
use crate::pages::complaints::{
    case::ComplaintPage, intake::IntakePage, penalties::PenaltiesPage, workbench::WorkbenchPage,
};
use crate::pages::customers::{
    break_glass::BreakGlassReviewPage, form::CustomerFormPage, import::ImportPage,
    list::CustomersPage, merge::MergePage, tasks::TasksPage, view::CustomerPage,
};
use crate::pages::funnel::FunnelPage;
use crate::pages::service::{
    consultations::{ConsultationStatsPage, ConsultationsPage},
    form::ConsultationFormPage,
    in_visit::InVisitBoardPage,
    time_limits::TimeLimitsPage,
};
use crate::pages::{
    audit::AuditPage, calendars::CalendarsPage, coming_soon::ComingSoon,
    departments::DepartmentsPage, home::Home, institutions::InstitutionsPage,
    integration::IntegrationPage, login::Login, not_found::NotFound, profile::Profile,
    security::SecurityPage, service::ConsolePage, users::UsersPage, webhooks::WebhooksPage,
};
use crate::services::{Api, AuthState};

const LANG_KEY: &str = "hcrm.lang";

#[derive(Clone, Debug, PartialEq, Routable)]
pub enum Route {
    #[at("/")]
    Home,
    #[at("/login")]
    Login,
    #[at("/customers")]
    Customers,
    #[at("/customers/new")]
    CustomerNew,
    #[at("/customers/import")]
    CustomerImport,
    #[at("/customers/:id")]
    Customer { id: String },
    #[at("/customers/:id/edit")]
    CustomerEdit { id: String },
    #[at("/customers/:id/merge")]
    CustomerMerge { id: String },
    #[at("/tasks")]
    Tasks,
    #[at("/service")]
    Service,
    #[at("/service/funnel")]
    Funnel,
    #[at("/service/consultations")]
    Consultations,
    #[at("/service/consultations/new")]
    ConsultationNew,
    #[at("/service/statistics")]
    ConsultationStats,
    #[at("/service/in-visit")]
    InVisit,
    #[at("/service/time-limits")]
    TimeLimits,
    #[at("/complaints")]
    Complaints,
    #[at("/complaints/new")]
    ComplaintNew,
    #[at("/complaints/penalties")]
    Penalties,
    #[at("/complaints/:id")]
    Complaint { id: String },
    #[at("/follow-ups")]
    FollowUps,
    #[at("/members")]
    Members,
    #[at("/messages")]
    Messages,
    #[at("/quality")]
    Quality,
    #[at("/reports")]
    Reports,
    #[at("/reports/complaints")]
    ComplaintStats,
    #[at("/admin/integration")]
    Integration,
    #[at("/admin/institutions")]
    Institutions,
    #[at("/admin/departments")]
    Departments,
    #[at("/admin/users")]
    Users,
    #[at("/admin/audit")]
    Audit,
    #[at("/admin/calendars")]
    Calendars,
    #[at("/admin/security")]
    Security,
    #[at("/admin/complaint-limits")]
    ComplaintLimits,
    #[at("/admin/break-glass")]
    BreakGlass,
    #[at("/admin/webhooks")]
    Webhooks,
    #[at("/profile")]
    Profile,
    #[not_found]
    #[at("/404")]
    NotFound,
}

/// One menu entry: the stable `data-nav` key, its route and the permission it needs.
pub struct NavItem {
    pub key: &'static str,
    pub label: &'static str,
    pub route: Route,
    pub permission: Option<Permission>,
    pub admin: bool,
}

/// The whole menu in display order (every module of the spec).
pub fn nav_items() -> Vec<NavItem> {
    use Permission as P;
    let item = |key, label, route, permission, admin| NavItem {
        key,
        label,
        route,
        permission,
        admin,
    };
    vec![
        item(
            "customers",
            "nav.customers",
            Route::Customers,
            Some(P::CustomerRead),
            false,
        ),
        item(
            "tasks",
            "nav.tasks",
            Route::Tasks,
            Some(P::ContactRead),
            false,
        ),
        item(
            "service",
            "nav.service",
            Route::Service,
            Some(P::ServiceRead),
            false,
        ),
        item(
            "funnel",
            "nav.funnel",
            Route::Funnel,
            Some(P::ServiceRead),
            false,
        ),
        item(
            "consultations",
            "nav.consultations",
            Route::Consultations,
            Some(P::ServiceRead),
            false,
        ),
        item(
            "in-visit",
            "nav.in-visit",
            Route::InVisit,
            Some(P::ServiceRead),
            false,
        ),
        item(
            "consultation-stats",
            "nav.consultation-stats",
            Route::ConsultationStats,
            Some(P::ServiceRead),
            false,
        ),
        item(
            "time-limits",
            "nav.time-limits",
            Route::TimeLimits,
            Some(P::ServiceRead),
            false,
        ),
        item(
            "complaints",
            "nav.complaints",
            Route::Complaints,
            Some(P::ComplaintRead),
            false,
        ),
        item(
            "follow-ups",
            "nav.follow-ups",
            Route::FollowUps,
            Some(P::FollowUpRead),
            false,
        ),
        item(
            "members",
            "nav.members",
            Route::Members,
            Some(P::MemberRead),
            false,
        ),
        item(
            "messages",
            "nav.messages",
            Route::Messages,
            Some(P::MessageSend),
            false,
        ),
        item(
            "quality",
            "nav.quality",
            Route::Quality,
            Some(P::QualityRead),
            false,
        ),
        item(
            "reports",
            "nav.reports",
            Route::Reports,
            Some(P::ReportRead),
            false,
        ),
        item(
            "complaint-stats",
            "nav.complaint-stats",
            Route::ComplaintStats,
            Some(P::ReportRead),
            false,
        ),
        item(
            "penalties",
            "nav.penalties",
            Route::Penalties,
            Some(P::ComplaintApprove),
            false,
        ),
        item(
            "integration",
            "nav.integration",
            Route::Integration,
            Some(P::IntegrationRead),
            true,
        ),
        item(
            "institutions",
            "nav.institutions",
            Route::Institutions,
            Some(P::InstitutionWrite),
            true,
        ),
        item(
            "departments",
            "nav.departments",
            Route::Departments,
            Some(P::DepartmentWrite),
            true,
        ),
        item(
            "calendars",
            "nav.calendars",
            Route::Calendars,
            Some(P::CalendarRead),
            true,
        ),
        item("users", "nav.users", Route::Users, Some(P::UserRead), true),
        item("audit", "nav.audit", Route::Audit, Some(P::AuditRead), true),
        item(
            "security",
            "nav.security",
            Route::Security,
            Some(P::SettingWrite),
            true,
        ),
        item(
            "complaint-limits",
            "nav.complaint-limits",
            Route::ComplaintLimits,
            Some(P::SettingWrite),
            true,
        ),
        item(
            "break-glass",
            "nav.break-glass",
            Route::BreakGlass,
            Some(P::BreakGlassReview),
            true,
        ),
        item(
            "webhooks",
            "nav.webhooks",
            Route::Webhooks,
            Some(P::WebhookManage),
            true,
        ),
        item("profile", "nav.profile", Route::Profile, None, false),
    ]
}

fn switch(route: Route) -> Html {
    let soon = |key: &'static str| html! { <ComingSoon title_key={key} /> };
    let page = match route {
        Route::Home => html! { <Home /> },
        // The sign-in form is shown by <Gate/> whenever signed out; signed in, go home.
        Route::Login => html! { <Redirect<Route> to={Route::Home} /> },
        #[cfg(feature = "service")]
        Route::Customers => guarded(Permission::CustomerRead, html! { <CustomersPage /> }),
        #[cfg(feature = "service")]
        Route::CustomerNew => guarded(Permission::CustomerWrite, html! { <CustomerFormPage /> }),
        #[cfg(feature = "service")]
        Route::CustomerImport => guarded(Permission::CustomerImport, html! { <ImportPage /> }),
        #[cfg(feature = "service")]
        Route::Customer { id } => with_id(&id, |id| {
            guarded(
                Permission::CustomerRead,
                html! { <CustomerPage key={id.to_string()} {id} /> },
            )
        }),
        #[cfg(feature = "service")]
        Route::CustomerEdit { id } => with_id(&id, |id| {
            guarded(
                Permission::CustomerWrite,
                html! { <CustomerFormPage key={id.to_string()} id={Some(id)} /> },
            )
        }),
        #[cfg(feature = "service")]
        Route::CustomerMerge { id } => with_id(&id, |id| {
            // Merge (customer.merge), or report a suspected duplicate (contact.write).
            guarded(Permission::ContactWrite, html! { <MergePage {id} /> })
        }),
        #[cfg(feature = "service")]
        Route::Tasks => guarded(Permission::ContactRead, html! { <TasksPage /> }),
        #[cfg(feature = "office")]
        Route::BreakGlass => guarded(
            Permission::BreakGlassReview,
            html! { <BreakGlassReviewPage /> },
        ),
        #[cfg(feature = "service")]
        Route::Service => guarded(Permission::ServiceRead, html! { <ConsolePage /> }),
        #[cfg(feature = "service")]
        Route::Funnel => guarded(Permission::ServiceRead, html! { <FunnelPage /> }),
        #[cfg(feature = "service")]
        Route::Consultations => guarded(Permission::ServiceRead, html! { <ConsultationsPage /> }),
        #[cfg(feature = "service")]
        Route::ConsultationNew => {
            guarded(Permission::ServiceWrite, html! { <ConsultationFormPage /> })
        }
        #[cfg(feature = "service")]
        Route::ConsultationStats => {
            guarded(Permission::ServiceRead, html! { <ConsultationStatsPage /> })
        }
        #[cfg(feature = "service")]
        Route::InVisit => guarded(Permission::ServiceRead, html! { <InVisitBoardPage /> }),
        #[cfg(feature = "service")]
        Route::TimeLimits => guarded(Permission::ServiceRead, html! { <TimeLimitsPage /> }),
        #[cfg(feature = "office")]
        Route::Complaints => guarded(Permission::ComplaintRead, html! { <WorkbenchPage /> }),
        #[cfg(feature = "office")]
        Route::ComplaintNew => guarded(Permission::ComplaintWrite, html! { <IntakePage /> }),
        #[cfg(feature = "office")]
        Route::Penalties => guarded(Permission::ComplaintApprove, html! { <PenaltiesPage /> }),
        #[cfg(feature = "office")]
        Route::Complaint { id } => with_id(&id, |id| {
            guarded(
                Permission::ComplaintRead,
                html! { <ComplaintPage key={id.to_string()} {id} /> },
            )
        }),
        Route::FollowUps => soon("nav.follow-ups"),
        Route::Members => soon("nav.members"),
        Route::Messages => soon("nav.messages"),
        Route::Quality => soon("nav.quality"),
        #[cfg(feature = "office")]
        Route::Reports => soon("nav.reports"),
        #[cfg(feature = "office")]
        Route::ComplaintStats => guarded(Permission::ReportRead, html! { <ComplaintStatsPage /> }),
        #[cfg(feature = "office")]
        Route::Integration => guarded(Permission::IntegrationRead, html! { <IntegrationPage /> }),
        #[cfg(feature = "office")]
        Route::Institutions => {
            guarded(Permission::InstitutionWrite, html! { <InstitutionsPage /> })
        }
        #[cfg(feature = "office")]
        Route::Departments => guarded(Permission::DepartmentWrite, html! { <DepartmentsPage /> }),
        #[cfg(feature = "office")]
        Route::Calendars => guarded(Permission::CalendarRead, html! { <CalendarsPage /> }),
        #[cfg(feature = "office")]
        Route::Users => guarded(Permission::UserRead, html! { <UsersPage /> }),
        #[cfg(feature = "office")]
        Route::Audit => guarded(Permission::AuditRead, html! { <AuditPage /> }),
        #[cfg(feature = "office")]
        Route::Security => guarded(Permission::SettingWrite, html! { <SecurityPage /> }),
        #[cfg(feature = "office")]
        Route::Webhooks => guarded(Permission::WebhookManage, html! { <WebhooksPage /> }),
        #[cfg(feature = "office")]
        Route::ComplaintLimits => {
            guarded(Permission::SettingWrite, html! { <ComplaintLimitsPage /> })
        }
        Route::Profile => html! { <Profile /> },
        Route::NotFound => html! { <NotFound /> },
        // A page of the area this build leaves out. Each arm above is in the build of its
        // path's area — `office`: /complaints, /reports, /admin; `service`: the rest — the
        // rule by which `frontend/boot.js` picks the build to load.
        #[allow(unreachable_patterns)]
        _ => return html! { <OtherArea /> },
    };
    // This build holds the page: a later move to the other area may load again.
    gloo_storage::SessionStorage::delete(AREA_RELOAD_KEY);
    page
}

const AREA_RELOAD_KEY: &str = "hcrm.area-reload";

/// A page of the other build: load the page again, so that the loader starts the build that
/// holds it; the session comes back through the refresh cookie. Once per path: a loader that
/// disagreed with this build would otherwise reload for ever, so a second try says not found.
#[component]
fn OtherArea() -> Html {
    use gloo_storage::SessionStorage;
    let lang = crate::hooks::use_lang();
    let path = web_sys::window()
        .and_then(|w| w.location().pathname().ok())
        .unwrap_or_default();
    let tried = SessionStorage::get::<String>(AREA_RELOAD_KEY).is_ok_and(|p| p == path);
    use_effect_with(path.clone(), move |path| {
        if !tried {
            let _ = SessionStorage::set(AREA_RELOAD_KEY, path);
            if let Some(w) = web_sys::window() {
                let _ = w.location().reload();
            }
        } else {
            SessionStorage::delete(AREA_RELOAD_KEY);
        }
    });
    if tried {
        return html! { <NotFound /> };
    }
    html! { <div class="boot">{ crate::i18n::tr(lang, "loading") }</div> }
}

/// A page about one record: its id from the path, or "not found" for a malformed one.
fn with_id(id: &str, page: impl FnOnce(uuid::Uuid) -> Html) -> Html {
    match id.parse() {
        Ok(id) => page(id),
        Err(_) => html! { <NotFound /> },
    }
}

fn guarded(permission: Permission, page: Html) -> Html {
    html! { <RequirePermission {permission}>{ page }</RequirePermission> }
}

#[derive(Properties, PartialEq)]
struct RequirePermissionProps {
    permission: Permission,
    children: Html,
}

/// Shows the page only to users with the permission (the API checks again; this spares a
/// typed-in URL a page of errors).
#[component]
fn RequirePermission(props: &RequirePermissionProps) -> Html {
    let session = crate::hooks::use_session();
    let lang = crate::hooks::use_lang();
    if session.can(props.permission) {
        props.children.clone()
    } else {
        html! {
            <section class="page">
                <div class="error-banner" data-code="forbidden">{ crate::i18n::tr(lang, "problem.forbidden") }</div>
            </section>
        }
    }
}

#[component]
pub fn App() -> Html {
    let lang = use_state(|| {
        LocalStorage::get::<String>(LANG_KEY)
            .map(|c| Lang::from_code(&c))
            .unwrap_or_default()
    });
    let lang_ctx = LangContext {
        lang: *lang,
        set: {
            let lang = lang.clone();
            Callback::from(move |l: Lang| {
                let _ = LocalStorage::set(LANG_KEY, l.code());
                lang.set(l);
            })
        },
    };
    {
        let code = lang.code();
        use_effect_with(code, |code| {
            if let Some(el) = document_element() {
                let _ = el.set_attribute("lang", code);
            }
            if let Some(doc) = web_sys::window().and_then(|w| w.document()) {
                let lang = Lang::from_code(code);
                doc.set_title(&format!("HCRM · {}", crate::i18n::tr(lang, "app.name")));
            }
        });
    }

    let state = use_state(|| AuthState::Loading);
    let api = use_memo((), {
        let state = state.clone();
        move |_| Api::new(Callback::from(move |s| state.set(s)))
    });
    {
        let api = (*api).clone();
        use_effect_with((), move |_| {
            yew::platform::spawn_local(async move { api.restore().await });
        });
    }
    let session = Session {
        api: (*api).clone(),
        state: (*state).clone(),
    };

    html! {
        <ContextProvider<LangContext> context={lang_ctx}>
            <ContextProvider<Session> context={session}>
                <BrowserRouter>
                    <Gate />
                </BrowserRouter>
            </ContextProvider<Session>>
        </ContextProvider<LangContext>>
    }
}

fn document_element() -> Option<web_sys::Element> {
    web_sys::window()?.document()?.document_element()
}

/// Shows the sign-in page, a loading screen or the app depending on the session.
#[component]
fn Gate() -> Html {
    let session = crate::hooks::use_session();
    let lang = crate::hooks::use_lang();
    match session.state {
        AuthState::Loading => html! {
            <div class="boot">{ crate::i18n::tr(lang, "loading") }</div>
        },
        AuthState::SignedOut => html! { <Login /> },
        AuthState::SignedIn(_) => html! {
            <Shell>
                <Switch<Route> render={switch} />
            </Shell>
        },
    }
}
