//! Server functions of the expert pool (专家库).
