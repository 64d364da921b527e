//! Versioned reference data in the browser: the rubric and negative-list versions that the
//! pages' data brought.
//!
//! The server embeds every version's TOML file and parses it once ([`super::rubric`],
//! [`super::negative_list`]); the browser embeds neither the files nor a TOML parser. A page that
//! needs a version receives it (already parsed, by serde) with its data and makes it known here,
//! so that the domain's lookups by version (`rubric(v)`, `negative_list(v)`) answer the same in
//! the browser as on the server.

use std::sync::Mutex;

/// Data published in numbered versions.
pub trait Versioned: Clone {
    fn version(&self) -> u32;
}

/// The versions known so far, each kept once for the life of the page (a handful at most).
pub struct Known<T: 'static>(Mutex<Vec<&'static T>>);

impl<T: Versioned> Known<T> {
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

    #[derive(Clone, Debug, PartialEq)]
    struct Doc(u32, &'static str);
    impl Versioned for Doc {
        fn version(&self) -> u32 {
            self.0
        }
    }

    #[test]
    fn a_version_is_kept_once_and_found_by_number() {
        let k = Known::new();
        assert!(k.get(1).is_none());
        assert!(k.latest().is_none());
        let a = k.know(&Doc(1, "first"));
        // A second copy of a published version changes nothing.
        let b = k.know(&Doc(1, "other"));
        assert!(std::ptr::eq(a, b));
        assert_eq!(k.get(1), Some(&Doc(1, "first")));
        k.know(&Doc(3, "third"));
        k.know(&Doc(2, "second"));
        assert_eq!(k.latest(), Some(&Doc(3, "third")));
        assert_eq!(k.get(2), Some(&Doc(2, "second")));
        assert!(k.get(4).is_none());
    }
}
