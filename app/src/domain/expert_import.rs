//! The expert pool's import file (专家导入, CSV): its columns and template and the mapping of
//! cells (read by `domain::csv`) to [`ExpertInput`], each problem reported by line and column.
//! Pure: the server gives the counties and the pool's mobile numbers, the store adds the rows.

pub use super::csv::{parse_csv, RowError};

/// Largest CSV file accepted (bytes) and most data rows.
pub const IMPORT_MAX_BYTES: usize = 1024 * 1024;
pub const IMPORT_MAX_ROWS: usize = 2000;

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

use crate::domain::expert::{validate_expert, ExpertInput, ExpertKind, ProfessionalTitle};
use crate::domain::ids::CountyId;
use crate::domain::item::{ItemDomain, SchoolSubject};
use crate::domain::terms::Stage;
use chrono::NaiveDate;

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
        .position(|x| x.trim() == IMPORT_PART_TIME_COLUMN.0);
    let subjects_pos = header
        .iter()
        .position(|x| x.trim() == IMPORT_SUBJECTS_COLUMN.0);
    let data: Vec<(usize, Vec<String>)> = it.collect();
    if data.is_empty() {
        return (
            0,
            vec![],
            vec![err(hline, String::new(), "experts.err.no_rows")],
        );
    }
    if data.len() > IMPORT_MAX_ROWS {
        let mut e = err(hline, String::new(), "experts.err.too_many_rows");
        e.args.push(("max".into(), IMPORT_MAX_ROWS.to_string()));
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
                            IMPORT_PART_TIME_COLUMN.1.into(),
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
                        IMPORT_SUBJECTS_COLUMN.1.into(),
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
            if (field == "title" && !parsed_title_ok) || (field.starts_with("term") && !dates_ok) {
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
        let (n, inputs, errs) =
            rows_to_inputs(&import_template(), &counties(), &Default::default());
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
        let mut t = import_template();
        t.push_str("张三,某中学,初级,法律专家,,,州直,13900000001,2026-09-01,2029-08-31,是,是\n");
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
        let header = import_template().lines().next().unwrap().to_string();
        let (_, _, e) = rows_to_inputs(&header, &counties(), &Default::default());
        assert_eq!(e[0].key, "experts.err.no_rows");
    }
}
