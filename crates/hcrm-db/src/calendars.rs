//! ORG-3: each institution's business calendar.
//!
//! Stored: `calendar_settings` (working intervals and weekly rest days, versioned; no row =
//! the default 08:00–12:00, 13:30–17:30, Monday to Friday) and the years an institution
//! imported (`calendar_years` with the notice, `calendar_days` with the days). Not stored: the
//! official schedule shipped with the product, read at run time — a year the institution did
//! not import is the shipped one ([`hcrm_domain::calendar::assemble`]). The time zone is the
//! institution's `time_zone`.

use std::collections::BTreeMap;

use chrono::{Datelike, NaiveDate, NaiveDateTime, NaiveTime, Weekday};
use diesel::prelude::*;
use hcrm_domain::Scope;
use hcrm_domain::api::calendars::{CalendarDetail, CalendarSummary, CalendarYear, YearSource};
use hcrm_domain::api::org::InstitutionRef;
use hcrm_domain::calendar::{
    Calendar, DayKind, DayOfWeek, Interval, MAINLAND_HOURS, SpecialDay, WEEKEND, assemble, official,
};
use serde::Serialize;
use uuid::Uuid;

use crate::conn::{Db, DbConn};
use crate::error::DbError;
use crate::ids::{InstitutionId, UserId};
use crate::kit::{InScope, decode, expect_version};
use crate::schema::{calendar_days, calendar_settings, calendar_years, institutions, users};
use crate::util::{ListWindow, now, utc};

/// Institution `id`'s business calendar: its time zone, working hours, weekly rest days,
/// holidays and make-up working days. Every deadline of the institution is computed on it.
/// Two queries: the institution with its settings, and its imported years with their days.
pub fn calendar_of(conn: &mut DbConn, id: Uuid) -> Result<Calendar, DbError> {
    let (zone, hours, rest): (String, Option<String>, Option<String>) = institutions::table
        .left_join(calendar_settings::table)
        .filter(institutions::id.eq(InstitutionId::from(id)))
        .select((
            institutions::time_zone,
            calendar_settings::hours.nullable(),
            calendar_settings::rest_days.nullable(),
        ))
        .first(conn)?;
    let settings = Settings::decode(hours.as_deref(), rest.as_deref(), 0)?;
    let stored = stored_years(conn, id)?;
    settings.calendar(&zone, &stored)
}

/// The calendars of the institutions a run touches, each read once ([`calendar_of`]): for a
/// list or a job that meets many records of few institutions.
#[derive(Debug, Default)]
pub struct Calendars(std::collections::HashMap<Uuid, Calendar>);

impl Calendars {
    /// Institution `id`'s calendar, read on first use.
    pub fn of(&mut self, conn: &mut DbConn, id: Uuid) -> Result<&Calendar, DbError> {
        Ok(match self.0.entry(id) {
            std::collections::hash_map::Entry::Occupied(e) => e.into_mut(),
            std::collections::hash_map::Entry::Vacant(e) => e.insert(calendar_of(conn, id)?),
        })
    }
}

/// Working hours and rest days as stored, or the defaults (version 0).
#[derive(Debug, Clone, PartialEq, Serialize)]
struct Settings {
    hours: Vec<Interval>,
    rest_days: Vec<DayOfWeek>,
    #[serde(skip)]
    version: i32,
}

impl Settings {
    fn decode(hours: Option<&str>, rest: Option<&str>, version: i32) -> Result<Settings, DbError> {
        match (hours, rest) {
            (Some(h), Some(r)) => Ok(Settings {
                hours: decode_hours(h)?,
                rest_days: decode_rest(r)?,
                version,
            }),
            _ => Ok(Settings::default_for_mainland()),
        }
    }

    fn default_for_mainland() -> Settings {
        Settings {
            hours: MAINLAND_HOURS.to_vec(),
            rest_days: WEEKEND.iter().map(|d| DayOfWeek::of(*d)).collect(),
            version: 0,
        }
    }

    fn weekdays(&self) -> Vec<Weekday> {
        self.rest_days.iter().map(|d| d.weekday()).collect()
    }

    fn calendar(
        &self,
        zone: &str,
        stored: &BTreeMap<i32, Vec<SpecialDay>>,
    ) -> Result<Calendar, DbError> {
        assemble(
            hcrm_domain::time::zone(zone),
            self.hours.clone(),
            &self.weekdays(),
            stored,
        )
        .map_err(|e| DbError::Corrupt(format!("calendar: {}", e.code())))
    }
}

fn time_text(t: NaiveTime) -> String {
    if t.format("%S").to_string() == "00" {
        t.format("%H:%M").to_string()
    } else {
        t.format("%H:%M:%S").to_string()
    }
}

/// `08:00-12:00,13:30-17:30`.
fn encode_hours(hours: &[Interval]) -> String {
    hours
        .iter()
        .map(|i| format!("{}-{}", time_text(i.start), time_text(i.end)))
        .collect::<Vec<_>>()
        .join(",")
}

fn decode_hours(text: &str) -> Result<Vec<Interval>, DbError> {
    let corrupt = || DbError::Corrupt(format!("calendar hours {text:?}"));
    text.split(',')
        .map(|part| {
            let (a, b) = part.split_once('-').ok_or_else(corrupt)?;
            Ok(Interval {
                start: a.parse().map_err(|_| corrupt())?,
                end: b.parse().map_err(|_| corrupt())?,
            })
        })
        .collect()
}

fn encode_rest(days: &[DayOfWeek]) -> String {
    days.iter().map(|d| d.code()).collect::<Vec<_>>().join(",")
}

fn decode_rest(text: &str) -> Result<Vec<DayOfWeek>, DbError> {
    text.split(',')
        .filter(|s| !s.is_empty())
        .map(|code| {
            DayOfWeek::from_code(code)
                .ok_or_else(|| DbError::Corrupt(format!("calendar rest day {code:?}")))
        })
        .collect()
}

/// An imported year and one of its days (none for a year without days).
type DayRow = (i32, Option<NaiveDate>, Option<String>, Option<String>);
/// An imported year's notice: institution, year, notice, number, when, by whom.
type NoticeRow = (
    InstitutionId,
    i32,
    String,
    Option<String>,
    NaiveDateTime,
    Option<String>,
);

/// The years institution `id` imported, each with its days (possibly none).
fn stored_years(conn: &mut DbConn, id: Uuid) -> Result<BTreeMap<i32, Vec<SpecialDay>>, DbError> {
    let rows: Vec<DayRow> = calendar_years::table
        .left_join(
            calendar_days::table.on(calendar_days::institution_id
                .eq(calendar_years::institution_id)
                .and(calendar_days::year.eq(calendar_years::year))),
        )
        .filter(calendar_years::institution_id.eq(InstitutionId::from(id)))
        .select((
            calendar_years::year,
            calendar_days::day.nullable(),
            calendar_days::kind.nullable(),
            calendar_days::name.nullable(),
        ))
        .order((
            calendar_years::year.asc(),
            calendar_days::day.nullable().asc(),
        ))
        .load(conn)?;
    let mut out: BTreeMap<i32, Vec<SpecialDay>> = BTreeMap::new();
    for (year, day, kind, name) in rows {
        let list = out.entry(year).or_default();
        if let (Some(date), Some(kind), Some(name)) = (day, kind, name) {
            list.push(SpecialDay {
                date,
                kind: decode(&kind)?,
                name,
            });
        }
    }
    Ok(out)
}

/// An imported year's notice, as stored.
struct Notice {
    year: i32,
    notice: String,
    document_number: Option<String>,
    imported_at: NaiveDateTime,
    imported_by: Option<String>,
}

fn notices(
    conn: &mut DbConn,
    ids: &[InstitutionId],
) -> Result<Vec<(InstitutionId, Notice)>, DbError> {
    let rows: Vec<NoticeRow> = calendar_years::table
        .left_join(users::table)
        .filter(calendar_years::institution_id.eq_any(ids.to_vec()))
        .select((
            calendar_years::institution_id,
            calendar_years::year,
            calendar_years::notice,
            calendar_years::document_number,
            calendar_years::imported_at,
            users::username.nullable(),
        ))
        .order(calendar_years::year.asc())
        .load(conn)?;
    Ok(rows
        .into_iter()
        .map(
            |(inst, year, notice, document_number, imported_at, imported_by)| {
                (
                    inst,
                    Notice {
                        year,
                        notice,
                        document_number,
                        imported_at,
                        imported_by,
                    },
                )
            },
        )
        .collect())
}

fn counts(days: &[SpecialDay]) -> (u32, u32) {
    let holidays = days.iter().filter(|d| d.kind == DayKind::Holiday).count() as u32;
    (holidays, days.len() as u32 - holidays)
}

/// Every year of a calendar, imported or shipped, in order.
fn years_of(notices: Vec<Notice>, stored: &BTreeMap<i32, Vec<SpecialDay>>) -> Vec<CalendarYear> {
    let mut years: BTreeMap<i32, CalendarYear> = BTreeMap::new();
    for &(year, notice) in official::NOTICES {
        let (holidays, makeup_workdays) = counts(&official::year(year));
        years.insert(
            year,
            CalendarYear {
                year,
                source: YearSource::Official,
                notice: notice.to_string(),
                document_number: None,
                imported_at: None,
                imported_by: None,
                holidays,
                makeup_workdays,
            },
        );
    }
    for n in notices {
        let (holidays, makeup_workdays) =
            counts(stored.get(&n.year).map_or(&[][..], |d| d.as_slice()));
        years.insert(
            n.year,
            CalendarYear {
                year: n.year,
                source: YearSource::Imported,
                notice: n.notice,
                document_number: n.document_number,
                imported_at: Some(utc(n.imported_at)),
                imported_by: n.imported_by,
                holidays,
                makeup_workdays,
            },
        );
    }
    years.into_values().collect()
}

#[derive(Queryable)]
struct InstitutionRow {
    id: InstitutionId,
    code: String,
    name: String,
    time_zone: String,
}

impl InstitutionRow {
    fn reference(&self) -> InstitutionRef {
        InstitutionRef {
            id: self.id.0,
            code: self.code.clone(),
            name: self.name.clone(),
        }
    }
}

fn institution(conn: &mut DbConn, scope: &Scope, id: Uuid) -> Result<InstitutionRow, DbError> {
    if !scope.allows(id) {
        return Err(DbError::NotFound);
    }
    Ok(institutions::table
        .find(InstitutionId::from(id))
        .select((
            institutions::id,
            institutions::code,
            institutions::name,
            institutions::time_zone,
        ))
        .first(conn)?)
}

fn settings_of(
    conn: &mut DbConn,
    ids: &[InstitutionId],
) -> Result<BTreeMap<InstitutionId, Settings>, DbError> {
    let rows: Vec<(InstitutionId, String, String, i32)> = calendar_settings::table
        .filter(calendar_settings::institution_id.eq_any(ids.to_vec()))
        .select((
            calendar_settings::institution_id,
            calendar_settings::hours,
            calendar_settings::rest_days,
            calendar_settings::version,
        ))
        .load(conn)?;
    rows.into_iter()
        .map(|(id, h, r, v)| Ok((id, Settings::decode(Some(&h), Some(&r), v)?)))
        .collect()
}

/// A page of the calendars of the institutions in `scope`, by institution code, and the total.
pub fn list(
    conn: &mut DbConn,
    scope: &Scope,
    window: ListWindow,
) -> Result<(Vec<CalendarSummary>, i64), DbError> {
    let scoped = || -> institutions::BoxedQuery<'static, Db> {
        institutions::table
            .into_boxed()
            .in_scope(institutions::id, scope)
    };
    let total: i64 = scoped().count().get_result(conn)?;
    let rows: Vec<InstitutionRow> = scoped()
        .select((
            institutions::id,
            institutions::code,
            institutions::name,
            institutions::time_zone,
        ))
        .order(institutions::code.asc())
        .limit(window.limit)
        .offset(window.offset)
        .load(conn)?;
    let ids: Vec<InstitutionId> = rows.iter().map(|r| r.id).collect();
    let mut settings = settings_of(conn, &ids)?;
    let mut notices_by: BTreeMap<InstitutionId, Vec<Notice>> = BTreeMap::new();
    for (inst, n) in notices(conn, &ids)? {
        notices_by.entry(inst).or_default().push(n);
    }
    let days: Vec<(InstitutionId, i32, String)> = calendar_days::table
        .filter(calendar_days::institution_id.eq_any(ids.clone()))
        .select((
            calendar_days::institution_id,
            calendar_days::year,
            calendar_days::kind,
        ))
        .load(conn)?;
    let mut items = Vec::with_capacity(rows.len());
    for row in rows {
        // Only the kinds are needed to count a year's days.
        let mut stored: BTreeMap<i32, Vec<SpecialDay>> = BTreeMap::new();
        for (_, year, kind) in days.iter().filter(|(i, _, _)| *i == row.id) {
            stored.entry(*year).or_default().push(SpecialDay {
                date: NaiveDate::MIN,
                kind: decode(kind)?,
                name: String::new(),
            });
        }
        let s = settings
            .remove(&row.id)
            .unwrap_or_else(Settings::default_for_mainland);
        items.push(CalendarSummary {
            institution: row.reference(),
            time_zone: row.time_zone.clone(),
            hours: s.hours,
            rest_days: s.rest_days,
            version: s.version,
            years: years_of(notices_by.remove(&row.id).unwrap_or_default(), &stored),
        });
    }
    Ok((items, total))
}

/// Institution `id`'s calendar with the days of `year` (this year in its zone when `None`);
/// `NotFound` outside `scope`.
pub fn get(
    conn: &mut DbConn,
    scope: &Scope,
    id: Uuid,
    year: Option<i32>,
) -> Result<CalendarDetail, DbError> {
    let row = institution(conn, scope, id)?;
    let s = settings_of(conn, &[row.id])?
        .remove(&row.id)
        .unwrap_or_else(Settings::default_for_mainland);
    let stored = stored_years(conn, id)?;
    let years = years_of(
        notices(conn, &[row.id])?
            .into_iter()
            .map(|(_, n)| n)
            .collect(),
        &stored,
    );
    let year = year.unwrap_or_else(|| hcrm_domain::time::today_in(&row.time_zone).year());
    let days = match stored.get(&year) {
        Some(days) => days.clone(),
        None => official::year(year),
    };
    Ok(CalendarDetail {
        institution: row.reference(),
        time_zone: row.time_zone,
        hours: s.hours,
        rest_days: s.rest_days,
        version: s.version,
        year_source: years.iter().find(|y| y.year == year).cloned(),
        years,
        year,
        days,
    })
}

/// The rest days of institution `id` (for checking an import's make-up days).
pub fn rest_days(conn: &mut DbConn, scope: &Scope, id: Uuid) -> Result<Vec<Weekday>, DbError> {
    let row = institution(conn, scope, id)?;
    Ok(settings_of(conn, &[row.id])?
        .remove(&row.id)
        .unwrap_or_else(Settings::default_for_mainland)
        .weekdays())
}

/// Working hours and rest days, as the audit trail records a change of them.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct HoursChange {
    pub hours: String,
    pub rest_days: Vec<DayOfWeek>,
}

/// Sets institution `id`'s working hours and rest days if its calendar is still at
/// `expected` (0: never changed); `Stale` otherwise. Returns what they were and are. The
/// caller has checked that they make a calendar.
pub fn update(
    conn: &mut DbConn,
    scope: &Scope,
    id: Uuid,
    expected: i32,
    hours: &[Interval],
    rest_days: &[DayOfWeek],
) -> Result<(HoursChange, HoursChange), DbError> {
    let row = institution(conn, scope, id)?;
    let read = |c: &mut DbConn| -> Result<Settings, DbError> {
        Ok(settings_of(c, &[row.id])?
            .remove(&row.id)
            .unwrap_or_else(Settings::default_for_mainland))
    };
    let before = read(conn)?;
    expect_version(before.version, expected)?;
    let mut rest: Vec<DayOfWeek> = rest_days.to_vec();
    rest.sort();
    rest.dedup();
    let (h, r, t) = (encode_hours(hours), encode_rest(&rest), now());
    let written = if expected == 0 {
        // Two first saves at once: the second inserts nothing and is stale.
        let values = (
            calendar_settings::institution_id.eq(row.id),
            calendar_settings::hours.eq(&h),
            calendar_settings::rest_days.eq(&r),
            calendar_settings::version.eq(1),
            calendar_settings::updated_at.eq(t),
        );
        match &mut *conn {
            DbConn::Postgresql(c) => diesel::insert_into(calendar_settings::table)
                .values(values)
                .on_conflict_do_nothing()
                .execute(c)?,
            DbConn::Sqlite(c) => diesel::insert_into(calendar_settings::table)
                .values(values)
                .on_conflict_do_nothing()
                .execute(c)?,
        }
    } else {
        diesel::update(
            calendar_settings::table
                .filter(calendar_settings::institution_id.eq(row.id))
                .filter(calendar_settings::version.eq(expected)),
        )
        .set((
            calendar_settings::hours.eq(&h),
            calendar_settings::rest_days.eq(&r),
            calendar_settings::version.eq(calendar_settings::version + 1),
            calendar_settings::updated_at.eq(t),
        ))
        .execute(conn)?
    };
    if written == 0 {
        return Err(DbError::Stale {
            current: read(conn)?.version,
        });
    }
    Ok((
        HoursChange {
            hours: encode_hours(&before.hours),
            rest_days: before.rest_days,
        },
        HoursChange {
            hours: h,
            rest_days: rest,
        },
    ))
}

/// Replaces `year` of institution `id` with `days` from `notice` (all-or-nothing: run in a
/// write transaction). Returns how many days the year had before (`None`: it was the shipped
/// one or none).
#[allow(clippy::too_many_arguments)]
pub fn replace_year(
    conn: &mut DbConn,
    scope: &Scope,
    id: Uuid,
    year: i32,
    notice: &str,
    document_number: Option<&str>,
    days: &[SpecialDay],
    by: Uuid,
) -> Result<Option<usize>, DbError> {
    let row = institution(conn, scope, id)?;
    let before = stored_years(conn, id)?.remove(&year).map(|d| d.len());
    delete_year(conn, row.id, year)?;
    diesel::insert_into(calendar_years::table)
        .values((
            calendar_years::institution_id.eq(row.id),
            calendar_years::year.eq(year),
            calendar_years::notice.eq(notice),
            calendar_years::document_number.eq(document_number),
            calendar_years::imported_at.eq(now()),
            calendar_years::imported_by.eq(UserId::from(by)),
        ))
        .execute(conn)?;
    for chunk in days.chunks(200) {
        let rows: Vec<_> = chunk
            .iter()
            .map(|d| {
                (
                    calendar_days::institution_id.eq(row.id),
                    calendar_days::day.eq(d.date),
                    calendar_days::year.eq(year),
                    calendar_days::kind.eq(d.kind.code()),
                    calendar_days::name.eq(d.name.as_str()),
                )
            })
            .collect();
        match &mut *conn {
            DbConn::Postgresql(c) => diesel::insert_into(calendar_days::table)
                .values(rows)
                .execute(c)?,
            DbConn::Sqlite(c) => diesel::insert_into(calendar_days::table)
                .values(rows)
                .execute(c)?,
        };
    }
    Ok(before)
}

fn delete_year(conn: &mut DbConn, id: InstitutionId, year: i32) -> Result<usize, DbError> {
    diesel::delete(
        calendar_days::table
            .filter(calendar_days::institution_id.eq(id))
            .filter(calendar_days::year.eq(year)),
    )
    .execute(conn)?;
    Ok(diesel::delete(
        calendar_years::table
            .filter(calendar_years::institution_id.eq(id))
            .filter(calendar_years::year.eq(year)),
    )
    .execute(conn)?)
}

/// Removes institution `id`'s imported `year`, so that the shipped schedule (if any) applies
/// again; `NotFound` when the year was not imported.
pub fn reset_year(conn: &mut DbConn, scope: &Scope, id: Uuid, year: i32) -> Result<(), DbError> {
    let row = institution(conn, scope, id)?;
    match delete_year(conn, row.id, year)? {
        0 => Err(DbError::NotFound),
        _ => Ok(()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn hours_and_rest_days_round_trip_as_text() {
        let hours = vec![
            Interval::hm("08:00", "12:00").unwrap(),
            Interval::hm("13:30", "17:30").unwrap(),
        ];
        let text = encode_hours(&hours);
        assert_eq!(text, "08:00-12:00,13:30-17:30");
        assert_eq!(decode_hours(&text).unwrap(), hours);
        assert!(decode_hours("8-12").is_err());
        let rest = vec![DayOfWeek::Saturday, DayOfWeek::Sunday];
        assert_eq!(encode_rest(&rest), "saturday,sunday");
        assert_eq!(decode_rest("saturday,sunday").unwrap(), rest);
        assert_eq!(decode_rest("").unwrap(), vec![]);
        assert!(decode_rest("sat").is_err());
    }
}
