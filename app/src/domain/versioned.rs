//! Reference data published in numbered versions (the rubric, the negative list): one
//! [`Registry`] per kind of document, read the same way on both sides.
//!
//! The server embeds every version's TOML file and reads it once, checked; a published version
//! is never edited, a change is a new file. The browser embeds neither the files nor a TOML
//! parser: a page that needs a version receives it (already parsed, by serde) with its data and
//! makes it known ([`Registry::know`]), so that the domain's lookups by version answer the same
//! in the browser as on the server.

use std::sync::Mutex;
#[cfg(feature = "ssr")]
use std::sync::OnceLock;

/// A document published in numbered versions.
pub trait Versioned: Clone + Send + Sync + 'static {
    /// What it is, in messages ("rubric").
    const NAME: &'static str;
    type Error: std::fmt::Display;
    fn version(&self) -> u32;
    /// The document's own rules (ids unique, references resolve, …).
    #[cfg(feature = "ssr")]
    fn check(&self) -> Result<(), Self::Error>;
    /// The error of a text that is not TOML of the document's shape.
    fn parse_error(message: String) -> Self::Error;
    /// The error of a document that does not declare the version it is registered under.
    fn wrong_version(expected: u32, found: u32) -> Self::Error;
}

/// Reads a document of kind `T` from its TOML text, checked.
#[cfg(feature = "ssr")]
pub fn load<T: Versioned + serde::de::DeserializeOwned>(text: &str) -> Result<T, T::Error> {
    let d: T = toml::from_str(text).map_err(|e| T::parse_error(e.to_string()))?;
    d.check()?;
    Ok(d)
}

/// The embedded files of a kind of document, oldest first: (version, TOML text). Empty in the
/// browser.
pub type Files = &'static [(u32, &'static str)];

/// The versions of one kind of document: the embedded ones on the server, the ones the pages
/// brought in the browser.
pub struct Registry<T: 'static> {
    #[cfg(feature = "ssr")]
    files: Files,
    #[cfg(feature = "ssr")]
    parsed: OnceLock<Vec<T>>,
    #[cfg(not(feature = "ssr"))]
    known: Known<T>,
}

impl<T: Versioned + serde::de::DeserializeOwned> Registry<T> {
    pub const fn new(files: Files) -> Self {
        #[cfg(not(feature = "ssr"))]
        let _ = files;
        Registry {
            #[cfg(feature = "ssr")]
            files,
            #[cfg(feature = "ssr")]
            parsed: OnceLock::new(),
            #[cfg(not(feature = "ssr"))]
            known: Known::new(),
        }
    }

    /// Reads a file registered as `version`: checked, and declaring that very version.
    #[cfg(feature = "ssr")]
    pub fn load_registered(version: u32, text: &str) -> Result<T, T::Error> {
        let v: T = load(text)?;
        if v.version() != version {
            return Err(T::wrong_version(version, v.version()));
        }
        Ok(v)
    }

    #[cfg(feature = "ssr")]
    fn all(&self) -> &[T] {
        self.parsed.get_or_init(|| {
            self.files
                .iter()
                .map(|(v, text)| {
                    Self::load_registered(*v, text)
                        .unwrap_or_else(|e| panic!("embedded {} v{v} is invalid: {e}", T::NAME))
                })
                .collect()
        })
    }

    /// An embedded version (on the server), or one a page's data brought (in the browser).
    pub fn get(&'static self, version: u32) -> Option<&'static T> {
        #[cfg(feature = "ssr")]
        {
            self.all().iter().find(|d| d.version() == version)
        }
        #[cfg(not(feature = "ssr"))]
        {
            self.known.get(version)
        }
    }

    /// A version that came with a page's data, as [`Registry::get`] will answer it from now
    /// on: the embedded one on the server (none when the server has no such version), the
    /// first copy given in the browser.
    pub fn know(&'static self, value: &T) -> Option<&'static T> {
        #[cfg(feature = "ssr")]
        {
            self.get(value.version())
        }
        #[cfg(not(feature = "ssr"))]
        {
            Some(self.known.know(value))
        }
    }

    /// The version in force: the highest embedded one (on the server; in the browser, the
    /// highest one a page brought).
    pub fn current(&'static self) -> &'static T {
        #[cfg(feature = "ssr")]
        let latest = self.all().iter().max_by_key(|d| d.version());
        #[cfg(not(feature = "ssr"))]
        let latest = self.known.latest();
        latest.unwrap_or_else(|| {
            panic!(
                "no {} version: at least one is embedded (or, in the browser, was given)",
                T::NAME
            )
        })
    }

    /// The embedded version numbers, ascending.
    #[cfg(feature = "ssr")]
    pub fn versions(&self) -> Vec<u32> {
        let mut v: Vec<u32> = self.files.iter().map(|(v, _)| *v).collect();
        v.sort_unstable();
        v
    }
}

/// The versions known so far, each kept once for the life of the page (a handful at most).
pub struct Known<T: 'static>(Mutex<Vec<&'static T>>);

impl<T: Clone + Versioned> Known<T> {
    pub const fn new() -> Self {
        Known(Mutex::new(Vec::new()))
    }

    fn all(&self) -> std::sync::MutexGuard<'_, Vec<&'static T>> {
        // Nothing can panic while the lock is held, so a poisoned lock still holds whole data.
        self.0.lock().unwrap_or_else(|e| e.into_inner())
    }

    pub fn get(&self, version: u32) -> Option<&'static T> {
        self.all().iter().find(|v| v.version() == version).copied()
    }

    /// The highest version known.
    pub fn latest(&self) -> Option<&'static T> {
        self.all().iter().max_by_key(|v| v.version()).copied()
    }

    /// Makes `value` known (the first copy of a version stays: published versions never change).
    pub fn know(&self, value: &T) -> &'static T {
        let mut all = self.all();
        if let Some(v) = all.iter().find(|v| v.version() == value.version()) {
            return v;
        }
        let v: &'static T = Box::leak(Box::new(value.clone()));
        all.push(v);
        v
    }
}

impl<T: Versioned> Default for Known<T> {
    fn default() -> Self {
        Self::new()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[derive(Clone, Debug, PartialEq, serde::Deserialize)]
    struct Doc {
        version: u32,
        text: String,
    }

    fn doc(version: u32, text: &str) -> Doc {
        Doc {
            version,
            text: text.into(),
        }
    }

    impl Versioned for Doc {
        const NAME: &'static str = "doc";
        type Error = String;
        fn version(&self) -> u32 {
            self.version
        }
        #[cfg(feature = "ssr")]
        fn check(&self) -> Result<(), String> {
            if self.text.is_empty() {
                return Err("no text".into());
            }
            Ok(())
        }
        fn parse_error(message: String) -> String {
            message
        }
        fn wrong_version(expected: u32, found: u32) -> String {
            format!("{found} registered as {expected}")
        }
    }

    #[test]
    fn a_version_is_kept_once_and_found_by_number() {
        let k = Known::new();
        assert!(k.get(1).is_none());
        assert!(k.latest().is_none());
        let a = k.know(&doc(1, "first"));
        // A second copy of a published version changes nothing.
        let b = k.know(&doc(1, "other"));
        assert!(std::ptr::eq(a, b));
        assert_eq!(k.get(1), Some(&doc(1, "first")));
        k.know(&doc(3, "third"));
        k.know(&doc(2, "second"));
        assert_eq!(k.latest(), Some(&doc(3, "third")));
        assert_eq!(k.get(2), Some(&doc(2, "second")));
        assert!(k.get(4).is_none());
    }

    #[cfg(feature = "ssr")]
    #[test]
    fn the_registry_reads_each_embedded_file_once_and_answers_by_version() {
        static DOCS: Registry<Doc> = Registry::new(&[
            (1, "version = 1\ntext = \"first\""),
            (2, "version = 2\ntext = \"second\""),
        ]);
        assert_eq!(DOCS.versions(), vec![1, 2]);
        assert_eq!(DOCS.get(2), Some(&doc(2, "second")));
        assert!(DOCS.get(3).is_none());
        assert_eq!(DOCS.current().version, 2);
        assert!(std::ptr::eq(DOCS.get(1).unwrap(), DOCS.get(1).unwrap()));
        // On the server a page's copy is answered with the embedded version, or none.
        assert!(std::ptr::eq(
            DOCS.know(&doc(1, "copy")).unwrap(),
            DOCS.get(1).unwrap()
        ));
        assert!(DOCS.know(&doc(9, "unknown")).is_none());
        // A file must declare the version it is registered under, be TOML of the shape, and
        // pass the document's own check.
        assert_eq!(
            Registry::<Doc>::load_registered(3, "version = 2\ntext = \"x\""),
            Err("2 registered as 3".to_string())
        );
        assert!(load::<Doc>("version = ").is_err());
        assert_eq!(
            load::<Doc>("version = 1\ntext = \"\""),
            Err("no text".to_string())
        );
    }
}
