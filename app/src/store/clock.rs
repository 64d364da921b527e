//! "Now", injectable: production reads the system clock, tests set the time.

use chrono::{DateTime, Duration, Utc};
use std::sync::{Arc, Mutex};

pub trait Clock: Send + Sync + 'static {
    fn now(&self) -> DateTime<Utc>;
}

#[derive(Debug, Default, Clone, Copy)]
pub struct SystemClock;

impl Clock for SystemClock {
    fn now(&self) -> DateTime<Utc> {
        Utc::now()
    }
}

/// A clock tests move by hand.
#[derive(Debug, Clone)]
pub struct TestClock(Arc<Mutex<DateTime<Utc>>>);

impl TestClock {
    pub fn at(t: DateTime<Utc>) -> Self {
        TestClock(Arc::new(Mutex::new(t)))
    }
    pub fn advance(&self, d: Duration) {
        let mut g = self.0.lock().unwrap_or_else(|p| p.into_inner());
        *g += d;
    }
}

impl Clock for TestClock {
    fn now(&self) -> DateTime<Utc> {
        *self.0.lock().unwrap_or_else(|p| p.into_inner())
    }
}

/// The system clock moved on by a settable offset: for end-to-end tests of time limits (the
/// idle timeout, deadlines) against the real server, which cannot wait half an hour. Used only
/// when the server is started with `JIANDING_E2E_CLOCK=1` (it says so loudly); never in
/// production.
#[derive(Debug, Clone, Default)]
pub struct OffsetClock(Arc<std::sync::atomic::AtomicI64>);

impl OffsetClock {
    /// Moves the clock on by `secs` seconds; returns the new time.
    pub fn advance(&self, secs: i64) -> DateTime<Utc> {
        self.0.fetch_add(secs, std::sync::atomic::Ordering::SeqCst);
        self.now()
    }
}

impl Clock for OffsetClock {
    fn now(&self) -> DateTime<Utc> {
        Utc::now() + Duration::seconds(self.0.load(std::sync::atomic::Ordering::SeqCst))
    }
}
