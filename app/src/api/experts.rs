//! Server functions of the expert pool (专家库).
//!
//! Who may call what (all through [`crate::domain::access::authorize`]):
//! - bureau roles (county and prefecture) read the pool ([`Permission::ViewExpertPool`]); county
//!   staff see phone numbers masked;
//! - prefecture roles keep it ([`Permission::EditExpertPool`]): create, edit, status, ties, CSV
//!   import, deciding proposals;
//! - county roles propose additions ([`Permission::ProposeExpert`]) and see their county's
//!   proposals and outcomes;
//! - an expert keeps their own declarations and availability
//!   ([`Permission::EditOwnExpertProfile`]) and sees their own record, never anyone else's.
//!
//! [`Permission::ViewExpertPool`]: crate::domain::access::Permission::ViewExpertPool
//! [`Permission::EditExpertPool`]: crate::domain::access::Permission::EditExpertPool
//! [`Permission::ProposeExpert`]: crate::domain::access::Permission::ProposeExpert
//! [`Permission::EditOwnExpertProfile`]: crate::domain::access::Permission::EditOwnExpertProfile

use super::AppError;
use crate::domain::draw::{ExpertStatus, Ties};
use crate::domain::expert::{ExpertInput, ExpertKind};
use crate::domain::item::ItemDomain;
use chrono::NaiveDate;
use leptos::prelude::*;
use leptos::server_fn::codec::Json;
use serde::{Deserialize, Serialize};

/// Days before the end of a term that count as "ending soon".
pub const ENDING_SOON_DAYS: i64 = 90;
/// Longest status reason, proposal note or availability note (characters).
pub const REASON_MAX: usize = 200;
/// Largest CSV file accepted (bytes) and most data rows.
pub const IMPORT_MAX_BYTES: usize = 1024 * 1024;
pub const IMPORT_MAX_ROWS: usize = 2000;

/// The list's filters, as kept in the URL query string (`?q=&domain=&stage=&kind=&county=
/// &status=&ending=1`). Empty means "any"; `county=prefecture` is the prefecture's own pool.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct PoolQuery {
    #[serde(default)]
    pub q: String,
    #[serde(default)]
    pub domain: String,
    #[serde(default)]
    pub stage: String,
    #[serde(default)]
    pub kind: String,
    #[serde(default)]
    pub county: String,
    #[serde(default)]
    pub status: String,
    #[serde(default)]
    pub ending: bool,
}

/// What the pool pages need besides the experts: the caller's abilities and the pick lists.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct PoolMeta {
    pub can_edit: bool,
    pub can_propose: bool,
    pub counties: Vec<(i64, String)>,
    pub institutions: Vec<(i64, String)>,
}

/// One line of the pool list.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ExpertRow {
    pub id: i64,
    pub name: String,
    pub employer: String,
    pub input_title: crate::domain::expert::ProfessionalTitle,
    pub kind: ExpertKind,
    pub domains: Vec<ItemDomain>,
    pub stages: Vec<crate::domain::terms::Stage>,
    pub county_name: String,
    /// Masked for county staff.
    pub phone: String,
    pub term_end: NaiveDate,
    pub status: ExpertStatus,
    pub ending_soon: bool,
    pub declared: bool,
}

/// One audit event about an expert.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct HistoryRow {
    pub at: String,
    pub actor_name: String,
    pub action: String,
    pub reason: String,
}

/// An expert's record as the pool (or the expert) sees it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ExpertDetail {
    pub id: i64,
    /// `mobile` is masked for county staff.
    pub input: ExpertInput,
    pub county_name: String,
    pub status: ExpertStatus,
    pub status_reason: String,
    pub ties: Ties,
    /// China Standard Time of the last declaration.
    pub declared_at: Option<String>,
    pub unavailable_from: Option<NaiveDate>,
    pub unavailable_until: Option<NaiveDate>,
    pub availability_note: String,
    pub version: i32,
    pub can_edit: bool,
    /// 职称核验 (guide 五(三)): the certificate and its check.
    pub title_check: TitleCheck,
    /// Recent changes (prefecture staff only).
    pub history: Vec<HistoryRow>,
    /// 考评记录 and 信用记录 (bureau roles).
    pub ratings: Option<super::ratings::ExpertRatings>,
    pub credit: Option<super::credit::CreditRecords>,
}

/// The title certificate and its check, as the pool manager and the expert see them.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct TitleCheck {
    /// The current certificate's file name, and when it was uploaded (China time).
    pub certificate: Option<(String, String)>,
    /// Where it downloads from.
    pub href: Option<String>,
    /// When (China time) and by whom the title was checked; `None`: not checked.
    pub verified: Option<(String, String)>,
    /// The reader may upload a certificate (the expert, or the pool manager).
    pub can_upload: bool,
    /// The reader may check the title (the pool manager), a certificate being there.
    pub can_verify: bool,
}

/// A proposal to add an expert, as its readers see it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ProposalView {
    pub id: i64,
    pub county_name: String,
    pub proposer_name: String,
    pub input: ExpertInput,
    pub note: String,
    /// "pending", "approved", "rejected"
    pub status: String,
    pub decision_reason: String,
    pub decided_at: Option<String>,
    pub expert_id: Option<i64>,
    pub version: i32,
    pub created_at: String,
}

/// One problem of one CSV row: `line` is the line of the file (the header is line 1), `column`
/// the translation key of the column's name (empty for the whole row).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct RowError {
    pub line: usize,
    pub column: String,
    pub key: String,
    #[serde(default)]
    pub args: Vec<(String, String)>,
}

/// The outcome of an import: either every row was added (`errors` empty) or none.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ImportReport {
    pub imported: usize,
    pub rows: usize,
    pub errors: Vec<RowError>,
}

/// The columns of the import file: header text (as it must appear in row 1) and the translation
/// key of its description.
pub const IMPORT_COLUMNS: [(&str, &str); 12] = [
    ("姓名", "experts.col.name"),
    ("工作单位", "experts.col.employer"),
    ("职称", "experts.col.title"),
    ("专家类别", "experts.col.kind"),
    ("擅长领域", "experts.col.domains"),
    ("熟悉学段", "experts.col.stages"),
    ("所在县（市）", "experts.col.region"),
    ("手机号", "experts.col.mobile"),
    ("聘期开始", "experts.col.term_start"),
    ("聘期结束", "experts.col.term_end"),
    ("本人未在培训机构任职兼职", "experts.col.declares_no_post"),
    (
        "近亲属未在培训机构任职兼职",
        "experts.col.declares_relatives_no_post",
    ),
];

/// An optional column of the import file: the expert's declaration of never having held a
/// part-time job at a training institution (guide 五(五)). Without it the experts imported have
/// not declared it (and are not drawn until they do, on their own profile).
pub const IMPORT_PART_TIME_COLUMN: (&str, &str) = (
    "本人从未在校外培训机构兼职",
    "experts.col.declares_no_part_time_history",
);

/// An optional column: the curriculum subjects a 学科/教学 expert is qualified in (任教学科),
/// "、"-separated names (语文、数学、英语 … 综合实践活动).
pub const IMPORT_SUBJECTS_COLUMN: (&str, &str) = ("任教学科", "experts.col.school_subjects");

/// The downloadable template: the header row and one example row.
pub fn import_template() -> String {
    let mut header: Vec<&str> = IMPORT_COLUMNS.iter().map(|(h, _)| *h).collect();
    header.push(IMPORT_PART_TIME_COLUMN.0);
    header.push(IMPORT_SUBJECTS_COLUMN.0);
    format!(
        "{}\r\n李明,昌吉市第一中学,副高级,学科/教学专家,体育、艺术,小学、初中,昌吉市,13912345678,2026-09-01,2029-08-31,是,是,是,体育与健康、艺术\r\n",
        header.join(",")
    )
}

/// 139****1234: the first three and the last four characters stay.
pub fn mask_phone(p: &str) -> String {
    let c: Vec<char> = p.trim().chars().collect();
    if c.len() < 8 {
        return "****".into();
    }
    let head: String = c[..3].iter().collect();
    let tail: String = c[c.len() - 4..].iter().collect();
    format!("{head}****{tail}")
}

/// The expert's own declarations and availability, as sent by `/expert/profile`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct DeclarationsInput {
    pub declares_no_post: bool,
    pub declares_relatives_no_post: bool,
    /// 本人从未在校外培训机构兼职 (guide 五(五)).
    #[serde(default)]
    pub declares_no_part_time_history: bool,
    pub unavailable_from: Option<NaiveDate>,
    pub unavailable_until: Option<NaiveDate>,
    #[serde(default)]
    pub availability_note: String,
}

/// Checks the availability part (declarations themselves may be given or withdrawn).
/// Paths: `availability.<field>`.
pub fn validate_declarations(d: &DeclarationsInput) -> crate::domain::error::FieldErrors {
    let mut errs = crate::domain::error::FieldErrors::new();
    match (d.unavailable_from, d.unavailable_until) {
        (Some(_), None) => errs.add("availability.unavailable_until", "experts.err.dates_both"),
        (None, Some(_)) => errs.add("availability.unavailable_from", "experts.err.dates_both"),
        (Some(f), Some(u)) if u < f => {
            errs.add("availability.unavailable_until", "experts.err.dates_order")
        }
        _ => {}
    }
    if d.availability_note.trim().chars().count() > REASON_MAX {
        errs.push(
            crate::domain::error::FieldError::new(
                "availability.availability_note",
                "err.text_too_long",
            )
            .arg("max", REASON_MAX),
        );
    }
    errs
}

#[cfg(feature = "ssr")]
pub mod import {
    //! Reading the import file: a small RFC 4180 reader (quotes, doubled quotes, line breaks
    //! inside quotes, CRLF or LF, an optional UTF-8 BOM) and the mapping of cells to
    //! [`ExpertInput`], each problem reported by line and column.

    use super::{RowError, IMPORT_COLUMNS};
    use crate::domain::expert::{validate_expert, ExpertInput, ExpertKind, ProfessionalTitle};
    use crate::domain::ids::CountyId;
    use crate::domain::item::{ItemDomain, SchoolSubject};
    use crate::domain::terms::Stage;
    use chrono::NaiveDate;

    /// Records with the line each starts on; blank lines are skipped. `Err(line)`: a quote
    /// opened on that line is never closed.
    pub fn parse_csv(text: &str) -> Result<Vec<(usize, Vec<String>)>, usize> {
        let text = text.strip_prefix('\u{feff}').unwrap_or(text);
        let mut out = Vec::new();
        let mut rec: Vec<String> = Vec::new();
        let mut cell = String::new();
        let mut quoted = false;
        let mut line = 1;
        let mut start = 1;
        let mut quote_line = 0;
        let mut chars = text.chars().peekable();
        let mut push_rec = |rec: &mut Vec<String>, cell: &mut String, start: usize| {
            rec.push(std::mem::take(cell));
            let r = std::mem::take(rec);
            if !(r.len() == 1 && r[0].trim().is_empty()) {
                out.push((start, r));
            }
        };
        while let Some(ch) = chars.next() {
            if quoted {
                match ch {
                    '"' if chars.peek() == Some(&'"') => {
                        chars.next();
                        cell.push('"');
                    }
                    '"' => quoted = false,
                    '\n' => {
                        line += 1;
                        cell.push('\n');
                    }
                    c => cell.push(c),
                }
                continue;
            }
            match ch {
                '"' if cell.trim().is_empty() => {
                    cell.clear();
                    quoted = true;
                    quote_line = line;
                }
                ',' => rec.push(std::mem::take(&mut cell)),
                '\r' if chars.peek() == Some(&'\n') => {}
                '\n' | '\r' => {
                    push_rec(&mut rec, &mut cell, start);
                    line += 1;
                    start = line;
                }
                c => cell.push(c),
            }
        }
        if quoted {
            return Err(quote_line);
        }
        push_rec(&mut rec, &mut cell, start);
        Ok(out)
    }

    fn split_list(s: &str) -> Vec<String> {
        s.split(['、', ';', '；', ',', '，', '|', '/', ' '])
            .map(|x| x.trim().to_string())
            .filter(|x| !x.is_empty())
            .collect()
    }

    fn title(s: &str) -> Option<ProfessionalTitle> {
        Some(match s {
            "初级" | "初级及以下" | "无" | "无职称" => ProfessionalTitle::Junior,
            "中级" => ProfessionalTitle::Intermediate,
            "副高级" | "副高" => ProfessionalTitle::AssociateSenior,
            "正高级" | "正高" => ProfessionalTitle::Senior,
            other => return ProfessionalTitle::from_code(other),
        })
    }

    fn kind(s: &str) -> Option<ExpertKind> {
        Some(match s {
            "学科/教学专家" | "学科" | "教学" | "学科专家" | "教学专家" | "subject" => {
                ExpertKind::SubjectTeaching
            }
            "法律专家" | "法律" => ExpertKind::Legal,
            other => return ExpertKind::from_code(other),
        })
    }

    fn domain(s: &str) -> Option<ItemDomain> {
        Some(match s {
            "体育" => ItemDomain::Sports,
            "艺术" => ItemDomain::Arts,
            "科技" => ItemDomain::Technology,
            "综合实践" => ItemDomain::Practice,
            "语言" => ItemDomain::Language,
            "思维" => ItemDomain::Thinking,
            "其他" => ItemDomain::Other,
            other => return ItemDomain::from_code(other),
        })
    }

    fn stage(s: &str) -> Option<Stage> {
        Some(match s {
            "学前" => Stage::Preschool,
            "小学" => Stage::Primary,
            "初中" => Stage::Junior,
            other => return Stage::from_code(other),
        })
    }

    fn yes_no(s: &str) -> Option<bool> {
        match s {
            "是" | "Y" | "y" | "yes" | "1" | "true" => Some(true),
            "否" | "N" | "n" | "no" | "0" | "false" => Some(false),
            _ => None,
        }
    }

    fn date(s: &str) -> Option<NaiveDate> {
        NaiveDate::parse_from_str(s, "%Y-%m-%d")
            .or_else(|_| NaiveDate::parse_from_str(s, "%Y/%m/%d"))
            .ok()
    }

    fn col(i: usize) -> String {
        IMPORT_COLUMNS[i].1.to_string()
    }

    /// The rows of a file as inputs, or every problem found. `counties`: (code, name).
    /// Rows are checked with [`validate_expert`]; a mobile number used twice in the file or
    /// already in the pool is refused.
    pub fn rows_to_inputs(
        text: &str,
        counties: &[(i64, String)],
        pool_mobiles: &std::collections::HashSet<String>,
    ) -> (usize, Vec<ExpertInput>, Vec<RowError>) {
        let err = |line: usize, column: String, key: &str| RowError {
            line,
            column,
            key: key.into(),
            args: Vec::new(),
        };
        let records = match parse_csv(text) {
            Ok(r) => r,
            Err(line) => {
                return (
                    0,
                    vec![],
                    vec![err(line, String::new(), "experts.err.unclosed_quote")],
                )
            }
        };
        let mut it = records.into_iter();
        let Some((hline, header)) = it.next() else {
            return (
                0,
                vec![],
                vec![err(1, String::new(), "experts.err.empty_file")],
            );
        };
        let mut errors = Vec::new();
        // Where each column is in this file.
        let mut pos = [usize::MAX; IMPORT_COLUMNS.len()];
        for (i, (h, _)) in IMPORT_COLUMNS.iter().enumerate() {
            match header.iter().position(|x| x.trim() == *h) {
                Some(p) => pos[i] = p,
                None => errors.push(err(hline, col(i), "experts.err.column_missing")),
            }
        }
        if !errors.is_empty() {
            return (0, vec![], errors);
        }
        let part_time_pos = header
            .iter()
            .position(|x| x.trim() == super::IMPORT_PART_TIME_COLUMN.0);
        let subjects_pos = header
            .iter()
            .position(|x| x.trim() == super::IMPORT_SUBJECTS_COLUMN.0);
        let data: Vec<(usize, Vec<String>)> = it.collect();
        if data.is_empty() {
            return (
                0,
                vec![],
                vec![err(hline, String::new(), "experts.err.no_rows")],
            );
        }
        if data.len() > super::IMPORT_MAX_ROWS {
            let mut e = err(hline, String::new(), "experts.err.too_many_rows");
            e.args
                .push(("max".into(), super::IMPORT_MAX_ROWS.to_string()));
            return (data.len(), vec![], vec![e]);
        }
        let mut inputs = Vec::new();
        let mut seen = std::collections::HashMap::<String, usize>::new();
        for (line, cells) in &data {
            let line = *line;
            let cell = |i: usize| cells.get(pos[i]).map(|s| s.trim()).unwrap_or("");
            let mut row_errs = Vec::new();
            let mut bad = |i: usize, key: &str| row_errs.push(err(line, col(i), key));
            let title = title(cell(2)).unwrap_or_else(|| {
                bad(2, "experts.err.title_unknown");
                ProfessionalTitle::Junior
            });
            let kind = kind(cell(3)).unwrap_or_else(|| {
                bad(3, "experts.err.kind_unknown");
                ExpertKind::SubjectTeaching
            });
            let mut domains = Vec::new();
            for d in split_list(cell(4)) {
                match domain(&d) {
                    Some(x) if !domains.contains(&x) => domains.push(x),
                    Some(_) => {}
                    None => bad(4, "experts.err.domain_unknown"),
                }
            }
            let mut stages = Vec::new();
            for s in split_list(cell(5)) {
                match stage(&s) {
                    Some(x) if !stages.contains(&x) => stages.push(x),
                    Some(_) => {}
                    None => bad(5, "experts.err.stage_unknown"),
                }
            }
            let region = match cell(6) {
                "" | "州直" | "州本级" => None,
                r => match counties
                    .iter()
                    .find(|(id, name)| name == r || id.to_string() == r)
                {
                    Some((id, _)) => Some(CountyId(*id)),
                    None => {
                        bad(6, "experts.err.county_unknown");
                        None
                    }
                },
            };
            let term_start = date(cell(8)).unwrap_or_else(|| {
                bad(8, "experts.err.date_format");
                NaiveDate::MIN
            });
            let term_end = date(cell(9)).unwrap_or_else(|| {
                bad(9, "experts.err.date_format");
                NaiveDate::MAX
            });
            let own = yes_no(cell(10)).unwrap_or_else(|| {
                bad(10, "experts.err.yes_no");
                true
            });
            let rel = yes_no(cell(11)).unwrap_or_else(|| {
                bad(11, "experts.err.yes_no");
                true
            });
            let part_time = match part_time_pos {
                Some(p) => {
                    // Optional: a blank cell is "not declared" (the expert declares it later).
                    let v = cells.get(p).map(|s| s.trim()).unwrap_or("");
                    (!v.is_empty())
                        .then_some(v)
                        .map_or(Some(false), yes_no)
                        .unwrap_or_else(|| {
                            row_errs.push(err(
                                line,
                                super::IMPORT_PART_TIME_COLUMN.1.into(),
                                "experts.err.yes_no",
                            ));
                            false
                        })
                }
                None => false,
            };
            let mut school_subjects = Vec::new();
            if let Some(p) = subjects_pos {
                for name in split_list(cells.get(p).map(|s| s.trim()).unwrap_or("")) {
                    match SchoolSubject::ALL
                        .into_iter()
                        .find(|x| x.zh() == name || x.code() == name)
                    {
                        Some(x) if !school_subjects.contains(&x) => school_subjects.push(x),
                        Some(_) => {}
                        None => row_errs.push(err(
                            line,
                            super::IMPORT_SUBJECTS_COLUMN.1.into(),
                            "experts.err.subject_unknown",
                        )),
                    }
                }
            }
            let dates_ok = term_start != NaiveDate::MIN && term_end != NaiveDate::MAX;
            let input = ExpertInput {
                name: cell(0).into(),
                id_number: String::new(),
                employer: cell(1).into(),
                title,
                kind,
                domains,
                stages,
                school_subjects,
                region,
                mobile: cell(7).into(),
                term_start,
                term_end,
                declares_no_post: own,
                declares_relatives_no_post: rel,
                declares_no_part_time_history: part_time,
            };
            let parsed_title_ok = !row_errs.iter().any(|e| e.column == col(2));
            for f in validate_expert(&input).0 {
                let field = f.field.strip_prefix("expert.").unwrap_or(&f.field);
                // Already reported as unreadable: no second message for the same cell.
                if (field == "title" && !parsed_title_ok)
                    || (field.starts_with("term") && !dates_ok)
                {
                    continue;
                }
                row_errs.push(RowError {
                    line,
                    column: format!("experts.col.{field}"),
                    key: f.key,
                    args: f.args,
                });
            }
            let mobile = input.mobile.clone();
            if !mobile.is_empty() {
                if let Some(first) = seen.get(&mobile) {
                    let mut e = err(line, col(7), "experts.err.mobile_repeated");
                    e.args.push(("line".into(), first.to_string()));
                    row_errs.push(e);
                } else if pool_mobiles.contains(&mobile) {
                    row_errs.push(err(line, col(7), "experts.err.mobile_in_pool"));
                }
                seen.entry(mobile).or_insert(line);
            }
            if row_errs.is_empty() {
                inputs.push(input);
            } else {
                errors.extend(row_errs);
            }
        }
        (data.len(), inputs, errors)
    }

    #[cfg(test)]
    mod tests {
        use super::*;

        fn counties() -> Vec<(i64, String)> {
            vec![(652301, "昌吉市".into()), (652302, "阜康市".into())]
        }

        #[test]
        fn reads_quotes_bom_and_crlf() {
            let t = "\u{feff}a,\"b,c\",\"say \"\"hi\"\"\"\r\n\r\n1,\"two\nlines\",3\n";
            let r = parse_csv(t).unwrap();
            assert_eq!(r.len(), 2);
            assert_eq!(
                r[0],
                (1, vec!["a".into(), "b,c".into(), "say \"hi\"".into()])
            );
            assert_eq!(r[1], (3, vec!["1".into(), "two\nlines".into(), "3".into()]));
            assert_eq!(parse_csv("a,\"b\n"), Err(1));
        }

        #[test]
        fn template_imports_cleanly() {
            let (n, inputs, errs) = rows_to_inputs(
                &super::super::import_template(),
                &counties(),
                &Default::default(),
            );
            assert_eq!(errs, vec![]);
            assert_eq!(n, 1);
            let i = &inputs[0];
            assert_eq!(i.title, ProfessionalTitle::AssociateSenior);
            assert_eq!(i.domains, vec![ItemDomain::Sports, ItemDomain::Arts]);
            assert_eq!(i.stages, vec![Stage::Primary, Stage::Junior]);
            assert_eq!(i.region, Some(CountyId(652301)));
        }

        #[test]
        fn each_bad_cell_is_reported_by_line_and_column() {
            let mut t = super::super::import_template();
            t.push_str(
                "张三,某中学,初级,法律专家,,,州直,13900000001,2026-09-01,2029-08-31,是,是\n",
            );
            t.push_str(
                "王五,某中学,中级,火星专家,体育,小学,乌鲁木齐,139,2026-13-01,2029-08-31,否,是\n",
            );
            t.push_str("赵六,某中学,中级,法律,,,,13900000001,2026-09-01,2029-08-31,是,是\n");
            let (n, inputs, errs) = rows_to_inputs(&t, &counties(), &Default::default());
            assert_eq!(n, 4);
            assert_eq!(inputs.len(), 1, "{errs:?}");
            let at = |line: usize| -> Vec<(String, String)> {
                errs.iter()
                    .filter(|e| e.line == line)
                    .map(|e| (e.column.clone(), e.key.clone()))
                    .collect()
            };
            assert_eq!(
                at(3),
                vec![(
                    "experts.col.title".into(),
                    "err.title_below_intermediate".into()
                )]
            );
            let l4 = at(4);
            for (c, k) in [
                ("experts.col.kind", "experts.err.kind_unknown"),
                ("experts.col.region", "experts.err.county_unknown"),
                ("experts.col.term_start", "experts.err.date_format"),
                ("experts.col.mobile", "err.mobile_format"),
                ("experts.col.declares_no_post", "err.declaration_required"),
            ] {
                assert!(l4.contains(&(c.into(), k.into())), "{c} {k}: {l4:?}");
            }
            assert_eq!(
                at(5),
                vec![(
                    "experts.col.mobile".into(),
                    "experts.err.mobile_repeated".into()
                )]
            );
        }

        #[test]
        fn missing_columns_and_empty_files() {
            let (_, _, e) = rows_to_inputs(
                "姓名,工作单位\n张三,某校\n",
                &counties(),
                &Default::default(),
            );
            assert_eq!(e.len(), 10);
            assert!(e
                .iter()
                .all(|x| x.line == 1 && x.key == "experts.err.column_missing"));
            let (_, _, e) = rows_to_inputs("", &counties(), &Default::default());
            assert_eq!(e[0].key, "experts.err.empty_file");
            let header = super::super::import_template()
                .lines()
                .next()
                .unwrap()
                .to_string();
            let (_, _, e) = rows_to_inputs(&header, &counties(), &Default::default());
            assert_eq!(e[0].key, "experts.err.no_rows");
        }
    }
}

#[cfg(feature = "ssr")]
mod ssr {
    use super::*;
    use crate::api::server::{fail, require, state, AppState, Me};
    use crate::domain::access::{authorize, Permission};
    use crate::domain::ids::CountyId;
    use crate::store::audit::Entry;
    use crate::store::entities::{expert, expert_proposal};
    use crate::store::experts as store;

    pub use crate::domain::china_time::china_minute as cst;

    /// The signed-in user, if the policy allows `perm`.
    pub async fn allowed(perm: Permission) -> Result<(Me, AppState), AppError> {
        let me = require().await?;
        authorize(&me.actor, &perm, None).map_err(|d| fail(crate::api::denied(d)))?;
        let st = state().map_err(fail)?;
        Ok((me, st))
    }

    pub fn can(me: &Me, perm: Permission) -> bool {
        authorize(&me.actor, &perm, None).is_ok()
    }

    pub fn to_input(m: &expert::Model) -> ExpertInput {
        ExpertInput {
            name: m.name.clone(),
            id_number: String::new(),
            employer: m.employer.clone(),
            title: store::title_from_db(&m.title),
            kind: store::kind_from_db(&m.kind),
            domains: store::parse_domains(&m.subjects),
            stages: store::parse_stages(&m.stages),
            school_subjects: store::parse_school_subjects(&m.school_subjects),
            region: m.county_id.map(CountyId),
            mobile: m.phone.clone(),
            term_start: m.term_start,
            term_end: m.term_end,
            declares_no_post: m.declares_no_post,
            declares_relatives_no_post: m.declares_relatives_no_post,
            declares_no_part_time_history: m.declares_no_part_time_history,
        }
    }

    pub async fn county_names(st: &AppState) -> Result<Vec<(i64, String)>, AppError> {
        Ok(crate::store::reference::counties(&st.db)
            .await?
            .into_iter()
            .map(|c| (c.id, c.name_zh))
            .collect())
    }

    pub fn region_name(counties: &[(i64, String)], id: Option<i64>) -> String {
        match id {
            None => "州直".into(),
            Some(id) => counties
                .iter()
                .find(|(c, _)| *c == id)
                .map(|(_, n)| n.clone())
                .unwrap_or_else(|| id.to_string()),
        }
    }

    /// Domain validation plus the region being a county of the prefecture.
    pub async fn check(st: &AppState, input: &ExpertInput) -> Result<(), AppError> {
        let mut errs = crate::domain::expert::validate_expert(input);
        if let Some(r) = input.region {
            if !county_names(st).await?.iter().any(|(c, _)| *c == r.0) {
                errs.add("expert.region", "err.county_invalid");
            }
        }
        if errs.is_empty() {
            Ok(())
        } else {
            Err(fail(AppError::Validation(errs)))
        }
    }

    pub fn reason_ok(reason: &str, field: &str) -> Result<(), AppError> {
        let n = reason.trim().chars().count();
        let mut errs = crate::domain::error::FieldErrors::new();
        if n == 0 {
            errs.add(field, "err.required");
        } else if n > REASON_MAX {
            errs.push(
                crate::domain::error::FieldError::new(field, "err.text_too_long")
                    .arg("max", REASON_MAX),
            );
        }
        if errs.is_empty() {
            Ok(())
        } else {
            Err(fail(AppError::Validation(errs)))
        }
    }

    pub fn entry(me: &Me, action: &str, object: String, details: serde_json::Value) -> Entry {
        Entry::new(action, object)
            .by(
                Some(me.user.id),
                me.actor.role.code(),
                &crate::api::server::client_addr(),
            )
            .details(details)
    }

    pub async fn detail(
        me: &Me,
        st: &AppState,
        m: expert::Model,
        mask: bool,
        with_history: bool,
    ) -> Result<ExpertDetail, AppError> {
        let counties = county_names(st).await?;
        let mut input = to_input(&m);
        if mask {
            input.mobile = mask_phone(&input.mobile);
        }
        let history = if with_history {
            let events = store::history(&st.db, m.id, 20).await?;
            let names = crate::store::reference::display_names(
                &st.db,
                events.iter().filter_map(|e| e.actor_id).collect(),
            )
            .await?;
            events
                .into_iter()
                .map(|e| HistoryRow {
                    at: cst(e.at),
                    actor_name: e
                        .actor_id
                        .and_then(|a| names.get(&a).cloned())
                        .unwrap_or_default(),
                    action: e.action,
                    reason: serde_json::from_str::<serde_json::Value>(&e.details)
                        .ok()
                        .and_then(|v| v.get("reason").and_then(|r| r.as_str().map(String::from)))
                        .unwrap_or_default(),
                })
                .collect()
        } else {
            Vec::new()
        };
        let (ratings, credit) = if me.actor.role.is_bureau() {
            (
                Some(crate::api::ratings::expert_ratings_for(&st.db, me, m.id).await?),
                Some(
                    crate::api::credit::records_for(
                        &st.db,
                        me,
                        crate::domain::credit::CreditSubject::Expert,
                        m.id,
                    )
                    .await?,
                ),
            )
        } else {
            (None, None)
        };
        Ok(ExpertDetail {
            ratings,
            credit,
            id: m.id,
            input,
            county_name: region_name(&counties, m.county_id),
            status: store::status_from_db(&m.status),
            status_reason: m.status_reason.clone(),
            ties: store::parse_ties(&m.affiliations),
            declared_at: m.declared_at.map(cst),
            unavailable_from: m.unavailable_from,
            unavailable_until: m.unavailable_until,
            availability_note: m.availability_note.clone(),
            version: m.version,
            can_edit: can(me, Permission::EditExpertPool),
            title_check: title_check(me, &m),
            history,
        })
    }

    /// The title check as `me` may see it (only the pool's readers and the expert get here).
    pub fn title_check(me: &Me, m: &expert::Model) -> TitleCheck {
        let has = m.title_cert_sha256.is_some();
        let checkable =
            crate::domain::expert::title_check_refusal(has, m.title_verified_at.is_some())
                .is_none();
        TitleCheck {
            certificate: has.then(|| {
                (
                    m.title_cert_name.clone(),
                    m.title_cert_at.map(cst).unwrap_or_default(),
                )
            }),
            href: has.then(|| format!("/files/experts/{}/title-certificate", m.id)),
            verified: m
                .title_verified_at
                .map(|at| (cst(at), m.title_verified_by.clone())),
            can_upload: can(
                me,
                Permission::UploadTitleCertificate(crate::domain::ids::ExpertId(m.id)),
            ),
            can_verify: checkable && can(me, Permission::VerifyExpertTitle),
        }
    }

    pub async fn proposal_view(
        st: &AppState,
        p: expert_proposal::Model,
        counties: &[(i64, String)],
        mask: bool,
    ) -> Result<ProposalView, AppError> {
        let mut input = store::proposal_input(&p)?;
        if mask {
            input.mobile = mask_phone(&input.mobile);
        }
        let proposer_name = crate::store::reference::display_names(&st.db, vec![p.proposed_by])
            .await?
            .remove(&p.proposed_by)
            .unwrap_or_default();
        Ok(ProposalView {
            id: p.id,
            county_name: region_name(counties, p.county_id),
            proposer_name,
            input,
            note: p.note,
            status: p.status,
            decision_reason: p.decision_reason,
            decided_at: p.decided_at.map(cst),
            expert_id: p.expert_id,
            version: p.version,
            created_at: cst(p.created_at),
        })
    }
}

/// The caller's abilities and the pick lists (counties, institutions): bureau roles.
#[server(prefix = "/api", endpoint = "expert_pool_meta")]
pub async fn expert_pool_meta() -> Result<PoolMeta, AppError> {
    use self::ssr::*;

    use crate::domain::access::Permission;
    let (me, st) = allowed(Permission::ViewExpertPool).await?;
    let can_edit = can(&me, Permission::EditExpertPool);
    let institutions = if can_edit {
        crate::store::reference::institutions(&st.db)
            .await?
            .into_iter()
            .map(|i| (i.id, i.name))
            .collect()
    } else {
        Vec::new()
    };
    Ok(PoolMeta {
        can_edit,
        can_propose: can(&me, Permission::ProposeExpert),
        counties: county_names(&st).await?,
        institutions,
    })
}

/// The pool, filtered: bureau roles (county staff see phone numbers masked).
#[server(prefix = "/api", endpoint = "search_experts", input = Json)]
pub async fn search_experts(query: PoolQuery) -> Result<Vec<ExpertRow>, AppError> {
    use self::ssr::*;

    use crate::domain::access::Permission;
    use crate::domain::china_time::china_date;
    use crate::store::experts::{self as store, Filter, RegionFilter};
    let (me, st) = allowed(Permission::ViewExpertPool).await?;
    let mask = !can(&me, Permission::EditExpertPool);
    let today = china_date(st.clock.now());
    let soon = today + chrono::Duration::days(ENDING_SOON_DAYS);
    let f = Filter {
        text: query.q.chars().take(50).collect(),
        domain: ItemDomain::from_code(&query.domain),
        stage: crate::domain::terms::Stage::from_code(&query.stage),
        kind: ExpertKind::from_code(&query.kind).or(match query.kind.as_str() {
            "subject" => Some(ExpertKind::SubjectTeaching),
            _ => None,
        }),
        region: match query.county.as_str() {
            "" => RegionFilter::Any,
            "prefecture" => RegionFilter::Prefecture,
            c => c
                .parse()
                .map(RegionFilter::County)
                .unwrap_or(RegionFilter::Any),
        },
        status: match query.status.as_str() {
            "active" => Some(ExpertStatus::Active),
            "suspended" => Some(ExpertStatus::Suspended),
            "removed" => Some(ExpertStatus::Removed),
            _ => None,
        },
        term_ends_within: query.ending.then_some((today, soon)),
    };
    let counties = county_names(&st).await?;
    let rows = store::search(&st.db, &f).await?;
    Ok(rows
        .into_iter()
        .map(|m| ExpertRow {
            id: m.id,
            input_title: store::title_from_db(&m.title),
            kind: store::kind_from_db(&m.kind),
            domains: store::parse_domains(&m.subjects),
            stages: store::parse_stages(&m.stages),
            county_name: region_name(&counties, m.county_id),
            phone: if mask {
                mask_phone(&m.phone)
            } else {
                m.phone.clone()
            },
            term_end: m.term_end,
            status: store::status_from_db(&m.status),
            ending_soon: m.term_end >= today && m.term_end <= soon,
            declared: m.declares_no_post && m.declares_relatives_no_post,
            name: m.name,
            employer: m.employer,
        })
        .collect())
}

/// One expert of the pool: bureau roles (history for prefecture staff only).
#[server(prefix = "/api", endpoint = "get_expert", input = Json)]
pub async fn get_expert(id: i64) -> Result<ExpertDetail, AppError> {
    use self::ssr::*;
    use crate::api::server::fail;
    use crate::domain::access::Permission;
    let (me, st) = allowed(Permission::ViewExpertPool).await?;
    let m = crate::store::experts::get(&st.db, id)
        .await?
        .ok_or_else(|| fail(AppError::NotFound))?;
    let editor = can(&me, Permission::EditExpertPool);
    detail(&me, &st, m, !editor, editor).await
}

/// Adds an expert: prefecture roles. Returns the new id.
#[server(prefix = "/api", endpoint = "create_expert", input = Json)]
pub async fn create_expert(input: ExpertInput) -> Result<i64, AppError> {
    use self::ssr::*;

    use crate::domain::access::Permission;
    let (me, st) = allowed(Permission::EditExpertPool).await?;
    let mut input = input;
    input.id_number = String::new();
    check(&st, &input).await?;
    let now = st.clock.now();
    let txn = crate::store::tx::begin_write(&st.db, now).await?;
    let id = crate::store::experts::create(&txn, &input, now).await?;
    crate::store::audit::append(
        &txn,
        entry(
            &me,
            "expert.create",
            format!("expert:{id}"),
            serde_json::json!({}),
        ),
        now,
    )
    .await?;
    txn.commit().await?;
    Ok(id)
}

/// Edits an expert's record (not status, ties or the expert's own declarations): prefecture
/// roles. Returns the new version; a stale version changes nothing.
#[server(prefix = "/api", endpoint = "update_expert", input = Json)]
pub async fn update_expert(id: i64, version: i32, input: ExpertInput) -> Result<i32, AppError> {
    use self::ssr::*;
    use crate::api::server::fail;
    use crate::domain::access::Permission;
    use crate::store::accounts::Updated;
    let (me, st) = allowed(Permission::EditExpertPool).await?;
    let current = crate::store::experts::get(&st.db, id)
        .await?
        .ok_or_else(|| fail(AppError::NotFound))?;
    // The declarations are the expert's own (see `save_expert_declarations`): kept as stored,
    // neither made nor checked by this edit.
    let mut input = input;
    input.id_number = String::new();
    input.declares_no_post = true;
    input.declares_relatives_no_post = true;
    check(&st, &input).await?;
    input.declares_no_post = current.declares_no_post;
    input.declares_relatives_no_post = current.declares_relatives_no_post;
    input.declares_no_part_time_history = current.declares_no_part_time_history;
    let now = st.clock.now();
    let txn = crate::store::tx::begin_write(&st.db, now).await?;
    if crate::store::experts::update(&txn, id, version, &input, now).await? == Updated::Stale {
        return Err(fail(AppError::Stale));
    }
    crate::store::audit::append(
        &txn,
        entry(
            &me,
            "expert.update",
            format!("expert:{id}"),
            serde_json::json!({}),
        ),
        now,
    )
    .await?;
    txn.commit().await?;
    Ok(version + 1)
}

/// Suspends, removes or reinstates an expert, with a required reason: prefecture roles.
#[server(prefix = "/api", endpoint = "set_expert_status", input = Json)]
pub async fn set_expert_status(
    id: i64,
    version: i32,
    status: ExpertStatus,
    reason: String,
) -> Result<i32, AppError> {
    use self::ssr::*;
    use crate::api::server::fail;
    use crate::domain::access::Permission;
    use crate::store::accounts::Updated;
    let (me, st) = allowed(Permission::EditExpertPool).await?;
    let current = crate::store::experts::get(&st.db, id)
        .await?
        .ok_or_else(|| fail(AppError::NotFound))?;
    reason_ok(&reason, "status.reason")?;
    let from = crate::store::experts::status_from_db(&current.status);
    if from == status {
        return Err(fail(AppError::Refused {
            key: "experts.err.same_status".into(),
        }));
    }
    let now = st.clock.now();
    let txn = crate::store::tx::begin_write(&st.db, now).await?;
    if crate::store::experts::set_status(&txn, id, version, status, &reason, now).await?
        == Updated::Stale
    {
        return Err(fail(AppError::Stale));
    }
    crate::store::audit::append(
        &txn,
        entry(
            &me,
            "expert.status",
            format!("expert:{id}"),
            serde_json::json!({
                "from": crate::store::experts::status_to_db(from),
                "to": crate::store::experts::status_to_db(status),
                "reason": reason.trim(),
            }),
        ),
        now,
    )
    .await?;
    txn.commit().await?;
    Ok(version + 1)
}

/// Replaces the affiliations (own and close relatives' posts) and economic interests kept for
/// recusal: prefecture roles. Institutions must exist.
#[server(prefix = "/api", endpoint = "set_expert_ties", input = Json)]
pub async fn set_expert_ties(id: i64, version: i32, ties: Ties) -> Result<i32, AppError> {
    use self::ssr::*;
    use crate::api::server::fail;
    use crate::domain::access::Permission;
    use crate::store::accounts::Updated;
    let (me, st) = allowed(Permission::EditExpertPool).await?;
    crate::store::experts::get(&st.db, id)
        .await?
        .ok_or_else(|| fail(AppError::NotFound))?;
    let known = crate::store::reference::institution_names(&st.db).await?;
    let mut errs = crate::domain::error::FieldErrors::new();
    if ties
        .affiliations
        .iter()
        .any(|a| !known.contains_key(&a.institution.0))
    {
        errs.add("ties.affiliations", "experts.err.institution_unknown");
    }
    if ties
        .economic_interests
        .iter()
        .any(|i| !known.contains_key(&i.0))
    {
        errs.add("ties.economic_interests", "experts.err.institution_unknown");
    }
    if ties.affiliations.len() + ties.economic_interests.len() > 100 {
        errs.add("ties.affiliations", "experts.err.too_many_ties");
    }
    if !errs.is_empty() {
        return Err(fail(AppError::Validation(errs)));
    }
    let mut ties = ties;
    ties.economic_interests.sort();
    ties.economic_interests.dedup();
    ties.affiliations.dedup();
    let now = st.clock.now();
    let txn = crate::store::tx::begin_write(&st.db, now).await?;
    if crate::store::experts::set_ties(&txn, id, version, &ties, now).await? == Updated::Stale {
        return Err(fail(AppError::Stale));
    }
    crate::store::audit::append(
        &txn,
        entry(
            &me,
            "expert.ties",
            format!("expert:{id}"),
            serde_json::json!({
                "affiliations": ties.affiliations.len(),
                "economic_interests": ties.economic_interests.len(),
            }),
        ),
        now,
    )
    .await?;
    txn.commit().await?;
    Ok(version + 1)
}

/// Imports a CSV file (see [`IMPORT_COLUMNS`]): prefecture roles. Every row is checked; a file
/// with any bad row imports nothing and the report lists each problem.
#[server(prefix = "/api", endpoint = "import_experts", input = Json)]
pub async fn import_experts(csv: String) -> Result<ImportReport, AppError> {
    use self::ssr::*;
    use crate::api::server::fail;
    use crate::domain::access::Permission;
    let (me, st) = allowed(Permission::EditExpertPool).await?;
    if csv.len() > IMPORT_MAX_BYTES {
        return Err(fail(AppError::Refused {
            key: "experts.err.import_too_large".into(),
        }));
    }
    let counties = county_names(&st).await?;
    let pool_mobiles = crate::store::reference::experts(&st.db)
        .await?
        .into_iter()
        .map(|m| m.phone)
        .collect();
    let (rows, inputs, errors) = import::rows_to_inputs(&csv, &counties, &pool_mobiles);
    if !errors.is_empty() {
        return Ok(ImportReport {
            imported: 0,
            rows,
            errors,
        });
    }
    let now = st.clock.now();
    let txn = crate::store::tx::begin_write(&st.db, now).await?;
    let ids = crate::store::experts::import_rows(&txn, &inputs, now).await?;
    for id in &ids {
        crate::store::audit::append(
            &txn,
            entry(
                &me,
                "expert.create",
                format!("expert:{id}"),
                serde_json::json!({ "via": "import" }),
            ),
            now,
        )
        .await?;
    }
    txn.commit().await?;
    Ok(ImportReport {
        imported: ids.len(),
        rows,
        errors: Vec::new(),
    })
}

/// Proposes an expert for the pool: county roles. The region is the proposer's county
/// whatever is sent. Returns the proposal's id.
#[server(prefix = "/api", endpoint = "propose_expert", input = Json)]
pub async fn propose_expert(input: ExpertInput, note: String) -> Result<i64, AppError> {
    use self::ssr::*;
    use crate::api::server::fail;
    use crate::domain::access::Permission;
    let (me, st) = allowed(Permission::ProposeExpert).await?;
    let mut input = input;
    input.id_number = String::new();
    input.region = me.actor.county();
    check(&st, &input).await?;
    if note.trim().chars().count() > REASON_MAX {
        let mut errs = crate::domain::error::FieldErrors::new();
        errs.push(
            crate::domain::error::FieldError::new("proposal.note", "err.text_too_long")
                .arg("max", REASON_MAX),
        );
        return Err(fail(AppError::Validation(errs)));
    }
    let now = st.clock.now();
    let txn = crate::store::tx::begin_write(&st.db, now).await?;
    let id = crate::store::experts::propose(
        &txn,
        me.actor.county().map(|c| c.0),
        me.user.id,
        &input,
        &note,
        now,
    )
    .await?;
    crate::store::audit::append(
        &txn,
        entry(
            &me,
            "expert_proposal.create",
            format!("expert_proposal:{id}"),
            serde_json::json!({}),
        ),
        now,
    )
    .await?;
    txn.commit().await?;
    Ok(id)
}

/// Proposals: every one for prefecture roles, the own county's for county roles.
#[server(prefix = "/api", endpoint = "expert_proposals")]
pub async fn expert_proposals() -> Result<Vec<ProposalView>, AppError> {
    use self::ssr::*;
    use crate::api::server::fail;
    use crate::domain::access::Permission;
    let (me, st) = allowed(Permission::ViewExpertPool).await?;
    let editor = can(&me, Permission::EditExpertPool);
    let county = if editor {
        None
    } else {
        Some(
            me.actor
                .county()
                .ok_or_else(|| fail(AppError::Forbidden))?
                .0,
        )
    };
    let counties = county_names(&st).await?;
    let list = crate::store::experts::proposals(&st.db, county).await?;
    let mut out = Vec::with_capacity(list.len());
    for p in list {
        out.push(proposal_view(&st, p, &counties, !editor).await?);
    }
    // Pending first, then newest first.
    out.sort_by_key(|p| (p.status != "pending", std::cmp::Reverse(p.id)));
    Ok(out)
}

/// Approves (creating the expert) or rejects (with a reason) a pending proposal: prefecture
/// roles. Returns the new expert's id on approval.
#[server(prefix = "/api", endpoint = "decide_proposal", input = Json)]
pub async fn decide_proposal(
    id: i64,
    version: i32,
    approve: bool,
    reason: String,
) -> Result<Option<i64>, AppError> {
    use self::ssr::*;
    use crate::api::server::fail;
    use crate::domain::access::Permission;
    use crate::store::accounts::Updated;
    let (me, st) = allowed(Permission::EditExpertPool).await?;
    let p = crate::store::experts::proposal(&st.db, id)
        .await?
        .ok_or_else(|| fail(AppError::NotFound))?;
    if p.status != "pending" {
        return Err(fail(AppError::Refused {
            key: "experts.err.already_decided".into(),
        }));
    }
    if !approve {
        reason_ok(&reason, "proposal.reason")?;
    }
    let input = crate::store::experts::proposal_input(&p)?;
    if approve {
        check(&st, &input).await?;
    }
    let now = st.clock.now();
    let txn = crate::store::tx::begin_write(&st.db, now).await?;
    let expert_id = if approve {
        Some(crate::store::experts::create(&txn, &input, now).await?)
    } else {
        None
    };
    if crate::store::experts::decide_proposal(
        &txn, id, version, expert_id, &reason, me.user.id, now,
    )
    .await?
        == Updated::Stale
    {
        // Dropping the transaction undoes the expert created above.
        return Err(fail(AppError::Stale));
    }
    let action = if approve {
        "expert_proposal.approve"
    } else {
        "expert_proposal.reject"
    };
    crate::store::audit::append(
        &txn,
        entry(
            &me,
            action,
            format!("expert_proposal:{id}"),
            serde_json::json!({ "reason": reason.trim(), "expert": expert_id }),
        ),
        now,
    )
    .await?;
    if let Some(e) = expert_id {
        crate::store::audit::append(
            &txn,
            entry(
                &me,
                "expert.create",
                format!("expert:{e}"),
                serde_json::json!({ "proposal": id }),
            ),
            now,
        )
        .await?;
    }
    txn.commit().await?;
    Ok(expert_id)
}

/// The signed-in expert's own record, declarations and availability: the expert only.
#[server(prefix = "/api", endpoint = "my_expert_profile")]
pub async fn my_expert_profile() -> Result<ExpertDetail, AppError> {
    use self::ssr::*;
    use crate::api::server::{fail, require, state};
    use crate::domain::access::{authorize, Permission};
    let me = require().await?;
    let id = me.actor.expert().ok_or_else(|| fail(AppError::Forbidden))?;
    authorize(&me.actor, &Permission::EditOwnExpertProfile(id), None)
        .map_err(|d| fail(crate::api::denied(d)))?;
    let st = state().map_err(fail)?;
    let m = crate::store::experts::get(&st.db, id.0)
        .await?
        .ok_or_else(|| fail(AppError::NotFound))?;
    detail(&me, &st, m, false, false).await
}

/// Saves an expert's own declarations and availability: that expert only (any other id is not
/// found). Returns the new version.
#[server(prefix = "/api", endpoint = "save_expert_declarations", input = Json)]
pub async fn save_expert_declarations(
    id: i64,
    version: i32,
    input: DeclarationsInput,
) -> Result<i32, AppError> {
    use self::ssr::*;
    use crate::api::server::{fail, require, state};
    use crate::domain::access::{authorize, Permission};
    use crate::domain::ids::ExpertId;
    use crate::store::accounts::Updated;
    use crate::store::experts::OwnDeclarations;
    let me = require().await?;
    authorize(
        &me.actor,
        &Permission::EditOwnExpertProfile(ExpertId(id)),
        None,
    )
    .map_err(|d| fail(crate::api::denied(d)))?;
    let st = state().map_err(fail)?;
    let errs = validate_declarations(&input);
    if !errs.is_empty() {
        return Err(fail(AppError::Validation(errs)));
    }
    let d = OwnDeclarations {
        declares_no_post: input.declares_no_post,
        declares_relatives_no_post: input.declares_relatives_no_post,
        declares_no_part_time_history: input.declares_no_part_time_history,
        unavailable_from: input.unavailable_from,
        unavailable_until: input.unavailable_until,
        availability_note: input.availability_note.clone(),
    };
    let now = st.clock.now();
    let txn = crate::store::tx::begin_write(&st.db, now).await?;
    if crate::store::experts::save_declarations(&txn, id, version, &d, now).await? == Updated::Stale
    {
        return Err(fail(AppError::Stale));
    }
    crate::store::audit::append(
        &txn,
        entry(
            &me,
            "expert.declarations",
            format!("expert:{id}"),
            serde_json::json!({
                "declares_no_post": d.declares_no_post,
                "declares_relatives_no_post": d.declares_relatives_no_post,
                "declares_no_part_time_history": d.declares_no_part_time_history,
                "unavailable_from": d.unavailable_from,
                "unavailable_until": d.unavailable_until,
            }),
        ),
        now,
    )
    .await?;
    txn.commit().await?;
    Ok(version + 1)
}

/// The pool manager checks the expert's title against the uploaded certificate (职称核验,
/// guide 五(三)). Refused without a certificate; a stale version changes nothing. Returns the
/// new version.
#[server(prefix = "/api", endpoint = "verify_expert_title")]
pub async fn verify_expert_title(id: i64, version: i32) -> Result<i32, AppError> {
    use self::ssr::*;
    use crate::api::server::fail;
    use crate::domain::access::Permission;
    use crate::store::accounts::Updated;
    let (me, st) = allowed(Permission::VerifyExpertTitle).await?;
    let now = st.clock.now();
    let txn = crate::store::tx::begin_write(&st.db, now).await?;
    let m = crate::store::experts::get(&txn, id)
        .await?
        .ok_or_else(|| fail(AppError::NotFound))?;
    if m.version != version {
        return Err(fail(AppError::Stale));
    }
    if let Some(key) = crate::domain::expert::title_check_refusal(
        m.title_cert_sha256.is_some(),
        m.title_verified_at.is_some(),
    ) {
        return Err(fail(AppError::Refused { key: key.into() }));
    }
    if crate::store::experts::verify_title(&txn, id, version, &me.user.display_name, now).await?
        == Updated::Stale
    {
        return Err(fail(AppError::Stale));
    }
    crate::store::audit::append(
        &txn,
        entry(
            &me,
            "expert.title_verified",
            format!("expert:{id}"),
            serde_json::json!({ "title": m.title, "certificate": m.title_cert_sha256 }),
        ),
        now,
    )
    .await?;
    txn.commit().await?;
    Ok(version + 1)
}
