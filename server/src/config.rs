//! Command line and environment.

use clap::{Parser, Subcommand};
use std::net::SocketAddr;
use std::path::PathBuf;

#[derive(Debug, Parser)]
#[command(
    name = "jianding",
    version,
    about = "校外培训服务类别鉴定平台 (off-campus training category identification)"
)]
pub struct Cli {
    /// Address to listen on.
    #[arg(
        long,
        env = "JIANDING_ADDR",
        default_value = "127.0.0.1:3000",
        global = true
    )]
    pub addr: SocketAddr,
    /// Database URL: sqlite://path or postgres://… (default: SQLite file in the data directory).
    #[arg(long, env = "DATABASE_URL", global = true)]
    pub database_url: Option<String>,
    /// Directory for the SQLite database and stored files.
    #[arg(long, env = "JIANDING_DATA_DIR", default_value = "data", global = true)]
    pub data_dir: PathBuf,
    /// Mark cookies Secure (set when served over TLS, e.g. behind a reverse proxy).
    #[arg(
        long,
        env = "JIANDING_SECURE_COOKIES",
        default_value_t = false,
        global = true
    )]
    pub secure_cookies: bool,
    #[command(subcommand)]
    pub command: Option<Command>,
}

/// How much demo data `seed-demo` loads.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum SeedScale {
    /// The demo accounts, institutions and experts.
    Demo,
    /// The demo data plus 100,000 generated cases.
    Large,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Serve the web application (default).
    Serve {
        /// Load the demo data first when the database is empty.
        #[arg(long)]
        seed_demo: bool,
    },
    /// Bring the database schema up to date, then exit.
    Migrate,
    /// Load the demo data into an empty database and print the demo accounts. With
    /// `--scale large`, then also 100,000 generated cases, 1,000 experts and their sheets (for
    /// measuring the dashboards; benchmark data, not production data).
    SeedDemo {
        #[arg(long, value_enum, default_value_t = SeedScale::Demo)]
        scale: SeedScale,
    },
    /// Create an account with a one-time password (printed), e.g. the first administrator.
    CreateUser {
        #[arg(long)]
        username: String,
        #[arg(long)]
        name: String,
        /// Role code: admin, institution_user, expert, county_clerk, county_director,
        /// prefecture_clerk, prefecture_director, observer.
        #[arg(long)]
        role: String,
        /// County code, institution id or expert id, as the role requires.
        #[arg(long)]
        scope: Option<i64>,
    },
    /// Check the audit chain: prints OK with the count, or the first broken event.
    VerifyAudit,
    /// Count the dashboards' tallies afresh from the records and compare them with the kept
    /// ones: exit 0 when equal; else list how many rows differ and exit 2 (or, with --repair,
    /// replace them by the fresh counts).
    CheckTallies {
        /// Replace the kept tallies by the fresh counts when they differ.
        #[arg(long)]
        repair: bool,
    },
    /// Re-run every draw record of a case from the record alone and confirm the same panel
    /// (exit 0), or say what differs (exit 2).
    VerifyDraw {
        /// Case number, e.g. CJ-2026-0001
        case_number: String,
    },
}

impl Cli {
    pub fn database_url(&self) -> String {
        match &self.database_url {
            Some(u) if !u.is_empty() => u.clone(),
            _ => format!("sqlite://{}", self.data_dir.join("jianding.db").display()),
        }
    }
}
