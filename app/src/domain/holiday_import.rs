//! The holiday calendar's import file (节假日导入, CSV): one row per holiday period of the State
//! Council General Office's notice for a year (国务院办公厅关于××年部分节假日安排的通知), in the
//! notice's own terms — the holiday, the first and last day off, and the weekend days made
//! working days (调休上班). The administrator gives the year, whether the rows are the
//! published notice or provisional, the notice's title and why the calendar changes; each
//! problem is reported by line and column (`domain::csv`), and a file with any problem changes
//! nothing.

use super::csv::{parse_csv, RowError};
use super::deadline::{CalendarError, HolidayCalendar, HolidayPeriod, YearCalendar, YearStatus};
use super::error::FieldErrors;
use chrono::{Datelike, Duration, NaiveDate, Weekday};
use serde::{Deserialize, Serialize};

/// Largest file accepted (bytes) and most periods in a year (the notices have seven).
pub const HOLIDAY_IMPORT_MAX_BYTES: usize = 64 * 1024;
pub const HOLIDAY_IMPORT_MAX_ROWS: usize = 30;
/// Longest holiday period (days) and how far from it a 调休 working day may lie.
pub const PERIOD_MAX_DAYS: i64 = 15;
pub const WORKDAY_MAX_DISTANCE: i64 = 30;
/// Longest notice title and reason (characters).
pub const SOURCE_MAX: usize = 200;
pub const REASON_MAX: usize = 500;

/// The columns: header text (as it must appear in row 1) and the translation key of its
/// description.
pub const HOLIDAY_COLUMNS: [(&str, &str); 4] = [
    ("节日", "calendar.col.name"),
    ("放假开始", "calendar.col.first"),
    ("放假结束", "calendar.col.last"),
    ("调休上班", "calendar.col.workdays"),
];

/// The English names of the statutory holidays (全国年节及纪念日放假办法).
const ENGLISH_NAMES: [(&str, &str); 7] = [
    ("元旦", "New Year's Day"),
    ("春节", "Spring Festival"),
    ("清明节", "Qingming Festival"),
    ("劳动节", "Labour Day"),
    ("端午节", "Dragon Boat Festival"),
    ("中秋节", "Mid-Autumn Festival"),
    ("国庆节", "National Day"),
];

/// What the administrator states beside the file.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct YearForm {
    pub year: i32,
    pub status: YearStatus,
    /// The notice's title.
    pub source: String,
    /// Why the calendar changes (kept with the version and in the audit log).
    pub reason: String,
}

/// Checks the form's fields. Paths: `calendar.<field>`.
pub fn validate_form(f: &YearForm) -> FieldErrors {
    let mut errs = FieldErrors::new();
    if !(2000..=2100).contains(&f.year) {
        errs.add("calendar.year", "calendar.err.year");
    }
    for (path, text, max) in [
        ("calendar.source", &f.source, SOURCE_MAX),
        ("calendar.reason", &f.reason, REASON_MAX),
    ] {
        let n = text.trim().chars().count();
        if n == 0 {
            errs.add(path, "err.required");
        } else if n > max {
            errs.add(path, "err.too_long");
        }
    }
    errs
}

/// The downloadable template: the header and the rows of a notice, for `year`.
pub fn template(year: i32) -> String {
    let header: Vec<&str> = HOLIDAY_COLUMNS.iter().map(|(h, _)| *h).collect();
    format!(
        "{}\r\n国庆节,{year}-10-01,{year}-10-07,{year}-09-26、{year}-10-09\r\n",
        header.join(",")
    )
}

/// Reads a date written `2027-10-01`, `2027/10/1` or `2027.10.1`.
fn date(s: &str) -> Option<NaiveDate> {
    let s = s.trim().replace(['/', '.'], "-");
    NaiveDate::parse_from_str(&s, "%Y-%m-%d").ok()
}

/// The year's calendar from the form and the file, or every problem of the file. `current` is
/// the calendar in force: the new year's entries must fit with the neighbouring years'.
pub fn read_year(
    form: &YearForm,
    text: &str,
    current: &HolidayCalendar,
) -> Result<YearCalendar, Vec<RowError>> {
    let err = |line: usize, column: &str, key: &str, args: Vec<(String, String)>| RowError {
        line,
        column: column.to_string(),
        key: key.to_string(),
        args,
    };
    let records = parse_csv(text).map_err(|l| vec![err(l, "", "csv.err.open_quote", vec![])])?;
    let mut rows = records.into_iter();
    let expected: Vec<&str> = HOLIDAY_COLUMNS.iter().map(|(h, _)| *h).collect();
    match rows.next() {
        Some((_, h)) if h.iter().map(|c| c.trim()).eq(expected.iter().copied()) => {}
        _ => {
            let args = vec![("columns".to_string(), expected.join(","))];
            return Err(vec![err(1, "", "calendar.err.header", args)]);
        }
    }
    let rows: Vec<(usize, Vec<String>)> = rows.collect();
    if rows.is_empty() {
        return Err(vec![err(1, "", "calendar.err.empty", vec![])]);
    }
    if rows.len() > HOLIDAY_IMPORT_MAX_ROWS {
        let args = vec![("max".to_string(), HOLIDAY_IMPORT_MAX_ROWS.to_string())];
        return Err(vec![err(rows[0].0, "", "calendar.err.too_many", args)]);
    }
    let year = form.year;
    let year_arg = || vec![("year".to_string(), year.to_string())];
    let mut errors = Vec::new();
    let mut periods: Vec<(usize, HolidayPeriod)> = Vec::new();
    for (line, cells) in rows {
        let cell = |i: usize| cells.get(i).map(|c| c.trim()).unwrap_or("");
        let col = |i: usize| HOLIDAY_COLUMNS[i].1;
        let before = errors.len();
        let name = cell(0).to_string();
        if name.is_empty() {
            errors.push(err(line, col(0), "err.required", vec![]));
        } else if name.chars().count() > 20 {
            errors.push(err(line, col(0), "err.too_long", vec![]));
        }
        let mut day = |i: usize| {
            if cell(i).is_empty() {
                errors.push(err(line, col(i), "err.required", vec![]));
                None
            } else {
                let d = date(cell(i));
                if d.is_none() {
                    errors.push(err(line, col(i), "calendar.err.date", vec![]));
                }
                d
            }
        };
        let (first, last) = (day(1), day(2));
        let (Some(first), Some(last)) = (first, last) else {
            continue;
        };
        if last < first {
            errors.push(err(line, col(2), "calendar.err.range", vec![]));
            continue;
        }
        if (last - first).num_days() >= PERIOD_MAX_DAYS {
            let args = vec![("max".to_string(), PERIOD_MAX_DAYS.to_string())];
            errors.push(err(line, col(2), "calendar.err.too_long", args));
        }
        if last.year() != year {
            errors.push(err(line, col(2), "calendar.err.other_year", year_arg()));
        }
        let mut workdays = Vec::new();
        for w in cell(3)
            .split(['、', ';', '；', ',', '，', ' '])
            .filter(|w| !w.trim().is_empty())
        {
            match date(w) {
                None => errors.push(err(line, col(3), "calendar.err.date", vec![])),
                Some(w) if !matches!(w.weekday(), Weekday::Sat | Weekday::Sun) => {
                    let args = vec![("date".to_string(), w.to_string())];
                    errors.push(err(line, col(3), "calendar.err.not_weekend", args));
                }
                Some(w) if (first..=last).contains(&w) => {
                    let args = vec![("date".to_string(), w.to_string())];
                    errors.push(err(line, col(3), "calendar.err.workday_off", args));
                }
                Some(w)
                    if w < first - Duration::days(WORKDAY_MAX_DISTANCE)
                        || w > last + Duration::days(WORKDAY_MAX_DISTANCE) =>
                {
                    let args = vec![
                        ("date".to_string(), w.to_string()),
                        ("max".to_string(), WORKDAY_MAX_DISTANCE.to_string()),
                    ];
                    errors.push(err(line, col(3), "calendar.err.workday_far", args));
                }
                Some(w) => workdays.push(w),
            }
        }
        if errors.len() > before {
            continue;
        }
        for (other, p) in &periods {
            let overlaps = first <= p.last && p.first <= last;
            let shared = workdays
                .iter()
                .any(|w| p.workdays.contains(w) || (p.first..=p.last).contains(w))
                || p.workdays.iter().any(|w| (first..=last).contains(w));
            if overlaps || shared {
                let args = vec![("other".to_string(), other.to_string())];
                errors.push(err(line, col(1), "calendar.err.overlap", args));
            }
        }
        let name_en = ENGLISH_NAMES
            .iter()
            .find(|(zh, _)| *zh == name)
            .map_or_else(|| name.clone(), |(_, en)| en.to_string());
        periods.push((
            line,
            HolidayPeriod {
                name_zh: name,
                name_en,
                first,
                last,
                workdays,
            },
        ));
    }
    if !errors.is_empty() {
        return Err(errors);
    }
    let y = YearCalendar {
        year,
        status: form.status,
        source: form.source.trim().to_string(),
        periods: periods.into_iter().map(|(_, p)| p).collect(),
    };
    // A day of the new year's notice that the neighbouring year's entries use the other way.
    match current.with_year(&y) {
        Ok(_) => Ok(y),
        Err(CalendarError::Contradiction(day)) => {
            let args = vec![("date".to_string(), day.to_string())];
            Err(vec![err(1, "", "calendar.err.conflict", args)])
        }
        Err(_) => Err(vec![err(1, "", "calendar.err.conflict", vec![])]),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::deadline::{add_working_days, Clock, TimeLimits};

    fn d(y: i32, m: u32, day: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, day).expect("date")
    }

    fn form(year: i32) -> YearForm {
        YearForm {
            year,
            status: YearStatus::Published,
            source: format!("国务院办公厅关于{year}年部分节假日安排的通知"),
            reason: "通知已发布".into(),
        }
    }

    fn keys(r: Result<YearCalendar, Vec<RowError>>) -> Vec<(usize, String, String)> {
        r.expect_err("refused")
            .into_iter()
            .map(|e| (e.line, e.column, e.key))
            .collect()
    }

    const GUOQING_2027: &str =
        "节日,放假开始,放假结束,调休上班\n国庆节,2027-10-01,2027-10-07,2027-09-26、2027-10-09\n";

    #[test]
    fn reads_a_notice_and_moves_deadlines_across_guoqing() {
        let cal = HolidayCalendar::weekends_only();
        let y = read_year(&form(2027), GUOQING_2027, &cal).expect("valid");
        assert_eq!(y.periods.len(), 1);
        assert_eq!(y.periods[0].name_en, "National Day");
        assert_eq!((y.holiday_days(), y.working_weekend_days()), (7, 2));
        let cal = cal.with_year(&y).expect("fits");
        // Wed 09-29 + 3 working days: Thu 09-30, then 10-01..07 off, Fri 10-08, Sat 10-09 (调休).
        let due = TimeLimits::default().due_date(Clock::Draw, d(2027, 9, 29), &cal);
        assert_eq!(due, d(2027, 10, 9));
        // Sun 09-26 is a working day.
        assert_eq!(add_working_days(d(2027, 9, 25), 1, &cal), d(2027, 9, 26));
    }

    #[test]
    fn replaces_only_its_year() {
        let cal = HolidayCalendar::embedded();
        assert_eq!(cal.covers(2027), Some(YearStatus::Provisional));
        let y = read_year(&form(2027), GUOQING_2027, cal).expect("valid");
        let new = cal.with_year(&y).expect("fits");
        assert_eq!(new.covers(2027), Some(YearStatus::Published));
        assert_eq!(new.year(2027).expect("2027").periods.len(), 1);
        // 2026 untouched: 春节 still off, its 调休 Saturday still worked.
        assert_eq!(new.year(2026), cal.year(2026));
        assert!(!new.is_working_day(d(2026, 2, 17)));
        assert!(new.is_working_day(d(2026, 2, 14)));
        // The provisional 2027 春节 is gone with the provisional year.
        assert!(cal
            .periods()
            .iter()
            .any(|p| p.name_zh == "春节" && p.last.year() == 2027));
        assert!(!new
            .periods()
            .iter()
            .any(|p| p.name_zh == "春节" && p.last.year() == 2027));
    }

    #[test]
    fn every_problem_by_line_and_column() {
        let cal = HolidayCalendar::weekends_only();
        assert_eq!(
            keys(read_year(&form(2027), "日期,类型\n", &cal)),
            [(1, String::new(), "calendar.err.header".into())]
        );
        assert_eq!(
            keys(read_year(
                &form(2027),
                "节日,放假开始,放假结束,调休上班\n",
                &cal
            )),
            [(1, String::new(), "calendar.err.empty".into())]
        );
        let bad = "\u{feff}节日,放假开始,放假结束,调休上班\r\n\
            ,2027-10-01,2027-10-07,\r\n\
            春节,2027-02-30,2027-02-12,\r\n\
            劳动节,2027-05-05,2027-05-01,\r\n\
            中秋节,2028-09-15,2028-09-17,\r\n\
            端午节,2027-06-09,2027-06-11,2027-06-07\r\n\
            清明节,2027-04-05,2027-04-05,2027-04-05\r\n\
            国庆节,2027-10-01,2027-10-30,2027-12-25\r\n";
        let got = keys(read_year(&form(2027), bad, &cal));
        let want: Vec<(usize, String, String)> = [
            (2, "calendar.col.name", "err.required"),
            (3, "calendar.col.first", "calendar.err.date"),
            (4, "calendar.col.last", "calendar.err.range"),
            (5, "calendar.col.last", "calendar.err.other_year"),
            (6, "calendar.col.workdays", "calendar.err.not_weekend"),
            (7, "calendar.col.workdays", "calendar.err.not_weekend"),
            (8, "calendar.col.last", "calendar.err.too_long"),
            (8, "calendar.col.workdays", "calendar.err.workday_far"),
        ]
        .into_iter()
        .map(|(l, c, k)| (l, c.to_string(), k.to_string()))
        .collect();
        assert_eq!(got, want);
        let overlap = "节日,放假开始,放假结束,调休上班\n国庆节,2027-10-01,2027-10-07,\n中秋节,2027-10-07,2027-10-08,\n";
        assert_eq!(
            keys(read_year(&form(2027), overlap, &cal)),
            [(
                3,
                "calendar.col.first".into(),
                "calendar.err.overlap".into()
            )]
        );
        let inside = "节日,放假开始,放假结束,调休上班\n国庆节,2027-10-01,2027-10-07,2027-10-02\n";
        assert_eq!(
            keys(read_year(&form(2027), inside, &cal)),
            [(
                2,
                "calendar.col.workdays".into(),
                "calendar.err.workday_off".into()
            )]
        );
        assert_eq!(
            keys(read_year(&form(2027), "节日,\"放假开始\n", &cal)),
            [(1, String::new(), "csv.err.open_quote".into())]
        );
    }

    #[test]
    fn a_new_year_notice_may_reach_into_december() {
        // 元旦 2019: 2018-12-30 .. 2019-01-01 off, Sat 2018-12-29 worked.
        let text = "节日,放假开始,放假结束,调休上班\n元旦,2018/12/30,2019/1/1,2018.12.29\n";
        let cal = HolidayCalendar::weekends_only();
        let y = read_year(&form(2019), text, &cal).expect("valid");
        let cal = cal.with_year(&y).expect("fits");
        assert!(cal.is_working_day(d(2018, 12, 29)));
        assert!(!cal.is_working_day(d(2018, 12, 31)));
        assert_eq!(cal.year(2019).expect("2019").periods.len(), 1);
        assert_eq!(cal.covers(2018), None);
    }

    #[test]
    fn form_fields() {
        let mut f = form(1999);
        f.source = " ".into();
        f.reason = "x".repeat(REASON_MAX + 1);
        let e = validate_form(&f);
        for field in ["calendar.year", "calendar.source", "calendar.reason"] {
            assert!(e.for_field(field).next().is_some(), "{field}");
        }
        assert!(validate_form(&form(2027)).is_empty());
    }

    #[test]
    fn gaps_are_warned_before_the_year_starts() {
        let cal = HolidayCalendar::embedded();
        // 2026 is published; 2027 provisional, warned from early November 2026.
        assert!(cal.gaps(d(2026, 6, 1)).is_empty());
        assert_eq!(
            cal.gaps(d(2026, 12, 7)),
            [crate::domain::deadline::CalendarGap {
                year: 2027,
                status: Some(YearStatus::Provisional)
            }]
        );
        // 2028 has nothing at all; in 2027 itself the provisional year is warned all year.
        assert_eq!(cal.gaps(d(2027, 12, 1)).len(), 2);
        assert_eq!(cal.gaps(d(2027, 12, 1))[1].status, None);
    }

    #[test]
    fn the_template_reads() {
        let cal = HolidayCalendar::weekends_only();
        assert!(read_year(&form(2027), &template(2027), &cal).is_ok());
    }
}
