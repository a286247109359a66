//! HCRM web app: a Yew single-page application served by the `hcrm` binary at `/`.

mod app;
mod components;
mod forms;
mod hooks;
mod i18n;
mod pages;
mod services;

fn main() {
    yew::Renderer::<app::App>::new().render();
}
