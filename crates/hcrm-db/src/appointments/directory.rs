//! ORG-2: the read-only directory of departments, doctors and examination resources every
//! service role sees — title, specialties, clinic hours and the free places left this week.

use std::collections::HashMap;

use diesel::prelude::*;
use hcrm_domain::Scope;
use hcrm_domain::api::appointments::{
    Directory, DirectoryDepartment, DirectoryDoctor, DirectoryResource,
};
use hcrm_domain::appointment::{SessionStatus, rest_of_week};
use uuid::Uuid;

use crate::conn::DbConn;
use crate::error::DbError;
use crate::ids::{DoctorId, ResourceId};
use crate::kit::InScope;
use crate::schema::clinic_sessions as s;
use crate::util::ListWindow;

/// Everything of one scope fits one answer: a hospital has tens of departments.
const ALL: ListWindow = ListWindow {
    limit: 10_000,
    offset: 0,
};

/// The directory of `scope` (one institution or department when asked), active records
/// only; "this week" is from today (in the first institution's zone) to Sunday.
pub fn read(
    conn: &mut DbConn,
    scope: &Scope,
    institution_id: Option<Uuid>,
    department_id: Option<Uuid>,
    q: Option<String>,
) -> Result<Directory, DbError> {
    let (departments, _) = crate::departments::list(
        conn,
        scope,
        &crate::departments::Filter {
            institution_id,
            q: None,
            active: Some(true),
        },
        crate::departments::Sort::default(),
        false,
        ALL,
    )?;
    let departments: Vec<_> = departments
        .into_iter()
        .filter(|d| department_id.is_none_or(|x| x == d.id))
        .collect();
    let today = match departments.first() {
        Some(d) => crate::institutions::today_of(conn, d.institution_id)?,
        None => hcrm_domain::time::today_at_home(),
    };
    let (week_from, week_to) = rest_of_week(today);
    let (doctors, _) = crate::doctors::list(
        conn,
        scope,
        &crate::doctors::Filter {
            institution_id,
            department_id,
            q: q.clone(),
            active: Some(true),
        },
        ALL,
    )?;
    let (resources, _) = super::resources::list(conn, scope, institution_id, department_id, ALL)?;
    let mut sq = s::table
        .filter(s::status.eq(SessionStatus::Open.code()))
        .filter(s::on_date.between(week_from, week_to))
        .into_boxed();
    sq = sq.in_scope(s::institution_id, scope);
    let mut free_doctor: HashMap<DoctorId, i64> = HashMap::new();
    let mut free_resource: HashMap<ResourceId, i64> = HashMap::new();
    for (doc, res, capacity, booked) in sq
        .select((s::doctor_id, s::resource_id, s::capacity, s::booked))
        .load::<(Option<DoctorId>, Option<ResourceId>, i32, i32)>(conn)?
    {
        let free = i64::from((capacity - booked).max(0));
        if let Some(d) = doc {
            *free_doctor.entry(d).or_default() += free;
        }
        if let Some(r) = res {
            *free_resource.entry(r).or_default() += free;
        }
    }
    let text = q.map(|t| t.trim().to_lowercase()).filter(|t| !t.is_empty());
    let out = departments
        .into_iter()
        .map(|d| DirectoryDepartment {
            doctors: doctors
                .iter()
                .filter(|x| x.department_id == d.id)
                .map(|x| DirectoryDoctor {
                    id: x.id,
                    name: x.name.clone(),
                    title: x.title.clone(),
                    specialties: x.specialties.clone(),
                    schedule: x.schedule.clone(),
                    free_this_week: free_doctor.get(&DoctorId::from(x.id)).copied().unwrap_or(0),
                })
                .collect(),
            resources: resources
                .iter()
                .filter(|x| x.active && x.department_id == Some(d.id))
                .filter(|x| {
                    text.as_ref()
                        .is_none_or(|t| x.name.to_lowercase().contains(t.as_str()))
                })
                .map(|x| DirectoryResource {
                    id: x.id,
                    name: x.name.clone(),
                    kind: x.kind,
                    schedule: x.schedule.clone(),
                    free_this_week: free_resource
                        .get(&ResourceId::from(x.id))
                        .copied()
                        .unwrap_or(0),
                })
                .collect(),
            id: d.id,
            institution_id: d.institution_id,
            name: d.name,
            phone: d.phone,
        })
        // A search shows the departments where it found someone.
        .filter(|d| text.is_none() || !d.doctors.is_empty() || !d.resources.is_empty())
        .collect();
    Ok(Directory {
        week_from,
        week_to,
        departments: out,
    })
}
