//! The institution's particulars (培训机构): name, 统一社会信用代码, licence, address, the
//! people and the contact.

use super::error::FieldErrors;
use super::formats::*;
use super::ids::CountyId;
use serde::{Deserialize, Serialize};

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

#[cfg(test)]
mod tests {
    use super::*;

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
}
