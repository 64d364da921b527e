//! Password policy (SECURITY.md): at least 10 characters, not a common password, no user name
//! inside. No forced periodic change.

use super::error::{FieldError, FieldErrors};

pub const MIN_LEN: usize = 10;
pub const MAX_LEN: usize = 128;

/// A short list of the most common passwords of 10+ characters (and their obvious variants);
/// the check lowercases before comparing.
const COMMON: &[&str] = &[
    "1234567890",
    "0123456789",
    "12345678910",
    "123456789a",
    "a123456789",
    "1qaz2wsx3edc",
    "qwertyuiop",
    "1q2w3e4r5t",
    "1q2w3e4r5t6y",
    "password12",
    "password123",
    "password1234",
    "passw0rd12",
    "qwerty1234",
    "qwerty12345",
    "qwertyuiop123",
    "abc1234567",
    "abcd123456",
    "abcdefghij",
    "iloveyou12",
    "woaini1314",
    "woaini5201314",
    "5201314520",
    "1314520520",
    "aaaaaaaaaa",
    "1111111111",
    "0000000000",
    "8888888888",
    "6666666666",
    "9999999999",
    "asdfghjkl1",
    "asdfghjkl;",
    "zxcvbnm123",
    "admin12345",
    "admin123456",
    "administrator",
    "welcome123",
    "welcome1234",
    "changeme123",
    "letmein123",
    "football12",
    "baseball12",
    "1234qwer!@",
    "123qweasdzxc",
    "qweasdzxc123",
    "p@ssw0rd12",
    "p@ssword123",
    "jianding123",
    "jianding2026",
    "changji2026",
    "123456abcd",
    "987654321a",
    "9876543210",
    "11223344556",
    "a1b2c3d4e5",
    "password!1",
    "sunshine12",
    "princess12",
    "dragon1234",
    "monkey1234",
];

/// Checks a new password. `username` is the account name it must not contain.
pub fn check_new_password(field: &str, password: &str, username: &str) -> FieldErrors {
    let mut errs = FieldErrors::new();
    let n = password.chars().count();
    if n < MIN_LEN {
        errs.push(FieldError::new(field, "err.password_too_short").arg("min", MIN_LEN));
    } else if n > MAX_LEN {
        errs.push(FieldError::new(field, "err.password_too_long").arg("max", MAX_LEN));
    }
    let lower = password.to_lowercase();
    if COMMON.contains(&lower.as_str()) {
        errs.add(field, "err.password_common");
    }
    let user = username.trim().to_lowercase();
    if user.chars().count() >= 3 && lower.contains(&user) {
        errs.add(field, "err.password_contains_username");
    }
    errs
}

/// The sign-in form: both fields given, neither absurdly long (a user name of at most 64
/// characters, a password of at most 256). Paths `username`, `password`.
pub fn check_sign_in(username: &str, password: &str) -> super::error::FieldErrors {
    let mut errs = super::error::FieldErrors::new();
    if username.is_empty() {
        errs.add("username", "err.required");
    }
    if password.is_empty() {
        errs.add("password", "err.required");
    }
    if username.chars().count() > 64 || password.chars().count() > 256 {
        errs.add("username", "err.too_long");
    }
    errs
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_sign_in_form_needs_both_fields_of_sane_length() {
        assert!(check_sign_in("jigou", "x").is_empty());
        let e = check_sign_in("", "");
        assert_eq!(e.for_field("username").count(), 1);
        assert_eq!(e.for_field("password").count(), 1);
        let e = check_sign_in(&"u".repeat(65), "x");
        assert_eq!(e.0[0].key, "err.too_long");
        assert_eq!(check_sign_in("u", &"p".repeat(257)).len(), 1);
    }

    #[test]
    fn rules() {
        assert!(check_new_password("p", "短", "u").len() == 1);
        assert!(check_new_password("p", "Password123", "zhang")
            .for_field("p")
            .any(|e| e.key == "err.password_common"));
        assert!(check_new_password("p", "zhangsan-secret-77", "zhangsan")
            .for_field("p")
            .any(|e| e.key == "err.password_contains_username"));
        assert!(check_new_password("p", "绿色草原上的马儿跑", "zhangsan").len() == 1); // 9 chars
        assert!(check_new_password("p", "绿色草原上的马儿在奔跑", "zhangsan").is_empty());
        assert!(check_new_password("p", "river-stone-42", "zhangsan").is_empty());
    }
}
