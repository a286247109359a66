//! ORG-3: the business calendars of `/api/v1/calendars` — each institution's working hours,
//! weekly rest days and years of holidays and make-up working days, each year with the
//! notice it comes from.

use chrono::{DateTime, NaiveDate, NaiveDateTime, Utc};
use serde::{Deserialize, Serialize};
use validator::Validate;

use crate::api::org::InstitutionRef;
use crate::calendar::{DayOfWeek, Interval, SpecialDay};
use crate::customer::kinds::coded_enum;
use crate::i18n::{Label, Lang};

coded_enum! {
    /// 数据来源 — where a year of special days comes from.
    pub enum YearSource {
        Official = "official", "随系统提供的国务院安排", "Official schedule shipped with the product";
        Imported = "imported", "本机构导入", "Imported by the institution";
    }
}

/// Earliest and latest year a calendar holds.
pub const MIN_YEAR: i32 = 2000;
pub const MAX_YEAR: i32 = 2100;
/// Most working intervals a day.
pub const MAX_INTERVALS: usize = 6;

/// One year of special days of a calendar and where it comes from.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct CalendarYear {
    #[cfg_attr(feature = "openapi", schema(example = 2026))]
    pub year: i32,
    pub source: YearSource,
    /// The notice the days come from, as its title reads.
    #[cfg_attr(
        feature = "openapi",
        schema(example = "国务院办公厅关于2026年部分节假日安排的通知")
    )]
    pub notice: String,
    /// The notice's document number, when given (国办发明电〔2025〕7号).
    pub document_number: Option<String>,
    /// When and by whom an imported year was imported; absent for the shipped schedule.
    pub imported_at: Option<DateTime<Utc>>,
    pub imported_by: Option<String>,
    /// Public holidays (rest days) of the year.
    pub holidays: u32,
    /// Make-up working days (调休上班) of the year.
    pub makeup_workdays: u32,
}

/// An institution's calendar: its time zone (the institution's), working hours and rest
/// days, and the years it has special days for.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct CalendarSummary {
    pub institution: InstitutionRef,
    #[cfg_attr(feature = "openapi", schema(example = "Asia/Shanghai"))]
    pub time_zone: String,
    /// The working intervals of a working day, in order.
    pub hours: Vec<Interval>,
    /// The weekly rest days, Monday first.
    pub rest_days: Vec<DayOfWeek>,
    /// 0 while the institution keeps the default hours and rest days; send it back to change.
    pub version: i32,
    /// Every year with special days, shipped or imported, in order.
    pub years: Vec<CalendarYear>,
}

/// An institution's calendar with the special days of one year.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct CalendarDetail {
    pub institution: InstitutionRef,
    #[cfg_attr(feature = "openapi", schema(example = "Asia/Shanghai"))]
    pub time_zone: String,
    pub hours: Vec<Interval>,
    pub rest_days: Vec<DayOfWeek>,
    /// 0 while the institution keeps the default hours and rest days.
    pub version: i32,
    pub years: Vec<CalendarYear>,
    /// The year shown: the one asked for, or this year in the institution's time zone.
    #[cfg_attr(feature = "openapi", schema(example = 2026))]
    pub year: i32,
    /// Where that year's days come from; absent when the calendar has none for it (only the
    /// weekly rest days apply: import the year's notice).
    pub year_source: Option<CalendarYear>,
    /// That year's holidays and make-up working days, by date.
    pub days: Vec<SpecialDay>,
}

/// New working hours and rest days of a calendar.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, Validate)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[cfg_attr(feature = "openapi", schema(example = json!({
    "hours": [{"start": "08:00", "end": "12:00"}, {"start": "13:30", "end": "17:30"}],
    "rest_days": ["saturday", "sunday"],
    "version": 0
})))]
#[serde(deny_unknown_fields)]
pub struct CalendarUpdate {
    /// 1 to 6 intervals of a day, in order and not overlapping (`HH:MM` or `HH:MM:SS`).
    #[validate(length(min = 1, max = 6))]
    pub hours: Vec<Interval>,
    /// At most 6 days: a calendar works on one day of the week at least.
    #[validate(length(max = 6))]
    pub rest_days: Vec<DayOfWeek>,
    /// The version read (or send it in `If-Match`); 0 for a calendar never changed.
    #[serde(default)]
    pub version: Option<i32>,
}

/// What a period on the calendar comes to, for a person to check it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct CalendarCheck {
    pub start: DateTime<Utc>,
    /// The start in the institution's time zone.
    #[cfg_attr(feature = "openapi", schema(value_type = String, example = "2026-02-13T10:00:00"))]
    pub start_local: NaiveDateTime,
    pub working_days: Option<u32>,
    pub working_hours: Option<u32>,
    /// When the period ends: the close of business of the last working day for working days.
    pub deadline: DateTime<Utc>,
    #[cfg_attr(feature = "openapi", schema(value_type = String, example = "2026-02-25T17:30:00"))]
    pub deadline_local: NaiveDateTime,
    /// For working days: the days counted, in order (the day of the start is not counted).
    pub counted_days: Vec<NaiveDate>,
    /// Working time between the start and the deadline, in minutes.
    pub working_minutes: i64,
}
