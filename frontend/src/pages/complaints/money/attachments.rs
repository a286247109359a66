//! Attachments (CMP-9): upload, list, download.

use super::*;

// ---------------------------------------------------------------------------------------
// Attachments (CMP-9)
// ---------------------------------------------------------------------------------------

fn size_text(bytes: i64) -> String {
    match bytes {
        b if b >= 1024 * 1024 => format!("{:.1} MB", b as f64 / (1024.0 * 1024.0)),
        b if b >= 1024 => format!("{} KB", (b + 1023) / 1024),
        b => format!("{b} B"),
    }
}

#[component]
pub fn AttachmentsPanel(props: &PartProps) -> Html {
    let lang = use_lang();
    let session = use_session();
    let loaded = use_loaded::<Items<Attachment>>(complaints::part_path(props.id, "attachments"));
    let file = use_state(|| None::<web_sys::File>);
    let kind = use_state(|| AttachmentKind::Other.code().to_string());
    let description = use_state(String::new);
    let busy = use_state(|| false);
    let problem = use_state(|| None::<Problem>);
    let file_ref = use_node_ref();
    let id = props.id;
    {
        let loaded = loaded.clone();
        use_effect_with(props.generation, move |g| {
            if *g > 0 {
                loaded.reload();
            }
        });
    }
    let can_write = session.can(Permission::ComplaintWrite) && props.open;
    let on_file = {
        let file = file.clone();
        Callback::from(move |e: Event| {
            let i: HtmlInputElement = e.target_unchecked_into();
            file.set(i.files().and_then(|f| f.get(0)));
        })
    };
    let upload = {
        let (api, file, kind, description, busy, problem, loaded, file_ref) = (
            session.api.clone(),
            file.clone(),
            kind.clone(),
            description.clone(),
            busy.clone(),
            problem.clone(),
            loaded.clone(),
            file_ref.clone(),
        );
        Callback::from(move |e: SubmitEvent| {
            e.prevent_default();
            let Some(f) = (*file).clone() else { return };
            let params = [
                ("kind", (*kind).clone()),
                ("file_name", f.name()),
                ("description", description.trim().to_string()),
            ];
            let (api, file, description, file_ref, loaded) = (
                api.clone(),
                file.clone(),
                description.clone(),
                file_ref.clone(),
                loaded.clone(),
            );
            let done = Callback::from(move |()| {
                file.set(None);
                description.set(String::new());
                if let Some(i) = file_ref.cast::<HtmlInputElement>() {
                    i.set_value("");
                }
                loaded.reload();
            });
            save(&busy, &problem, done, async move {
                let body: JsValue = f.into();
                complaints::upload_attachment(&api, id, &params, &body).await
            });
        })
    };
    let download = |a: &Attachment| {
        let (api, a, problem) = (session.api.clone(), a.clone(), problem.clone());
        Callback::from(move |_: MouseEvent| {
            let (api, a, problem) = (api.clone(), a.clone(), problem.clone());
            yew::platform::spawn_local(async move {
                match complaints::download_attachment(&api, id, &a).await {
                    Ok(bytes) => save_file(&bytes, &a.content_type, &a.file_name),
                    Err(p) => problem.set(Some(p)),
                }
            });
        })
    };
    let rows: Html = match &*loaded.data {
        None => html! { <li class="muted">{ tr(lang, "loading") }</li> },
        Some(list) if list.as_slice().is_empty() => html! { <li class="muted">{ tr(lang, "attachment.none") }</li> },
        Some(list) => list
            .as_slice()
            .iter()
            .map(|a| html! {
                <li class="money-row" data-attachment-id={a.id.to_string()}>
                    <div class="money-head">
                        <span class="tag tag-muted">{ a.kind.label(lang) }</span>
                        <button type="button" class="btn-link attachment-download" onclick={download(a)}>{ &a.file_name }</button>
                        <span class="muted">{ format!("{} · {}", a.format.label(lang), size_text(a.size_bytes)) }</span>
                    </div>
                    if let Some(d) = &a.description { <div>{ d }</div> }
                    <div class="muted mono sha" title={a.sha256.clone()}>{ format!("SHA-256 {}…", &a.sha256[..a.sha256.len().min(16)]) }</div>
                </li>
            })
            .collect(),
    };
    if missing(&loaded) {
        return html! {};
    }
    html! {
        <div class="panel" id="complaint-attachments">
            <h2 class="panel-title">{ tr(lang, "attachment.title") }</h2>
            { loaded.banner() }
            <ErrorBanner problem={(*problem).clone()} />
            <ul class="money-list">{ rows }</ul>
            if can_write {
                <form class="form attachment-form" onsubmit={upload}>
                    <div class="field">
                        <label for="attachment-file">{ tr(lang, "attachment.file") }</label>
                        <input id="attachment-file" type="file" ref={file_ref} accept=".jpg,.jpeg,.png,.pdf,.docx" onchange={on_file} />
                        <div class="hint">{ tr(lang, "attachment.limits") }</div>
                    </div>
                    <CodeSelect id="attachment-kind" label={tr(lang, "attachment.kind")} value={(*kind).clone()}
                                onchange={keep_select(&kind)} options={coded_options(&AttachmentKind::ALL, AttachmentKind::code, lang)} />
                    { text_field(lang, "attachment-description", "attachment.description", &description, false) }
                    <div class="form-actions">
                        <button id="attachment-upload" type="submit" class="btn" disabled={*busy || file.is_none()}>
                            { tr(lang, if *busy { "attachment.uploading" } else { "attachment.upload" }) }
                        </button>
                    </div>
                </form>
            }
        </div>
    }
}
