//! The documents rendered and read back (pdftotext).

use super::font::parse_font_spec;
use super::*;
use crate::domain::ids::ExpertId;
use crate::domain::opinion::{
    ActivityLine, ExpertSignature, Finding, MeetingLine, Member, OpinionContent, Seal,
};
use crate::domain::opinion::{Conclusion, SealedOpinion};
use crate::domain::sheet::ExpertVerdict;
use chrono::TimeZone;
use std::process::Command;
use std::sync::OnceLock;

const DIGEST: &str = "3f7a9c0e5b2d4816a0c3e9f17b6d25408e1f3a7c9b0d2e4f6a8c1e3b5d7f9a0c";

fn font() -> &'static PdfFont {
    static FONT: OnceLock<PdfFont> = OnceLock::new();
    FONT.get_or_init(|| {
        PdfFont::from_env_or_default().expect("a CJK font: `make tools` installs fonts-noto-cjk")
    })
}

fn at(h: u32, min: u32) -> DateTime<Utc> {
    Utc.with_ymd_and_hms(2026, 11, 29, h, min, 0).unwrap()
}

fn signature(id: i64, name: &str, dissent: Option<&str>, t: DateTime<Utc>) -> ExpertSignature {
    ExpertSignature {
        expert: ExpertId(id),
        name: name.into(),
        dissent: dissent.map(str::to_string),
        signed_at: t,
        algorithm: "ed25519".into(),
        key_id: format!("expert-{id}-k1"),
        public_key: "ab".repeat(32),
        signature: "cd".repeat(64),
    }
}

fn opinion() -> SealedOpinion {
    let reasons = [
        "一、从培训目的看，该项目以培养学员的艺术兴趣与审美素养为主要目标，招生简章、课程方案均未提及提高学科考试成绩，\
         也未承诺升学、提分等结果。家长访谈中，受访家长均表示报名原因为孩子喜欢绘画。",
        "二、从培训内容看，课程包括素描基础、色彩构成、创意手工和作品赏析四个模块，教学内容不涉及国家课程标准规定的\
         学科知识点，所用教材为机构自编美术教材（2025 年版），未使用学科类教辅资料。",
        "三、从培训方式看，课堂观摩显示教学以示范、创作和作品点评为主，每班不超过 15 人，没有讲授学科知识、布置书面作业或组织测验的情形。\
         Teaching notes (English, as submitted): observation-based, no tests, no homework.",
        "四、从评价方式看，机构以作品集和展览评价学员，不进行排名，不公布成绩。",
    ]
    .join("\n");
    let reasons = [reasons.as_str(); 3].join("\n");
    let content = OpinionContent {
        meeting_waived: None,
        particulars: Some(crate::domain::opinion::Particulars {
            uscc: "52652301MA1079191T".into(),
            licence_no: "教民165230170000123号".into(),
            address: "昌吉市延安北路198号".into(),
            grades: "3、4 年级".into(),
            hours: 48,
            delivery: "线下".into(),
            declared_category: "非学科类".into(),
            basis: vec!["《中小学综合实践活动课程指导纲要》（教材〔2017〕4号）".into()],
        }),
        meeting: Some(MeetingLine {
            time: "2026-04-08 14:30".into(),
            place: "昌吉市教育局三楼会议室".into(),
            online: false,
            attendees: vec!["王建华".into(), "李敏".into(), "赵磊".into()],
            others: "县教育局经办人张伟".into(),
        }),
        case_number: "昌教鉴〔2026〕017号".into(),
        institution: "昌吉市启明星艺术培训学校有限公司".into(),
        item: "少儿创意美术（启蒙班、提高班）".into(),
        stage: "小学".into(),
        county: "昌吉市".into(),
        rubric_version: 2,
        materials: vec![
            "办学许可证及营业执照（资质材料）".into(),
            "课程方案与教学计划（课程材料）".into(),
            "自编教材《少儿创意美术》（教材）".into(),
            "招生简章及宣传页（宣传材料）".into(),
        ],
        activities: vec![
            ActivityLine {
                date: NaiveDate::from_ymd_opt(2026, 11, 20).unwrap(),
                kind: "书面审查".into(),
                place: "市教育局会议室".into(),
                summary: "审查申请材料四份，材料齐全。".into(),
            },
            ActivityLine {
                date: NaiveDate::from_ymd_opt(2026, 11, 24).unwrap(),
                kind: "课堂观摩".into(),
                place: "机构二楼 203 教室".into(),
                summary: "观摩提高班一节课（45 分钟），教师示范水彩技法，学员自主创作。".into(),
            },
        ],
        findings: vec![
            Finding {
                dimension: "purpose".into(),
                name: "培训目的".into(),
                counts: [0, 3, 0],
                text: "以兴趣培养和审美素养为目标，未以提高学科成绩为目的。".into(),
            },
            Finding {
                dimension: "content".into(),
                name: "培训内容".into(),
                counts: [1, 2, 0],
                text: "内容为美术创作与赏析；其中“透视原理”一课涉及初中数学中的相似三角形知识，\
                       但仅作直观介绍，不作计算要求。"
                    .into(),
            },
            Finding {
                dimension: "method".into(),
                name: "培训方式".into(),
                counts: [0, 2, 1],
                text: "以示范与创作为主，无书面作业和测验。".into(),
            },
        ],
        negative_list_hits: vec![],
        conclusion: Conclusion::NonSubject,
        reasons,
        preschool_prohibited: false,
        supervision_flag: true,
        members: vec![
            Member {
                expert: ExpertId(11),
                name: "王建华".into(),
                lead: true,
                verdict: ExpertVerdict::NonSubject,
                dissents: false,
                employer: "昌吉市第一中学".into(),
                title: "副高级".into(),
            },
            Member {
                expert: ExpertId(12),
                name: "李晓梅".into(),
                lead: false,
                verdict: ExpertVerdict::NonSubject,
                dissents: false,
                employer: String::new(),
                title: String::new(),
            },
            Member {
                expert: ExpertId(13),
                name: "阿依古丽·买买提".into(),
                lead: false,
                verdict: ExpertVerdict::Subject,
                dissents: true,
                employer: String::new(),
                title: String::new(),
            },
        ],
        revision: 1,
    };
    SealedOpinion {
        format: crate::domain::opinion::FORMAT.into(),
        verify_code: "K7QF-29XM".into(),
        content,
        digest: DIGEST.into(),
        signatures: vec![
            signature(11, "王建华", None, at(7, 40)),
            signature(12, "李晓梅", None, at(7, 52)),
            signature(
                13,
                "阿依古丽·买买提",
                Some("“透视原理”一课系统讲授相似三角形，属于学科知识，本人认为该部分内容应按学科类认定。"),
                at(8, 5),
            ),
        ],
        seal: Seal {
            bureau: "652301".into(),
            bureau_name: "昌吉市教育局".into(),
            sealed_by: "张国强".into(),
            sealed_at: at(8, 30),
            algorithm: "ed25519".into(),
            key_id: "bureau-652301-k1".into(),
            public_key: "ef".repeat(32),
            signature: "01".repeat(64),
        },
    }
}

/// Text of a PDF by poppler's pdftotext (pages separated by form feeds).
fn pdftotext(pdf: &[u8], name: &str) -> String {
    let path = std::env::temp_dir().join(format!("jianding-{name}-{}.pdf", std::process::id()));
    std::fs::write(&path, pdf).unwrap();
    let out = Command::new("pdftotext")
        .args(["-enc", "UTF-8"])
        .arg(&path)
        .arg("-")
        .output();
    // JIANDING_KEEP_PDF=1 keeps the file in the temp directory, to look at.
    if std::env::var_os("JIANDING_KEEP_PDF").is_none() {
        let _ = std::fs::remove_file(&path);
    }
    let out = match out {
        Ok(out) => out,
        Err(e) if e.kind() == io::ErrorKind::NotFound => {
            panic!("pdftotext is missing: `make tools` installs poppler-utils")
        }
        Err(e) => panic!("pdftotext: {e}"),
    };
    assert!(
        out.status.success(),
        "pdftotext failed: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8(out.stdout).unwrap()
}

#[test]
fn the_pdf_is_small_multi_page_and_its_chinese_text_extracts() {
    let o = opinion();
    let pdf = render_opinion(&o, "http://jd.example.cn/verify?code=K7QF-29XM", font()).unwrap();
    println!("opinion PDF: {} bytes", pdf.len());
    assert!(pdf.starts_with(b"%PDF-"));
    assert!(pdf.len() < 1_000_000, "PDF is {} bytes", pdf.len());

    let text = pdftotext(&pdf, "opinion");
    // pdftotext may put spaces between glyph runs; compare without them.
    let flat: String = text.chars().filter(|c| !c.is_whitespace()).collect();
    for needle in [
        "校外培训服务类别鉴定意见书",
        "昌吉市启明星艺术培训学校有限公司",
        "少儿创意美术",
        "昌教鉴〔2026〕017号",
        "非学科类",
        "王建华",
        "阿依古丽·买买提",
        "K7QF-29XM",
        "2026年11月29日16:05",
        "2026年11月24日",
        "S1人N2人U0人",
        // (pdftotext may read the seal's ring text into the dissent's wrapped line.)
        "不同意见：“透视原理”一课系统讲授相似三角形",
        "认为该部分内容应按学科类认定",
        "列为重点监管对象",
        "昌吉市教育局",
        "鉴定专用章",
        "鉴定会时间：2026-04-0814:30；地点：昌吉市教育局三楼会议室",
        "昌吉州中小学生校外培训服务类别鉴定意见书",
        "统一社会信用代码：52652301MA1079191T",
        "教民165230170000123号",
        "昌吉市延安北路198号",
        "总课时48",
        "机构二楼203教室",
        "申报类别：非学科类",
        "教材〔2017〕4号",
        "王建华（组长）",
        "昌吉市第一中学副高级",
        "参加人员：王建华、李敏、赵磊；其他参会人员：县教育局经办人张伟",
        DIGEST,
    ] {
        assert!(
            flat.contains(needle),
            "{needle:?} not in the extracted text:\n{text}"
        );
    }
    assert!(!flat.contains("学前儿童学科类培训属禁止行为"));
    let pages = text.matches('\u{c}').count();
    assert!(pages >= 2, "expected 2+ pages, got {pages}");
    assert!(flat.contains(&format!("第1页共{pages}页")));
    assert_eq!(find_verify_code(&pdf).as_deref(), Some("K7QF-29XM"));
}

#[test]
fn the_preschool_prohibition_and_subject_conclusion_are_printed() {
    let mut o = opinion();
    o.content.conclusion = Conclusion::Subject;
    o.content.stage = "学前".into();
    o.content.preschool_prohibited = true;
    o.content.supervision_flag = false;
    o.content.reasons = "课堂以识字和计算练习为主，属于学科类培训。".into();
    let pdf = render_opinion(&o, "http://jd.example.cn/verify?code=K7QF-29XM", font()).unwrap();
    let flat: String = pdftotext(&pdf, "preschool")
        .chars()
        .filter(|c| !c.is_whitespace())
        .collect();
    assert!(flat.contains("属于：学科类"));
    assert!(flat.contains("学前儿童学科类培训属禁止行为"));
    assert!(!flat.contains("列为重点监管对象"));
}

#[test]
fn rendering_is_deterministic() {
    let o = opinion();
    let url = "http://jd.example.cn/verify?code=K7QF-29XM";
    assert_eq!(
        render_opinion(&o, url, font()).unwrap(),
        render_opinion(&o, url, font()).unwrap()
    );
}

#[test]
fn a_code_that_cannot_be_found_again_is_refused() {
    let mut o = opinion();
    o.verify_code = "K7QF 29XM".into();
    assert!(render_opinion(&o, "http://x/verify", font()).is_err());
    o.verify_code = String::new();
    assert!(render_opinion(&o, "http://x/verify", font()).is_err());
}

#[test]
fn the_verify_code_is_found_only_when_present() {
    assert_eq!(find_verify_code(b"%PDF-1.7 no code here"), None);
    assert_eq!(
        find_verify_code(b"(jianding-verify:) (jianding-verify:AB-12)"),
        Some("AB-12".into())
    );
    assert_eq!(
        find_verify_code(b"/Subject (jianding-verify:Z9)"),
        Some("Z9".into())
    );
}

#[test]
fn lines_are_wrapped_by_measured_width() {
    let m = Measure::new(font()).unwrap();
    // A CJK glyph is one em wide; an ASCII digit much less.
    assert!((m.width("鉴定", 10.0) - 20.0).abs() < 0.01);
    assert!(m.width("11", 10.0) < 15.0);

    let text = "经审查，该项目以培养学员的艺术兴趣与审美素养为主要目标。Observation based teaching, \
                no tests and no homework at all; 3f7a9c0e5b2d4816a0c3e9f17b6d25408e1f3a7c9b0d2e4f6a8c1e3b5d7f9a0c。";
    let width = 120.0;
    let lines = wrap(&m, text, 10.0, width - 20.0, width);
    assert!(lines.len() > 4);
    for (i, line) in lines.iter().enumerate() {
        let limit = if i == 0 { width - 20.0 } else { width };
        let w = m.width(line, 10.0);
        let hang = line
            .chars()
            .last()
            .map(|c| m.char_width(c, 10.0))
            .unwrap_or(0.0);
        assert!(w <= limit + hang + 0.01, "line {i} {line:?} is {w} wide");
        assert!(
            !no_line_start(&line.chars().next().unwrap().to_string()),
            "{line:?}"
        );
    }
    // Nothing is lost but the spaces at the breaks.
    let strip = |s: &str| s.chars().filter(|c| !c.is_whitespace()).collect::<String>();
    assert_eq!(strip(&lines.concat()), strip(text));
    // Latin words are not cut unless longer than a line.
    for word in ["Observation", "based", "teaching,", "tests", "homework"] {
        assert!(
            lines.iter().any(|l| l.contains(word)),
            "{word} was cut: {lines:?}"
        );
    }
    // The digest, wider than a line, is cut between characters.
    assert!(!lines.iter().any(|l| l.contains(DIGEST)));
}

#[test]
fn times_are_printed_in_china_time() {
    assert_eq!(zh_time(at(8, 5)), "2026年11月29日 16:05");
    assert_eq!(
        zh_time(Utc.with_ymd_and_hms(2026, 3, 4, 17, 0, 0).unwrap()),
        "2026年3月5日 01:00"
    );
    assert_eq!(zh_number(1), "一");
    assert_eq!(zh_number(10), "十");
    assert_eq!(zh_number(14), "十四");
    assert_eq!(zh_number(30), "三十");
}

#[test]
fn the_qr_svg_is_inline_and_labelled() {
    let svg = qr_svg(
        "http://jd.example.cn/verify?code=K7QF-29XM",
        "核验二维码 \"K7QF\"",
    );
    assert!(svg.starts_with("<svg"), "{svg}");
    assert!(svg.contains(r#"role="img""#));
    assert!(svg.contains(r#"aria-label="核验二维码 &quot;K7QF&quot;""#));
    assert!(svg.contains(r##"fill="#000000""##) && svg.contains(r##"fill="#ffffff""##));
    assert!(svg.ends_with("</svg>"));
    assert!(!svg.contains("<?xml"));
}

#[test]
fn fonts_are_checked_and_specs_parsed() {
    assert_eq!(parse_font_spec("/a/b.ttc#2"), ("/a/b.ttc", 2));
    assert_eq!(parse_font_spec("/a/b.otf"), ("/a/b.otf", 0));
    assert_eq!(parse_font_spec("/a/#x.otf"), ("/a/#x.otf", 0));
    let err = PdfFont::load(FsPath::new("/nonexistent/font.ttc"), 0).unwrap_err();
    assert_eq!(err.kind(), io::ErrorKind::NotFound);
    let err = PdfFont::from_bytes(Arc::new(b"not a font".to_vec()), 0).unwrap_err();
    assert!(err.contains("face 0"), "{err}");
    fn shared<T: Send + Sync>(_: &T) {}
    shared(font());
}
