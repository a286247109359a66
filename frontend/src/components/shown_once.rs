//! A secret shown once (an API key, a webhook's signing secret): its title, the warning that it
//! will not be shown again, the secret with a copy button, and "done" to put it away.

use yew::prelude::*;

/// Puts `text` on the clipboard (best effort; it can also be selected by hand).
pub fn copy_to_clipboard(text: &str) {
    if let Some(window) = web_sys::window() {
        let _ = window.navigator().clipboard().write_text(text);
    }
}

#[derive(Properties, PartialEq)]
pub struct ShownOnceProps {
    /// The ids of the box, the secret, the copy button and the done button (the browser tests
    /// find them by these).
    pub ids: [&'static str; 4],
    pub title: Html,
    pub warning: AttrValue,
    pub secret: AttrValue,
    /// The copy button's label before and after a copy.
    pub copy: AttrValue,
    pub copied: AttrValue,
    pub done: AttrValue,
    pub on_done: Callback<()>,
}

/// Give it `key={secret}` so that a new secret starts with "copy" again.
#[component]
pub fn ShownOnce(props: &ShownOnceProps) -> Html {
    let copied = use_state(|| false);
    let [box_id, secret_id, copy_id, done_id] = props.ids;
    let on_copy = {
        let (copied, secret) = (copied.clone(), props.secret.clone());
        Callback::from(move |_| {
            copy_to_clipboard(&secret);
            copied.set(true);
        })
    };
    let on_done = props.on_done.reform(|_| ());
    html! {
        <div class="secret-box" id={box_id} role="status">
            <div class="secret-title">{ props.title.clone() }</div>
            <div class="secret-warning" role="alert">{ props.warning.clone() }</div>
            <div class="secret-row">
                <code id={secret_id} class="secret mono">{ props.secret.clone() }</code>
                <button type="button" id={copy_id} class="btn btn-small btn-primary" onclick={on_copy}>
                    { if *copied { props.copied.clone() } else { props.copy.clone() } }
                </button>
            </div>
            <button type="button" id={done_id} class="btn btn-small" onclick={on_done}>
                { props.done.clone() }
            </button>
        </div>
    }
}
