//! `jianding`: serve, migrate, seed-demo, create-user, verify-audit, verify-draw, check-tallies.

use app::domain::ids::{CountyId, ExpertId, InstitutionId};
use app::domain::role::{Role, Scope, ScopeKind};
use app::store::accounts::{self, NewAccount};
use app::store::audit::{self, Verdict};
use app::store::{db, passwords, seed};
use clap::Parser;
use server::config::{Cli, Command};
use std::process::ExitCode;

fn print_demo_accounts(addr: &std::net::SocketAddr) {
    println!();
    println!("jianding 校外培训服务类别鉴定平台: http://{addr}");
    println!(
        "演示账号 Demo accounts (password 密码: {})",
        seed::DEMO_PASSWORD
    );
    for a in seed::DEMO_ACCOUNTS {
        println!("  {:<14} {:<22} {}", a.username, a.role.code(), a.note);
    }
    println!(
        "  {} … {}  expert  其余专家 every other expert of the pool",
        seed::other_expert_username(6),
        seed::other_expert_username(47)
    );
    println!();
}

#[tokio::main]
async fn main() -> ExitCode {
    tracing_subscriber::fmt()
        .with_env_filter(
            tracing_subscriber::EnvFilter::try_from_default_env()
                .unwrap_or_else(|_| "info,sqlx=warn,sea_orm=warn".into()),
        )
        .init();
    let cli = Cli::parse();
    if let Err(e) = std::fs::create_dir_all(&cli.data_dir) {
        eprintln!(
            "cannot create data directory {}: {e}",
            cli.data_dir.display()
        );
        return ExitCode::FAILURE;
    }
    let url = cli.database_url();
    // End-to-end tests only: a clock they can move on (never set in production).
    let e2e_clock = (std::env::var("JIANDING_E2E_CLOCK").as_deref() == Ok("1"))
        .then(app::store::clock::OffsetClock::default);
    let clock: std::sync::Arc<dyn app::store::clock::Clock> = match &e2e_clock {
        Some(c) => {
            tracing::warn!("JIANDING_E2E_CLOCK=1: the server's clock can be moved by anyone (POST /__e2e/clock); for end-to-end tests only");
            std::sync::Arc::new(c.clone())
        }
        None => server::system_clock(),
    };
    match run(&cli, &url, clock, e2e_clock).await {
        Ok(code) => code,
        Err(e) => {
            eprintln!("error: {e}");
            ExitCode::FAILURE
        }
    }
}

async fn run(
    cli: &Cli,
    url: &str,
    clock: std::sync::Arc<dyn app::store::clock::Clock>,
    e2e_clock: Option<app::store::clock::OffsetClock>,
) -> Result<ExitCode, Box<dyn std::error::Error>> {
    match &cli.command {
        None | Some(Command::Serve { .. }) => {
            let st = server::state(
                url,
                cli.data_dir.clone(),
                cli.secure_cookies,
                cli.addr,
                clock.clone(),
            )
            .await?;
            if matches!(cli.command, Some(Command::Serve { seed_demo: true }))
                && seed::seed_demo(&st.db, clock.now()).await?
            {
                tracing::info!("demo data loaded");
            }
            let listener = tokio::net::TcpListener::bind(cli.addr).await?;
            let addr = listener.local_addr()?;
            if accounts::by_username(&st.db, "admin").await?.is_some()
                && accounts::by_username(&st.db, "jigou").await?.is_some()
            {
                print_demo_accounts(&addr);
            }
            tracing::info!(%addr, "listening");
            let extra = e2e_clock.map(server::e2e_clock_routes).unwrap_or_default();
            server::serve_with(listener, st, extra).await?;
            Ok(ExitCode::SUCCESS)
        }
        Some(Command::Migrate) => {
            db::connect_and_migrate(url).await?;
            println!("migrations applied");
            Ok(ExitCode::SUCCESS)
        }
        Some(Command::SeedDemo { scale }) => {
            let conn = db::connect_and_migrate(url).await?;
            if seed::seed_demo(&conn, clock.now()).await? {
                println!("demo data loaded");
                print_demo_accounts(&cli.addr);
            } else {
                println!("the database already has accounts: demo data not loaded");
            }
            if *scale == server::config::SeedScale::Large {
                let started = std::time::Instant::now();
                let report = app::store::seed_large::seed_large(
                    &conn,
                    clock.now(),
                    app::store::seed_large::LARGE,
                    &mut |done, total| eprint!("\rgenerating cases: {done}/{total}"),
                )
                .await?;
                eprintln!();
                println!(
                    "large data loaded in {:.0} s: {} cases, {} timeline entries, {} stage spans, {} seats, {} score sheets, {} re-review applications",
                    started.elapsed().as_secs_f64(),
                    report.cases,
                    report.events,
                    report.spans,
                    report.seats,
                    report.sheets,
                    report.rereviews
                );
            }
            Ok(ExitCode::SUCCESS)
        }
        Some(Command::CreateUser {
            username,
            name,
            role,
            scope,
        }) => {
            let conn = db::connect_and_migrate(url).await?;
            let role = Role::from_code(role).ok_or("unknown role")?;
            let scope = match (role.scope_kind(), scope) {
                (ScopeKind::System, _) => Scope::System,
                (ScopeKind::Prefecture, _) | (ScopeKind::CountyOrPrefecture, None) => {
                    Scope::Prefecture
                }
                (ScopeKind::County | ScopeKind::CountyOrPrefecture, Some(c)) => {
                    Scope::County(CountyId(*c))
                }
                (ScopeKind::Institution, Some(i)) => Scope::Institution(InstitutionId(*i)),
                (ScopeKind::Expert, Some(e)) => Scope::Expert(ExpertId(*e)),
                _ => return Err("this role needs --scope".into()),
            };
            if !app::domain::account::username_well_formed(username) {
                return Err("user name: 3 to 32 ASCII letters, digits, '-', '_' or '.'".into());
            }
            if accounts::by_username(&conn, username).await?.is_some() {
                return Err("user name already taken".into());
            }
            let otp = passwords::one_time_password();
            let new = NewAccount {
                username: username.clone(),
                display_name: name.clone(),
                password_hash: passwords::hash(&otp)?,
                role,
                scope,
                must_change_password: true,
            };
            accounts::open_from_command_line(&conn, new, clock.now()).await?;
            println!(
                "created {username}; one-time password (must be changed at first sign-in): {otp}"
            );
            Ok(ExitCode::SUCCESS)
        }
        Some(Command::VerifyDraw { case_number }) => {
            let conn = db::connect(url).await?;
            verify_draw(&conn, case_number).await
        }
        Some(Command::CheckTallies { repair }) => {
            let conn = db::connect_and_migrate(url).await?;
            let check = app::store::tally::check(&conn, clock.now(), *repair).await?;
            if check.differing == 0 {
                println!("OK: {} tally rows, equal to a fresh count", check.rows);
                Ok(ExitCode::SUCCESS)
            } else if *repair {
                println!(
                    "REPAIRED: {} tally rows differed from a fresh count and were replaced",
                    check.differing
                );
                Ok(ExitCode::SUCCESS)
            } else {
                println!(
                    "DIFFERENT: {} tally rows differ from a fresh count (run with --repair)",
                    check.differing
                );
                Ok(ExitCode::from(2))
            }
        }
        Some(Command::VerifyAudit) => {
            let conn = db::connect(url).await?;
            match audit::verify(&conn).await? {
                Verdict::Ok { count } => {
                    println!("OK: {count} events, chain intact");
                    Ok(ExitCode::SUCCESS)
                }
                Verdict::Broken { seq, reason } => {
                    println!("BROKEN at event {seq}: {reason}");
                    Ok(ExitCode::from(2))
                }
            }
        }
    }
}

/// `jianding verify-draw <case number>`: re-runs each draw record of the case.
async fn verify_draw(
    conn: &sea_orm::DatabaseConnection,
    number: &str,
) -> Result<ExitCode, Box<dyn std::error::Error>> {
    use app::store::draws;
    let Some(case) = app::store::cases::by_number(conn, number.trim()).await? else {
        println!("NOT FOUND: no case numbered {number}");
        return Ok(ExitCode::from(3));
    };
    let results = draws::verify_case(conn, case.id).await?;
    if results.is_empty() {
        println!("NO DRAWS: case {number} has no draw record");
        return Ok(ExitCode::from(3));
    }
    let mut all_ok = true;
    for v in &results {
        if v.ok() {
            println!(
                "OK: draw {} ({}) of {number}: the same panel, backups and replacements",
                v.seq, v.kind
            );
            continue;
        }
        all_ok = false;
        println!("DIFFERS: draw {} ({}) of {number}", v.seq, v.kind);
        if !v.digest_ok {
            println!("  - the record's digest does not match its content or the audit chain");
        }
        if let Some(u) = &v.unreadable {
            println!("  - unreadable: {u}");
        }
        if let Err(ds) = &v.rerun {
            for d in ds {
                println!("  - {}", serde_json::to_string(d).unwrap_or_default());
            }
        }
    }
    Ok(if all_ok {
        ExitCode::SUCCESS
    } else {
        ExitCode::from(2)
    })
}
