//! The FHIR Patient search (INT-4): live individuals of the caller's institutions by exact
//! identifier (ID document, card, HIS id), phone, name (its start, a family or given name's
//! start, `:contains`, `:exact`) and birth-date bounds. Unlike the search box (CUS-9), each
//! parameter means one thing whatever its shape, as FHIR's search parameters do.

use super::*;
use crate::schema::institutions as inst;
use hcrm_domain::customer::address::COMPOUND_SURNAMES;
use hcrm_domain::fhir::{IdentifierQuery, NameMatch, PatientSearch};

type Boxed = c::BoxedQuery<'static, Db>;

diesel::define_sql_function!(
    /// SQL `substr(text, start, length)`, characters on both backends.
    fn substr(
        x: diesel::sql_types::Text,
        start: diesel::sql_types::Integer,
        len: diesel::sql_types::Integer,
    ) -> diesel::sql_types::Text
);

diesel::define_sql_function!(
    /// SQL `replace(text, from, to)`.
    fn replace(
        x: diesel::sql_types::Nullable<diesel::sql_types::Text>,
        from: diesel::sql_types::Text,
        to: diesel::sql_types::Text,
    ) -> diesel::sql_types::Nullable<diesel::sql_types::Text>
);

/// The filtered query, or `None` when nothing can match (a system we do not keep).
fn filtered(scope: &Scope, s: &PatientSearch) -> Option<Boxed> {
    let mut q = c::table
        .filter(c::merged_into_id.is_null())
        .filter(c::deleted_at.is_null())
        .filter(c::kind.eq(CustomerKind::Individual.code()))
        .into_boxed();
    q = q.in_scope(c::institution_id, scope);
    match &s.identifier {
        None => {}
        Some(IdentifierQuery::Nothing) => return None,
        Some(IdentifierQuery::Document(t, v)) => {
            q = q.filter(c::id_number.eq(v.clone()));
            q = if *t == IdType::ResidentId {
                q.filter(c::id_type.eq(t.code()).or(c::id_type.is_null()))
            } else {
                q.filter(c::id_type.eq(t.code()))
            };
        }
        Some(IdentifierQuery::Card { institution, value }) => {
            q = q.filter(c::card_number.eq(value.clone())).filter(
                c::institution_id.eq_any(
                    inst::table
                        .filter(inst::code.eq(institution.clone()))
                        .select(inst::id),
                ),
            );
        }
        Some(IdentifierQuery::External {
            institution,
            system,
            value,
        }) => {
            q = q.filter(
                c::id.eq_any(
                    ext::table
                        .filter(ext::system.eq(system.clone()))
                        .filter(ext::external_id.eq(value.clone()))
                        .filter(
                            ext::institution_id.eq_any(
                                inst::table
                                    .filter(inst::code.eq(institution.clone()))
                                    .select(inst::id),
                            ),
                        )
                        .select(ext::customer_id),
                ),
            );
        }
        Some(IdentifierQuery::Any(v)) => {
            let upper = v.to_uppercase();
            q = q.filter(
                c::id_number
                    .eq(upper)
                    .or(c::card_number.eq(v.clone()))
                    .or(c::id.eq_any(
                        ext::table
                            .filter(ext::external_id.eq(v.clone()))
                            .select(ext::customer_id),
                    )),
            );
        }
    }
    if let Some(phone) = &s.phone {
        let mobile = phone.len() == 11 && phone.starts_with('1');
        let on_mobiles = c::id.eq_any(
            phones::table
                .filter(phones::phone.eq(phone.clone()))
                .select(phones::customer_id),
        );
        q = if mobile {
            q.filter(on_mobiles)
        } else {
            // A landline is kept as written (`010-65432100`): compared without its separators.
            q.filter(
                on_mobiles.or(c::id.eq_any(
                    profiles::table
                        .filter(
                            replace(replace(profiles::landline, "-", ""), " ", "")
                                .eq(phone.clone()),
                        )
                        .select(profiles::customer_id),
                )),
            )
        };
    }
    if let Some((how, text)) = &s.name {
        q = match how {
            NameMatch::Exact => q.filter(c::name.eq(text.clone())),
            NameMatch::Contains => q.filter(lower(c::name).like(like_pattern(text)).escape('\\')),
            NameMatch::StartsWith => {
                let start = prefix_pattern(text);
                if text.is_ascii() {
                    // A Latin name: it or one of its words starts with the text.
                    q.filter(
                        lower(c::name)
                            .like(start.clone())
                            .escape('\\')
                            .or(lower(c::name).like(format!("% {start}")).escape('\\')),
                    )
                } else {
                    // A Chinese name: it (so its family name) or its given name — after a
                    // one-character surname, or after a compound one — starts with the text.
                    let compounds: Vec<String> =
                        COMPOUND_SURNAMES.iter().map(|s| s.to_string()).collect();
                    q.filter(
                        c::name
                            .like(start.clone())
                            .escape('\\')
                            .or(c::name
                                .like(format!("_{start}"))
                                .escape('\\')
                                .and(substr(c::name, 1, 2).ne_all(compounds.clone())))
                            .or(c::name
                                .like(format!("__{start}"))
                                .escape('\\')
                                .and(substr(c::name, 1, 2).eq_any(compounds))),
                    )
                }
            }
        };
    }
    if let Some(from) = s.birthdate.from {
        q = q.filter(c::birth_date.ge(from));
    }
    if let Some(to) = s.birthdate.to {
        q = q.filter(c::birth_date.le(to));
    }
    Some(q)
}

/// A page of the Patients matching `s` in `scope` (oldest record first, so that pages stay
/// put as new patients arrive) and how many match.
pub fn fhir_patients(
    conn: &mut DbConn,
    scope: &Scope,
    s: &PatientSearch,
    window: ListWindow,
) -> Result<(Vec<Customer>, i64), DbError> {
    let Some(query) = filtered(scope, s) else {
        return Ok((Vec::new(), 0));
    };
    let total: i64 = query.count().get_result(conn)?;
    if total == 0 {
        return Ok((Vec::new(), 0));
    }
    let rows: Vec<CustomerRow> = filtered(scope, s)
        .ok_or(DbError::NotFound)?
        .order((c::created_at.asc(), c::id.asc()))
        .select(CustomerRow::as_select())
        .limit(window.limit)
        .offset(window.offset)
        .load(conn)?;
    Ok((full_many(conn, rows)?, total))
}
