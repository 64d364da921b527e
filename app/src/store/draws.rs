//! Draws (抽取): the pool a case draws from, committing a draw record, seats and their answers,
//! backups, supplementary draws, lending of experts, and re-running a record to verify it.
