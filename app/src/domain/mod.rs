//! The rules of jianding (鉴定规则), pure Rust: no IO, no database, no Leptos.
//!
//! Compiled for the browser (wasm32, instant checks) and for the server (the real checks), so
//! both sides run the very same code.
//!
//! The domain imports nothing of the app's other rooms (api, store, ui, i18n) and no IO or
//! framework crate: a test (`rooms_import_only_what_they_may`) holds it.

/// An enum of stored codes, one line a value: `Variant = "code"`. Declares the enum (with the
/// attributes given) and `ALL` (declaration order), `code()` (as stored), `from_code()` (`None`
/// for a code it does not know: the store treats that as an internal error, never as a default)
/// and, with a prefix, `label_key()`: the translation key `<prefix>.<code>`. A new value is one
/// line here plus its two translations.
macro_rules! coded {
    (
        $(#[$meta:meta])*
        $vis:vis enum $name:ident ($prefix:literal) {
            $( $(#[$vmeta:meta])* $variant:ident = $code:literal, )+
        }
    ) => {
        coded! {
            $(#[$meta])*
            $vis enum $name {
                $( $(#[$vmeta])* $variant = $code, )+
            }
        }

        impl $name {
            /// Translation key of the value's label: `<prefix>.<code>`.
            pub fn label_key(self) -> &'static str {
                match self {
                    $($name::$variant => concat!($prefix, ".", $code),)+
                }
            }
        }
    };
    (
        $(#[$meta:meta])*
        $vis:vis enum $name:ident {
            $( $(#[$vmeta:meta])* $variant:ident = $code:literal, )+
        }
    ) => {
        $(#[$meta])*
        $vis enum $name {
            $( $(#[$vmeta])* $variant, )+
        }

        impl $name {
            /// Every value, in declaration order.
            pub const ALL: [$name; [$($code),+].len()] = [$($name::$variant),+];

            /// The stable code, as stored.
            pub fn code(self) -> &'static str {
                match self {
                    $($name::$variant => $code,)+
                }
            }

            /// The value of a stored code, `None` for a code this build does not know.
            pub fn from_code(s: &str) -> Option<$name> {
                match s {
                    $($code => Some($name::$variant),)+
                    _ => None,
                }
            }
        }

        impl $crate::domain::Coded for $name {
            fn code(self) -> &'static str {
                $name::code(self)
            }
            fn from_code(s: &str) -> Option<Self> {
                $name::from_code(s)
            }
        }
    };
}

/// A value stored as a code (see [`coded!`]): lets the store decode any of them in one place.
pub trait Coded: Sized + Copy {
    fn code(self) -> &'static str;
    fn from_code(s: &str) -> Option<Self>;
}

pub mod error;
pub mod ids;
pub mod password;
pub mod role;
pub mod terms;

pub mod access;
pub mod account;
pub mod activity;
pub mod case;
pub mod china_time;
pub mod credit;
pub mod csv;
pub mod deadline;
pub mod determination;
pub mod draw;
pub mod expert;
pub mod expert_import;
pub mod files;
pub mod formats;
pub mod holiday_import;
pub mod institution;
pub mod item;
pub mod lifecycle;
pub mod material;
pub mod meeting;
pub mod negative_list;
pub mod notice;
pub mod opinion;
pub mod rating;
pub mod rereview;
pub mod rubric;
pub mod selfcheck;
pub mod sheet;
pub mod stats;
pub mod versioned;
pub mod work;

#[cfg(test)]
mod tests {
    use super::*;

    /// Every coded value reads back from its code, codes are unique, and an unknown code is
    /// no value at all.
    #[test]
    fn coded_values_read_back_from_their_codes() {
        fn check<T: Coded + PartialEq + std::fmt::Debug>(all: &[T]) {
            let mut codes = std::collections::BTreeSet::new();
            for v in all {
                assert_eq!(T::from_code(v.code()), Some(*v));
                assert!(codes.insert(v.code()), "{} twice", v.code());
            }
            assert_eq!(T::from_code("no-such-code"), None);
        }
        check(&terms::Stage::ALL);
        check(&terms::Category::ALL);
        check(&role::Role::ALL);
        check(&sheet::ExpertVerdict::ALL);
        check(&case::CaseState::ALL);
        check(&case::CaseLevel::ALL);
        check(&case::SeatStatus::ALL);
        check(&lifecycle::ActionKind::ALL);
        check(&item::ItemDomain::ALL);
        check(&item::SchoolSubject::ALL);
        check(&item::DeliveryMode::ALL);
        check(&expert::ProfessionalTitle::ALL);
        check(&expert::ExpertKind::ALL);
        check(&material::MaterialKind::ALL);
        check(&files::FileType::ALL);
        check(&activity::ActivityKind::ALL);
        check(&draw::SeatRole::ALL);
        check(&draw::DrawKind::ALL);
        check(&notice::NoticeKind::ALL);
        check(&notice::Channel::ALL);
        check(&notice::DeliveryState::ALL);
        check(&determination::Basis::ALL);
        check(&selfcheck::Answer::ALL);
        check(&credit::CreditKind::ALL);
        check(&credit::ExpertMeasure::ALL);
        check(&deadline::Clock::ALL);
    }
}
