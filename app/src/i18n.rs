//! Translations. Every user-visible string comes from `app/locales/<lang>/*.txt` (one
//! `key = text` a line, `#` comments, `{name}` placeholders). zh-CN is the default.
//!
//! The server embeds both languages. The browser embeds neither: the page names the active
//! language's table (`/pkg/i18n/<lang>.<hash>.json`, served by the server from the embedded
//! files, cached for good since its name changes with its content), the browser loads it before
//! it hydrates ([`load`]), and loads the other one when the reader switches.

use leptos::prelude::*;
#[cfg(feature = "ssr")]
use std::collections::HashMap;
#[cfg(feature = "ssr")]
use std::sync::OnceLock;

pub const LOCALES: [&str; 2] = ["zh-CN", "en"];
pub const DEFAULT_LOCALE: &str = "zh-CN";
/// Cookie that remembers the chosen language.
pub const LOCALE_COOKIE: &str = "jd_lang";

#[cfg(feature = "ssr")]
const ZH: &[&str] = &[
    include_str!("../locales/zh-CN/ui.txt"),
    include_str!("../locales/zh-CN/domain.txt"),
    include_str!("../locales/zh-CN/cases.txt"),
    include_str!("../locales/zh-CN/experts.txt"),
    include_str!("../locales/zh-CN/draws.txt"),
    include_str!("../locales/zh-CN/sheets.txt"),
    include_str!("../locales/zh-CN/activities.txt"),
    include_str!("../locales/zh-CN/opinions.txt"),
    include_str!("../locales/zh-CN/rereview.txt"),
    include_str!("../locales/zh-CN/dashboard.txt"),
    include_str!("../locales/zh-CN/meetings.txt"),
    include_str!("../locales/zh-CN/selfcheck.txt"),
    include_str!("../locales/zh-CN/security.txt"),
    include_str!("../locales/zh-CN/notices.txt"),
    include_str!("../locales/zh-CN/audit.txt"),
    include_str!("../locales/zh-CN/settings.txt"),
];
#[cfg(feature = "ssr")]
const EN: &[&str] = &[
    include_str!("../locales/en/ui.txt"),
    include_str!("../locales/en/domain.txt"),
    include_str!("../locales/en/cases.txt"),
    include_str!("../locales/en/experts.txt"),
    include_str!("../locales/en/draws.txt"),
    include_str!("../locales/en/sheets.txt"),
    include_str!("../locales/en/activities.txt"),
    include_str!("../locales/en/opinions.txt"),
    include_str!("../locales/en/rereview.txt"),
    include_str!("../locales/en/dashboard.txt"),
    include_str!("../locales/en/meetings.txt"),
    include_str!("../locales/en/selfcheck.txt"),
    include_str!("../locales/en/security.txt"),
    include_str!("../locales/en/notices.txt"),
    include_str!("../locales/en/audit.txt"),
    include_str!("../locales/en/settings.txt"),
];

#[cfg(feature = "ssr")]
type Table = HashMap<&'static str, &'static str>;

#[cfg(feature = "ssr")]
fn parse(files: &[&'static str]) -> Table {
    let mut t = HashMap::new();
    for f in files {
        for line in f.lines() {
            let line = line.trim();
            if line.is_empty() || line.starts_with('#') {
                continue;
            }
            if let Some((k, v)) = line.split_once('=') {
                t.insert(k.trim(), v.trim());
            }
        }
    }
    t
}

#[cfg(feature = "ssr")]
fn table(locale: &str) -> &'static Table {
    static ZH_T: OnceLock<Table> = OnceLock::new();
    static EN_T: OnceLock<Table> = OnceLock::new();
    if locale == "en" {
        EN_T.get_or_init(|| parse(EN))
    } else {
        ZH_T.get_or_init(|| parse(ZH))
    }
}

/// A language's table as the browser loads it (JSON, keys in order) and the path it is served
/// at, named by its content.
#[cfg(feature = "ssr")]
pub struct TableFile {
    pub path: String,
    pub json: String,
}

/// The table file of `locale` (one of [`LOCALES`]; anything else is Chinese).
#[cfg(feature = "ssr")]
pub fn table_file(locale: &str) -> &'static TableFile {
    fn make(locale: &'static str) -> TableFile {
        use base64::Engine;
        use sha2::Digest;
        let sorted: std::collections::BTreeMap<_, _> = table(locale).iter().collect();
        let json = serde_json::to_string(&sorted).expect("a table of strings is JSON");
        let hash = sha2::Sha256::digest(json.as_bytes());
        let name = base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(&hash[..16]);
        TableFile {
            path: format!("/pkg/i18n/{locale}.{name}.json"),
            json,
        }
    }
    static ZH_F: OnceLock<TableFile> = OnceLock::new();
    static EN_F: OnceLock<TableFile> = OnceLock::new();
    if normalize(locale) == "en" {
        EN_F.get_or_init(|| make("en"))
    } else {
        ZH_F.get_or_init(|| make(DEFAULT_LOCALE))
    }
}

/// The tables the browser has loaded.
#[cfg(not(feature = "ssr"))]
mod browser {
    use std::collections::HashMap;
    use std::sync::Mutex;

    pub type Table = HashMap<String, String>;

    static TABLES: Mutex<Vec<(&'static str, &'static Table)>> = Mutex::new(Vec::new());

    pub fn table(locale: &str) -> Option<&'static Table> {
        let all = TABLES.lock().unwrap_or_else(|e| e.into_inner());
        all.iter().find(|(l, _)| *l == locale).map(|(_, t)| *t)
    }

    /// Keeps a loaded table for the life of the page (two at most).
    pub fn install(locale: &'static str, t: Table) {
        let mut all = TABLES.lock().unwrap_or_else(|e| e.into_inner());
        if !all.iter().any(|(l, _)| *l == locale) {
            all.push((locale, Box::leak(Box::new(t))));
        }
    }
}

/// Where the page says a language's table is (`<meta name="jd-i18n-<lang>">`).
#[cfg(feature = "hydrate")]
fn table_path(locale: &str) -> Option<String> {
    web_sys::window()?
        .document()?
        .query_selector(&format!("meta[name=\"jd-i18n-{locale}\"]"))
        .ok()??
        .get_attribute("content")
}

/// Loads a language's table into the browser (once); false when it could not be fetched (the
/// keys show instead of the texts).
#[cfg(feature = "hydrate")]
pub async fn load(locale: &str) -> bool {
    use wasm_bindgen::JsCast;
    use wasm_bindgen_futures::JsFuture;
    let locale = normalize(locale);
    if browser::table(locale).is_some() {
        return true;
    }
    let fetched = async {
        let path = table_path(locale)?;
        let res = JsFuture::from(web_sys::window()?.fetch_with_str(&path))
            .await
            .ok()?
            .dyn_into::<web_sys::Response>()
            .ok()?;
        if !res.ok() {
            return None;
        }
        let text = JsFuture::from(res.text().ok()?).await.ok()?.as_string()?;
        serde_json::from_str::<browser::Table>(&text).ok()
    };
    match fetched.await {
        Some(t) => {
            browser::install(locale, t);
            true
        }
        None => false,
    }
}

/// Normalises a requested locale to one we have.
pub fn normalize(locale: &str) -> &'static str {
    if locale.to_ascii_lowercase().starts_with("en") {
        "en"
    } else {
        DEFAULT_LOCALE
    }
}

/// The text of `key` in `locale`; the key itself when missing (a test keeps both files
/// complete).
pub fn text(locale: &str, key: &str) -> String {
    #[cfg(feature = "ssr")]
    let found = table(locale).get(key).map(|s| s.to_string());
    #[cfg(not(feature = "ssr"))]
    let found = browser::table(locale).and_then(|t| t.get(key).cloned());
    found.unwrap_or_else(|| key.to_string())
}

/// The text with `{name}` placeholders filled.
pub fn text_with(locale: &str, key: &str, args: &[(String, String)]) -> String {
    let mut s = text(locale, key);
    for (k, v) in args {
        s = s.replace(&format!("{{{k}}}"), v);
    }
    s
}

/// A notice's title and text in `locale`, filled with its facts (a category code becomes its
/// name, a clock its time limit's). The inbox and the e-mail say the same.
pub fn notice_text(locale: &str, kind: &str, facts: &[(String, String)]) -> (String, String) {
    let args: Vec<(String, String)> = facts
        .iter()
        .map(|(k, v)| {
            let v = match k.as_str() {
                "category" => crate::domain::terms::Category::from_code(v)
                    .map(|c| text(locale, c.label_key()))
                    .unwrap_or_else(|| v.clone()),
                "clock" => crate::domain::deadline::Clock::from_code(v)
                    .map(|c| text(locale, c.label_key()))
                    .unwrap_or_else(|| v.clone()),
                "level" => crate::domain::case::CaseLevel::from_code(v)
                    .map(|c| text(locale, c.label_key()))
                    .unwrap_or_else(|| v.clone()),
                "domain" => crate::domain::item::ItemDomain::from_code(v)
                    .map(|c| text(locale, c.label_key()))
                    .unwrap_or_else(|| v.clone()),
                "stage" => crate::domain::terms::Stage::from_code(v)
                    .map(|c| text(locale, c.label_key()))
                    .unwrap_or_else(|| v.clone()),
                // A county's own English name for an English reader.
                "county" if locale == "en" => facts
                    .iter()
                    .find(|(k, e)| k == "county_en" && !e.is_empty())
                    .map_or_else(|| v.clone(), |(_, e)| e.clone()),
                _ => v.clone(),
            };
            (k.clone(), v)
        })
        .collect();
    let key = format!("notice.{kind}");
    (
        text_with(locale, &key, &args),
        text_with(locale, &format!("{key}.body"), &args),
    )
}

/// All keys of a locale (for tests).
#[cfg(feature = "ssr")]
pub fn keys(locale: &str) -> Vec<&'static str> {
    let mut v: Vec<_> = table(locale).keys().copied().collect();
    v.sort_unstable();
    v
}

/// The current language, shared by every component.
#[derive(Clone, Copy)]
pub struct Locale(pub RwSignal<&'static str>);

pub fn use_locale() -> Locale {
    use_context::<Locale>().unwrap_or_else(|| Locale(RwSignal::new(DEFAULT_LOCALE)))
}

impl Locale {
    pub fn get(&self) -> &'static str {
        self.0.get()
    }
    /// A reactive translation.
    pub fn t(&self, key: &'static str) -> impl Fn() -> String + Send + Sync + Clone + 'static {
        let l = self.0;
        move || text(l.get(), key)
    }
    /// The translation now (reactive when called inside a reactive closure).
    pub fn tr(&self, key: &str) -> String {
        text(self.0.get(), key)
    }
    pub fn tr_with(&self, key: &str, args: &[(String, String)]) -> String {
        text_with(self.0.get(), key, args)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn both_languages_have_the_same_keys() {
        let zh = keys("zh-CN");
        let en = keys("en");
        let missing_en: Vec<_> = zh.iter().filter(|k| !en.contains(k)).collect();
        let missing_zh: Vec<_> = en.iter().filter(|k| !zh.contains(k)).collect();
        assert!(missing_en.is_empty(), "missing in en: {missing_en:?}");
        assert!(missing_zh.is_empty(), "missing in zh-CN: {missing_zh:?}");
    }

    #[test]
    fn each_language_table_is_served_under_a_name_of_its_content() {
        let zh = table_file("zh-CN");
        let en = table_file("en");
        assert_ne!(zh.path, en.path);
        // Anything but English is the default language's table.
        assert_eq!(table_file("fr").path, zh.path);
        for (l, f) in [("zh-CN", zh), ("en", en)] {
            assert!(f.path.starts_with(&format!("/pkg/i18n/{l}.")) && f.path.ends_with(".json"));
            let back: std::collections::HashMap<String, String> =
                serde_json::from_str(&f.json).unwrap();
            assert_eq!(back.len(), keys(l).len());
            assert_eq!(back["app.title"], text(l, "app.title"));
            // The same content, the same name; the name is what the page links and caches.
            let name = f.path.split('.').nth(1).unwrap();
            assert!(name.len() >= 16, "{name}");
        }
    }

    #[test]
    fn lookup_and_placeholders() {
        assert_eq!(text("zh-CN", "app.title"), "校外培训服务类别鉴定平台");
        assert_eq!(
            text_with(
                "en",
                "err.password_too_short",
                &[("min".into(), "10".into())]
            ),
            "The password needs at least 10 characters"
        );
        assert_eq!(normalize("en-US"), "en");
        assert_eq!(normalize("fr"), "zh-CN");
    }

    /// Every translation key the code names has a text in both languages, with the same
    /// placeholders: the keys written literally anywhere in the app and the server, and the
    /// keys built from codes (labels of coded values, notices, actions, exclusions).
    #[test]
    fn every_key_the_code_names_has_a_text_in_both_languages() {
        use std::collections::BTreeSet;
        let zh: BTreeSet<&str> = keys("zh-CN").into_iter().collect();
        let en: BTreeSet<&str> = keys("en").into_iter().collect();
        let prefixes: BTreeSet<&str> = zh.iter().filter_map(|k| k.split('.').next()).collect();
        let mut used: BTreeSet<String> = BTreeSet::new();
        let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR"));
        let mut dirs = vec![root.join("src"), root.join("../server/src")];
        let mut files = 0;
        while let Some(dir) = dirs.pop() {
            for entry in std::fs::read_dir(&dir).unwrap() {
                let path = entry.unwrap().path();
                if path.is_dir() {
                    dirs.push(path);
                    continue;
                }
                if path.extension().is_none_or(|e| e != "rs") {
                    continue;
                }
                files += 1;
                let src = std::fs::read_to_string(&path).unwrap();
                for piece in src.split('"').skip(1).step_by(2) {
                    let looks_like_key = piece.contains('.')
                        && !piece.ends_with('.')
                        && piece.chars().all(|c| {
                            c.is_ascii_lowercase() || c.is_ascii_digit() || c == '.' || c == '_'
                        })
                        && piece
                            .split('.')
                            .next()
                            .is_some_and(|p| prefixes.contains(p));
                    if looks_like_key {
                        used.insert(piece.to_string());
                    }
                }
            }
        }
        assert!(files > 100, "{files} source files read");
        // Codes that share a first part with translation keys but are not keys: audit action
        // codes (the audit page shows and searches them as codes) and the field paths of field
        // errors.
        const NOT_KEYS: &[&str] = &[
            "activity.add_file",
            "activity.create",
            "activity.update",
            "case.accept",
            "case.create",
            "case.open_child",
            "case.save_draft",
            "case.set_lead",
            "credit.file",
            "determination.revoke",
            "draw.commit",
            "draw.loan_granted",
            "draw.loan_requested",
            "draw.settings",
            "material.upload",
            "meeting.waive",
            "notice.resend",
            "opinion.draft",
            "opinion.seal",
            "opinion.sign",
            "sheet.save",
            // field paths
            "activity.held_on",
            "activity.kind",
            "opinion.finding.content",
            "opinion.finding.purpose",
            "selfcheck.answer",
            "selfcheck.rubric_version",
            "sheet.content.astrology",
            "sheet.content.negative_list.rating",
            "sheet.content.pacing.evidence",
            "sheet.content.pacing.refs",
            "sheet.content.syllabus.rating",
            "sheet.negative_list_hits",
            "sheet.negative_list_version",
            "sheet.purpose.objectives.refs",
            "sheet.rubric_version",
            "sheet.save_id",
        ];
        for k in NOT_KEYS {
            assert!(
                used.remove(*k),
                "{k} is no longer named in the code: drop it from NOT_KEYS"
            );
        }
        // Keys built from codes.
        macro_rules! labels {
            ($($t:ty),+) => {$(
                for v in <$t>::ALL {
                    used.insert(v.label_key().to_string());
                }
            )+};
        }
        use crate::domain::*;
        labels!(
            terms::Stage,
            terms::Category,
            notice::DeliveryState,
            determination::Basis,
            role::Role,
            item::ItemDomain,
            item::SchoolSubject,
            item::DeliveryMode,
            expert::ProfessionalTitle,
            expert::ExpertKind,
            material::MaterialKind,
            activity::ActivityKind,
            case::CaseState,
            case::CaseLevel,
            case::SeatStatus,
            lifecycle::ActionKind,
            selfcheck::Answer,
            credit::CreditKind,
            credit::ExpertMeasure,
            deadline::Clock
        );
        for k in notice::NoticeKind::ALL {
            used.insert(format!("notice.{}", k.code()));
            used.insert(format!("notice.{}.body", k.code()));
        }
        for e in [
            draw::Exclusion::NotActive,
            draw::Exclusion::OverWorkload {
                active: 1,
                limit: 1,
            },
        ] {
            used.insert(e.label_key());
        }
        assert!(used.len() > 600, "{} keys found", used.len());
        let missing: Vec<&String> = used
            .iter()
            .filter(|k| !zh.contains(k.as_str()) || !en.contains(k.as_str()))
            .collect();
        assert!(missing.is_empty(), "keys without text: {missing:?}");
        // The same placeholders in both languages.
        let holes = |t: String| -> BTreeSet<String> {
            t.split('{')
                .skip(1)
                .filter_map(|p| p.split_once('}').map(|(n, _)| n.to_string()))
                .collect()
        };
        for k in &zh {
            assert_eq!(
                holes(text("zh-CN", k)),
                holes(text("en", k)),
                "placeholders of {k}"
            );
        }
    }
}
