//! 账号: the rules a new account's fields follow (the administrator's form and the command line).

use super::error::FieldErrors;
use super::role::Role;

/// A user name: 3 to 32 characters of ASCII letters, digits, `-`, `_` and `.`.
pub fn username_well_formed(username: &str) -> bool {
    (3..=32).contains(&username.chars().count())
        && username
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '_' || c == '.')
}

/// The longest display name.
pub const DISPLAY_NAME_MAX: usize = 40;

/// What the store knows about a new account's request: whether the (well-formed) user name is
/// taken, and whether the role's scope names a county, institution or expert that exists.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct NewAccountFacts {
    pub username_taken: bool,
    pub scope_found: bool,
}

/// The field errors of a new account (trimmed `username` and `display_name`; `role` as read
/// from its code), in the form's order.
pub fn check_new_account(
    username: &str,
    display_name: &str,
    role: Option<Role>,
    facts: NewAccountFacts,
) -> FieldErrors {
    let mut errs = FieldErrors::new();
    if username.is_empty() {
        errs.add("username", "err.required");
    } else if !username_well_formed(username) {
        errs.add("username", "err.username_format");
    } else if facts.username_taken {
        errs.add("username", "err.username_taken");
    }
    if display_name.is_empty() {
        errs.add("display_name", "err.required");
    } else if display_name.chars().count() > DISPLAY_NAME_MAX {
        errs.add("display_name", "err.too_long");
    }
    if role.is_none() {
        errs.add("role", "err.required");
    } else if !facts.scope_found {
        errs.add("scope_id", "err.scope_required");
    }
    errs
}

#[cfg(test)]
mod tests {
    use super::*;

    const FINE: NewAccountFacts = NewAccountFacts {
        username_taken: false,
        scope_found: true,
    };

    fn keys(e: &FieldErrors) -> Vec<(&str, &str)> {
        e.0.iter()
            .map(|f| (f.field.as_str(), f.key.as_str()))
            .collect()
    }

    #[test]
    fn a_well_formed_request_passes() {
        let e = check_new_account("li.ming_2", "李明", Some(Role::CountyClerk), FINE);
        assert!(e.is_empty(), "{e:?}");
    }

    #[test]
    fn each_field_is_checked_in_the_form_order() {
        let e = check_new_account("", "", None, FINE);
        assert_eq!(
            keys(&e),
            [
                ("username", "err.required"),
                ("display_name", "err.required"),
                ("role", "err.required")
            ]
        );
        let long = "名".repeat(DISPLAY_NAME_MAX + 1);
        let e = check_new_account(
            "ab",
            &long,
            Some(Role::Expert),
            NewAccountFacts {
                username_taken: true,
                scope_found: false,
            },
        );
        assert_eq!(
            keys(&e),
            [
                ("username", "err.username_format"),
                ("display_name", "err.too_long"),
                ("scope_id", "err.scope_required")
            ]
        );
        let e = check_new_account(
            "taken",
            "名",
            Some(Role::Expert),
            NewAccountFacts {
                username_taken: true,
                scope_found: true,
            },
        );
        assert_eq!(keys(&e), [("username", "err.username_taken")]);
    }

    #[test]
    fn user_names_are_short_ascii() {
        assert!(username_well_formed("abc"));
        assert!(username_well_formed(&"a".repeat(32)));
        assert!(!username_well_formed(&"a".repeat(33)));
        assert!(!username_well_formed("ab"));
        assert!(!username_well_formed("李明明"));
        assert!(!username_well_formed("a b c"));
    }
}
