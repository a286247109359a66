//! The penalty slip (员工过失处罚单, seed 003 附件 4; CMP-7) as a printable HTML page: one
//! self-contained document, no script, no external resource, its one style sheet allowed by
//! its SHA-256 in the page's own Content-Security-Policy (`default-src 'none'` otherwise, as
//! every API answer). Every value of the record is HTML-escaped.
//!
//! No PDF: a PDF with Chinese text must embed a CJK font (a subset of a 10–20 MB font, which
//! the PDF crates leave to the caller), and no maintained crate lays out HTML as PDF without a
//! browser; the browser's "print to PDF" of this page gives the same document.

use base64::Engine;
use hcrm_domain::api::complaint_money::Responsibility;
use hcrm_domain::{Label, Lang};
use sha2::{Digest, Sha256};

const STYLE: &str = "body{font-family:\"Noto Sans CJK SC\",\"Source Han Sans SC\",\"PingFang SC\",\"Microsoft YaHei\",sans-serif;margin:2em auto;max-width:46em;color:#000}\
h1{text-align:center;font-size:1.6em;letter-spacing:.2em;margin-bottom:.2em}\
p.sub{text-align:center;margin-top:0}\
table{border-collapse:collapse;width:100%;margin:1em 0}\
th,td{border:1px solid #000;padding:.45em .6em;text-align:left;vertical-align:top}\
th{width:22%;background:#f2f2f2;font-weight:normal}\
td.money{text-align:right;font-variant-numeric:tabular-nums}\
.sign td{height:3.5em}\
p.note{font-size:.9em}\
@media print{body{margin:0;max-width:none}th{background:none}}";

/// The policy the slip is sent with: nothing but its own style sheet.
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

/// `¥1,234.50` from fen.
pub fn yuan(fen: i64) -> String {
    let (sign, fen) = if fen < 0 { ("-", -fen) } else { ("", fen) };
    let whole = (fen / 100).to_string();
    let mut grouped = String::new();
    for (i, c) in whole.chars().enumerate() {
        if i > 0 && (whole.len() - i) % 3 == 0 {
            grouped.push(',');
        }
        grouped.push(c);
    }
    format!("{sign}¥{grouped}.{:02}", fen % 100)
}

/// The slip of a confirmed finding of `institution`; `None` while its level is unconfirmed.
pub fn render(r: &Responsibility, institution: &str, lang: Lang) -> Option<String> {
    let level = r.confirmed_level?;
    let fines = level.fines();
    let t = |zh: &'static str, en: &'static str| lang.pick(zh, en);
    let none = "—";
    let opt = |v: &Option<String>| v.as_deref().map_or(none.to_string(), esc);
    let yes_no = |b: bool| t(if b { "是" } else { "否" }, if b { "yes" } else { "no" });
    let mut rows = Vec::new();
    let mut row = |k: &str, v: String| rows.push(format!("<tr><th>{k}</th><td>{v}</td></tr>"));
    row(t("机构", "Institution"), esc(institution));
    row(t("投诉编号", "Complaint no."), opt(&r.complaint_number));
    row(t("责任人", "Responsible staff"), esc(&r.staff_name));
    row(t("部门", "Department"), opt(&r.department_name));
    row(t("上级主管", "Direct supervisor"), opt(&r.supervisor_name));
    row(t("院领导", "Hospital leader"), opt(&r.leader_name));
    row(t("过失事由", "Fault"), esc(&r.description));
    row(t("直接经济损失", "Direct loss"), yuan(r.loss_fen));
    row(
        t(
            "严重事故 / 名誉损失 / 患者最终不满意",
            "Serious accident / reputation damage / patient finally dissatisfied",
        ),
        format!(
            "{} / {} / {}",
            yes_no(r.serious_accident),
            yes_no(r.reputation_damage),
            yes_no(r.patient_dissatisfied)
        ),
    );
    row(t("处分级别", "Penalty level"), esc(level.label(lang)));
    if r.proposed_level != level {
        row(
            t("规则建议级别", "Level proposed by the rule"),
            esc(r.proposed_level.label(lang)),
        );
    }
    row(
        t("确认说明", "Confirmation note"),
        opt(&r.confirmation_note),
    );
    row(
        t("确认人 / 日期", "Confirmed by / on"),
        format!(
            "{} / {}",
            opt(&r.confirmed_by_name),
            r.confirmed_on.map_or(none.to_string(), |d| d.to_string())
        ),
    );
    let fine_rows = [
        (
            t("责任人", "Responsible staff"),
            r.staff_name.clone(),
            fines.staff_fen,
        ),
        (
            t("上级主管", "Direct supervisor"),
            r.supervisor_name.clone().unwrap_or_else(|| none.into()),
            fines.supervisor_fen,
        ),
        (
            t("院领导", "Hospital leader"),
            r.leader_name.clone().unwrap_or_else(|| none.into()),
            fines.leader_fen,
        ),
    ]
    .iter()
    .map(|(who, name, fen)| {
        format!(
            "<tr><th>{who}</th><td>{}</td><td class=\"money\">{}</td></tr>",
            esc(name),
            yuan(*fen)
        )
    })
    .collect::<String>();
    let signatures = [
        t("受罚人签字", "Signature of the penalised"),
        t("部门负责人", "Head of department"),
        t("总经办", "Executive office"),
        t("总经理核准", "Approved by the general manager"),
    ]
    .iter()
    .map(|s| format!("<tr><th>{s}</th><td></td></tr>"))
    .collect::<String>();
    let html_lang = t("zh-CN", "en");
    let title = t("员工过失处罚单", "Employee fault penalty slip");
    Some(format!(
        "<!DOCTYPE html>\n<html lang=\"{html_lang}\"><head><meta charset=\"utf-8\">\
         <title>{title}</title><style>{STYLE}</style></head><body>\
         <h1>{title}</h1><p class=\"sub\">{institution}</p>\
         <table>{rows}</table>\
         <table><tr><th>{fine_h}</th><th>{name_h}</th><th>{amount_h}</th></tr>{fine_rows}</table>\
         <table class=\"sign\">{signatures}</table>\
         <p class=\"note\">{copies}</p></body></html>\n",
        institution = esc(institution),
        rows = rows.concat(),
        fine_h = t("罚款对象", "Fined"),
        name_h = t("姓名", "Name"),
        amount_h = t("罚款金额", "Fine"),
        copies = t(
            "本单经总经理核准后复印 4 份：受罚人自存、罚款机构财务部罚扣查核、总经办备档、客服部备档。",
            "Once approved by the general manager, four copies: for the penalised, for the finance department's deduction, for the executive office's file, for the customer-service department's file."
        ),
    ))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn amounts_read_as_yuan_with_thousands() {
        assert_eq!(yuan(0), "¥0.00");
        assert_eq!(yuan(5_000), "¥50.00");
        assert_eq!(yuan(120_000), "¥1,200.00");
        assert_eq!(yuan(1_999_999), "¥19,999.99");
        assert_eq!(yuan(10_000_000_000), "¥100,000,000.00");
    }

    #[test]
    fn text_is_escaped() {
        assert_eq!(
            esc("<b>\"x\" & 'y'</b>"),
            "&lt;b&gt;&quot;x&quot; &amp; &#39;y&#39;&lt;/b&gt;"
        );
    }

    #[test]
    fn the_policy_names_the_style_sheet_hash_only() {
        let p = csp();
        assert!(
            p.starts_with("default-src 'none'; style-src 'sha256-"),
            "{p}"
        );
        assert!(!p.contains("unsafe"), "{p}");
    }
}
