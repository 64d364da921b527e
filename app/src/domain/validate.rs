//! Field validation of the application forms (申请表字段校验): institutions (培训机构),
//! training items (培训项目) and experts (鉴定专家), plus the material checklist (材料清单).
//!
//! Every check returns [`FieldErrors`]: a field path (`institution.uscc`, `item.grades`, …) and a
//! translation key (`err.*`, texts in `app/locales/*/domain.txt`). The browser runs these for
//! instant feedback, the server runs the very same functions before it stores anything.
//!
//! Decisions that no public rule fixes:
//! - 办学许可证号 is optional (an applicant may still be waiting for its licence; the
//!   identification often decides which authority licenses it). When given it must be either
//!   `教民` + 15 digits (+ optional `号`), the national format of private-school licences, or a
//!   12–30 character code of ASCII capital letters and digits (single inner hyphens allowed)
//!   containing at least 6 digits, which covers licences issued by other departments.
//! - Grades are numbers: 学前 1 = 小班, 2 = 中班, 3 = 大班; 小学 1–6; 初中 7–9 (六三学制, as in
//!   Xinjiang).
//! - Every application needs: 培训课程方案, 教学大纲 *or* 教学计划, 课时教案, 评价方案 and 宣传材料
//!   ([`required_materials`]). 教材/教辅/进度安排 are asked for by the panel when it needs them.
//! - An expert gives a mainland mobile number (notices go by text message); institutions may
//!   give a mobile, a landline or a 400/800 service number.

use super::error::{FieldError, FieldErrors};
use super::ids::CountyId;
use super::terms::{Category, Stage};
use chrono::{Months, NaiveDate};
use serde::{Deserialize, Serialize};

// ---------------------------------------------------------------------------------------------
// Limits
// ---------------------------------------------------------------------------------------------

/// Length limits, in characters (not bytes: 一个汉字 counts as one).
pub mod limits {
    pub const NAME_MIN: usize = 2;
    pub const NAME_MAX: usize = 100;
    pub const PERSON_MIN: usize = 2;
    pub const PERSON_MAX: usize = 50;
    pub const ADDRESS_MIN: usize = 5;
    pub const ADDRESS_MAX: usize = 200;
    pub const EMPLOYER_MAX: usize = 100;
    pub const DESCRIPTION_MIN: usize = 10;
    pub const DESCRIPTION_MAX: usize = 4000;
    /// Total class hours (总课时) of one item.
    pub const HOURS_MIN: u32 = 1;
    pub const HOURS_MAX: u32 = 1000;
    /// Class size (班额) of an offline class.
    pub const CLASS_SIZE_OFFLINE_MAX: u32 = 200;
    /// Class size of an online class.
    pub const CLASS_SIZE_ONLINE_MAX: u32 = 1000;
    /// Fee (收费) of the whole item, in fen: at most 500,000 yuan.
    pub const FEE_MAX_FEN: i64 = 50_000_000;
    /// Expert term (聘期) at most this many months (3 years, DOMAIN §3).
    pub const TERM_MAX_MONTHS: u32 = 36;
    /// Why the item is disputed (七(一)).
    pub const DISPUTE_MIN: usize = 10;
    pub const DISPUTE_MAX: usize = 1000;
    pub const LICENCE_APPLICATION_MAX: usize = 40;
    /// People named as having prepared the materials.
    pub const PREPARERS_MAX: usize = 20;
}

fn char_len(s: &str) -> usize {
    s.chars().count()
}

/// Required text with a length range; pushes `err.required` or `err.text_too_short` / `err.text_too_long`.
pub(crate) fn check_text(errs: &mut FieldErrors, field: &str, value: &str, min: usize, max: usize) {
    let v = value.trim();
    let n = char_len(v);
    if n == 0 {
        errs.add(field, "err.required");
    } else if n < min {
        errs.push(FieldError::new(field, "err.text_too_short").arg("min", min));
    } else if n > max {
        errs.push(FieldError::new(field, "err.text_too_long").arg("max", max));
    }
}

// ---------------------------------------------------------------------------------------------
// 统一社会信用代码 (GB 32100-2015)
// ---------------------------------------------------------------------------------------------

/// The 31 characters a 统一社会信用代码 may use (no I, O, S, V, Z); a character's value is its index.
pub const USCC_CHARSET: &str = "0123456789ABCDEFGHJKLMNPQRTUWXY";
/// Weights of positions 1–17 (3^(i-1) mod 31).
pub const USCC_WEIGHTS: [u32; 17] = [
    1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28,
];

fn uscc_value(c: char) -> Option<u32> {
    USCC_CHARSET.chars().position(|x| x == c).map(|p| p as u32)
}

/// The check character (校验码) for the first 17 characters of a 统一社会信用代码:
/// `31 - (Σ value × weight mod 31)`, where 31 becomes 0. `None` if `first17` is not 17 characters
/// of the code's character set.
pub fn uscc_check_char(first17: &str) -> Option<char> {
    if first17.chars().count() != 17 {
        return None;
    }
    let mut sum = 0u32;
    for (c, w) in first17.chars().zip(USCC_WEIGHTS) {
        sum += uscc_value(c)? * w;
    }
    let check = (31 - sum % 31) % 31;
    USCC_CHARSET.chars().nth(check as usize)
}

/// Registration authority (登记管理部门, position 1) and the organisation types (机构类别,
/// position 2) that GB 32100-2015 assigns to it.
const USCC_AUTHORITIES: &[(char, &str)] = &[
    ('1', "1239"),   // 机构编制: 机关, 事业单位, 中央编办管理的群众团体, 其他
    ('2', "19"),     // 外交
    ('3', "123459"), // 司法行政
    ('4', "19"),     // 文化
    ('5', "1239"),   // 民政: 社会团体, 民办非企业单位, 基金会, 其他
    ('6', "129"),    // 旅游
    ('7', "129"),    // 宗教
    ('8', "19"),     // 工会
    ('9', "123"),    // 工商: 企业, 个体工商户, 农民专业合作社
    ('A', "19"),     // 中央军委改革和编制办公室
    ('N', "1239"),   // 农业
    ('Y', "1"),      // 其他
];

/// Province-level prefixes of the administrative division code (行政区划代码).
const PROVINCE_PREFIXES: &[&str] = &[
    "11", "12", "13", "14", "15", "21", "22", "23", "31", "32", "33", "34", "35", "36", "37", "41",
    "42", "43", "44", "45", "46", "50", "51", "52", "53", "54", "61", "62", "63", "64", "65", "71",
    "81", "82",
];

/// What is wrong with a 统一社会信用代码, in the order the checks run.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum UsccProblem {
    /// Not 18 characters.
    Length,
    /// A character outside [`USCC_CHARSET`] (lower case counts as outside).
    Charset,
    /// Unknown registration authority / organisation type pair.
    Authority,
    /// Positions 3–8 are not a division code (6 digits, a province prefix, or 100000 for national).
    Region,
    /// Wrong check character.
    CheckDigit,
}

impl UsccProblem {
    pub fn key(self) -> &'static str {
        match self {
            UsccProblem::Length => "err.uscc_length",
            UsccProblem::Charset => "err.uscc_charset",
            UsccProblem::Authority => "err.uscc_authority",
            UsccProblem::Region => "err.uscc_region",
            UsccProblem::CheckDigit => "err.uscc_check_digit",
        }
    }
}

/// Upper-cases and strips spaces, the form a 统一社会信用代码 is stored in.
pub fn normalize_uscc(s: &str) -> String {
    s.chars()
        .filter(|c| !c.is_whitespace())
        .flat_map(char::to_uppercase)
        .collect()
}

/// Checks a 统一社会信用代码 exactly as given (no normalisation).
pub fn uscc_check(s: &str) -> Result<(), UsccProblem> {
    let chars: Vec<char> = s.chars().collect();
    if chars.len() != 18 {
        return Err(UsccProblem::Length);
    }
    if chars.iter().any(|c| uscc_value(*c).is_none()) {
        return Err(UsccProblem::Charset);
    }
    let authority_ok = USCC_AUTHORITIES
        .iter()
        .any(|(a, types)| *a == chars[0] && types.contains(chars[1]));
    if !authority_ok {
        return Err(UsccProblem::Authority);
    }
    let region: String = chars[2..8].iter().collect();
    let region_ok = region.chars().all(|c| c.is_ascii_digit())
        && (region == "100000" || PROVINCE_PREFIXES.contains(&&region[..2]));
    if !region_ok {
        return Err(UsccProblem::Region);
    }
    let first17: String = chars[..17].iter().collect();
    if uscc_check_char(&first17) != Some(chars[17]) {
        return Err(UsccProblem::CheckDigit);
    }
    Ok(())
}

/// True when `s` is a well-formed 统一社会信用代码 with a correct check character.
pub fn uscc_is_valid(s: &str) -> bool {
    uscc_check(s).is_ok()
}

// ---------------------------------------------------------------------------------------------
// Phone numbers
// ---------------------------------------------------------------------------------------------

/// The kind of a mainland China phone number.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum PhoneKind {
    /// 手机: 11 digits, `1[3-9]…`.
    Mobile,
    /// 固定电话: area code `0xx`/`0xxx`, 7–8 digit number, optional extension.
    Landline,
    /// 400/800 服务电话: 10 digits.
    Hotline,
}

/// Recognises a mainland phone number. Accepted: `13812345678`, `+86 138 1234 5678`,
/// `0994-2345678`, `(0994)2345678`, `09942345678`, `010-62345678-123`, `0994-2345678转12`,
/// `400-123-4567`.
pub fn phone_kind(s: &str) -> Option<PhoneKind> {
    let mut t: String = s.chars().filter(|c| !c.is_whitespace()).collect();
    if let Some(rest) = t.strip_prefix("+86") {
        t = rest.trim_start_matches('-').to_string();
    }
    let digits_only = |x: &str| !x.is_empty() && x.chars().all(|c| c.is_ascii_digit());
    // Mobile
    let compact: String = t.chars().filter(|c| *c != '-').collect();
    if compact.len() == 11 && digits_only(&compact) && compact.starts_with('1') {
        let second = compact.as_bytes()[1];
        return (b'3'..=b'9').contains(&second).then_some(PhoneKind::Mobile);
    }
    if compact.len() == 10
        && digits_only(&compact)
        && (compact.starts_with("400") || compact.starts_with("800"))
    {
        return Some(PhoneKind::Hotline);
    }
    landline(&t).then_some(PhoneKind::Landline)
}

fn landline(t: &str) -> bool {
    // Split off an extension.
    let (main, ext) = if let Some((m, e)) = t.split_once('转') {
        (m, Some(e))
    } else {
        let parts: Vec<&str> = t.split('-').collect();
        if parts.len() == 3 {
            match (t.rfind('-'), t.find('(')) {
                (Some(i), None) => (&t[..i], Some(&t[i + 1..])),
                _ => (t, None),
            }
        } else {
            (t, None)
        }
    };
    if let Some(e) = ext {
        if e.is_empty() || e.len() > 6 || !e.chars().all(|c| c.is_ascii_digit()) {
            return false;
        }
    }
    let (area, local) = if let Some(rest) = main.strip_prefix('(') {
        match rest.split_once(')') {
            Some((a, l)) => (a.to_string(), l.trim_start_matches('-').to_string()),
            None => return false,
        }
    } else if let Some((a, l)) = main.split_once('-') {
        (a.to_string(), l.to_string())
    } else {
        // No separator: the area code is 3 digits for 010 and 02x, otherwise 4.
        let len = if main.starts_with("010") || main.starts_with("02") {
            3
        } else {
            4
        };
        if main.len() <= len {
            return false;
        }
        (main[..len].to_string(), main[len..].to_string())
    };
    let all_digits = |x: &str| !x.is_empty() && x.chars().all(|c| c.is_ascii_digit());
    let area_ok = all_digits(&area)
        && area.starts_with('0')
        && (area.len() == 3 || area.len() == 4)
        && !area.starts_with("00");
    let local_ok = all_digits(&local)
        && (local.len() == 7 || local.len() == 8)
        && !local.starts_with('0')
        && !local.starts_with('1');
    area_ok && local_ok
}

/// True for a mainland mobile number.
pub fn is_mobile(s: &str) -> bool {
    phone_kind(s) == Some(PhoneKind::Mobile)
}

// ---------------------------------------------------------------------------------------------
// 办学许可证号 and 身份证号
// ---------------------------------------------------------------------------------------------

/// True for a well-formed 办学许可证号 (see the module doc for the accepted forms).
pub fn licence_no_is_valid(s: &str) -> bool {
    let s = s.trim();
    if let Some(rest) = s.strip_prefix("教民") {
        let rest = rest.strip_suffix('号').unwrap_or(rest);
        return rest.len() == 15 && rest.chars().all(|c| c.is_ascii_digit());
    }
    let n = s.chars().count();
    (12..=30).contains(&n)
        && s.chars()
            .all(|c| c.is_ascii_digit() || c.is_ascii_uppercase() || c == '-')
        && !s.starts_with('-')
        && !s.ends_with('-')
        && !s.contains("--")
        && s.chars().filter(|c| c.is_ascii_digit()).count() >= 6
}

/// True for an 18-character 居民身份证号 with a correct ISO 7064 MOD 11-2 check character and a
/// real birth date.
pub fn id_number_is_valid(s: &str) -> bool {
    const W: [u32; 17] = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2];
    const C: [char; 11] = ['1', '0', 'X', '9', '8', '7', '6', '5', '4', '3', '2'];
    let chars: Vec<char> = s.chars().collect();
    if chars.len() != 18 || !chars[..17].iter().all(|c| c.is_ascii_digit()) {
        return false;
    }
    let sum: u32 = chars[..17]
        .iter()
        .zip(W)
        .map(|(c, w)| c.to_digit(10).unwrap_or(0) * w)
        .sum();
    let birth: String = chars[6..14].iter().collect();
    NaiveDate::parse_from_str(&birth, "%Y%m%d").is_ok() && C[(sum % 11) as usize] == chars[17]
}

// ---------------------------------------------------------------------------------------------
// Institution (培训机构)
// ---------------------------------------------------------------------------------------------

/// What an institution fills in about itself (机构信息).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct InstitutionInput {
    /// 机构名称
    pub name: String,
    /// 统一社会信用代码
    pub uscc: String,
    /// 办学许可证号 (optional; empty when not yet issued)
    pub licence_no: String,
    /// 所在县（市）
    pub county: CountyId,
    /// 地址
    pub address: String,
    /// 法定代表人
    pub legal_representative: String,
    /// 校长（负责人）
    pub principal: String,
    /// 联系人
    pub contact_name: String,
    /// 联系电话
    pub contact_phone: String,
    /// 营利性 (true) or 非营利性 (false)
    pub for_profit: bool,
}

/// Checks an institution's fields. Paths: `institution.<field>`.
pub fn validate_institution(input: &InstitutionInput) -> FieldErrors {
    let mut errs = FieldErrors::new();
    check_text(
        &mut errs,
        "institution.name",
        &input.name,
        limits::NAME_MIN,
        limits::NAME_MAX,
    );
    let uscc = normalize_uscc(&input.uscc);
    if uscc.is_empty() {
        errs.add("institution.uscc", "err.required");
    } else if let Err(p) = uscc_check(&uscc) {
        errs.add("institution.uscc", p.key());
    }
    if !input.licence_no.trim().is_empty() && !licence_no_is_valid(&input.licence_no) {
        errs.add("institution.licence_no", "err.licence_no_format");
    }
    if !(100_000..=999_999).contains(&input.county.0) {
        errs.add("institution.county", "err.county_invalid");
    }
    check_text(
        &mut errs,
        "institution.address",
        &input.address,
        limits::ADDRESS_MIN,
        limits::ADDRESS_MAX,
    );
    for (field, value) in [
        (
            "institution.legal_representative",
            &input.legal_representative,
        ),
        ("institution.principal", &input.principal),
        ("institution.contact_name", &input.contact_name),
    ] {
        check_text(
            &mut errs,
            field,
            value,
            limits::PERSON_MIN,
            limits::PERSON_MAX,
        );
    }
    if input.contact_phone.trim().is_empty() {
        errs.add("institution.contact_phone", "err.required");
    } else if phone_kind(&input.contact_phone).is_none() {
        errs.add("institution.contact_phone", "err.phone_format");
    }
    errs
}

// ---------------------------------------------------------------------------------------------
// Training item (培训项目)
// ---------------------------------------------------------------------------------------------

coded! {
    /// The field a training item belongs to (培训领域).
    #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
    #[serde(rename_all = "snake_case")]
    pub enum ItemDomain("domain") {
        /// 体育
        Sports = "sports",
        /// 艺术
        Arts = "arts",
        /// 科技
        Technology = "technology",
        /// 综合实践
        Practice = "practice",
        /// 语言
        Language = "language",
        /// 思维
        Thinking = "thinking",
        /// 其他
        Other = "other",
    }
}

coded! {
    /// A subject of the national curriculum (国家课程科目, 义务教育课程方案（2022年版）): what an
    /// item's content is measured against, and what a 学科/教学 expert is qualified in. The subject
    /// seat of a panel is a "相应学科专家" (guide 四): an expert qualified in the item's subject.
    #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
    #[serde(rename_all = "snake_case")]
    pub enum SchoolSubject("subject") {
        /// 语文
        Chinese = "chinese",
        /// 数学
        Math = "math",
        /// 外语（英语）
        English = "english",
        /// 道德与法治
        Morality = "morality",
        /// 历史
        History = "history",
        /// 地理
        Geography = "geography",
        /// 物理
        Physics = "physics",
        /// 化学
        Chemistry = "chemistry",
        /// 生物学
        Biology = "biology",
        /// 科学
        Science = "science",
        /// 信息科技
        InformationTechnology = "information_technology",
        /// 体育与健康
        PhysicalEducation = "physical_education",
        /// 艺术（音乐、美术等）
        Art = "art",
        /// 劳动
        Labour = "labour",
        /// 综合实践活动
        ComprehensivePractice = "comprehensive_practice",
    }
}

impl SchoolSubject {
    /// The name as the CSV import writes it (the zh-CN label without its parenthesis).
    pub fn zh(self) -> &'static str {
        match self {
            SchoolSubject::Chinese => "语文",
            SchoolSubject::Math => "数学",
            SchoolSubject::English => "英语",
            SchoolSubject::Morality => "道德与法治",
            SchoolSubject::History => "历史",
            SchoolSubject::Geography => "地理",
            SchoolSubject::Physics => "物理",
            SchoolSubject::Chemistry => "化学",
            SchoolSubject::Biology => "生物学",
            SchoolSubject::Science => "科学",
            SchoolSubject::InformationTechnology => "信息科技",
            SchoolSubject::PhysicalEducation => "体育与健康",
            SchoolSubject::Art => "艺术",
            SchoolSubject::Labour => "劳动",
            SchoolSubject::ComprehensivePractice => "综合实践活动",
        }
    }
}

coded! {
    /// How an item is delivered (培训形式).
    #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
    #[serde(rename_all = "snake_case")]
    pub enum DeliveryMode("delivery") {
        /// 线下
        Offline = "offline",
        /// 线上
        Online = "online",
    }
}

/// The grades a stage has (see the module doc for the numbering).
pub fn grades_of(stage: Stage) -> std::ops::RangeInclusive<u8> {
    match stage {
        Stage::Preschool => 1..=3,
        Stage::Primary => 1..=6,
        Stage::Junior => 7..=9,
    }
}

/// The item an institution applies about (培训项目).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct TrainingItemInput {
    /// 项目名称
    pub name: String,
    /// 申报类别 (what the institution claims)
    pub declared_category: Category,
    /// 培训领域
    pub domain: ItemDomain,
    /// 培训对象学段
    pub stage: Stage,
    /// 年级 (numbering: module doc)
    pub grades: Vec<u8>,
    /// 线上 / 线下
    pub delivery: DeliveryMode,
    /// 总课时
    pub hours: u32,
    /// 班额
    pub class_size: u32,
    /// 收费, in fen (分)
    pub fee_fen: i64,
    /// 项目简介
    pub description: String,
    /// Why the item's category is disputed or unclear (guide 七(一): 有争议或界限模糊的培训项目).
    #[serde(default)]
    pub dispute_reason: String,
    /// The school-licence application (办学许可证申请) it is part of, if any: its number.
    #[serde(default)]
    pub licence_application: String,
    /// Where the institution's 举办者 / 法定代表人 / 负责人 work besides the institution (an expert
    /// of that employer is recused: `draw::Exclusion::SameEmployerAsPrincipal`).
    #[serde(default)]
    pub principal_employer: String,
    /// Who prepared the application's materials (an expert among them is recused:
    /// `draw::Exclusion::PreparedMaterials`).
    #[serde(default)]
    pub preparers: Vec<Preparer>,
    /// 相关学科: the curriculum subject the item's content is nearest to (the panel's subject
    /// seat is an expert qualified in it); `None` for an older application, whose subject seat
    /// is matched by the domain alone.
    #[serde(default)]
    pub related_subject: Option<SchoolSubject>,
}

/// A person who prepared the application's materials (材料编制人员).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Preparer {
    pub name: String,
    /// 工作单位 (empty: the institution itself).
    #[serde(default)]
    pub employer: String,
}

/// The preparers as the form writes them: one per line, "姓名，工作单位" (or "姓名" alone).
pub fn parse_preparers(text: &str) -> Vec<Preparer> {
    text.lines()
        .map(str::trim)
        .filter(|l| !l.is_empty())
        .map(|l| {
            let (name, employer) = l
                .split_once(['，', ',', '、'])
                .map_or((l, ""), |(n, e)| (n, e));
            Preparer {
                name: name.trim().to_string(),
                employer: employer.trim().to_string(),
            }
        })
        .collect()
}

/// The preparers as the form shows them (the inverse of [`parse_preparers`]).
pub fn preparers_text(list: &[Preparer]) -> String {
    list.iter()
        .map(|p| {
            if p.employer.is_empty() {
                p.name.clone()
            } else {
                format!("{}，{}", p.name, p.employer)
            }
        })
        .collect::<Vec<_>>()
        .join("\n")
}

/// Checks a training item's fields. Paths: `item.<field>`.
pub fn validate_training_item(input: &TrainingItemInput) -> FieldErrors {
    let mut errs = FieldErrors::new();
    check_text(
        &mut errs,
        "item.name",
        &input.name,
        limits::NAME_MIN,
        limits::NAME_MAX,
    );
    if input.grades.is_empty() {
        errs.add("item.grades", "err.required");
    } else {
        let range = grades_of(input.stage);
        if input.grades.iter().any(|g| !range.contains(g)) {
            errs.push(
                FieldError::new("item.grades", "err.grades_stage")
                    .arg("min", range.start())
                    .arg("max", range.end()),
            );
        }
        let mut sorted = input.grades.clone();
        sorted.sort_unstable();
        sorted.dedup();
        if sorted.len() != input.grades.len() {
            errs.add("item.grades", "err.grades_duplicate");
        }
    }
    if !(limits::HOURS_MIN..=limits::HOURS_MAX).contains(&input.hours) {
        errs.push(
            FieldError::new("item.hours", "err.out_of_range")
                .arg("min", limits::HOURS_MIN)
                .arg("max", limits::HOURS_MAX),
        );
    }
    let size_max = match input.delivery {
        DeliveryMode::Offline => limits::CLASS_SIZE_OFFLINE_MAX,
        DeliveryMode::Online => limits::CLASS_SIZE_ONLINE_MAX,
    };
    if !(1..=size_max).contains(&input.class_size) {
        errs.push(
            FieldError::new("item.class_size", "err.out_of_range")
                .arg("min", 1)
                .arg("max", size_max),
        );
    }
    if !(0..=limits::FEE_MAX_FEN).contains(&input.fee_fen) {
        errs.push(
            FieldError::new("item.fee_fen", "err.fee_range").arg("max", limits::FEE_MAX_FEN / 100),
        );
    }
    check_text(
        &mut errs,
        "item.description",
        &input.description,
        limits::DESCRIPTION_MIN,
        limits::DESCRIPTION_MAX,
    );
    check_text(
        &mut errs,
        "item.dispute_reason",
        &input.dispute_reason,
        limits::DISPUTE_MIN,
        limits::DISPUTE_MAX,
    );
    if input.licence_application.chars().count() > limits::LICENCE_APPLICATION_MAX {
        errs.add("item.licence_application", "err.too_long");
    }
    if input.principal_employer.chars().count() > limits::EMPLOYER_MAX {
        errs.add("item.principal_employer", "err.too_long");
    }
    if input.preparers.len() > limits::PREPARERS_MAX
        || input.preparers.iter().any(|p| {
            !(limits::PERSON_MIN..=limits::PERSON_MAX).contains(&p.name.chars().count())
                || p.employer.chars().count() > limits::EMPLOYER_MAX
        })
    {
        errs.add("item.preparers", "err.item.preparers");
    }
    errs
}

// ---------------------------------------------------------------------------------------------
// Expert (鉴定专家)
// ---------------------------------------------------------------------------------------------

coded! {
    /// Professional title (专业技术职称). The pool requires 中级 or above.
    #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
    #[serde(rename_all = "snake_case")]
    pub enum ProfessionalTitle("title") {
        /// 初级 / 无职称
        Junior = "junior",
        /// 中级
        Intermediate = "intermediate",
        /// 副高级
        AssociateSenior = "associate_senior",
        /// 正高级
        Senior = "senior",
    }
}

impl ProfessionalTitle {
    /// 中级 or above.
    pub fn qualifies(self) -> bool {
        self >= ProfessionalTitle::Intermediate
    }
}

coded! {
    /// Kind of expert (专家类别).
    #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
    #[serde(rename_all = "snake_case")]
    pub enum ExpertKind("expert_kind") {
        /// 学科/教学专家
        SubjectTeaching = "subject_teaching",
        /// 法律专家
        Legal = "legal",
    }
}

/// What is entered for an expert of the pool (专家库信息).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ExpertInput {
    /// 姓名
    pub name: String,
    /// 居民身份证号 (optional; stored masked in views)
    pub id_number: String,
    /// 工作单位
    pub employer: String,
    /// 职称
    pub title: ProfessionalTitle,
    /// 专家类别
    pub kind: ExpertKind,
    /// 擅长领域 (required for 学科/教学专家)
    pub domains: Vec<ItemDomain>,
    /// 熟悉学段 (required for 学科/教学专家)
    pub stages: Vec<Stage>,
    /// 任教学科: the curriculum subjects a 学科/教学 expert is qualified in (what the subject
    /// seat of a panel matches against an item's 相关学科).
    #[serde(default)]
    pub school_subjects: Vec<SchoolSubject>,
    /// 所在县（市）; `None` = prefecture level (州直)
    pub region: Option<CountyId>,
    /// 手机号
    pub mobile: String,
    /// 聘期开始
    pub term_start: NaiveDate,
    /// 聘期结束
    pub term_end: NaiveDate,
    /// 本人未在校外培训机构任职、兼职 (declaration)
    pub declares_no_post: bool,
    /// 近亲属未在校外培训机构任职、兼职 (declaration)
    pub declares_relatives_no_post: bool,
    /// 本人从未在校外培训机构兼职 (guide 五(五)): the expert's own declaration, like the others;
    /// without it the expert is not drawn.
    #[serde(default)]
    pub declares_no_part_time_history: bool,
}

/// Checks an expert's fields. Paths: `expert.<field>`.
pub fn validate_expert(input: &ExpertInput) -> FieldErrors {
    let mut errs = FieldErrors::new();
    check_text(
        &mut errs,
        "expert.name",
        &input.name,
        limits::PERSON_MIN,
        limits::PERSON_MAX,
    );
    if !input.id_number.trim().is_empty() && !id_number_is_valid(input.id_number.trim()) {
        errs.add("expert.id_number", "err.id_number_format");
    }
    check_text(
        &mut errs,
        "expert.employer",
        &input.employer,
        limits::NAME_MIN,
        limits::EMPLOYER_MAX,
    );
    if !input.title.qualifies() {
        errs.add("expert.title", "err.title_below_intermediate");
    }
    if input.kind == ExpertKind::SubjectTeaching {
        if input.domains.is_empty() {
            errs.add("expert.domains", "err.required");
        }
        if input.stages.is_empty() {
            errs.add("expert.stages", "err.required");
        }
    }
    if let Some(c) = input.region {
        if !(100_000..=999_999).contains(&c.0) {
            errs.add("expert.region", "err.county_invalid");
        }
    }
    if input.mobile.trim().is_empty() {
        errs.add("expert.mobile", "err.required");
    } else if !is_mobile(&input.mobile) {
        errs.add("expert.mobile", "err.mobile_format");
    }
    if input.term_end <= input.term_start {
        errs.add("expert.term_end", "err.term_order");
    } else if input
        .term_start
        .checked_add_months(Months::new(limits::TERM_MAX_MONTHS))
        .is_some_and(|max| input.term_end > max)
    {
        errs.push(
            FieldError::new("expert.term_end", "err.term_too_long")
                .arg("years", limits::TERM_MAX_MONTHS / 12),
        );
    }
    if !input.declares_no_post {
        errs.add("expert.declares_no_post", "err.declaration_required");
    }
    if !input.declares_relatives_no_post {
        errs.add(
            "expert.declares_relatives_no_post",
            "err.declaration_required",
        );
    }
    errs
}

// ---------------------------------------------------------------------------------------------
// Materials (申报材料)
// ---------------------------------------------------------------------------------------------

coded! {
    /// Type of an uploaded material (材料类型).
    #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
    #[serde(rename_all = "snake_case")]
    pub enum MaterialKind("material") {
        /// 培训课程方案
        CoursePlan = "course_plan",
        /// 教材
        Textbook = "textbook",
        /// 教辅
        Supplementary = "supplementary",
        /// 教学大纲
        Syllabus = "syllabus",
        /// 教学计划
        TeachingPlan = "teaching_plan",
        /// 进度安排
        Schedule = "schedule",
        /// 课时教案
        LessonPlan = "lesson_plan",
        /// 评价方案
        EvaluationPlan = "evaluation_plan",
        /// 宣传材料
        Promotional = "promotional",
        /// 其他
        Other = "other",
        /// 复审新证据: filed with a re-review application (not part of the application's checklist).
        RereviewEvidence = "rereview_evidence",
    }
}

impl MaterialKind {
    /// The kinds an application's checklist offers (the form's upload slots).
    pub const APPLICATION: [MaterialKind; 10] = [
        MaterialKind::CoursePlan,
        MaterialKind::Textbook,
        MaterialKind::Supplementary,
        MaterialKind::Syllabus,
        MaterialKind::TeachingPlan,
        MaterialKind::Schedule,
        MaterialKind::LessonPlan,
        MaterialKind::EvaluationPlan,
        MaterialKind::Promotional,
        MaterialKind::Other,
    ];
}

/// One line of the material checklist (材料清单): satisfied by a material of any of the kinds.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct MaterialRequirement {
    /// Translation key of the checklist line.
    pub key: &'static str,
    pub any_of: &'static [MaterialKind],
}

const REQUIRED: [MaterialRequirement; 5] = [
    MaterialRequirement {
        key: "material.req.course_plan",
        any_of: &[MaterialKind::CoursePlan],
    },
    MaterialRequirement {
        key: "material.req.syllabus_or_plan",
        any_of: &[MaterialKind::Syllabus, MaterialKind::TeachingPlan],
    },
    MaterialRequirement {
        key: "material.req.lesson_plan",
        any_of: &[MaterialKind::LessonPlan],
    },
    MaterialRequirement {
        key: "material.req.evaluation_plan",
        any_of: &[MaterialKind::EvaluationPlan],
    },
    MaterialRequirement {
        key: "material.req.promotional",
        any_of: &[MaterialKind::Promotional],
    },
];

/// The checklist every application must satisfy before it can be submitted.
pub fn required_materials() -> &'static [MaterialRequirement] {
    &REQUIRED
}

/// The checklist lines not satisfied by the materials present.
pub fn missing_materials(present: &[MaterialKind]) -> Vec<&'static MaterialRequirement> {
    REQUIRED
        .iter()
        .filter(|r| !r.any_of.iter().any(|k| present.contains(k)))
        .collect()
}

/// Field errors (`materials`) for the missing checklist lines.
pub fn validate_materials(present: &[MaterialKind]) -> FieldErrors {
    let mut errs = FieldErrors::new();
    for r in missing_materials(present) {
        errs.push(FieldError::new("materials", "err.material_missing").arg("material", r.key));
    }
    errs
}

/// A paged list's page number from a query (1 when empty); out of 1..=100,000 or not a
/// number, an error on `page`.
pub fn parse_page(errors: &mut FieldErrors, text: &str) -> u64 {
    match text.trim() {
        "" => 1,
        p => match p.parse::<u64>() {
            Ok(n) if (1..=100_000).contains(&n) => n,
            _ => {
                errors.add("page", "err.registry.page");
                1
            }
        },
    }
}

/// Why an expert's title cannot be checked now (职称核验, guide 五(三)): there is no
/// certificate to check it against, or it is already checked. `None`: it can be.
pub fn title_check_refusal(has_certificate: bool, verified: bool) -> Option<&'static str> {
    if !has_certificate {
        Some("err.expert.no_certificate")
    } else if verified {
        Some("err.expert.title_already_verified")
    } else {
        None
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_title_is_checked_once_against_a_certificate() {
        assert_eq!(
            title_check_refusal(false, false),
            Some("err.expert.no_certificate")
        );
        assert_eq!(
            title_check_refusal(true, true),
            Some("err.expert.title_already_verified")
        );
        assert_eq!(title_check_refusal(true, false), None);
    }

    fn make_uscc(prefix17: &str) -> String {
        let c = uscc_check_char(prefix17).expect("valid prefix");
        format!("{prefix17}{c}")
    }

    #[test]
    fn uscc_published_codes() {
        // Codes as published on business licences (a random string passes with odds 1 in 31).
        for code in [
            "91350100M000100Y43",
            "91110000100010310K",
            "911100007109250324",
            "91440300708461136T",
            "914403001922038216",
            "91110108551385082Q",
            "91330100716105852F",
        ] {
            assert_eq!(uscc_check_char(&code[..17]), code.chars().nth(17), "{code}");
            assert!(uscc_is_valid(code), "{code}");
        }
    }

    #[test]
    fn uscc_built_and_flipped() {
        let built = [
            make_uscc("91652301MA7XXXXX0".replace('X', "1").as_str()),
            make_uscc("52652302MJ0000001"),
            make_uscc("12652300457600001"),
            make_uscc("92652325MA0000123"),
        ];
        for code in &built {
            assert!(uscc_is_valid(code), "{code}");
            // Flip every one of the 18 positions to a different charset character: all invalid.
            for pos in 0..18 {
                let mut chars: Vec<char> = code.chars().collect();
                let v = uscc_value(chars[pos]).expect("charset");
                chars[pos] = USCC_CHARSET
                    .chars()
                    .nth(((v + 1) % 31) as usize)
                    .expect("in range");
                let flipped: String = chars.into_iter().collect();
                assert!(!uscc_is_valid(&flipped), "{flipped}");
            }
        }
    }

    #[test]
    fn uscc_problems() {
        assert_eq!(uscc_check("9135010"), Err(UsccProblem::Length));
        assert_eq!(uscc_check("91350100M000100I43"), Err(UsccProblem::Charset));
        assert_eq!(uscc_check("91350100m000100y43"), Err(UsccProblem::Charset));
        assert_eq!(
            uscc_check(&make_uscc("94350100M000100Y4")),
            Err(UsccProblem::Authority)
        );
        assert_eq!(
            uscc_check(&make_uscc("91990100M000100Y4")),
            Err(UsccProblem::Region)
        );
        assert_eq!(
            uscc_check(&make_uscc("913A0100M000100Y4")),
            Err(UsccProblem::Region)
        );
        assert_eq!(
            uscc_check("91350100M000100Y44"),
            Err(UsccProblem::CheckDigit)
        );
        assert_eq!(uscc_check_char("123"), None);
        assert_eq!(uscc_check_char("91350100M000100I4"), None);
        assert_eq!(normalize_uscc(" 91350100m000100y43 "), "91350100M000100Y43");
        // The check character can be 0 (sum ≡ 0 mod 31 maps to 0, not 31).
        let mut found_zero = false;
        for n in 0..2000u32 {
            let p = format!("91652301MA{n:07}");
            if uscc_check_char(&p) == Some('0') {
                found_zero = true;
                assert!(uscc_is_valid(&format!("{p}0")));
                break;
            }
        }
        assert!(found_zero);
    }

    #[test]
    fn phones() {
        for m in [
            "13812345678",
            "+86 138 1234 5678",
            "+86-13812345678",
            "199-9999-0000",
        ] {
            assert_eq!(phone_kind(m), Some(PhoneKind::Mobile), "{m}");
        }
        for l in [
            "0994-2345678",
            "(0994)2345678",
            "09942345678",
            "010-62345678",
            "01062345678",
            "021-87654321",
            "010-62345678-123",
            "0994-2345678转12",
            "(0994)-2345678",
        ] {
            assert_eq!(phone_kind(l), Some(PhoneKind::Landline), "{l}");
        }
        assert_eq!(phone_kind("400-123-4567"), Some(PhoneKind::Hotline));
        for bad in [
            "",
            "12812345678",
            "1381234567",
            "138123456789",
            "0994-0345678",
            "0994-234567",
            "994-2345678",
            "0994-2345678-",
            "0994-2345678-1234567",
            "abc",
            "(0994 2345678",
            "00994-2345678",
        ] {
            assert_eq!(phone_kind(bad), None, "{bad}");
        }
        assert!(is_mobile("15999001234"));
        assert!(!is_mobile("0994-2345678"));
    }

    #[test]
    fn licence_numbers() {
        assert!(licence_no_is_valid("教民165230170000123号"));
        assert!(licence_no_is_valid("教民165230170000123"));
        assert!(!licence_no_is_valid("教民16523017000012号"));
        assert!(!licence_no_is_valid("教民16523017000012X"));
        assert!(licence_no_is_valid("652301-2021-000123"));
        assert!(licence_no_is_valid("JY65230120210001"));
        assert!(!licence_no_is_valid("JY6523"));
        assert!(!licence_no_is_valid("ABCDEFGHIJKL12"));
        assert!(!licence_no_is_valid("-65230120210001"));
        assert!(!licence_no_is_valid("6523012021--0001"));
        assert!(!licence_no_is_valid("jy65230120210001"));
    }

    #[test]
    fn id_numbers() {
        // The GB 11643 example number.
        assert!(id_number_is_valid("11010519491231002X"));
        assert!(!id_number_is_valid("110105194912310021"));
        assert!(!id_number_is_valid("11010519491331002X"));
        assert!(!id_number_is_valid("1101051949123100"));
    }

    fn good_institution() -> InstitutionInput {
        InstitutionInput {
            name: "昌吉市星火艺术培训中心".into(),
            uscc: "91350100M000100Y43".into(),
            licence_no: "教民165230170000123号".into(),
            county: CountyId(652301),
            address: "昌吉市延安北路 88 号".into(),
            legal_representative: "张伟".into(),
            principal: "李娜".into(),
            contact_name: "王芳".into(),
            contact_phone: "0994-2345678".into(),
            for_profit: true,
        }
    }

    #[test]
    fn institution() {
        assert!(validate_institution(&good_institution()).is_empty());
        let mut i = good_institution();
        i.licence_no = String::new();
        assert!(validate_institution(&i).is_empty(), "licence optional");
        i.uscc = "91350100M000100Y44".into();
        i.name = "星".into();
        i.address = String::new();
        i.contact_phone = "12345".into();
        i.county = CountyId(65);
        i.licence_no = "bad".into();
        i.principal = "长".repeat(51);
        let e = validate_institution(&i);
        let keys: Vec<(&str, &str)> =
            e.0.iter()
                .map(|x| (x.field.as_str(), x.key.as_str()))
                .collect();
        assert!(keys.contains(&("institution.uscc", "err.uscc_check_digit")));
        assert!(keys.contains(&("institution.name", "err.text_too_short")));
        assert!(keys.contains(&("institution.address", "err.required")));
        assert!(keys.contains(&("institution.contact_phone", "err.phone_format")));
        assert!(keys.contains(&("institution.county", "err.county_invalid")));
        assert!(keys.contains(&("institution.licence_no", "err.licence_no_format")));
        assert!(keys.contains(&("institution.principal", "err.text_too_long")));
        i.uscc = "  ".into();
        assert!(validate_institution(&i)
            .for_field("institution.uscc")
            .any(|e| e.key == "err.required"));
        // Lower case is normalised.
        let mut j = good_institution();
        j.uscc = "91350100m000100y43".into();
        assert!(validate_institution(&j).is_empty());
    }

    fn good_item() -> TrainingItemInput {
        TrainingItemInput {
            name: "少儿创意美术".into(),
            declared_category: Category::NonSubject,
            domain: ItemDomain::Arts,
            stage: Stage::Primary,
            grades: vec![1, 2, 3],
            delivery: DeliveryMode::Offline,
            hours: 48,
            class_size: 15,
            fee_fen: 360_000,
            description: "以绘画、手工为主的创意美术课程，注重动手实践。".into(),
            dispute_reason: "课程含少量色彩原理讲解，机构不确定是否属于学科类。".into(),
            licence_application: String::new(),
            principal_employer: String::new(),
            preparers: vec![],
            related_subject: None,
        }
    }

    #[test]
    fn training_item() {
        assert!(validate_training_item(&good_item()).is_empty());
        let mut it = good_item();
        it.stage = Stage::Junior;
        assert!(validate_training_item(&it)
            .for_field("item.grades")
            .any(|e| e.key == "err.grades_stage"));
        it.grades = vec![7, 7];
        assert!(validate_training_item(&it)
            .for_field("item.grades")
            .any(|e| e.key == "err.grades_duplicate"));
        it.grades = vec![];
        it.hours = 0;
        it.class_size = 201;
        it.fee_fen = -1;
        it.description = "短".into();
        let e = validate_training_item(&it);
        for f in [
            "item.grades",
            "item.hours",
            "item.class_size",
            "item.fee_fen",
            "item.description",
        ] {
            assert_eq!(e.for_field(f).count(), 1, "{f}");
        }
        it.delivery = DeliveryMode::Online;
        assert_eq!(
            validate_training_item(&it)
                .for_field("item.class_size")
                .count(),
            0
        );
        let mut p = good_item();
        p.stage = Stage::Preschool;
        p.grades = vec![1, 2, 3];
        assert!(validate_training_item(&p).is_empty());
        p.grades = vec![4];
        assert!(!validate_training_item(&p).is_empty());
        // Characters are counted, not bytes: 100 汉字 is fine, 101 is not.
        let mut n = good_item();
        n.name = "美".repeat(100);
        assert!(validate_training_item(&n).is_empty());
        n.name = "美".repeat(101);
        assert_eq!(validate_training_item(&n).len(), 1);
    }

    fn good_expert() -> ExpertInput {
        ExpertInput {
            name: "赵敏".into(),
            id_number: "11010519491231002X".into(),
            employer: "昌吉州第一中学".into(),
            title: ProfessionalTitle::AssociateSenior,
            kind: ExpertKind::SubjectTeaching,
            domains: vec![ItemDomain::Arts],
            stages: vec![Stage::Primary, Stage::Junior],
            school_subjects: vec![SchoolSubject::Art],
            region: Some(CountyId(652301)),
            mobile: "13899887766".into(),
            term_start: NaiveDate::from_ymd_opt(2026, 1, 1).expect("date"),
            term_end: NaiveDate::from_ymd_opt(2028, 12, 31).expect("date"),
            declares_no_post: true,
            declares_relatives_no_post: true,
            declares_no_part_time_history: true,
        }
    }

    #[test]
    fn expert() {
        assert!(validate_expert(&good_expert()).is_empty());
        let mut e = good_expert();
        e.title = ProfessionalTitle::Junior;
        e.domains.clear();
        e.mobile = "0994-2345678".into();
        e.term_end = NaiveDate::from_ymd_opt(2029, 1, 2).expect("date");
        e.declares_no_post = false;
        e.id_number = "110105194912310021".into();
        let errs = validate_expert(&e);
        for (f, k) in [
            ("expert.title", "err.title_below_intermediate"),
            ("expert.domains", "err.required"),
            ("expert.mobile", "err.mobile_format"),
            ("expert.term_end", "err.term_too_long"),
            ("expert.declares_no_post", "err.declaration_required"),
            ("expert.id_number", "err.id_number_format"),
        ] {
            assert!(errs.for_field(f).any(|x| x.key == k), "{f} {k}");
        }
        let mut l = good_expert();
        l.kind = ExpertKind::Legal;
        l.domains.clear();
        l.stages.clear();
        l.id_number.clear();
        assert!(validate_expert(&l).is_empty());
        l.term_end = l.term_start;
        assert!(validate_expert(&l)
            .for_field("expert.term_end")
            .any(|x| x.key == "err.term_order"));
    }

    #[test]
    fn materials() {
        use MaterialKind::*;
        assert_eq!(missing_materials(&[]).len(), 5);
        let full = [
            CoursePlan,
            TeachingPlan,
            LessonPlan,
            EvaluationPlan,
            Promotional,
        ];
        assert!(missing_materials(&full).is_empty());
        assert!(validate_materials(&full).is_empty());
        let alt = [
            CoursePlan,
            Syllabus,
            LessonPlan,
            EvaluationPlan,
            Promotional,
            Other,
        ];
        assert!(missing_materials(&alt).is_empty());
        let m = missing_materials(&[CoursePlan, Textbook, LessonPlan]);
        let keys: Vec<&str> = m.iter().map(|r| r.key).collect();
        assert_eq!(
            keys,
            [
                "material.req.syllabus_or_plan",
                "material.req.evaluation_plan",
                "material.req.promotional"
            ]
        );
        for k in MaterialKind::ALL {
            assert_eq!(MaterialKind::from_code(k.code()), Some(k));
        }
        for d in ItemDomain::ALL {
            assert_eq!(ItemDomain::from_code(d.code()), Some(d));
        }
        for t in ProfessionalTitle::ALL {
            assert_eq!(ProfessionalTitle::from_code(t.code()), Some(t));
        }
        assert_eq!(ExpertKind::from_code("legal"), Some(ExpertKind::Legal));
        assert_eq!(
            DeliveryMode::from_code("online"),
            Some(DeliveryMode::Online)
        );
    }
}
