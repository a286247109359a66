//! A modal dialog that keyboard and screen-reader users can work (WAI-ARIA dialog pattern):
//! it takes focus when it opens, keeps Tab and Shift+Tab inside, closes on Esc, gives focus
//! back to what opened it, and is announced as a modal dialog named by its heading.
//!
//! ```ignore
//! <Dialog id="break-glass-dialog" title={tr(lang, "breakglass.title")} on_close={close}>
//!     …fields and buttons…
//! </Dialog>
//! ```

use wasm_bindgen::JsCast;
use web_sys::{Element, HtmlElement, KeyboardEvent};
use yew::prelude::*;

/// What Tab can reach inside the dialog.
const FOCUSABLE: &str = "a[href], button:not([disabled]), input:not([disabled]), \
    select:not([disabled]), textarea:not([disabled]), [tabindex]:not([tabindex='-1'])";

#[derive(Properties, PartialEq)]
pub struct DialogProps {
    /// The dialog element's id; its heading gets `<id>-title`.
    pub id: AttrValue,
    /// The heading, which also names the dialog (`aria-labelledby`).
    pub title: AttrValue,
    /// Esc (and whatever close buttons the content has) asks the owner to close it.
    pub on_close: Callback<()>,
    #[prop_or_default]
    pub children: Html,
}

/// The elements Tab reaches inside `root`, in document order.
fn focusable(root: &Element) -> Vec<HtmlElement> {
    let Ok(list) = root.query_selector_all(FOCUSABLE) else {
        return Vec::new();
    };
    (0..list.length())
        .filter_map(|i| list.item(i))
        .filter_map(|n| n.dyn_into::<HtmlElement>().ok())
        .collect()
}

fn active_element() -> Option<Element> {
    web_sys::window()?.document()?.active_element()
}

#[component]
pub fn Dialog(props: &DialogProps) -> Html {
    let node = use_node_ref();
    {
        let node = node.clone();
        use_effect_with((), move |_| {
            // Who had focus before: the button that opened the dialog.
            let opener = active_element().and_then(|e| e.dyn_into::<HtmlElement>().ok());
            if let Some(root) = node.cast::<HtmlElement>() {
                match focusable(&root).into_iter().next() {
                    Some(first) => {
                        let _ = first.focus();
                    }
                    None => {
                        let _ = root.focus();
                    }
                }
            }
            move || {
                if let Some(opener) = opener.filter(|o| o.is_connected()) {
                    let _ = opener.focus();
                }
            }
        });
    }
    let onkeydown = {
        let (node, on_close) = (node.clone(), props.on_close.clone());
        Callback::from(move |e: KeyboardEvent| {
            let Some(root) = node.cast::<Element>() else {
                return;
            };
            match e.key().as_str() {
                "Escape" => {
                    e.prevent_default();
                    e.stop_propagation();
                    on_close.emit(());
                }
                "Tab" => {
                    let items = focusable(&root);
                    let (Some(first), Some(last)) = (items.first(), items.last()) else {
                        e.prevent_default();
                        return;
                    };
                    let active = active_element();
                    let at = |el: &HtmlElement| active.as_ref() == Some(el.unchecked_ref());
                    let inside = active
                        .as_ref()
                        .is_some_and(|a| root.contains(Some(a.as_ref())));
                    if e.shift_key() && (at(first) || !inside) {
                        e.prevent_default();
                        let _ = last.focus();
                    } else if !e.shift_key() && (at(last) || !inside) {
                        e.prevent_default();
                        let _ = first.focus();
                    }
                }
                _ => {}
            }
        })
    };
    let title_id = format!("{}-title", props.id);
    html! {
        <div class="modal-backdrop">
            <div ref={node} id={props.id.clone()} class="panel modal" role="dialog" aria-modal="true"
                 aria-labelledby={title_id.clone()} tabindex="-1" {onkeydown}>
                <h3 id={title_id}>{ props.title.clone() }</h3>
                { props.children.clone() }
            </div>
        </div>
    }
}
