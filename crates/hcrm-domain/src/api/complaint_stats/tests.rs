use super::*;

fn d(s: &str) -> NaiveDate {
    NaiveDate::parse_from_str(s, "%Y-%m-%d").unwrap_or_default()
}

#[test]
fn periods() {
    let today = d("2026-12-07");
    let p = Period::parse(None, None, None, today).map_err(|_| ());
    assert_eq!(
        p,
        Ok(Period {
            from: d("2026-12-01"),
            to: d("2026-12-31")
        })
    );
    let p = Period::parse(Some("2024-02"), None, None, today).map_err(|_| ());
    assert_eq!(
        p,
        Ok(Period {
            from: d("2024-02-01"),
            to: d("2024-02-29")
        })
    );
    let p = Period::parse(None, Some("2026-01-05"), Some("2026-01-05"), today).map(|p| p.days());
    assert_eq!(p.map_err(|_| ()), Ok(1));
    let code = |m: Option<&str>, f: Option<&str>, t: Option<&str>| {
        Period::parse(m, f, t, today)
            .err()
            .map(|e| (e[0].field.clone(), e[0].code.clone()))
    };
    assert_eq!(
        code(Some("2026-13"), None, None),
        Some(("month".into(), "invalid".into()))
    );
    assert_eq!(
        code(Some("2026-1"), None, None),
        Some(("month".into(), "invalid".into()))
    );
    assert_eq!(
        code(Some("2026-12"), Some("2026-12-01"), None),
        Some(("month".into(), "conflict".into()))
    );
    assert_eq!(
        code(None, Some("2026-12-01"), None),
        Some(("to".into(), "required".into()))
    );
    assert_eq!(
        code(None, Some("2026-12-1"), Some("2026-12-31")),
        Some(("from".into(), "invalid".into()))
    );
    assert_eq!(
        code(None, Some("2026-12-02"), Some("2026-12-01")),
        Some(("to".into(), "before_from".into()))
    );
    assert_eq!(code(None, Some("2020-01-01"), Some("2022-12-31")), None);
    assert_eq!(
        code(None, Some("2020-01-01"), Some("2023-01-01")),
        Some(("to".into(), "too_long".into()))
    );
    assert_eq!(
        Period::week_of(d("2026-12-13")),
        Period {
            from: d("2026-12-07"),
            to: d("2026-12-13")
        }
    );
    assert_eq!(Period::week_of(d("2026-12-07")).from, d("2026-12-07"));
}

#[test]
fn shaping_counts_both_clocks_apart_and_totals() {
    let (a, b) = (Uuid::from_u128(1), Uuid::from_u128(2));
    let key = |i, c| CaseKey {
        institution_id: i,
        category: c,
        severity: Some(ComplaintSeverity::General),
        channel: ComplaintChannel::Phone,
    };
    let cell = |state, cases, gb, nb, nm| CaseCell {
        state,
        cases,
        group_breached: gb,
        national_breached: nb,
        national_met: nm,
    };
    let counted = Counted {
        cases: vec![
            (
                key(a, Some(ComplaintCategory::MedicalEffect)),
                cell(ComplaintState::Closed, 3, 1, 0, 3),
            ),
            (
                key(a, Some(ComplaintCategory::Billing)),
                cell(ComplaintState::Investigating, 2, 2, 1, 0),
            ),
            (key(b, None), cell(ComplaintState::Received, 1, 0, 0, 0)),
        ],
        departments: vec![],
        refunds: vec![
            (
                key(a, Some(ComplaintCategory::MedicalEffect)),
                RefundCell {
                    status: RefundStatus::Paid,
                    count: 1,
                    fen: 50_000,
                },
            ),
            (
                key(a, Some(ComplaintCategory::MedicalEffect)),
                RefundCell {
                    status: RefundStatus::Rejected,
                    count: 1,
                    fen: 9_999,
                },
            ),
            (
                key(a, Some(ComplaintCategory::Billing)),
                RefundCell {
                    status: RefundStatus::Requested,
                    count: 2,
                    fen: 300,
                },
            ),
        ],
        penalties: vec![(
            key(a, Some(ComplaintCategory::MedicalEffect)),
            PenaltyCell {
                level: PenaltyLevel::MinorDemerit,
                count: 1,
            },
        )],
    };
    let s = shape(
        Period {
            from: d("2026-12-01"),
            to: d("2026-12-31"),
        },
        &[(a, "A".into()), (b, "B".into())],
        &counted,
        &BTreeMap::new(),
        Lang::En,
    );
    let ta = &s.institutions[0].tables.summary;
    assert_eq!((ta.received, ta.open, ta.closed), (5, 2, 3));
    assert_eq!(
        (ta.group_met, ta.group_breached, ta.group_running),
        (2, 3, 0)
    );
    assert_eq!(
        (ta.national_met, ta.national_breached, ta.national_running),
        (3, 1, 1)
    );
    assert_eq!(ta.group_breach_rate, Some(60.0));
    assert_eq!(ta.national_breach_rate, Some(25.0));
    assert_eq!(
        (
            ta.refunds,
            ta.refund_fen,
            ta.refunds_paid,
            ta.refund_paid_fen
        ),
        (3, 50_300, 1, 50_000)
    );
    assert_eq!(ta.penalties.minor_demerit, 1);
    let q: Vec<_> = s.institutions[0]
        .tables
        .by_quality
        .iter()
        .map(|r| (r.key.as_str(), r.received))
        .collect();
    assert_eq!(q, [("quality", 3), ("non_quality", 2)]);
    let total = s
        .total
        .as_ref()
        .map(|t| (t.summary.received, t.by_quality.len()));
    assert_eq!(total, Some((6, 3)));
    assert_eq!(
        s.institutions[1].tables.by_category[0].label,
        "Not classified yet"
    );
    let rows = sheet_rows(&s, Lang::En);
    assert_eq!(rows[0].len(), sheet_header(Lang::En).len());
    assert_eq!(rows[0][..4], ["A", "Total", "Total", "5"]);
    assert_eq!(rows[0][15], "503.00");
}
