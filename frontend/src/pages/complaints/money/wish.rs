//! The follow-up wish recorded when the case closes (CMP-4 closing, FUP-1).

use super::*;

// ---------------------------------------------------------------------------------------
// The follow-up wish (CMP-4 closing, FUP-1)
// ---------------------------------------------------------------------------------------

#[derive(Properties, PartialEq)]
pub struct WishProps {
    pub id: Uuid,
}

/// Whether the complainant wants a follow-up call on the handling, recorded when the case
/// is closed (from closing and archiving on); the follow-up plans read it.
#[component]
pub fn FollowUpWishPanel(props: &WishProps) -> Html {
    let lang = use_lang();
    let session = use_session();
    let loaded = use_loaded::<FollowUpWish>(complaints::part_path(props.id, "follow-up-wish"));
    let wanted = use_state(|| None::<bool>);
    let note = use_state(String::new);
    let busy = use_state(|| false);
    let problem = use_state(|| None::<Problem>);
    let saved = use_state(|| false);
    {
        // The form starts from what is recorded.
        let (wanted, note) = (wanted.clone(), note.clone());
        let recorded = loaded.data.as_ref().map(|w| (w.wanted, w.note.clone()));
        use_effect_with(recorded, move |r| {
            if let Some((w, n)) = r {
                wanted.set(*w);
                note.set(n.clone().unwrap_or_default());
            }
        });
    }
    if missing(&loaded) {
        return html! {};
    }
    let can_write = session.can(Permission::ComplaintWrite);
    let choose = |value: bool| {
        let (wanted, saved) = (wanted.clone(), saved.clone());
        Callback::from(move |_: Event| {
            wanted.set(Some(value));
            saved.set(false);
        })
    };
    let onsubmit = {
        let (api, id) = (session.api.clone(), props.id);
        let (wanted, note, busy, problem, saved, loaded) = (
            wanted.clone(),
            note.clone(),
            busy.clone(),
            problem.clone(),
            saved.clone(),
            loaded.clone(),
        );
        Callback::from(move |e: SubmitEvent| {
            e.prevent_default();
            let Some(w) = *wanted else { return };
            let version = loaded.data.as_ref().map(|x| x.version).unwrap_or(0);
            let body = FollowUpWishUpdate {
                wanted: w,
                note: forms::opt(&note),
                version: Some(version),
            };
            let (api, saved, loaded) = (api.clone(), saved.clone(), loaded.clone());
            let done = Callback::from(move |()| {
                saved.set(true);
                loaded.reload();
            });
            save(&busy, &problem, done, async move {
                api.put::<FollowUpWish, _>(
                    &complaints::part_path(id, "follow-up-wish"),
                    version,
                    &body,
                )
                .await
            });
        })
    };
    html! {
        <div class="panel" id="complaint-follow-up-wish">
            <h2 class="panel-title">{ tr(lang, "wish.title") }</h2>
            { loaded.banner() }
            <ErrorBanner problem={(*problem).clone()} />
            <form class="form" {onsubmit}>
                <fieldset class="choices">
                    <legend>{ tr(lang, "wish.question") }</legend>
                    <label class="check"><input type="radio" name="wish" id="wish-yes" checked={*wanted == Some(true)}
                        disabled={!can_write} onchange={choose(true)} />{ tr(lang, "wish.yes") }</label>
                    <label class="check"><input type="radio" name="wish" id="wish-no" checked={*wanted == Some(false)}
                        disabled={!can_write} onchange={choose(false)} />{ tr(lang, "wish.no") }</label>
                </fieldset>
                { text_field(lang, "wish-note", "wish.note", &note, false) }
                if can_write {
                    <div class="form-actions">
                        <button id="wish-save" type="submit" class="btn" disabled={*busy || wanted.is_none()}>
                            { tr(lang, if *busy { "common.saving" } else { "common.save" }) }
                        </button>
                        if *saved { <span class="muted" role="status">{ tr(lang, "wish.saved") }</span> }
                    </div>
                }
            </form>
        </div>
    }
}
