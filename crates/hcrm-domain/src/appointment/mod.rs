//! 预约 — appointments against clinic sessions (ORG-2, SVC-2, SVC-2a): the vocabularies, the
//! appointment's lifecycle and the pure rules of booking (places, dates, moves). Storage is
//! `hcrm_db::appointments`; the API shapes are [`crate::api::appointments`].

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

use crate::customer::CustomerKind;
use crate::customer::kinds::coded_enum;
use crate::i18n::{Label, Lang};
use crate::lifecycle::Lifecycle;

#[cfg(test)]
mod tests;

coded_enum! {
    /// 预约类型 — what is booked (SVC-2).
    pub enum AppointmentKind {
        ExpertConsultation = "expert_consultation", "预约专家", "Expert consultation";
        Examination = "examination", "预约检查", "Examination";
        HomeNursing = "home_nursing", "居家医疗护理", "Home nursing";
        HealthCheck = "health_check", "健康体检", "Health check-up";
    }
}

coded_enum! {
    /// 预约状态 — where an appointment stands. `rebooking` is set by the system when the
    /// session is cancelled (a doctor's leave): the patient must be told and booked again.
    pub enum AppointmentStatus {
        Booked = "booked", "已预约", "Booked";
        Arrived = "arrived", "已到诊", "Arrived";
        NoShow = "no_show", "爽约", "No-show";
        Cancelled = "cancelled", "已取消", "Cancelled";
        Rebooking = "rebooking", "待改约", "To be rebooked";
    }
}

coded_enum! {
    /// 预约操作 — a move of an appointment (`POST /appointments/{id}/transitions`).
    pub enum AppointmentAction {
        Reschedule = "reschedule", "改约", "Reschedule";
        Cancel = "cancel", "取消", "Cancel";
        Arrive = "arrive", "到诊", "Arrived";
        NoShow = "no_show", "登记爽约", "No-show";
    }
}

coded_enum! {
    /// 检查资源类型 — the kind of an examination resource scheduled like a doctor.
    pub enum ResourceKind {
        Ultrasound = "ultrasound", "超声", "Ultrasound";
        Ct = "ct", "CT检查", "CT scan";
        Mri = "mri", "磁共振", "MRI";
        Xray = "xray", "X光", "X-ray";
        Endoscopy = "endoscopy", "内镜", "Endoscopy";
        Ecg = "ecg", "心电图", "ECG";
        CheckUp = "check_up", "体检", "Check-up line";
        Other = "other", "其他", "Other";
    }
}

coded_enum! {
    /// 出诊状态 — a session is open for booking, or cancelled (leave, out of service).
    pub enum SessionStatus {
        Open = "open", "出诊", "Open";
        Cancelled = "cancelled", "停诊", "Cancelled";
    }
}

coded_enum! {
    /// 出诊来源 — a session made from the weekly schedule, or a dated extra session.
    pub enum SessionOrigin {
        Weekly = "weekly", "固定排班", "Weekly schedule";
        Extra = "extra", "加诊", "Extra session";
    }
}

coded_enum! {
    /// 候补状态 — a waitlist entry waits, has been offered a freed place, or was left.
    pub enum WaitlistStatus {
        Waiting = "waiting", "候补中", "Waiting";
        Offered = "offered", "已通知", "Place offered";
        Left = "left", "已退出", "Left";
    }
}

impl Lifecycle for AppointmentStatus {
    fn states() -> &'static [Self] {
        &Self::ALL
    }

    fn state_code(self) -> &'static str {
        self.code()
    }

    fn allows(self, to: AppointmentStatus) -> bool {
        use AppointmentStatus::*;
        matches!(
            (self, to),
            (Booked, Arrived | NoShow | Cancelled | Rebooking)
                | (Rebooking, Booked | Cancelled)
                // A no-show recorded by mistake (the patient was in the waiting room).
                | (NoShow, Arrived)
        )
    }
}

impl AppointmentStatus {
    /// Whether the appointment holds its places in the session.
    pub fn holds_places(self) -> bool {
        matches!(
            self,
            AppointmentStatus::Booked | AppointmentStatus::Arrived | AppointmentStatus::NoShow
        )
    }
}

impl AppointmentAction {
    /// The status the action leads to from `from` (a reschedule keeps a booking booked and
    /// books a `rebooking` one again).
    pub fn target(self, from: AppointmentStatus) -> AppointmentStatus {
        match self {
            AppointmentAction::Reschedule => {
                if from == AppointmentStatus::Rebooking {
                    AppointmentStatus::Booked
                } else {
                    from
                }
            }
            AppointmentAction::Cancel => AppointmentStatus::Cancelled,
            AppointmentAction::Arrive => AppointmentStatus::Arrived,
            AppointmentAction::NoShow => AppointmentStatus::NoShow,
        }
    }

    /// The actions there are from `status` (a reschedule only from `booked` and `rebooking`).
    pub fn allowed_from(status: AppointmentStatus) -> Vec<AppointmentAction> {
        AppointmentAction::ALL
            .into_iter()
            .filter(|a| match a {
                AppointmentAction::Reschedule => matches!(
                    status,
                    AppointmentStatus::Booked | AppointmentStatus::Rebooking
                ),
                other => status.allows(other.target(status)) && other.target(status) != status,
            })
            .collect()
    }
}

/// Largest group one booking may hold (a company's check-up day).
pub const MAX_PLACES: i32 = 200;

/// Why a booking is refused before any place is taken.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum BookingRefused {
    /// More than one place for an individual: groups book as an organization.
    GroupNeedsOrganization,
    /// Fewer than one place or more than [`MAX_PLACES`].
    PlacesRange,
    /// The session's day is gone.
    PastSession,
    /// The session was cancelled.
    SessionCancelled,
}

impl BookingRefused {
    /// The field and the code of the 422 (409 for a cancelled session).
    pub fn field_and_code(self) -> (&'static str, &'static str) {
        match self {
            BookingRefused::GroupNeedsOrganization => ("places", "group_needs_organization"),
            BookingRefused::PlacesRange => ("places", "range"),
            BookingRefused::PastSession => ("session_id", "past_session"),
            BookingRefused::SessionCancelled => ("session_id", "session_cancelled"),
        }
    }
}

/// SVC-2: may `customer` book `places` in a session of `session_date` and `status`, today
/// being `today` in the institution's zone? One person books one place; an organization's
/// group books up to [`MAX_PLACES`] in one booking.
pub fn check_booking(
    customer: CustomerKind,
    places: i32,
    session_date: NaiveDate,
    status: SessionStatus,
    today: NaiveDate,
) -> Result<(), BookingRefused> {
    if !(1..=MAX_PLACES).contains(&places) {
        return Err(BookingRefused::PlacesRange);
    }
    if places > 1 && customer != CustomerKind::Organization {
        return Err(BookingRefused::GroupNeedsOrganization);
    }
    if status == SessionStatus::Cancelled {
        return Err(BookingRefused::SessionCancelled);
    }
    if session_date < today {
        return Err(BookingRefused::PastSession);
    }
    Ok(())
}

/// Why arrival or no-show cannot be recorded yet.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TooEarly {
    /// Arrival is recorded on the session's day (or later, entered afterwards).
    Arrival,
    /// A no-show is recorded from the session's day on.
    NoShow,
}

/// 到诊 and 爽约 are facts of the session's day: neither before it.
pub fn check_attendance(
    action: AppointmentAction,
    session_date: NaiveDate,
    today: NaiveDate,
) -> Result<(), TooEarly> {
    match action {
        AppointmentAction::Arrive if today < session_date => Err(TooEarly::Arrival),
        AppointmentAction::NoShow if today < session_date => Err(TooEarly::NoShow),
        _ => Ok(()),
    }
}

/// The day before an appointment, when its reminder is due (in the institution's zone).
pub fn reminder_day(session_date: NaiveDate) -> NaiveDate {
    session_date.pred_opt().unwrap_or(session_date)
}

/// The days `from ..= to` a schedule slot falls on: every `weekday` (1 = Monday) or the one
/// `date`.
pub fn slot_dates(
    weekday: Option<u8>,
    date: Option<NaiveDate>,
    from: NaiveDate,
    to: NaiveDate,
) -> Vec<NaiveDate> {
    use chrono::Datelike;
    match (weekday, date) {
        (_, Some(d)) => {
            if d >= from && d <= to {
                vec![d]
            } else {
                vec![]
            }
        }
        (Some(w), None) => from
            .iter_days()
            .take_while(|d| *d <= to)
            .filter(|d| d.weekday().number_from_monday() == u32::from(w))
            .collect(),
        (None, None) => vec![],
    }
}

/// Monday … Sunday of the week of `today`, from `today` on: the days "this week" still has.
pub fn rest_of_week(today: NaiveDate) -> (NaiveDate, NaiveDate) {
    use chrono::Datelike;
    let left = 7 - today.weekday().number_from_monday();
    (today, today + chrono::Days::new(u64::from(left)))
}

/// The order of half-days within a day (morning first).
pub fn half_day_rank(code: &str) -> u8 {
    match code {
        "morning" => 0,
        "afternoon" => 1,
        _ => 2,
    }
}
