//! 医院客户服务意见表 (seed 002 and 004: customer service fills it in every week and hands it to
//! the marketing lead; CMP-8) as a printable HTML page, self-contained like the penalty slip:
//! no script, no external resource, its style sheet allowed by its hash in the page's own
//! Content-Security-Policy. Every value is HTML-escaped.

use base64::Engine;
use hcrm_domain::api::complaint_stats::{OpinionForm, OpinionItem};
use hcrm_domain::{Label, Lang};
use sha2::{Digest, Sha256};

const STYLE: &str = "body{font-family:\"Noto Sans CJK SC\",\"Source Han Sans SC\",\"PingFang SC\",\"Microsoft YaHei\",sans-serif;margin:2em auto;max-width:60em;color:#000}\
h1{text-align:center;font-size:1.5em;letter-spacing:.15em;margin-bottom:.2em}\
h2{font-size:1.1em;margin:1.4em 0 .4em}\
p.sub{text-align:center;margin-top:0}\
table{border-collapse:collapse;width:100%}\
th,td{border:1px solid #000;padding:.35em .5em;text-align:left;vertical-align:top;font-size:.92em}\
th{background:#f2f2f2;font-weight:normal}\
td.none{text-align:center;color:#555}\
.sign{margin-top:2em;display:flex;justify-content:space-between}\
@media print{body{margin:0;max-width:none}th{background:none}}";

/// The policy the form is sent with: nothing but its own style sheet.
pub fn csp() -> String {
    let hash = base64::engine::general_purpose::STANDARD.encode(Sha256::digest(STYLE.as_bytes()));
    format!("default-src 'none'; style-src 'sha256-{hash}'; frame-ancestors 'none'")
}

fn esc(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            '\n' => out.push_str("<br>"),
            _ => out.push(c),
        }
    }
    out
}

fn table(items: &[OpinionItem], zone: &str, lang: Lang) -> String {
    let t = |zh: &'static str, en: &'static str| lang.pick(zh, en);
    let mut out = format!(
        "<table><thead><tr><th>{}</th><th>{}</th><th>{}</th><th>{}</th><th>{}</th><th>{}</th><th>{}</th><th>{}</th><th>{}</th></tr></thead><tbody>",
        t("序号", "No."),
        t("投诉编号", "Case no."),
        t("日期", "Date"),
        t("来源", "Channel"),
        t("客户", "Customer"),
        t("类别", "Category"),
        t("意见 / 建议内容", "Opinion or suggestion"),
        t("处理情况", "Handling"),
        t("状态", "Status"),
    );
    if items.is_empty() {
        out.push_str(&format!(
            "<tr><td class=\"none\" colspan=\"9\">{}</td></tr>",
            t("本周无", "None this week")
        ));
    }
    for (n, i) in items.iter().enumerate() {
        let day = hcrm_domain::time::date_in(i.received_at, zone);
        let mut text = esc(&i.description);
        if let Some(d) = i.demands.as_deref().filter(|d| !d.trim().is_empty()) {
            text.push_str(&format!("<br>{}{}", t("诉求：", "Demands: "), esc(d)));
        }
        out.push_str(&format!(
            "<tr><td>{}</td><td>{}</td><td>{}</td><td>{}</td><td>{}</td><td>{}</td><td>{}</td><td>{}</td><td>{}</td></tr>",
            n + 1,
            esc(&i.number),
            day,
            esc(i.channel.label(lang)),
            esc(&i.complainant),
            i.category
                .map_or_else(|| t("未定性", "Not classified yet").to_string(), |c| {
                    esc(c.label(lang))
                }),
            text,
            i.handling.as_deref().map_or_else(|| "—".to_string(), esc),
            esc(i.state.label(lang)),
        ));
    }
    out.push_str("</tbody></table>");
    out
}

/// The form of a week, in `lang`; dates in the institution's time zone `zone`.
pub fn render(form: &OpinionForm, zone: &str, lang: Lang) -> String {
    let t = |zh: &'static str, en: &'static str| lang.pick(zh, en);
    let html_lang = lang.pick("zh-CN", "en");
    format!(
        "<!DOCTYPE html><html lang=\"{html_lang}\"><head><meta charset=\"utf-8\"><title>{title}</title><style>{STYLE}</style></head><body>\
<h1>{title}</h1><p class=\"sub\">{inst} · {from} – {to}</p>\
<p>{summary}</p>\
<h2>{h_complaints}</h2>{complaints}\
<h2>{h_suggestions}</h2>{suggestions}\
<div class=\"sign\"><span>{filled}</span><span>{lead}</span><span>{date}</span></div>\
</body></html>",
        title = t("医院客户服务意见表", "Customer service opinion form"),
        inst = esc(&form.institution_name),
        from = form.week.from,
        to = form.week.to,
        summary = esc(&format!(
            "{} {}，{} {}，{} {}，{} {}",
            t("投诉", "Complaints"),
            form.complaints.len(),
            t("意见与建议", "opinions and suggestions"),
            form.suggestions.len(),
            t("已处理完毕", "closed"),
            form.closed,
            t("处理中", "open"),
            form.open
        )),
        h_complaints = t("一、客户投诉", "1. Complaints"),
        complaints = table(&form.complaints, zone, lang),
        h_suggestions = t(
            "二、客户意见与建议（含回访反馈）",
            "2. Opinions and suggestions (including follow-up feedback)"
        ),
        suggestions = table(&form.suggestions, zone, lang),
        filled = t("填表人：", "Filled in by:"),
        lead = t("营销主管部门：", "Marketing lead:"),
        date = t("日期：", "Date:"),
    )
}
