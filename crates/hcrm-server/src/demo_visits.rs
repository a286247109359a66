//! `hcrm demo`: a year of visits with realistic spending for the demo customers (SVC-4), and
//! this week's admissions recorded the way staff record them, so that their domain events
//! make the admission-assistance tasks (SVC-3, INT-2).

use chrono::Duration;
use hcrm_db::DbConn;
use hcrm_db::visits::{self, NewVisit, NewVisits};
use hcrm_domain::api::visits::{VisitKind, VisitSequence};
use rand::rngs::StdRng;
use rand::{Rng, SeedableRng};

use crate::generate_visits::{places, visit_row};

/// A failed fill, carried out of the write transaction (which then rolls back).
pub struct Fail(pub String);

impl From<diesel::result::Error> for Fail {
    fn from(e: diesel::result::Error) -> Fail {
        Fail(e.to_string())
    }
}

pub struct Made {
    pub visits: usize,
    pub admissions: usize,
}

/// Run inside a write transaction, after the customers.
pub fn fill(conn: &mut DbConn) -> Result<Made, Fail> {
    fill_in(conn).map_err(Fail)
}

fn fill_in(conn: &mut DbConn) -> Result<Made, String> {
    let places = places(conn)?;
    let mut rng = StdRng::seed_from_u64(2026);
    let now = hcrm_db::now();
    let mut history = NewVisits::default();
    for (i, &(customer, institution)) in places.customers.iter().enumerate() {
        // Two customers in three came in the past year, one to eight times.
        if i % 3 == 2 {
            continue;
        }
        let k = rng.random_range(1..=8);
        let mut times: Vec<_> = (0..k)
            .map(|_| now - Duration::minutes(rng.random_range(7 * 24 * 60..365 * 24 * 60)))
            .collect();
        times.sort();
        for (j, at) in times.into_iter().enumerate() {
            let sequence = if j == 0 {
                VisitSequence::First
            } else {
                VisitSequence::Return
            };
            history.rows.push(visit_row(
                &mut rng,
                customer,
                institution,
                places.departments.get(&institution),
                at,
                now,
                sequence,
                Some(format!("D{:07}", history.rows.len() + 1)),
            ));
        }
    }
    let written = history.write(conn).map_err(|e| e.to_string())?;
    // This week's admissions, through the one path that raises events.
    let mut admissions = 0;
    for (i, &(customer, institution)) in places.customers.iter().enumerate().take(12) {
        if i % 3 != 0 {
            continue;
        }
        let department = places
            .departments
            .get(&institution)
            .and_then(|d| d.get(i % d.len().max(1)))
            .map(|(d, _)| d.uuid());
        let at = now.and_utc() - Duration::hours(rng.random_range(2..72));
        let amount = rng.random_range(5_000..40_000) * 100;
        visits::create(
            conn,
            NewVisit {
                institution_id: institution.uuid(),
                customer_id: customer.uuid(),
                kind: VisitKind::Inpatient,
                sequence: None,
                department_id: department,
                doctor_id: None,
                diagnosis_category: Some("心血管疾病".into()),
                visited_at: at,
                ended_at: None,
                amount_fen: amount,
                insurance_fen: amount / 2,
                paid_fen: amount / 4,
                external_id: Some(format!("ZY{:06}", i + 1)),
                note: None,
                created_by: None,
            },
        )
        .map_err(|e| e.to_string())?;
        admissions += 1;
    }
    Ok(Made {
        visits: written + admissions,
        admissions,
    })
}
