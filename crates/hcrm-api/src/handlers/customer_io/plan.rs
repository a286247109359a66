//! CUS-13: what an import will do with each row of a sheet — the field checks, the duplicate
//! and external-id checks against the file and the database (a chunk of rows at a time), and
//! the update a row makes to the customer it names.

use super::*;

/// The update an import row makes to an existing customer: the columns the file has, an
/// empty cell clearing the value; the external ids stay (the row's own one already names it).
pub(super) fn update_of(r: &ParsedRow, current: &Customer) -> CustomerUpdate {
    let x = &r.customer;
    let has = |c: Column| r.has(c);
    let set = |c: Column, v: &Option<String>| has(c).then(|| v.clone());
    let mut address: Address = current.address.clone();
    if has(Column::Province) {
        address.province = x.address.province.clone();
    }
    if has(Column::City) {
        address.city = x.address.city.clone();
    }
    if has(Column::District) {
        address.district = x.address.district.clone();
    }
    if has(Column::Street) {
        address.street = x.address.street.clone();
    }
    let address_changed = address != current.address;
    CustomerUpdate {
        name: has(Column::Name).then(|| x.name.clone()),
        gender: has(Column::Gender).then_some(x.gender),
        birth_date: has(Column::BirthDate).then_some(x.birth_date),
        id_type: has(Column::IdType).then_some(x.id_type),
        id_number: set(Column::IdNumber, &x.id_number),
        card_number: set(Column::CardNumber, &x.card_number),
        phones: has(Column::Phones).then(|| x.phones.clone()),
        email: set(Column::Email, &x.email),
        address: address_changed.then_some(address),
        occupation: set(Column::Occupation, &x.occupation),
        source_channel: has(Column::SourceChannel).then_some(x.source_channel),
        categories: has(Column::Categories).then(|| x.categories.clone()),
        tags: has(Column::Tags).then(|| x.tags.clone()),
        lifecycle_stage: x
            .lifecycle_stage
            .filter(|s| has(Column::LifecycleStage) && *s != current.lifecycle_stage),
        stage_reason: Some(SystemStageReason::Import.code().into()),
        notes: set(Column::Notes, &x.notes),
        ..CustomerUpdate::default()
    }
}

/// Adds an API error about one row to the report; other errors end the import.
fn row_errors(report: &mut ImportReport, row: u64, e: ApiError) -> Result<(), ApiError> {
    match e {
        ApiError::Validation(list) => {
            for f in list {
                report.add_error(RowError::new(
                    row,
                    &column_of_field(&f.field),
                    &f.code,
                    &f.message,
                ));
            }
            Ok(())
        }
        other => Err(other),
    }
}

/// What an import will do with a valid row, by the row's index in the sheet: the row is read
/// again when written, so that 100,000 planned customers are not all held in memory.
pub(super) enum Plan {
    Create(usize),
    Update { row: usize, id: Uuid, version: i32 },
}

/// A row of the file read into the customer it describes, for `institution`.
pub(super) fn parsed(row: &Row, columns: &[Option<Column>], institution: Uuid) -> ParsedRow {
    let mut r = parse_row(row.number, &row.cells(), columns);
    r.customer.institution_id = Some(institution);
    r
}

/// Rows checked together: their phones, ID numbers and external ids are looked up in one query
/// each rather than in three a row (a 100,000-row file made 300,000 round trips).
const PLAN_CHUNK: usize = 500;

/// A row that passed the field checks, with its keys normalized.
struct Candidate {
    index: usize,
    row: ParsedRow,
    phones: Vec<String>,
    id_number: Option<String>,
}

/// The row's field errors, reported; the row with its keys when it has none.
fn candidate(index: usize, mut r: ParsedRow, report: &mut ImportReport) -> Option<Candidate> {
    let mut problems = std::mem::take(&mut r.errors);
    if let Err(e) = r.customer.validate() {
        for f in field_errors(&e) {
            let column = column_of_field(&f.field);
            // A cell that could not be read is reported once, not again as empty.
            if !problems.iter().any(|p| p.field == column) {
                problems.push(RowError::new(r.row, &column, &f.code, &f.message));
            }
        }
    }
    if !problems.is_empty() {
        problems.into_iter().for_each(|p| report.add_error(p));
        return None;
    }
    let phones = r
        .customer
        .phones
        .iter()
        .map(|p| normalize_mobile(p))
        .collect();
    let id_number = r
        .customer
        .id_number
        .as_deref()
        .map(hcrm_domain::customer::id_number::normalize_id_number);
    Some(Candidate {
        index,
        row: r,
        phones,
        id_number,
    })
}

/// What the database already holds for a chunk of candidates: the phones and ID numbers of
/// live customers in the caller's scope, and per external-id system what each id names.
struct Known {
    phones: HashSet<String>,
    id_numbers: HashSet<String>,
    external: BTreeMap<String, std::collections::HashMap<String, Option<Uuid>>>,
}

fn known(
    c: &mut DbConn,
    scope: &Scope,
    institution: Uuid,
    chunk: &[Candidate],
) -> Result<Known, ApiError> {
    let mut by_system: BTreeMap<String, Vec<String>> = BTreeMap::new();
    let (mut phones, mut id_numbers) = (Vec::new(), Vec::new());
    for x in chunk {
        match x.row.external_id() {
            Some(e) => by_system
                .entry(e.system.clone())
                .or_default()
                .push(e.external_id.clone()),
            None => {
                phones.extend(x.phones.iter().cloned());
                id_numbers.extend(x.id_number.iter().cloned());
            }
        }
    }
    let (phones, id_numbers) = store::known_contacts(c, scope, &phones, &id_numbers)?;
    let mut external = BTreeMap::new();
    for (system, ids) in by_system {
        let found = store::external_ids_of(c, institution, &system, &ids)?;
        external.insert(system, found);
    }
    Ok(Known {
        phones,
        id_numbers,
        external,
    })
}

/// Checks every row and plans what to do with the valid ones, reporting the others; reads
/// only.
pub(super) fn plan(
    c: &mut DbConn,
    caller: &Caller,
    institution: Uuid,
    rows: impl Iterator<Item = (usize, ParsedRow)>,
    report: &mut ImportReport,
) -> Result<Vec<Plan>, ApiError> {
    let scope = caller.scope();
    let here = Scope::Institutions(vec![institution]);
    let mut plans = Vec::new();
    let (mut ext_seen, mut phones_seen, mut ids_seen) =
        (HashSet::new(), HashSet::new(), HashSet::new());
    let mut rows = rows.peekable();
    while rows.peek().is_some() {
        let chunk: Vec<Candidate> = rows
            .by_ref()
            .take(PLAN_CHUNK)
            .filter_map(|(index, r)| candidate(index, r, report))
            .collect();
        let known = known(c, &scope, institution, &chunk)?;
        for Candidate {
            index,
            row: r,
            phones,
            id_number,
        } in chunk
        {
            let step = match r.external_id().cloned() {
                Some(e) => {
                    if !ext_seen.insert((e.system.clone(), e.external_id.clone())) {
                        report.add_error(RowError::new(
                            r.row,
                            Column::ExternalId.code(),
                            "duplicate_in_file",
                            "an earlier row of the file has this external id",
                        ));
                        continue;
                    }
                    let named = known
                        .external
                        .get(&e.system)
                        .and_then(|found| found.get(&e.external_id));
                    match named {
                        Some(Some(id)) => {
                            let id = *id;
                            let current = store::get(c, &here, id)?;
                            if r.has(Column::Kind) && current.kind != r.customer.kind {
                                report.add_error(RowError::new(
                                    r.row,
                                    Column::Kind.code(),
                                    "kind_change",
                                    "the customer with this external id is of the other kind",
                                ));
                                continue;
                            }
                            let u = update_of(&r, &current);
                            if let Err(e) = prepare_update(c, caller, &here, id, &current, &u) {
                                row_errors(report, r.row, e)?;
                                continue;
                            }
                            Plan::Update {
                                row: index,
                                id,
                                version: current.version,
                            }
                        }
                        Some(None) => {
                            report.add_error(RowError::new(
                                r.row,
                                Column::ExternalId.code(),
                                "duplicate",
                                "this external id belongs to a deleted or merged customer",
                            ));
                            continue;
                        }
                        None => Plan::Create(index),
                    }
                }
                None => {
                    let on_phone = phones
                        .iter()
                        .any(|p| phones_seen.contains(p) || known.phones.contains(p));
                    let on_id = id_number
                        .as_ref()
                        .is_some_and(|n| ids_seen.contains(n) || known.id_numbers.contains(n));
                    if on_phone || on_id {
                        let field = if on_phone {
                            Column::Phones
                        } else {
                            Column::IdNumber
                        };
                        report.add_error(RowError::new(
                            r.row,
                            field.code(),
                            "possible_duplicate",
                            "an existing customer (or an earlier row) has this phone or ID number; \
                             add an external id to update, or create this one by hand",
                        ));
                        continue;
                    }
                    Plan::Create(index)
                }
            };
            phones_seen.extend(phones);
            ids_seen.extend(id_number);
            plans.push(step);
        }
    }
    Ok(plans)
}
