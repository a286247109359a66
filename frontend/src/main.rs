//! HCRM web app: a Yew single-page application served by the `hcrm` binary at `/`.
//!
//! Built once per area (features `service` and `office`, see `app::switch`): the pages of the
//! other area are then unused, which is expected, and left out of that build.
#![cfg_attr(
    not(all(feature = "service", feature = "office")),
    allow(dead_code, unused_imports)
)]

mod app;
mod clock;
mod components;
mod forms;
mod hooks;
mod i18n;
mod pages;
mod services;

fn main() {
    yew::Renderer::<app::App>::new().render();
}
