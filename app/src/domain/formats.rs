//! Formats of the identifiers and texts the forms take: length limits (in characters: 一个汉字
//! counts as one), 统一社会信用代码 (GB 32100-2015), phone numbers, 办学许可证号, ID numbers, a
//! list's page number. Every check returns [`FieldErrors`]: a field path and a translation key
//! (`err.*`, texts in `app/locales/*/domain.txt`); the browser runs them for instant feedback,
//! the server runs the very same functions before it stores anything.
//!
//! Decisions that no public rule fixes:
//! - 办学许可证号 is optional (an applicant may still be waiting for its licence; the
//!   identification often decides which authority licenses it). When given it must be either
//!   `教民` + 15 digits (+ optional `号`), the national format of private-school licences, or a
//!   12–30 character code of ASCII capital letters and digits (single inner hyphens allowed)
//!   containing at least 6 digits, which covers licences issued by other departments.
//! - An expert gives a mainland mobile number (notices go by text message); institutions may
//!   give a mobile, a landline or a 400/800 service number.

use super::error::{FieldError, FieldErrors};
use chrono::NaiveDate;
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

/// A phone number as shown to those who may not read it whole: 139****1234, the first three and
/// the last four characters (trimmed), four stars between, whatever the length; "****" when
/// shorter than eight.
pub fn mask_phone(p: &str) -> String {
    let c: Vec<char> = p.trim().chars().collect();
    if c.len() < 8 {
        return "****".into();
    }
    let head: String = c[..3].iter().collect();
    let tail: String = c[c.len() - 4..].iter().collect();
    format!("{head}****{tail}")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_masked_phone_keeps_three_and_four_and_hides_the_length() {
        assert_eq!(mask_phone(" 13912345678 "), "139****5678");
        assert_eq!(mask_phone("0994-2345678"), "099****5678");
        assert_eq!(mask_phone("1234567"), "****");
        assert_eq!(mask_phone(""), "****");
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
}
