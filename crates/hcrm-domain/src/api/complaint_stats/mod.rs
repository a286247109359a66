//! 患者投诉案件统计表 and 医院客户服务意见表 (CMP-8): the shapes of the complaint reports and the
//! pure part of them — the period asked for, and the roll-up of the counts the database
//! groups (hcrm-db `complaint_stats`) into the table's rows with their rates.
//!
//! A report counts the complaints *received* in the period (in each institution's time zone):
//! of those, how many are still open and how many closed, and how each clock did. The group's
//! own targets (CMP-5: the step limits and the whole-case limit) and the national feedback
//! limit (CMP-5a) are counted apart: a case is `breached` on a clock family when any of its
//! clocks of that family is past its deadline (a breach stays a breach, CMP-5b), `met` when
//! that family is done without a breach (the national clock stopped; for the group's
//! targets, the case closed), `running` otherwise.

use std::collections::BTreeMap;

use chrono::{Datelike, NaiveDate, TimeDelta};
use serde::{Deserialize, Serialize};
use uuid::Uuid;

use crate::api::FieldError;
use crate::complaint::{
    ComplaintCategory, ComplaintChannel, ComplaintSeverity, ComplaintState, PenaltyLevel,
    RefundStatus,
};
use crate::i18n::{Label, Lang};

/// Longest period a statistics table covers, in months (three years).
pub const MAX_PERIOD_MONTHS: u32 = 36;

/// A period of whole days, both ends included, in each institution's own time zone.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Period {
    pub from: NaiveDate,
    pub to: NaiveDate,
}

fn bad(field: &str, code: &str, message: &str) -> FieldError {
    FieldError {
        field: field.into(),
        code: code.into(),
        message: message.into(),
    }
}

fn month_of(text: &str) -> Option<Period> {
    let from = NaiveDate::parse_from_str(&format!("{text}-01"), "%Y-%m-%d").ok()?;
    if text.len() != 7 {
        return None;
    }
    let next = if from.month() == 12 {
        NaiveDate::from_ymd_opt(from.year() + 1, 1, 1)?
    } else {
        NaiveDate::from_ymd_opt(from.year(), from.month() + 1, 1)?
    };
    Some(Period {
        from,
        to: next - TimeDelta::days(1),
    })
}

fn day_of(text: &str) -> Option<NaiveDate> {
    (text.len() == 10)
        .then(|| NaiveDate::parse_from_str(text, "%Y-%m-%d").ok())
        .flatten()
}

impl Period {
    /// The period of a query: `month` (`2026-12`) or `from` and `to` (`2026-12-01`), or the
    /// month of `today` when none is given. Malformed, reversed or longer than
    /// [`MAX_PERIOD_MONTHS`]: the field errors (422).
    pub fn parse(
        month: Option<&str>,
        from: Option<&str>,
        to: Option<&str>,
        today: NaiveDate,
    ) -> Result<Period, Vec<FieldError>> {
        let period = match (month, from, to) {
            (Some(_), Some(_), _) | (Some(_), _, Some(_)) => {
                return Err(vec![bad(
                    "month",
                    "conflict",
                    "give either month or from and to",
                )]);
            }
            (Some(m), None, None) => month_of(m.trim())
                .ok_or_else(|| vec![bad("month", "invalid", "a month is written YYYY-MM")])?,
            (None, None, None) => month_of(&today.format("%Y-%m").to_string())
                .ok_or_else(|| vec![bad("month", "invalid", "a month is written YYYY-MM")])?,
            (None, from, to) => {
                let mut errors = Vec::new();
                let mut day = |field: &str, v: Option<&str>| match v.map(str::trim) {
                    None => {
                        errors.push(bad(field, "required", "from and to go together"));
                        None
                    }
                    Some(t) => {
                        let d = day_of(t);
                        if d.is_none() {
                            errors.push(bad(field, "invalid", "a day is written YYYY-MM-DD"));
                        }
                        d
                    }
                };
                let (f, t) = (day("from", from), day("to", to));
                match (f, t) {
                    (Some(from), Some(to)) => Period { from, to },
                    _ => return Err(errors),
                }
            }
        };
        if period.to < period.from {
            return Err(vec![bad("to", "before_from", "to is before from")]);
        }
        let limit = period
            .from
            .checked_add_months(chrono::Months::new(MAX_PERIOD_MONTHS))
            .unwrap_or(NaiveDate::MAX);
        if period.to >= limit {
            return Err(vec![bad(
                "to",
                "too_long",
                "a period is at most three years",
            )]);
        }
        Ok(period)
    }

    /// The week (Monday to Sunday) holding `day`.
    pub fn week_of(day: NaiveDate) -> Period {
        let from = day - TimeDelta::days(i64::from(day.weekday().num_days_from_monday()));
        Period {
            from,
            to: from + TimeDelta::days(6),
        }
    }

    /// Days in the period, both ends counted.
    pub fn days(&self) -> i64 {
        (self.to - self.from).num_days() + 1
    }
}

/// The grouping a database cell belongs to: the case's classification.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub struct CaseKey {
    pub institution_id: Uuid,
    pub category: Option<ComplaintCategory>,
    pub severity: Option<ComplaintSeverity>,
    pub channel: ComplaintChannel,
}

/// Counts of the cases of one state in one grouping (from the database's GROUP BY).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct CaseCell {
    pub state: ComplaintState,
    pub cases: i64,
    /// Of them, breached on the group's targets (CMP-5).
    pub group_breached: i64,
    /// Of them, breached on the national limit (CMP-5a).
    pub national_breached: i64,
    /// Of them, the national clock stopped in time.
    pub national_met: i64,
}

/// Refunds of one status in one grouping.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct RefundCell {
    pub status: RefundStatus,
    pub count: i64,
    pub fen: i64,
}

/// Confirmed penalties of one level in one grouping.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct PenaltyCell {
    pub level: PenaltyLevel,
    pub count: i64,
}

/// Everything the database counted for a period, keyed by grouping.
#[derive(Debug, Clone, Default)]
pub struct Counted {
    pub cases: Vec<(CaseKey, CaseCell)>,
    /// Cases by involved department (a case naming two departments counts in both).
    pub departments: Vec<(Uuid, Uuid, CaseCell)>,
    pub refunds: Vec<(CaseKey, RefundCell)>,
    pub penalties: Vec<(CaseKey, PenaltyCell)>,
}

/// Confirmed penalties by level (CMP-7).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct PenaltyCounts {
    pub written_warning: i64,
    pub minor_demerit: i64,
    pub major_demerit: i64,
    pub suspension: i64,
    pub dismissal: i64,
}

impl PenaltyCounts {
    pub fn get(&self, level: PenaltyLevel) -> i64 {
        match level {
            PenaltyLevel::WrittenWarning => self.written_warning,
            PenaltyLevel::MinorDemerit => self.minor_demerit,
            PenaltyLevel::MajorDemerit => self.major_demerit,
            PenaltyLevel::Suspension => self.suspension,
            PenaltyLevel::Dismissal => self.dismissal,
        }
    }

    fn add(&mut self, level: PenaltyLevel, n: i64) {
        let slot = match level {
            PenaltyLevel::WrittenWarning => &mut self.written_warning,
            PenaltyLevel::MinorDemerit => &mut self.minor_demerit,
            PenaltyLevel::MajorDemerit => &mut self.major_demerit,
            PenaltyLevel::Suspension => &mut self.suspension,
            PenaltyLevel::Dismissal => &mut self.dismissal,
        };
        *slot += n;
    }

    pub fn total(&self) -> i64 {
        PenaltyLevel::ALL.iter().map(|l| self.get(*l)).sum()
    }
}

/// One row of the statistics table: a grouping's counts.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct StatsRow {
    /// The grouping's code (`medical_effect`, `phone`, a department's id, `total` …).
    pub key: String,
    /// The grouping's name in the language asked for.
    pub label: String,
    /// Received in the period.
    pub received: i64,
    /// Of them, still open.
    pub open: i64,
    /// Of them, closed.
    pub closed: i64,
    /// The group's own targets (CMP-5): closed with no clock breached.
    pub group_met: i64,
    /// The group's own targets: some step or the whole case past its limit.
    pub group_breached: i64,
    /// Open with no breach yet.
    pub group_running: i64,
    /// Breached of those decided (met + breached), percent, one decimal; none when none.
    pub group_breach_rate: Option<f64>,
    /// The national feedback limit (CMP-5a, 5/10 working days): feedback given in time.
    pub national_met: i64,
    pub national_breached: i64,
    pub national_running: i64,
    pub national_breach_rate: Option<f64>,
    /// Refunds and compensations not rejected (CMP-6), and their amount in fen.
    pub refunds: i64,
    #[cfg_attr(
        feature = "openapi",
        schema(minimum = 0, maximum = 9007199254740991i64)
    )]
    pub refund_fen: i64,
    /// Of them, paid, and the amount paid in fen.
    pub refunds_paid: i64,
    #[cfg_attr(
        feature = "openapi",
        schema(minimum = 0, maximum = 9007199254740991i64)
    )]
    pub refund_paid_fen: i64,
    /// Confirmed penalties by level (CMP-7).
    pub penalties: PenaltyCounts,
}

fn rate(part: i64, of: i64) -> Option<f64> {
    (of > 0).then(|| ((part as f64) * 1000.0 / (of as f64)).round() / 10.0)
}

impl StatsRow {
    fn new(key: impl Into<String>, label: impl Into<String>) -> StatsRow {
        StatsRow {
            key: key.into(),
            label: label.into(),
            ..StatsRow::default()
        }
    }

    fn add_cases(&mut self, c: &CaseCell) {
        let closed = !c.state.is_open();
        self.received += c.cases;
        if closed {
            self.closed += c.cases;
            self.group_met += c.cases - c.group_breached;
        } else {
            self.open += c.cases;
            self.group_running += c.cases - c.group_breached;
        }
        self.group_breached += c.group_breached;
        self.national_breached += c.national_breached;
        self.national_met += c.national_met;
        self.national_running += c.cases - c.national_breached - c.national_met;
    }

    fn add_refunds(&mut self, r: &RefundCell) {
        if r.status == RefundStatus::Rejected {
            return;
        }
        self.refunds += r.count;
        self.refund_fen += r.fen;
        if r.status == RefundStatus::Paid {
            self.refunds_paid += r.count;
            self.refund_paid_fen += r.fen;
        }
    }

    fn add_row(&mut self, o: &StatsRow) {
        self.received += o.received;
        self.open += o.open;
        self.closed += o.closed;
        self.group_met += o.group_met;
        self.group_breached += o.group_breached;
        self.group_running += o.group_running;
        self.national_met += o.national_met;
        self.national_breached += o.national_breached;
        self.national_running += o.national_running;
        self.refunds += o.refunds;
        self.refund_fen += o.refund_fen;
        self.refunds_paid += o.refunds_paid;
        self.refund_paid_fen += o.refund_paid_fen;
        for l in PenaltyLevel::ALL {
            self.penalties.add(l, o.penalties.get(l));
        }
    }

    fn finish(mut self) -> StatsRow {
        self.group_breach_rate = rate(self.group_breached, self.group_met + self.group_breached);
        self.national_breach_rate = rate(
            self.national_breached,
            self.national_met + self.national_breached,
        );
        self
    }
}

/// The tables of one institution, or of all of them.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct StatsTables {
    pub summary: StatsRow,
    /// 质量投诉 / 非质量投诉 / 未定性.
    pub by_quality: Vec<StatsRow>,
    pub by_category: Vec<StatsRow>,
    pub by_severity: Vec<StatsRow>,
    pub by_channel: Vec<StatsRow>,
    /// By involved department; a case naming two counts in both, a case naming none in none.
    pub by_department: Vec<StatsRow>,
}

/// One institution's tables.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct InstitutionStats {
    pub institution_id: Uuid,
    pub institution_name: String,
    pub tables: StatsTables,
}

/// 患者投诉案件统计表 (CMP-8).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ComplaintStatistics {
    pub period: Period,
    /// Each institution the caller sees, by name.
    pub institutions: Vec<InstitutionStats>,
    /// All of them together, when there are several.
    pub total: Option<StatsTables>,
}

const UNCLASSIFIED: &str = "unclassified";

fn unclassified(lang: Lang) -> &'static str {
    lang.pick("未定性", "Not classified yet")
}

/// A row per value, in `order`, with the rows having cases only.
fn rows_by<K: Ord + Copy>(order: &[K], mut rows: BTreeMap<K, StatsRow>) -> Vec<StatsRow> {
    order
        .iter()
        .filter_map(|k| rows.remove(k))
        .map(StatsRow::finish)
        .collect()
}

/// The tables of the cells of one institution (or all).
fn tables(
    cases: &[&(CaseKey, CaseCell)],
    departments: &[&(Uuid, Uuid, CaseCell)],
    refunds: &[&(CaseKey, RefundCell)],
    penalties: &[&(CaseKey, PenaltyCell)],
    department_names: &BTreeMap<Uuid, String>,
    lang: Lang,
) -> StatsTables {
    // One row per fine grouping, then each table sums them.
    let mut fine: BTreeMap<CaseKey, StatsRow> = BTreeMap::new();
    for (k, c) in cases {
        fine.entry(*k).or_default().add_cases(c);
    }
    for (k, r) in refunds {
        fine.entry(*k).or_default().add_refunds(r);
    }
    for (k, p) in penalties {
        fine.entry(*k).or_default().penalties.add(p.level, p.count);
    }
    let mut summary = StatsRow::new("total", lang.pick("合计", "Total"));
    let mut quality: BTreeMap<u8, StatsRow> = BTreeMap::new();
    let mut category: BTreeMap<Option<ComplaintCategory>, StatsRow> = BTreeMap::new();
    let mut severity: BTreeMap<Option<ComplaintSeverity>, StatsRow> = BTreeMap::new();
    let mut channel: BTreeMap<ComplaintChannel, StatsRow> = BTreeMap::new();
    for (k, row) in &fine {
        summary.add_row(row);
        let q = match k.category.map(ComplaintCategory::is_quality) {
            Some(true) => 0,
            Some(false) => 1,
            None => 2,
        };
        quality
            .entry(q)
            .or_insert_with(|| match q {
                0 => StatsRow::new("quality", lang.pick("质量投诉", "Quality complaints")),
                1 => StatsRow::new(
                    "non_quality",
                    lang.pick("非质量投诉", "Non-quality complaints"),
                ),
                _ => StatsRow::new(UNCLASSIFIED, unclassified(lang)),
            })
            .add_row(row);
        category
            .entry(k.category)
            .or_insert_with(|| match k.category {
                Some(c) => StatsRow::new(c.code(), c.label(lang)),
                None => StatsRow::new(UNCLASSIFIED, unclassified(lang)),
            })
            .add_row(row);
        severity
            .entry(k.severity)
            .or_insert_with(|| match k.severity {
                Some(s) => StatsRow::new(s.code(), s.label(lang)),
                None => StatsRow::new(UNCLASSIFIED, unclassified(lang)),
            })
            .add_row(row);
        channel
            .entry(k.channel)
            .or_insert_with(|| StatsRow::new(k.channel.code(), k.channel.label(lang)))
            .add_row(row);
    }
    let mut by_department: BTreeMap<Uuid, StatsRow> = BTreeMap::new();
    for (_, d, c) in departments {
        by_department
            .entry(*d)
            .or_insert_with(|| {
                StatsRow::new(
                    d.to_string(),
                    department_names.get(d).cloned().unwrap_or_default(),
                )
            })
            .add_cases(c);
    }
    let mut by_department: Vec<StatsRow> =
        by_department.into_values().map(StatsRow::finish).collect();
    by_department.sort_by(|a, b| b.received.cmp(&a.received).then(a.label.cmp(&b.label)));
    let mut categories: Vec<Option<ComplaintCategory>> =
        ComplaintCategory::ALL.into_iter().map(Some).collect();
    categories.push(None);
    let mut severities: Vec<Option<ComplaintSeverity>> =
        ComplaintSeverity::ALL.into_iter().map(Some).collect();
    severities.push(None);
    StatsTables {
        summary: summary.finish(),
        by_quality: rows_by(&[0, 1, 2], quality),
        by_category: rows_by(&categories, category),
        by_severity: rows_by(&severities, severity),
        by_channel: rows_by(&ComplaintChannel::ALL, channel),
        by_department,
    }
}

/// Shapes what the database counted into the statistics of `institutions` (id and name, in
/// the order shown) with a total when there are several.
pub fn shape(
    period: Period,
    institutions: &[(Uuid, String)],
    counted: &Counted,
    department_names: &BTreeMap<Uuid, String>,
    lang: Lang,
) -> ComplaintStatistics {
    let per = |id: Option<Uuid>| {
        let of = |i: &Uuid| id.is_none_or(|x| x == *i);
        let cases: Vec<_> = counted
            .cases
            .iter()
            .filter(|c| of(&c.0.institution_id))
            .collect();
        let departments: Vec<_> = counted.departments.iter().filter(|c| of(&c.0)).collect();
        let refunds: Vec<_> = counted
            .refunds
            .iter()
            .filter(|c| of(&c.0.institution_id))
            .collect();
        let penalties: Vec<_> = counted
            .penalties
            .iter()
            .filter(|c| of(&c.0.institution_id))
            .collect();
        tables(
            &cases,
            &departments,
            &refunds,
            &penalties,
            department_names,
            lang,
        )
    };
    ComplaintStatistics {
        period,
        institutions: institutions
            .iter()
            .map(|(id, name)| InstitutionStats {
                institution_id: *id,
                institution_name: name.clone(),
                tables: per(Some(*id)),
            })
            .collect(),
        total: (institutions.len() > 1).then(|| per(None)),
    }
}

/// The columns of the statistics as a sheet (CSV, XLSX), in `lang`.
pub fn sheet_header(lang: Lang) -> Vec<&'static str> {
    let mut h = vec![
        lang.pick("机构", "Institution"),
        lang.pick("统计维度", "Grouping"),
        lang.pick("项目", "Item"),
        lang.pick("受理数", "Received"),
        lang.pick("处理中", "Open"),
        lang.pick("已结案", "Closed"),
        lang.pick("集团时限 达标", "Group targets met"),
        lang.pick("集团时限 超时", "Group targets breached"),
        lang.pick("集团时限 计时中", "Group targets running"),
        lang.pick("集团时限 超时率%", "Group targets breach rate %"),
        lang.pick("国家时限 达标", "National limit met"),
        lang.pick("国家时限 超时", "National limit breached"),
        lang.pick("国家时限 计时中", "National limit running"),
        lang.pick("国家时限 超时率%", "National limit breach rate %"),
        lang.pick("退赔笔数", "Refunds"),
        lang.pick("退赔金额（元）", "Refund amount (yuan)"),
        lang.pick("已支付笔数", "Refunds paid"),
        lang.pick("已支付金额（元）", "Amount paid (yuan)"),
    ];
    h.extend(PenaltyLevel::ALL.iter().map(|l| l.label(lang)));
    h
}

/// `1234.50` from fen, for sheets.
pub fn yuan_text(fen: i64) -> String {
    let sign = if fen < 0 { "-" } else { "" };
    let fen = fen.abs();
    format!("{sign}{}.{:02}", fen / 100, fen % 100)
}

/// The rows of the statistics as a sheet, after [`sheet_header`]: every table of every
/// institution, then of the total.
pub fn sheet_rows(s: &ComplaintStatistics, lang: Lang) -> Vec<Vec<String>> {
    let mut out = Vec::new();
    let mut add = |who: &str, t: &StatsTables| {
        let groups: [(&str, Vec<&StatsRow>); 6] = [
            (lang.pick("合计", "Total"), vec![&t.summary]),
            (
                lang.pick("投诉性质", "Quality"),
                t.by_quality.iter().collect(),
            ),
            (
                lang.pick("投诉类型", "Category"),
                t.by_category.iter().collect(),
            ),
            (
                lang.pick("严重程度", "Severity"),
                t.by_severity.iter().collect(),
            ),
            (
                lang.pick("投诉渠道", "Channel"),
                t.by_channel.iter().collect(),
            ),
            (
                lang.pick("涉及科室", "Department"),
                t.by_department.iter().collect(),
            ),
        ];
        for (group, rows) in groups {
            for r in rows {
                let pct = |v: Option<f64>| v.map(|v| format!("{v:.1}")).unwrap_or_default();
                let mut cells = vec![
                    who.to_string(),
                    group.to_string(),
                    r.label.clone(),
                    r.received.to_string(),
                    r.open.to_string(),
                    r.closed.to_string(),
                    r.group_met.to_string(),
                    r.group_breached.to_string(),
                    r.group_running.to_string(),
                    pct(r.group_breach_rate),
                    r.national_met.to_string(),
                    r.national_breached.to_string(),
                    r.national_running.to_string(),
                    pct(r.national_breach_rate),
                    r.refunds.to_string(),
                    yuan_text(r.refund_fen),
                    r.refunds_paid.to_string(),
                    yuan_text(r.refund_paid_fen),
                ];
                cells.extend(
                    PenaltyLevel::ALL
                        .iter()
                        .map(|l| r.penalties.get(*l).to_string()),
                );
                out.push(cells);
            }
        }
    };
    for i in &s.institutions {
        add(&i.institution_name, &i.tables);
    }
    if let Some(t) = &s.total {
        add(lang.pick("全部机构", "All institutions"), t);
    }
    out
}

/// One line of the weekly opinion form: a complaint, an opinion or a suggestion.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct OpinionItem {
    pub complaint_id: Uuid,
    pub number: String,
    pub received_at: chrono::DateTime<chrono::Utc>,
    pub channel: ComplaintChannel,
    pub category: Option<ComplaintCategory>,
    pub state: ComplaintState,
    /// The complainant's form of address (`王女士`).
    pub complainant: String,
    pub description: String,
    pub demands: Option<String>,
    /// The solution or the outcome, as far as known.
    pub handling: Option<String>,
    pub closed: bool,
}

impl OpinionItem {
    /// An opinion or suggestion rather than a complaint: classified a suggestion (患者建议), or
    /// heard on a follow-up call (回访反馈).
    pub fn is_suggestion(&self) -> bool {
        self.category == Some(ComplaintCategory::Suggestion)
            || self.channel == ComplaintChannel::FollowUpFeedback
    }
}

/// 医院客户服务意见表 (seed 002/004: filled in every week by customer service): the week's
/// complaints, and opinions and suggestions, with their handling.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct OpinionForm {
    pub institution_id: Uuid,
    pub institution_name: String,
    /// Monday to Sunday in the institution's time zone.
    pub week: Period,
    pub complaints: Vec<OpinionItem>,
    pub suggestions: Vec<OpinionItem>,
    /// Of all of them, still open.
    pub open: i64,
    pub closed: i64,
}

impl OpinionForm {
    pub fn new(
        institution_id: Uuid,
        institution_name: String,
        week: Period,
        items: Vec<OpinionItem>,
    ) -> OpinionForm {
        let closed = items.iter().filter(|i| i.closed).count() as i64;
        let open = items.len() as i64 - closed;
        let (suggestions, complaints) = items.into_iter().partition(OpinionItem::is_suggestion);
        OpinionForm {
            institution_id,
            institution_name,
            week,
            complaints,
            suggestions,
            open,
            closed,
        }
    }
}

/// The instant day `day` starts in time zone `zone` (an IANA name).
#[cfg(feature = "zones")]
pub fn day_start(day: NaiveDate, zone: &str) -> chrono::DateTime<chrono::Utc> {
    use chrono::TimeZone;
    let local = day.and_time(chrono::NaiveTime::MIN);
    crate::time::zone(zone)
        .from_local_datetime(&local)
        .earliest()
        .map(|t| t.with_timezone(&chrono::Utc))
        .unwrap_or_else(|| local.and_utc())
}

#[cfg(test)]
mod tests;
