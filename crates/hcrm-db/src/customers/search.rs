//! The customer list and the search box (CUS-9, PERF-1, PERF-8).

use super::page::{PagedRow, rows_of, summarize};
use super::*;
use crate::schema::customer_search_keys as keys;
use hcrm_domain::customer::search_keys::{Masked, id_suffix_query, masked_number, one_char_key};

/// List filters (CUS-9): every one optional.
#[derive(Debug, Clone, Default)]
pub struct Filter {
    /// One box: name fragment, full phone or last 4 digits, ID number, card number, external
    /// id, pinyin initials or full pinyin.
    pub q: Option<String>,
    pub kind: Option<CustomerKind>,
    pub category: Option<CustomerCategory>,
    pub stage: Option<LifecycleStage>,
    pub tag: Option<String>,
    pub source_channel: Option<SourceChannel>,
    pub account_manager_id: Option<Uuid>,
    pub institution_id: Option<Uuid>,
    /// 1–12.
    pub birth_month: Option<u32>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Sort {
    /// The best matches first (the default): a search lists its arms one after the other
    /// (`search_arms`), each in its own order; without a search it is pinyin order.
    #[default]
    Relevance,
    /// By pinyin, so 张 sorts under Z.
    Name,
    CreatedAt,
    UpdatedAt,
}

type Cond = Box<dyn BoxableExpression<c::table, Db, SqlType = diesel::sql_types::Bool>>;

/// One way the search text matches, and the order it lists its matches in by relevance.
pub(super) struct Arm {
    cond: Cond,
    order: ArmOrder,
    /// The arm's matches are the customers holding this search key (`kind`, `term`): in
    /// pinyin order they are walked from the keys, which carry the pinyin, so that a page and
    /// its count read as many keys as they need rather than every customer holding the key
    /// gathered and sorted (PERF-1). `cond` says the same for the other orders and counts.
    keyed: Option<(&'static str, String)>,
}

#[derive(Clone, Copy)]
enum ArmOrder {
    /// Pinyin, then id (the index of live customers by pinyin).
    Pinyin,
    /// Initials, then pinyin, then id (the index of live customers by initials).
    Initials,
}

impl Arm {
    fn pinyin(cond: Cond) -> Arm {
        Arm {
            cond,
            order: ArmOrder::Pinyin,
            keyed: None,
        }
    }
}

/// How far a list counts its matches (CUS-9, PERF-1).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Count {
    /// Every match, however many: exports and reports.
    Exact,
    /// Up to this many; beyond it the total is this figure and flagged as a lower bound, so a
    /// broad search (`zs` matches ~2 % of a million customers) costs what its page costs.
    UpTo(i64),
}

/// A page of customers and how many match.
#[derive(Debug, Clone)]
pub struct Listed {
    pub items: Vec<CustomerSummary>,
    pub total: i64,
    /// `total` is a lower bound: more match than were counted.
    pub capped: bool,
}

/// A subquery giving customer ids: one place an exact lookup looks in.
type IdSource = Box<dyn QueryFragment<Db> + Send>;

/// `customers.id IN (a UNION b UNION …)`: an exact lookup in several places (phones, ID and
/// card numbers, HIS ids) as one set of ids, which each backend gathers by the places' own
/// indexes before it reads the customers by id — on PostgreSQL an index-only scan of live
/// customers (`customers_live_id`). An OR of `IN (…)`s instead made PostgreSQL filter every
/// customer (PERF-1). Unlike a SQL literal the statement is the same text for every value,
/// so each connection prepares it once.
struct IdAmong(Vec<IdSource>);

impl Expression for IdAmong {
    type SqlType = diesel::sql_types::Bool;
}

impl AppearsOnTable<c::table> for IdAmong {}

impl SelectableExpression<c::table> for IdAmong {}

impl diesel::expression::ValidGrouping<()> for IdAmong {
    type IsAggregate = diesel::expression::is_aggregate::Never;
}

impl QueryId for IdAmong {
    type QueryId = ();
    const HAS_STATIC_QUERY_ID: bool = false;
}

impl QueryFragment<Db> for IdAmong {
    fn walk_ast<'b>(&'b self, mut out: AstPass<'_, 'b, Db>) -> QueryResult<()> {
        out.push_sql("\"customers\".\"id\" IN (");
        for (i, source) in self.0.iter().enumerate() {
            if i > 0 {
                out.push_sql(" UNION ");
            }
            source.walk_ast(out.reborrow())?;
        }
        out.push_sql(")");
        Ok(())
    }
}

/// The smallest string above every string that starts with `prefix`, for a range scan; `None`
/// when there is none (`z…`). Pinyin keys hold only `a-z` and `0-9`, which every collation
/// orders alike.
pub fn prefix_upper_bound(prefix: &str) -> Option<String> {
    let mut chars: Vec<char> = prefix.chars().collect();
    while let Some(last) = chars.pop() {
        if matches!(last, 'a'..='y' | '0'..='8') {
            chars.push((last as u8 + 1) as char);
            return Some(chars.into_iter().collect());
        }
    }
    None
}

/// `name_pinyin` in the range of strings starting with `prefix` (served, in list order, by the
/// index of live customers by pinyin).
fn pinyin_range(prefix: &str) -> Cond {
    let from: Cond = Box::new(c::name_pinyin.ge(prefix.to_string()));
    match prefix_upper_bound(prefix) {
        Some(to) => Box::new(from.and(c::name_pinyin.lt(to))),
        None => from,
    }
}

/// `text%` for LIKE, wildcards escaped (use with `ESCAPE '\'`).
pub fn prefix_pattern(text: &str) -> String {
    let mut p = like_pattern(text);
    p.remove(0);
    p
}

/// What the search box text stands for (CUS-9), as arms that never overlap: each is served by
/// one index and, where it can be broad, walks it in its order, so a page costs what it shows
/// (PERF-1, PERF-8). By relevance, a list shows the arms one after the other. The text is read
/// by its shape:
/// - digits (and ID-like text with a digit): full mobile, last 4 digits of a phone, ID number,
///   card number, external (HIS) id — one arm of exact lookups;
/// - letters only: pinyin initials (`zs`), then the beginning of the full pinyin
///   (`zhangsan`), which is also how a Latin name is found by its beginning;
/// - digits also end an ID number (its last 4 or 6, `id_suffix` keys) — a 4-digit text finds
///   phones and ID numbers ending so;
/// - a number masked as the app shows it (`186****0124`) is found by the digits it shows;
///   other text with a `*` finds nothing;
/// - anything else is a name fragment: names that start with it first, then names that
///   contain it further in (one character from its `name_char` keys, two from the index of
///   inner pairs on PostgreSQL, more by the trigram index).
fn search_arms(text: &str, pg: bool) -> Vec<Arm> {
    let q = text.trim();
    if q.is_empty() {
        return Vec::new();
    }
    if q.contains('*') {
        return masked_arms(q);
    }
    let squeezed: String = q.chars().filter(|ch| !ch.is_whitespace()).collect();
    if squeezed.chars().all(|ch| ch.is_ascii_alphabetic()) {
        // Initials first (`zx`: 张欣, then 张晓明 …), in initials order so that the index of
        // initials serves them however the matches lie in pinyin order; then the rest whose
        // full pinyin starts so (`zhangx…`), in pinyin order.
        let lower = squeezed.to_ascii_lowercase();
        let by_initials = || -> Cond {
            let from: Cond = Box::new(c::name_initials.ge(lower.clone()));
            match prefix_upper_bound(&lower) {
                Some(to) => Box::new(from.and(c::name_initials.lt(to))),
                None => from,
            }
        };
        return vec![
            Arm {
                cond: by_initials(),
                order: ArmOrder::Initials,
                keyed: None,
            },
            Arm::pinyin(Box::new(
                pinyin_range(&lower).and(diesel::dsl::not(by_initials())),
            )),
        ];
    }
    if q.chars().any(|ch| ch.is_ascii_digit()) {
        let compact: String = q.chars().filter(|ch| !matches!(ch, ' ' | '-')).collect();
        let digits = compact.chars().all(|ch| ch.is_ascii_digit());
        let mut among: Vec<IdSource> = Vec::new();
        if hcrm_domain::validation::mobile(q).is_ok() {
            let phone = hcrm_domain::validation::normalize_mobile(q);
            among.push(Box::new(
                phones::table
                    .filter(phones::phone.eq(phone))
                    .select(phones::customer_id)
                    .into_boxed(),
            ));
        }
        if digits && compact.len() == 4 {
            among.push(Box::new(
                phones::table
                    .filter(phones::last4.eq(compact.clone()))
                    .select(phones::customer_id)
                    .into_boxed(),
            ));
        }
        if let Some(suffix) = id_suffix_query(&compact) {
            among.push(Box::new(key_lookup(ID_SUFFIX, suffix)));
        }
        if (15..=18).contains(&compact.len())
            && compact.chars().all(|ch| ch.is_ascii_alphanumeric())
        {
            among.push(Box::new(
                c::table
                    .filter(c::id_number.eq(compact.to_uppercase()))
                    .select(c::id)
                    .into_boxed(),
            ));
        }
        if q.len() <= 64 {
            among.push(Box::new(
                c::table
                    .filter(c::card_number.eq(q.to_string()))
                    .select(c::id)
                    .into_boxed(),
            ));
            among.push(Box::new(
                ext::table
                    .filter(ext::external_id.eq(q.to_string()))
                    .select(ext::customer_id)
                    .into_boxed(),
            ));
        }
        if among.is_empty() {
            return Vec::new();
        }
        return vec![Arm::pinyin(Box::new(IdAmong(among)))];
    }
    let start = prefix_pattern(q);
    let (pinyin, _) = pinyin_keys(q);
    let mut arms = vec![Arm::pinyin(Box::new(
        pinyin_range(&pinyin).and(c::name.like(start.clone()).escape('\\')),
    ))];
    let chars = q.chars().count();
    if chars >= 2 {
        // Inside the name, not at its start (that is the first arm): the arms never overlap,
        // so their counts add up.
        let not_start = c::name.not_like(start).escape('\\');
        let inside: Cond = if pg {
            // Two characters: the index of inner pairs; more: the trigram index. Computed as
            // an array first, so that the planner never walks the list order filtering every
            // customer through the function.
            const LIVE: &str = "customers.id = ANY(ARRAY(SELECT id FROM customers \
                                WHERE merged_into_id IS NULL AND deleted_at IS NULL AND ";
            if chars == 2 {
                Box::new(
                    diesel::dsl::sql::<diesel::sql_types::Bool>(&format!(
                        "{LIVE}hcrm_inner_pairs(name) @> ARRAY["
                    ))
                    .bind::<diesel::sql_types::Text, _>(q.to_lowercase())
                    .sql("]::text[]))"),
                )
            } else {
                Box::new(
                    diesel::dsl::sql::<diesel::sql_types::Bool>(&format!("{LIVE}name LIKE "))
                        .bind::<diesel::sql_types::Text, _>(like_pattern(q))
                        .sql(" ESCAPE '\\'))"),
                )
            }
        } else {
            Box::new(c::name.like(like_pattern(q)).escape('\\'))
        };
        arms.push(Arm::pinyin(Box::new(inside.and(not_start))));
    } else if let Some(ch) = q.chars().next() {
        // One character inside names (a remembered given-name character, issue 9): the
        // names holding it after their first character, from its key rows (CUS-9). A name's
        // keys leave out its first character, so none of these starts with it (that is the
        // first arm). In list order the keys are walked in their own pinyin order
        // (`Arm::keyed`); counted exactly, or in another order, they are gathered as an
        // array first on PostgreSQL: otherwise the planner walks the list order probing the
        // keys for every customer (3× slower).
        let term = one_char_key(ch);
        let inside: Cond = if pg {
            Box::new(
                diesel::dsl::sql::<diesel::sql_types::Bool>(
                    "customers.id = ANY(ARRAY(SELECT customer_id FROM customer_search_keys \
                     WHERE kind = ",
                )
                .bind::<diesel::sql_types::Text, _>(NAME_CHAR)
                .sql(" AND term = ")
                .bind::<diesel::sql_types::Text, _>(term.clone())
                .sql("))"),
            )
        } else {
            Box::new(IdAmong(vec![Box::new(key_lookup(NAME_CHAR, term.clone()))]))
        };
        arms.push(Arm {
            keyed: Some((NAME_CHAR, term)),
            ..Arm::pinyin(inside)
        });
    }
    arms
}

/// The customers with the search key `term` of `kind` (`customer_search_keys`), read from
/// the key index alone.
fn key_lookup(
    kind: &'static str,
    term: String,
) -> keys::BoxedQuery<'static, Db, diesel::sql_types::Text> {
    keys::table
        .filter(keys::kind.eq(kind))
        .filter(keys::term.eq(term))
        .select(keys::customer_id)
        .into_boxed()
}

/// A search text with a `*`: a number as the app shows it masked is found by the digits
/// it shows — a mobile by its first 3 (a range of the phone index) among the phones ending in
/// its last 4, an ID number by its start among those ending in its last 4. Any other text
/// with a `*` finds nothing, without asking the database (`186****`, `****`).
fn masked_arms(q: &str) -> Vec<Arm> {
    let source: IdSource = match masked_number(q) {
        Some(Masked::Mobile { first3, last4 }) => Box::new(
            phones::table
                .filter(phones::last4.eq(last4))
                .filter(phones::phone.like(prefix_pattern(&first3)).escape('\\'))
                .select(phones::customer_id)
                .into_boxed(),
        ),
        Some(Masked::IdNumber { head, last4 }) => Box::new(
            c::table
                .filter(
                    c::id.eq_any(
                        keys::table
                            .filter(keys::kind.eq(ID_SUFFIX))
                            .filter(keys::term.eq(last4))
                            .select(keys::customer_id),
                    ),
                )
                .filter(
                    c::id_number
                        .like(prefix_pattern(&head.to_uppercase()))
                        .escape('\\'),
                )
                .select(c::id)
                .into_boxed(),
        ),
        None => return Vec::new(),
    };
    vec![Arm::pinyin(Box::new(IdAmong(vec![source])))]
}

/// `$q` (a boxed query reading `customers`) narrowed to live customers in `$scope` matching
/// the filters of `$f` other than the search text: one list of filters for the customers
/// alone and for the search keys joined to them.
macro_rules! live_filtered {
    ($q:expr, $scope:expr, $f:expr) => {{
        let f: &Filter = $f;
        let mut q = $q
            .filter(c::merged_into_id.is_null())
            .filter(c::deleted_at.is_null());
        q = q.in_scope(c::institution_id, $scope);
        if let Some(v) = f.kind {
            q = q.filter(c::kind.eq(v.code()));
        }
        if let Some(v) = f.category {
            q = q.filter(
                c::id.eq_any(
                    cats::table
                        .filter(cats::category.eq(v.code()))
                        .select(cats::customer_id),
                ),
            );
        }
        if let Some(v) = f.stage {
            q = q.filter(c::lifecycle_stage.eq(v.code()));
        }
        if let Some(v) = &f.tag {
            q = q.filter(
                c::id.eq_any(
                    tags::table
                        .filter(tags::tag.eq(v.trim().to_string()))
                        .select(tags::customer_id),
                ),
            );
        }
        if let Some(v) = f.source_channel {
            q = q.filter(c::source_channel.eq(v.code()));
        }
        if let Some(v) = f.account_manager_id {
            q = q.filter(c::account_manager_id.eq(v.to_string()));
        }
        if let Some(v) = f.institution_id {
            q = q.filter(c::institution_id.eq(v.to_string()));
        }
        if let Some(m) = f.birth_month {
            q = q.filter(c::birth_month.eq(m as i32));
        }
        q
    }};
}

/// Live customers in `scope` matching the filters other than the search text.
fn filtered<'a>(scope: &Scope, f: &'a Filter) -> c::BoxedQuery<'a, Db> {
    live_filtered!(c::table.into_boxed(), scope, f)
}

/// The ids of live customers in `scope` matching `f` and holding the search key `key`, in
/// pinyin order (`descending`: reversed), read from the keys in that order: the key index
/// `(kind, term, name_pinyin, customer_id)` gives the order, each key's customer is checked
/// by id (on PostgreSQL from the index of live customers alone), and the walk stops after
/// `window` (PERF-1).
fn keyed_ids(
    conn: &mut DbConn,
    scope: &Scope,
    f: &Filter,
    (kind, term): (&'static str, String),
    descending: bool,
    window: ListWindow,
) -> Result<Vec<CustomerId>, DbError> {
    let q = keys::table
        .inner_join(c::table)
        .filter(keys::kind.eq(kind))
        .filter(keys::term.eq(term))
        .select(c::id)
        .into_boxed();
    let q = live_filtered!(q, scope, f);
    let q = if descending {
        q.order((keys::name_pinyin.desc(), keys::customer_id.desc()))
    } else {
        q.order((keys::name_pinyin.asc(), keys::customer_id.asc()))
    };
    Ok(q.limit(window.limit).offset(window.offset).load(conn)?)
}

/// The key walk that serves `arm` in `order`, if one does: the pinyin order (by relevance or
/// by name) of a keyed arm.
fn key_walk(
    arm: &Option<Arm>,
    (sort, descending): (Sort, bool),
) -> Option<((&'static str, String), bool)> {
    let key = arm.as_ref()?.keyed.clone()?;
    match sort {
        Sort::Relevance => Some((key, false)),
        Sort::Name => Some((key, descending)),
        Sort::CreatedAt | Sort::UpdatedAt => None,
    }
}

fn ordered<'a>(q: c::BoxedQuery<'a, Db>, sort: Sort, descending: bool) -> c::BoxedQuery<'a, Db> {
    match (sort, descending) {
        (Sort::Relevance, _) | (Sort::Name, false) => q.order((c::name_pinyin.asc(), c::id.asc())),
        (Sort::Name, true) => q.order((c::name_pinyin.desc(), c::id.desc())),
        (Sort::CreatedAt, false) => q.order(c::id.asc()),
        (Sort::CreatedAt, true) => q.order(c::id.desc()),
        (Sort::UpdatedAt, false) => q.order((c::updated_at.asc(), c::id.asc())),
        (Sort::UpdatedAt, true) => q.order((c::updated_at.desc(), c::id.desc())),
    }
}

/// The order `ordered` gives, for merging the arms' pages.
fn list_order(
    sort: Sort,
    descending: bool,
    a: &CustomerRow,
    b: &CustomerRow,
) -> std::cmp::Ordering {
    let asc = match sort {
        Sort::Relevance | Sort::Name => (&a.name_pinyin, &a.id).cmp(&(&b.name_pinyin, &b.id)),
        Sort::CreatedAt => a.id.cmp(&b.id),
        Sort::UpdatedAt => (a.updated_at, &a.id).cmp(&(b.updated_at, &b.id)),
    };
    if descending { asc.reverse() } else { asc }
}

/// `q` in the order an arm lists by: its own by relevance, else the sort asked for.
fn arm_ordered<'a>(
    q: c::BoxedQuery<'a, Db>,
    arm: Option<ArmOrder>,
    order: (Sort, bool),
) -> c::BoxedQuery<'a, Db> {
    match (order.0, arm) {
        (Sort::Relevance, Some(ArmOrder::Initials)) => {
            q.order((c::name_initials.asc(), c::name_pinyin.asc(), c::id.asc()))
        }
        _ => ordered(q, order.0, order.1),
    }
}

/// Live customers in `scope` matching the filters and the arm.
fn arm_query<'a>(
    scope: &Scope,
    f: &'a Filter,
    arm: Option<Arm>,
    order: (Sort, bool),
) -> c::BoxedQuery<'a, Db> {
    match arm {
        None => arm_ordered(filtered(scope, f), None, order),
        Some(arm) => arm_ordered(filtered(scope, f).filter(arm.cond), Some(arm.order), order),
    }
}

/// The ids of one arm's window in its order: the indexes of live customers by pinyin and by
/// initials answer this without visiting the table (PERF-1).
pub(super) fn arm_ids(
    conn: &mut DbConn,
    scope: &Scope,
    f: &Filter,
    arm: Option<Arm>,
    order: (Sort, bool),
    window: ListWindow,
) -> Result<Vec<CustomerId>, DbError> {
    if let Some((key, descending)) = key_walk(&arm, order) {
        return keyed_ids(conn, scope, f, key, descending, window);
    }
    Ok(arm_query(scope, f, arm, order)
        .select(c::id)
        .limit(window.limit)
        .offset(window.offset)
        .load(conn)?)
}

/// How many match one arm, counting at most `count`'s cap (+1, to know it was passed).
fn arm_count(
    conn: &mut DbConn,
    scope: &Scope,
    f: &Filter,
    arm: Option<Arm>,
    order: (Sort, bool),
    count: Count,
) -> Result<i64, DbError> {
    Ok(match count {
        Count::Exact => match arm {
            None => filtered(scope, f).count().get_result(conn)?,
            Some(arm) => filtered(scope, f)
                .filter(arm.cond)
                .count()
                .get_result(conn)?,
        },
        // In the arm's order, so that a broad arm walks the same index as its page and stops
        // early; the ids, not a constant, so that the statement is prepared once.
        Count::UpTo(cap) => {
            let window = ListWindow {
                limit: cap + 1,
                offset: 0,
            };
            arm_ids(conn, scope, f, arm, order, window)?.len() as i64
        }
    })
}

/// The rows of a window of live customers in `scope` matching `f` (CUS-9), and what each arm
/// was found to hold on the way (so that it need not be counted again).
///
/// A search runs each arm (`search_arms`; they never overlap) as its own query. By relevance
/// the arms follow one another: the window is taken from the first, then the next, and so on;
/// from an arm's start the same walk reads as far as `count`'s cap, which gives the count too.
/// In an asked-for order each arm gives its first `offset + limit` and they are merged. With
/// indexes in the arms' orders (migration 000007) the cost follows the page, not the number
/// of matches (PERF-1, PERF-8).
fn page_rows(
    conn: &mut DbConn,
    scope: &Scope,
    f: &Filter,
    arms: &dyn Fn() -> Vec<Option<Arm>>,
    order: (Sort, bool),
    window: ListWindow,
    count: Count,
) -> Result<(Vec<PagedRow>, Vec<Option<i64>>), DbError> {
    let mut known: Vec<Option<i64>> = Vec::new();
    if order.0 != Sort::Relevance {
        let head = ListWindow {
            limit: window.offset + window.limit,
            offset: 0,
        };
        let mut ids = Vec::new();
        for arm in arms() {
            ids.extend(arm_ids(conn, scope, f, arm, order, head)?);
        }
        let mut rows = rows_of(conn, &ids)?;
        rows.sort_by(|(a, ..), (b, ..)| list_order(order.0, order.1, a, b));
        let rows = rows
            .into_iter()
            .skip(usize::try_from(window.offset).unwrap_or(usize::MAX))
            .take(usize::try_from(window.limit).unwrap_or(0))
            .collect();
        return Ok((rows, known));
    }
    let mut ids: Vec<CustomerId> = Vec::new();
    let mut skip = window.offset;
    for (i, arm) in arms().into_iter().enumerate() {
        let need = window.limit - ids.len() as i64;
        if need <= 0 {
            known.push(None);
            continue;
        }
        let fetch = match count {
            Count::UpTo(cap) if skip == 0 => first_fetch(need, cap),
            _ => need,
        };
        let got = arm_ids(
            conn,
            scope,
            f,
            arm,
            order,
            ListWindow {
                limit: fetch,
                offset: skip,
            },
        )?;
        let n = got.len() as i64;
        ids.extend(got.into_iter().take(usize::try_from(need).unwrap_or(0)));
        let held = if n == fetch {
            // Read all it was asked for: past the cap when read for counting, else unknown.
            (fetch > need).then_some(n)
        } else if n > 0 || skip == 0 {
            Some(skip + n) // the arm ends in what was read
        } else {
            // The window starts past this arm: how far past is its count.
            let arm = arms().into_iter().nth(i).flatten();
            Some(arm_count(conn, scope, f, arm, order, Count::Exact)?)
        };
        known.push(held);
        if let (true, Some(held)) = (n < need, held) {
            skip = (skip - held).max(0);
        }
    }
    Ok((rows_of(conn, &ids)?, known))
}

/// How many ids a walk reads from an arm's start when `need` of them fill the page and the
/// count stops at `cap`: the page and the count in one statement.
pub(super) fn first_fetch(need: i64, cap: i64) -> i64 {
    need.max(cap + 1)
}

/// The search arms of `f` (one, with no condition, without a search text), made afresh for
/// each query: conditions are boxed, not clonable.
pub(super) fn arms_of<'a>(f: &'a Filter, pg: bool) -> impl Fn() -> Vec<Option<Arm>> + 'a {
    let text = f.q.as_deref().map(str::trim).filter(|t| !t.is_empty());
    move || match text {
        None => vec![None],
        Some(t) => search_arms(t, pg).into_iter().map(Some).collect(),
    }
}

/// A page of live customers in `scope` matching `f` (CUS-9), and how many match:
/// counting runs only when the page is full, and stops at `count`'s cap.
pub fn list(
    conn: &mut DbConn,
    scope: &Scope,
    f: &Filter,
    sort: Sort,
    descending: bool,
    window: ListWindow,
    count: Count,
) -> Result<Listed, DbError> {
    let order = (sort, descending);
    let arms = arms_of(f, matches!(conn, DbConn::Postgresql(_)));
    let (rows, known) = page_rows(conn, scope, f, &arms, order, window, count)?;
    let shown = rows.len() as i64;
    let (total, capped) = if shown < window.limit && (shown > 0 || window.offset == 0) {
        // The page is the last one: nothing to count.
        (window.offset + shown, false)
    } else {
        let mut total = 0;
        for (i, arm) in arms().into_iter().enumerate() {
            if matches!(count, Count::UpTo(cap) if total > cap) {
                break; // already past the cap: the rest need no counting
            }
            total += match known.get(i).copied().flatten() {
                Some(t) => t,
                None => arm_count(conn, scope, f, arm, order, count)?,
            };
        }
        match count {
            Count::UpTo(cap) if total > cap => (cap, true),
            _ => (total, false),
        }
    };
    Ok(Listed {
        items: summarize(rows)?,
        total,
        capped,
    })
}

/// A window of `list`, full records, uncounted (the export, CUS-13).
pub fn list_full(
    conn: &mut DbConn,
    scope: &Scope,
    f: &Filter,
    sort: Sort,
    descending: bool,
    window: ListWindow,
) -> Result<Vec<Customer>, DbError> {
    let arms = arms_of(f, matches!(conn, DbConn::Postgresql(_)));
    let (rows, _) = page_rows(
        conn,
        scope,
        f,
        &arms,
        (sort, descending),
        window,
        Count::Exact,
    )?;
    full_many(conn, rows.into_iter().map(|(r, ..)| r).collect())
}

#[cfg(test)]
mod tests {
    use super::prefix_upper_bound;

    #[test]
    fn the_upper_bound_of_a_prefix_range_carries_past_z_and_9() {
        assert_eq!(prefix_upper_bound("l").as_deref(), Some("m"));
        assert_eq!(prefix_upper_bound("wangwei").as_deref(), Some("wangwej"));
        assert_eq!(prefix_upper_bound("wangz").as_deref(), Some("wanh"));
        assert_eq!(prefix_upper_bound("ab9").as_deref(), Some("ac"));
        assert_eq!(prefix_upper_bound("a8").as_deref(), Some("a9"));
        assert_eq!(prefix_upper_bound("z"), None);
        assert_eq!(prefix_upper_bound("zz9"), None);
        assert_eq!(prefix_upper_bound(""), None);
    }
}
