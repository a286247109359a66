//! The signed-in user's own profile: roles, institutions and permissions.

use hcrm_domain::Label;
use yew::prelude::*;

use crate::hooks::{use_lang, use_session};
use crate::i18n::tr;

#[component]
pub fn Profile() -> Html {
    let session = use_session();
    let lang = use_lang();
    let Some(me) = session.me() else {
        return html! {};
    };
    html! {
        <section class="page">
            <h2>{ tr(lang, "profile.title") }</h2>
            <dl class="details" id="profile">
                <dt>{ tr(lang, "profile.username") }</dt>
                <dd id="profile-username">{ &me.username }</dd>
                <dt>{ tr(lang, "profile.display_name") }</dt>
                <dd>{ &me.display_name }</dd>
                <dt>{ tr(lang, "profile.roles") }</dt>
                <dd id="profile-roles">
                    { for me.roles.iter().map(|r| html! {
                        <span class="tag" data-role={r.code()}>{ r.label(lang) }</span>
                    }) }
                </dd>
                <dt>{ tr(lang, "profile.scope") }</dt>
                <dd>
                    if me.group_wide {
                        <span class="tag tag-strong">{ tr(lang, "profile.group_wide") }</span>
                    }
                    { for me.institutions.iter().map(|i| html! {
                        <span class="tag" title={i.code.clone()}>{ format!("{} {}", i.code, i.name) }</span>
                    }) }
                </dd>
                <dt>{ tr(lang, "profile.permissions") }</dt>
                <dd id="profile-permissions">
                    { for me.permissions.iter().map(|p| html! {
                        <span class="tag tag-muted" title={p.code()}>{ p.label(lang) }</span>
                    }) }
                </dd>
            </dl>
        </section>
    }
}
