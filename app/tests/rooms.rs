//! The house rules of the source tree, checked on the files themselves (see README,
//! "What each room may import"):
//!
//! - `domain` is pure: no other room of the crate, no framework, no database, no runtime;
//! - `document` renders from the domain only; `store` never reaches up into `api` or `ui`;
//!   `api` never reaches into `ui`;
//! - no module imports another that imports it back (no import circles), at any depth.
//!
//! A module is a file (`a/b.rs` or `a/b/mod.rs` is `a::b`); a reference is any `crate::a::b…`
//! or `super::…` path in its code (comments left out), resolved to the deepest module that
//! exists. A module and its own ancestors are not a circle (a child uses its parent's types,
//! the parent declares the child).

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};

type Module = Vec<String>;

fn src() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("src")
}

fn files(dir: &Path, out: &mut Vec<PathBuf>) {
    for e in std::fs::read_dir(dir).unwrap() {
        let p = e.unwrap().path();
        if p.is_dir() {
            files(&p, out);
        } else if p.extension().is_some_and(|x| x == "rs") {
            out.push(p);
        }
    }
}

/// Every module of the crate with its code, comments removed.
fn modules() -> BTreeMap<Module, String> {
    let root = src();
    let mut list = Vec::new();
    files(&root, &mut list);
    list.into_iter()
        .map(|p| {
            let rel = p.strip_prefix(&root).unwrap().with_extension("");
            let mut m: Module = rel
                .components()
                .map(|c| c.as_os_str().to_string_lossy().into_owned())
                .collect();
            if matches!(m.last().map(String::as_str), Some("mod" | "lib")) {
                m.pop();
            }
            let code: String = std::fs::read_to_string(&p)
                .unwrap()
                .lines()
                .map(|l| match l.find("//") {
                    Some(i) => &l[..i],
                    None => l,
                })
                .collect::<Vec<_>>()
                .join("\n");
            (m, code)
        })
        .collect()
}

/// The paths `prefix::a::b::…` in `code`, as their segments.
fn paths_after(code: &str, prefix: &str) -> Vec<Vec<String>> {
    let mut out = Vec::new();
    let mut rest = code;
    while let Some(i) = rest.find(prefix) {
        let before = rest[..i].chars().last();
        rest = &rest[i + prefix.len()..];
        if before.is_some_and(|c| c.is_alphanumeric() || c == '_') {
            continue;
        }
        let mut segs = Vec::new();
        let mut tail = rest;
        loop {
            let n = tail
                .find(|c: char| !(c.is_alphanumeric() || c == '_'))
                .unwrap_or(tail.len());
            if n == 0 {
                break;
            }
            segs.push(tail[..n].to_string());
            tail = &tail[n..];
            match tail.strip_prefix("::") {
                Some(t) => tail = t,
                None => break,
            }
        }
        out.push(segs);
    }
    out
}

/// The modules each module refers to.
fn references(mods: &BTreeMap<Module, String>) -> BTreeMap<Module, BTreeSet<Module>> {
    let deepest = |parts: &[String]| -> Option<Module> {
        (1..=parts.len())
            .rev()
            .map(|k| parts[..k].to_vec())
            .find(|m| mods.contains_key(m))
    };
    mods.iter()
        .map(|(m, code)| {
            let mut to = BTreeSet::new();
            for p in paths_after(code, "crate::") {
                to.extend(deepest(&p));
            }
            for p in paths_after(code, "super::") {
                let ups = 1 + p.iter().take_while(|s| *s == "super").count();
                let rest: Vec<String> = p.iter().skip(ups - 1).cloned().collect();
                if ups <= m.len() {
                    let mut full = m[..m.len() - ups].to_vec();
                    full.extend(rest);
                    to.extend(deepest(&full));
                }
            }
            let related = |t: &Module| t.starts_with(m) || m.starts_with(t);
            to.retain(|t| !related(t));
            (m.clone(), to)
        })
        .collect()
}

fn name(m: &Module) -> String {
    m.join("::")
}

#[test]
fn rooms_import_only_what_they_may() {
    let mods = modules();
    // (room, what it may not name, why)
    let rules: &[(&str, &[&str], &str)] = &[
        (
            "domain",
            &[
                "crate::api",
                "crate::store",
                "crate::ui",
                "crate::i18n",
                "crate::document",
                "leptos",
                "sea_orm",
                "axum",
                "tokio",
                "http::",
                "tracing",
                "reqwest",
            ],
            "the domain is pure: rules and data only",
        ),
        (
            "document",
            &[
                "crate::api",
                "crate::store",
                "crate::ui",
                "leptos",
                "sea_orm",
            ],
            "documents are rendered from domain values",
        ),
        (
            "store",
            &["crate::api", "crate::ui", "leptos"],
            "the store never reaches up",
        ),
        (
            "api",
            &["crate::ui"],
            "server functions never reach into pages",
        ),
    ];
    let mut broken = Vec::new();
    for (m, code) in &mods {
        for (room, banned, why) in rules {
            if m.first().map(String::as_str) != Some(*room) {
                continue;
            }
            for b in *banned {
                let hit = code.match_indices(b).any(|(i, _)| {
                    !code[..i]
                        .chars()
                        .last()
                        .is_some_and(|c| c.is_alphanumeric() || c == '_' || c == ':')
                });
                if hit {
                    broken.push(format!("{} names {b} ({why})", name(m)));
                }
            }
        }
    }
    assert!(broken.is_empty(), "rooms broken:\n{}", broken.join("\n"));
    // The check itself sees what it looks for: the domain module exists and has files.
    assert!(
        mods.keys()
            .filter(|m| m.first().is_some_and(|r| r == "domain"))
            .count()
            > 10
    );
}

/// The import circles among `refs`, each as its modules joined by ↔.
fn circles(refs: &BTreeMap<Module, BTreeSet<Module>>) -> Vec<String> {
    // Tarjan's strongly connected components.
    struct T<'a> {
        refs: &'a BTreeMap<Module, BTreeSet<Module>>,
        index: BTreeMap<Module, usize>,
        low: BTreeMap<Module, usize>,
        stack: Vec<Module>,
        on: BTreeSet<Module>,
        next: usize,
        circles: Vec<Vec<Module>>,
    }
    impl T<'_> {
        fn visit(&mut self, v: &Module) {
            self.index.insert(v.clone(), self.next);
            self.low.insert(v.clone(), self.next);
            self.next += 1;
            self.stack.push(v.clone());
            self.on.insert(v.clone());
            for w in &self.refs[v] {
                if !self.index.contains_key(w) {
                    self.visit(w);
                    let l = self.low[v].min(self.low[w]);
                    self.low.insert(v.clone(), l);
                } else if self.on.contains(w) {
                    let l = self.low[v].min(self.index[w]);
                    self.low.insert(v.clone(), l);
                }
            }
            if self.low[v] == self.index[v] {
                let mut c = Vec::new();
                while let Some(w) = self.stack.pop() {
                    self.on.remove(&w);
                    let done = &w == v;
                    c.push(w);
                    if done {
                        break;
                    }
                }
                if c.len() > 1 {
                    self.circles.push(c);
                }
            }
        }
    }
    let mut t = T {
        refs,
        index: BTreeMap::new(),
        low: BTreeMap::new(),
        stack: Vec::new(),
        on: BTreeSet::new(),
        next: 0,
        circles: Vec::new(),
    };
    for m in refs.keys() {
        if !t.index.contains_key(m) {
            t.visit(m);
        }
    }
    t.circles
        .iter()
        .map(|c| c.iter().map(name).collect::<Vec<_>>().join(" ↔ "))
        .collect()
}

#[test]
fn no_module_imports_one_that_imports_it_back() {
    let refs = references(&modules());
    let report = circles(&refs);
    assert!(report.is_empty(), "import circles:\n{}", report.join("\n"));
    // The resolver finds real references (so an empty answer is not a blind one).
    assert!(refs[&vec!["api".to_string(), "cases".to_string()]]
        .contains(&vec!["store".to_string(), "cases".to_string()]));
}

#[test]
fn the_circle_finder_finds_a_circle() {
    let mut mods = BTreeMap::new();
    mods.insert(vec!["a".to_string()], "use crate::b::X;".to_string());
    mods.insert(
        vec!["b".to_string()],
        "fn f() { super::a::y() }".to_string(),
    );
    mods.insert(vec!["c".to_string()], "use crate::a;".to_string());
    let refs = references(&mods);
    assert!(refs[&vec!["a".to_string()]].contains(&vec!["b".to_string()]));
    assert!(refs[&vec!["b".to_string()]].contains(&vec!["a".to_string()]));
    assert!(!refs[&vec!["a".to_string()]].contains(&vec!["c".to_string()]));
    assert_eq!(circles(&refs).len(), 1);
    mods.insert(vec!["b".to_string()], "fn f() {}".to_string());
    assert!(circles(&references(&mods)).is_empty());
}
