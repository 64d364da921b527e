//! Typed ids: a case id can never be passed where an expert id is expected.

use serde::{Deserialize, Serialize};
use std::fmt;

macro_rules! id_type {
    ($(#[$doc:meta])* $name:ident) => {
        $(#[$doc])*
        #[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
        #[serde(transparent)]
        pub struct $name(pub i64);

        impl fmt::Display for $name {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                write!(f, "{}", self.0)
            }
        }
    };
}

id_type!(
    /// A user account (账号).
    UserId
);
id_type!(
    /// A training institution (培训机构).
    InstitutionId
);
id_type!(
    /// An expert in the pool (鉴定专家).
    ExpertId
);
id_type!(
    /// An identification case (鉴定案件).
    CaseId
);
id_type!(
    /// A county-level unit (县/市), by its administrative division code, e.g. 652301 昌吉市.
    CountyId
);
id_type!(
    /// A stored material file (申报材料).
    MaterialId
);
