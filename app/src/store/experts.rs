//! The expert pool (专家库): search, create and edit, CSV import, county proposals, and each
//! expert's own declarations and availability.
