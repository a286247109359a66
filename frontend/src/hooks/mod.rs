//! Hooks to reach the session and the language from any component.

use std::rc::Rc;

use hcrm_domain::api::auth::Me;
use hcrm_domain::{Lang, Permission};
use yew::prelude::*;

use crate::services::{Api, AuthState};

/// The session context: the API client and what it knows about the user.
#[derive(Clone, PartialEq)]
pub struct Session {
    pub api: Api,
    pub state: AuthState,
}

impl Session {
    pub fn me(&self) -> Option<Rc<Me>> {
        match &self.state {
            AuthState::SignedIn(me) => Some(me.clone()),
            _ => None,
        }
    }

    pub fn can(&self, permission: Permission) -> bool {
        self.me().is_some_and(|me| me.can(permission))
    }
}

/// The interface language and a way to change it.
#[derive(Clone, PartialEq)]
pub struct LangContext {
    pub lang: Lang,
    pub set: Callback<Lang>,
}

#[hook]
pub fn use_session() -> Session {
    use_context::<Session>().unwrap_or_else(|| {
        // Only reachable if a component is used outside <App/>; fail loudly in the console.
        panic!("use_session outside the session provider")
    })
}

#[hook]
pub fn use_lang() -> Lang {
    use_context::<LangContext>()
        .map(|c| c.lang)
        .unwrap_or_default()
}

#[hook]
pub fn use_lang_context() -> Option<LangContext> {
    use_context::<LangContext>()
}
