//! 统计: the rules behind the bureau dashboards — the reporting period, medians of working
//! days, the last date that still counts as "due soon", shares, and the scale of a bar chart.
//! Pure: the store counts in SQL, this turns the counts into figures.

use super::deadline::{add_working_days, HolidayCalendar};
use super::error::FieldErrors;
use chrono::{Datelike, Duration, Months, NaiveDate};
use serde::{Deserialize, Serialize};

/// The longest period a dashboard covers (years).
pub const MAX_PERIOD_YEARS: i32 = 10;

/// Fewer active experts in term than this for a domain is "too few" (a panel needs one, and
/// recusal and workload limits take others out of a draw).
pub const MIN_DOMAIN_EXPERTS: i64 = 3;

/// Terms ending within this many days are shown as ending soon on the pool's health.
pub const POOL_TERM_WARNING_DAYS: i64 = 90;

/// The first day of the month of `d`.
pub fn month_start(d: NaiveDate) -> NaiveDate {
    d.with_day(1).unwrap_or(d)
}

/// A reporting period (统计期间), both ends included, China Standard Time dates.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct Period {
    pub from: NaiveDate,
    pub to: NaiveDate,
}

impl Period {
    /// The default: from 1 January of `today`'s year to `today`.
    pub fn year_to_date(today: NaiveDate) -> Period {
        Period {
            from: NaiveDate::from_ymd_opt(today.year(), 1, 1).unwrap_or(today),
            to: today,
        }
    }

    /// The day after the period (an exclusive upper bound for instants).
    pub fn end_exclusive(self) -> NaiveDate {
        self.to + Duration::days(1)
    }

    /// The whole calendar months inside the period, as `[first day, first day after)`; None
    /// when no month fits whole. The workload reads whole months from a monthly tally.
    pub fn whole_months(self) -> Option<(NaiveDate, NaiveDate)> {
        let first = if self.from.day() == 1 {
            self.from
        } else {
            month_start(self.from).checked_add_months(Months::new(1))?
        };
        let end = month_start(self.end_exclusive());
        (first < end).then_some((first, end))
    }
}

/// Reads the period from the query string's `from` and `to` (`YYYY-MM-DD`, either may be
/// empty for the default). Errors are addressed to the fields `from` and `to`.
pub fn parse_period(from: &str, to: &str, today: NaiveDate) -> Result<Period, FieldErrors> {
    let mut errors = FieldErrors::default();
    let default = Period::year_to_date(today);
    let f = read_date(&mut errors, "from", from).map(|d| d.unwrap_or(default.from));
    let t = read_date(&mut errors, "to", to).map(|d| d.unwrap_or(default.to));
    if let (Some(f), Some(t)) = (f, t) {
        if f > t {
            errors.add("to", "err.period.order");
        } else if t.year() - f.year() > MAX_PERIOD_YEARS {
            errors.add("from", "err.period.too_long");
        }
        if errors.is_empty() {
            return Ok(Period { from: f, to: t });
        }
    }
    Err(errors)
}

/// A list filter's dates `from` and `to` (`YYYY-MM-DD`), either open when empty; errors (a
/// malformed date, an end before the start) are added to `errors` under those fields.
pub fn parse_open_period(
    errors: &mut FieldErrors,
    from: &str,
    to: &str,
) -> (Option<NaiveDate>, Option<NaiveDate>) {
    let f = read_date(errors, "from", from).flatten();
    let t = read_date(errors, "to", to).flatten();
    if let (Some(f), Some(t)) = (f, t) {
        if f > t {
            errors.add("to", "err.period.order");
        }
    }
    (f, t)
}

/// One date of a query: `Some(None)` when empty, `None` (with an error on `field`) when
/// malformed.
fn read_date(
    errors: &mut FieldErrors,
    field: &'static str,
    text: &str,
) -> Option<Option<NaiveDate>> {
    let text = text.trim();
    if text.is_empty() {
        return Some(None);
    }
    match NaiveDate::parse_from_str(text, "%Y-%m-%d") {
        Ok(d) => Some(Some(d)),
        Err(_) => {
            errors.add(field, "err.period.date");
            None
        }
    }
}

/// The median of values given as a histogram of `(value, count)`; `None` when empty.
/// An even count gives the mean of the two middle values.
pub fn median_from_histogram(hist: &[(i64, i64)]) -> Option<f64> {
    let mut h: Vec<(i64, i64)> = hist.iter().copied().filter(|(_, n)| *n > 0).collect();
    h.sort_unstable();
    let total: i64 = h.iter().map(|(_, n)| n).sum();
    if total == 0 {
        return None;
    }
    // The 1-based positions of the middle values.
    let (lo, hi) = ((total + 1) / 2, total / 2 + 1);
    let at = |pos: i64| {
        let mut seen = 0;
        for (v, n) in &h {
            seen += n;
            if seen >= pos {
                return *v;
            }
        }
        h.last().map(|(v, _)| *v).unwrap_or_default()
    };
    Some((at(lo) + at(hi)) as f64 / 2.0)
}

/// The last date whose deadline counts as due soon on `today`: at most `due_soon` working days
/// left (see [`super::deadline::deadline_status`]). Deadlines after `today` and up to this date
/// are due soon; those before `today` are overdue.
pub fn due_soon_until(today: NaiveDate, due_soon: u32, cal: &HolidayCalendar) -> NaiveDate {
    add_working_days(today, i64::from(due_soon) + 1, cal) - Duration::days(1)
}

/// `part` of `whole` in per cent, rounded to one decimal; 0 when `whole` is 0.
pub fn percent(part: i64, whole: i64) -> f64 {
    if whole <= 0 {
        0.0
    } else {
        (part as f64 * 1000.0 / whole as f64).round() / 10.0
    }
}

/// The end of a bar chart's axis: the smallest "round" number (1, 2 or 5 times a power of ten)
/// at or above `max`; 1 for an empty chart.
pub fn axis_max(max: i64) -> i64 {
    if max <= 1 {
        return 1;
    }
    let mut p: i64 = 1;
    loop {
        for m in [1, 2, 5] {
            if m * p >= max {
                return m * p;
            }
        }
        p = p.saturating_mul(10);
    }
}

/// A working-day figure as the dashboard prints it: one decimal, no trailing ".0".
pub fn days_text(d: f64) -> String {
    if (d - d.round()).abs() < 1e-9 {
        format!("{}", d.round() as i64)
    } else {
        format!("{d:.1}")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn whole_months_of_a_period() {
        let d = |y, m, day| NaiveDate::from_ymd_opt(y, m, day).unwrap();
        let months = |from, to| Period { from, to }.whole_months();
        // The year so far: January to October whole, November's days read from the seats.
        assert_eq!(
            months(d(2026, 1, 1), d(2026, 11, 29)),
            Some((d(2026, 1, 1), d(2026, 11, 1)))
        );
        assert_eq!(
            months(d(2025, 11, 30), d(2026, 11, 29)),
            Some((d(2025, 12, 1), d(2026, 11, 1)))
        );
        assert_eq!(
            months(d(2026, 1, 1), d(2026, 12, 31)),
            Some((d(2026, 1, 1), d(2027, 1, 1)))
        );
        assert_eq!(
            months(d(2026, 4, 2), d(2026, 5, 31)),
            Some((d(2026, 5, 1), d(2026, 6, 1)))
        );
        assert_eq!(months(d(2026, 4, 7), d(2026, 4, 20)), None);
        assert_eq!(months(d(2026, 4, 2), d(2026, 5, 30)), None);
        assert_eq!(
            months(d(2026, 12, 1), d(2026, 12, 31)),
            Some((d(2026, 12, 1), d(2027, 1, 1)))
        );
    }

    use crate::domain::deadline::{deadline_status, DeadlineStatus};
    use proptest::prelude::*;

    fn d(y: i32, m: u32, day: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, day).expect("date")
    }

    fn keys<'a>(e: &'a FieldErrors, field: &'a str) -> Vec<&'a str> {
        e.for_field(field).map(|e| e.key.as_str()).collect()
    }

    #[test]
    fn period_defaults_to_the_year_so_far() {
        let today = d(2026, 11, 29);
        let p = parse_period("", "", today).expect("default");
        assert_eq!(
            p,
            Period {
                from: d(2026, 1, 1),
                to: today
            }
        );
        assert_eq!(p.end_exclusive(), d(2026, 11, 30));
        let p = parse_period("2025-03-01", " 2025-03-31 ", today).expect("given");
        assert_eq!(
            p,
            Period {
                from: d(2025, 3, 1),
                to: d(2025, 3, 31)
            }
        );
    }

    #[test]
    fn period_errors_name_the_field() {
        let today = d(2026, 11, 29);
        let e = parse_period("2026-13-01", "x", today).expect_err("bad dates");
        assert_eq!(keys(&e, "from"), vec!["err.period.date"]);
        assert_eq!(keys(&e, "to"), vec!["err.period.date"]);
        let e = parse_period("2026-05-02", "2026-05-01", today).expect_err("order");
        assert_eq!(keys(&e, "to"), vec!["err.period.order"]);
        let e = parse_period("2000-01-01", "2026-01-01", today).expect_err("long");
        assert_eq!(keys(&e, "from"), vec!["err.period.too_long"]);
    }

    #[test]
    fn medians_by_hand() {
        assert_eq!(median_from_histogram(&[]), None);
        assert_eq!(median_from_histogram(&[(4, 0)]), None);
        assert_eq!(median_from_histogram(&[(3, 1)]), Some(3.0));
        // 1 2 2 7 -> (2 + 2) / 2
        assert_eq!(median_from_histogram(&[(7, 1), (1, 1), (2, 2)]), Some(2.0));
        // 1 2 7 9 -> 4.5
        assert_eq!(
            median_from_histogram(&[(9, 1), (1, 1), (2, 1), (7, 1)]),
            Some(4.5)
        );
    }

    proptest! {
        #[test]
        fn median_matches_the_sorted_list(values in proptest::collection::vec(0i64..40, 1..60)) {
            let mut hist = std::collections::BTreeMap::new();
            for v in &values {
                *hist.entry(*v).or_insert(0i64) += 1;
            }
            let h: Vec<(i64, i64)> = hist.into_iter().collect();
            let mut s = values.clone();
            s.sort_unstable();
            let n = s.len();
            let expected = if n % 2 == 1 {
                s[n / 2] as f64
            } else {
                (s[n / 2 - 1] + s[n / 2]) as f64 / 2.0
            };
            prop_assert_eq!(median_from_histogram(&h), Some(expected));
        }

        #[test]
        fn due_soon_until_agrees_with_deadline_status(offset in 0i64..400, k in 0u32..6, ahead in 0i64..20) {
            let cal = HolidayCalendar::embedded();
            let today = d(2026, 1, 1) + Duration::days(offset);
            let due = today + Duration::days(ahead);
            let soon = due <= due_soon_until(today, k, cal);
            let status = deadline_status(due, today, cal, k);
            prop_assert_eq!(soon, status == DeadlineStatus::DueSoon, "due {} today {}", due, today);
        }
    }

    #[test]
    fn axis_and_shares() {
        assert_eq!(axis_max(0), 1);
        assert_eq!(axis_max(3), 5);
        assert_eq!(axis_max(10), 10);
        assert_eq!(axis_max(11), 20);
        assert_eq!(axis_max(43_210), 50_000);
        assert_eq!(percent(1, 3), 33.3);
        assert_eq!(percent(5, 0), 0.0);
        assert_eq!(days_text(4.0), "4");
        assert_eq!(days_text(4.5), "4.5");
    }
}
