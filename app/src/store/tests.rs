//! Store tests against real databases: SQLite always, PostgreSQL when `TEST_DATABASE_URL` is
//! set. Every test loops over `TestDb::all()`.

use super::accounts::{self, NewAccount};
use super::audit::{self, Entry, Verdict};
use super::clock::{Clock, TestClock};
use super::entities::{audit_event, audit_head, session};
use super::testing::TestDb;
use super::{db, seed, sessions, throttle, tx};
use crate::domain::role::{Role, Scope};
use chrono::{DateTime, Duration, TimeZone, Utc};
use sea_orm::sea_query::Expr;
use sea_orm::{
    ColumnTrait, ConnectionTrait, DatabaseConnection, EntityTrait, PaginatorTrait, QueryFilter,
    TransactionTrait,
};

fn t0() -> DateTime<Utc> {
    Utc.with_ymd_and_hms(2026, 3, 2, 8, 30, 0).unwrap()
}

/// Appends `n` events, each in its own committed write transaction.
async fn append_n(db: &DatabaseConnection, n: usize, clock: &TestClock) {
    for i in 0..n {
        clock.advance(Duration::milliseconds(1500));
        let now = clock.now();
        let txn = tx::begin_write(db, now).await.unwrap();
        audit::append(
            &txn,
            Entry::new("test.event", format!("thing:{i}"))
                .by(Some(7), "admin", "10.1.2.3")
                .details(serde_json::json!({ "i": i, "text": "审计 ü" })),
            now,
        )
        .await
        .unwrap();
        txn.commit().await.unwrap();
    }
}

async fn verdict(db: &DatabaseConnection) -> Verdict {
    audit::verify(db).await.unwrap()
}

fn broken_at(v: &Verdict) -> i64 {
    match v {
        Verdict::Broken { seq, .. } => *seq,
        Verdict::Ok { count } => panic!("tampering not detected: chain of {count} verified OK"),
    }
}

async fn new_user(db: &DatabaseConnection, name: &str, now: DateTime<Utc>) -> (i64, i32) {
    let txn = tx::begin_write(db, now).await.unwrap();
    let a = accounts::create(
        &txn,
        NewAccount {
            username: name.into(),
            display_name: name.into(),
            // Sessions never look at the password.
            password_hash: "not-a-hash".into(),
            role: Role::Admin,
            scope: Scope::System,
            must_change_password: false,
        },
        now,
    )
    .await
    .unwrap();
    txn.commit().await.unwrap();
    (a.id, a.version)
}

async fn session_rows(db: &DatabaseConnection) -> u64 {
    session::Entity::find().count(db).await.unwrap()
}

// ---------------------------------------------------------------------------------------------
// Migrations

#[tokio::test]
async fn migrations_apply_twice_idempotently() {
    for t in TestDb::all().await {
        // TestDb already migrated once; twice more changes nothing and fails nowhere.
        db::migrate(&t.db).await.unwrap();
        db::migrate(&t.db).await.unwrap();
        let again = db::connect_and_migrate(&t.url).await.unwrap();
        let heads = audit_head::Entity::find().all(&again).await.unwrap();
        assert_eq!(heads.len(), 1, "{}: exactly one audit head row", t.kind);
        assert_eq!(heads[0].seq, 0, "{}", t.kind);
        assert_eq!(
            verdict(&again).await,
            Verdict::Ok { count: 0 },
            "{}",
            t.kind
        );
        assert!(db::ping(&again).await);
        again.close().await.unwrap();
        t.close().await;
    }
}

// ---------------------------------------------------------------------------------------------
// Audit chain

#[tokio::test]
async fn audit_chain_appends_and_verifies() {
    for t in TestDb::all().await {
        let clock = TestClock::at(t0());
        assert_eq!(verdict(&t.db).await, Verdict::Ok { count: 0 }, "{}", t.kind);
        append_n(&t.db, 5, &clock).await;
        assert_eq!(verdict(&t.db).await, Verdict::Ok { count: 5 }, "{}", t.kind);

        let evs = audit_event::Entity::find().all(&t.db).await.unwrap();
        let mut evs = evs;
        evs.sort_by_key(|e| e.seq);
        assert_eq!(
            evs.iter().map(|e| e.seq).collect::<Vec<_>>(),
            vec![1, 2, 3, 4, 5]
        );
        assert_eq!(evs[0].prev_hash, "0".repeat(64), "{}: genesis link", t.kind);
        for w in evs.windows(2) {
            assert_eq!(w[1].prev_hash, w[0].hash, "{}: links", t.kind);
        }
        // Round trip keeps every field (the hash covers them all).
        assert_eq!(evs[2].actor_id, Some(7));
        assert_eq!(evs[2].address, "10.1.2.3");
        assert_eq!(evs[2].object, "thing:2");
        let head = audit_head::Entity::find_by_id(1)
            .one(&t.db)
            .await
            .unwrap()
            .unwrap();
        assert_eq!((head.seq, head.hash.clone()), (5, evs[4].hash.clone()));
        t.close().await;
    }
}

#[tokio::test]
async fn audit_verify_detects_an_edited_event() {
    for t in TestDb::all().await {
        let clock = TestClock::at(t0());
        append_n(&t.db, 5, &clock).await;
        t.db.execute_unprepared(
            "UPDATE audit_event SET details = '{\"i\":99,\"text\":\"forged\"}' WHERE seq = 3",
        )
        .await
        .unwrap();
        let v = verdict(&t.db).await;
        assert_eq!(broken_at(&v), 3, "{}: {v:?}", t.kind);
        t.close().await;
    }
}

#[tokio::test]
async fn audit_verify_detects_an_edit_with_a_recomputed_hash() {
    for t in TestDb::all().await {
        let clock = TestClock::at(t0());
        append_n(&t.db, 5, &clock).await;
        // The forger rewrites the actor and recomputes the event's own hash: the next link breaks.
        let mut e = audit_event::Entity::find_by_id(2)
            .one(&t.db)
            .await
            .unwrap()
            .unwrap();
        e.actor_role = "institution_user".into();
        let h = audit::event_hash(&e.prev_hash, &e);
        t.db.execute_unprepared(&format!(
            "UPDATE audit_event SET actor_role = 'institution_user', hash = '{h}' WHERE seq = 2"
        ))
        .await
        .unwrap();
        let v = verdict(&t.db).await;
        assert_eq!(broken_at(&v), 3, "{}: {v:?}", t.kind);
        t.close().await;
    }
}

#[tokio::test]
async fn audit_verify_detects_a_deleted_event_in_the_middle() {
    for t in TestDb::all().await {
        let clock = TestClock::at(t0());
        append_n(&t.db, 5, &clock).await;
        t.db.execute_unprepared("DELETE FROM audit_event WHERE seq = 3")
            .await
            .unwrap();
        let v = verdict(&t.db).await;
        assert_eq!(broken_at(&v), 3, "{}: {v:?}", t.kind);
        t.close().await;
    }
}

#[tokio::test]
async fn audit_verify_detects_a_deleted_last_event() {
    for t in TestDb::all().await {
        let clock = TestClock::at(t0());
        append_n(&t.db, 5, &clock).await;
        t.db.execute_unprepared("DELETE FROM audit_event WHERE seq = 5")
            .await
            .unwrap();
        let v = verdict(&t.db).await;
        assert_eq!(broken_at(&v), 5, "{}: {v:?}", t.kind);
        // Deleting the last two as well.
        t.db.execute_unprepared("DELETE FROM audit_event WHERE seq = 4")
            .await
            .unwrap();
        assert_eq!(broken_at(&verdict(&t.db).await), 4, "{}", t.kind);
        t.close().await;
    }
}

#[tokio::test]
async fn audit_verify_detects_reordered_events() {
    for t in TestDb::all().await {
        let clock = TestClock::at(t0());
        append_n(&t.db, 5, &clock).await;
        let a = audit_event::Entity::find_by_id(2)
            .one(&t.db)
            .await
            .unwrap()
            .unwrap();
        let b = audit_event::Entity::find_by_id(4)
            .one(&t.db)
            .await
            .unwrap()
            .unwrap();
        // Swapping only the contents (hashes stay) is caught at the first swapped event...
        let swap_objects = |x: &str, y: &str| {
            format!(
                "UPDATE audit_event SET object = CASE seq WHEN 2 THEN '{x}' ELSE '{y}' END \
                 WHERE seq IN (2, 4)"
            )
        };
        t.db.execute_unprepared(&swap_objects(&b.object, &a.object))
            .await
            .unwrap();
        assert_eq!(broken_at(&verdict(&t.db).await), 2, "{}", t.kind);
        // ...and putting them back makes it whole again.
        t.db.execute_unprepared(&swap_objects(&a.object, &b.object))
            .await
            .unwrap();
        assert_eq!(verdict(&t.db).await, Verdict::Ok { count: 5 }, "{}", t.kind);

        // Swap everything but the position, hashes included (hashes are unique: park one).
        t.db.execute_unprepared("UPDATE audit_event SET hash = 'parked' WHERE seq = 4")
            .await
            .unwrap();
        for (seq, from) in [(2, &b), (4, &a)] {
            audit_event::Entity::update_many()
                .col_expr(audit_event::Column::At, Expr::value(from.at))
                .col_expr(audit_event::Column::ActorId, Expr::value(from.actor_id))
                .col_expr(
                    audit_event::Column::ActorRole,
                    Expr::value(from.actor_role.clone()),
                )
                .col_expr(
                    audit_event::Column::Address,
                    Expr::value(from.address.clone()),
                )
                .col_expr(
                    audit_event::Column::Action,
                    Expr::value(from.action.clone()),
                )
                .col_expr(
                    audit_event::Column::Object,
                    Expr::value(from.object.clone()),
                )
                .col_expr(
                    audit_event::Column::Details,
                    Expr::value(from.details.clone()),
                )
                .col_expr(
                    audit_event::Column::PrevHash,
                    Expr::value(from.prev_hash.clone()),
                )
                .col_expr(audit_event::Column::Hash, Expr::value(from.hash.clone()))
                .filter(audit_event::Column::Seq.eq(seq))
                .exec(&t.db)
                .await
                .unwrap();
        }
        let v = verdict(&t.db).await;
        assert_eq!(broken_at(&v), 2, "{}: {v:?}", t.kind);
        t.close().await;
    }
}

#[tokio::test]
async fn audit_append_in_a_rolled_back_transaction_leaves_no_trace() {
    for t in TestDb::all().await {
        let clock = TestClock::at(t0());
        append_n(&t.db, 2, &clock).await;
        let head_before = audit_head::Entity::find_by_id(1)
            .one(&t.db)
            .await
            .unwrap()
            .unwrap();

        let now = clock.now();
        let txn = tx::begin_write(&t.db, now).await.unwrap();
        let ev = audit::append(&txn, Entry::new("test.rolled_back", "x:1"), now)
            .await
            .unwrap();
        assert_eq!(ev.seq, 3);
        txn.rollback().await.unwrap();

        // Dropped without commit: the same.
        {
            let txn = tx::begin_write(&t.db, now).await.unwrap();
            audit::append(&txn, Entry::new("test.dropped", "x:2"), now)
                .await
                .unwrap();
        }

        assert_eq!(verdict(&t.db).await, Verdict::Ok { count: 2 }, "{}", t.kind);
        let head_after = audit_head::Entity::find_by_id(1)
            .one(&t.db)
            .await
            .unwrap()
            .unwrap();
        assert_eq!(head_after.seq, head_before.seq);
        assert_eq!(head_after.hash, head_before.hash);
        let n = audit_event::Entity::find()
            .filter(audit_event::Column::Action.starts_with("test.rolled"))
            .count(&t.db)
            .await
            .unwrap();
        assert_eq!(n, 0);

        // The chain goes on from where the last commit left it.
        append_n(&t.db, 1, &clock).await;
        assert_eq!(verdict(&t.db).await, Verdict::Ok { count: 3 }, "{}", t.kind);
        t.close().await;
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn concurrent_write_transactions_all_commit_and_the_chain_verifies() {
    const TASKS: usize = 8;
    const EACH: usize = 12;
    for t in TestDb::all().await {
        let mut handles = Vec::new();
        for task in 0..TASKS {
            let db = t.db.clone();
            handles.push(tokio::spawn(async move {
                for i in 0..EACH {
                    let now = t0() + Duration::seconds((task * 100 + i) as i64);
                    let txn = tx::begin_write(&db, now).await?;
                    // A read and a second write inside the transaction, as real changes do.
                    let _ = accounts::count(&txn).await?;
                    audit::append(
                        &txn,
                        Entry::new("test.concurrent", format!("task:{task}/{i}")),
                        now,
                    )
                    .await?;
                    throttle::record(
                        &txn,
                        throttle::Kind::Login,
                        &format!("u{task}"),
                        "10.0.0.9",
                        true,
                        now,
                    )
                    .await?;
                    txn.commit().await?;
                }
                Ok::<_, sea_orm::DbErr>(())
            }));
        }
        for h in handles {
            h.await
                .unwrap()
                .unwrap_or_else(|e| panic!("{}: a concurrent writer failed: {e}", t.kind));
        }
        assert_eq!(
            verdict(&t.db).await,
            Verdict::Ok {
                count: (TASKS * EACH) as u64
            },
            "{}",
            t.kind
        );
        t.close().await;
    }
}

// ---------------------------------------------------------------------------------------------
// Sessions

#[tokio::test]
async fn session_create_resolve_and_end() {
    for t in TestDb::all().await {
        let clock = TestClock::at(t0());
        let (uid, _) = new_user(&t.db, "sess-a", clock.now()).await;
        let token = sessions::create(&t.db, uid, "10.0.0.1", clock.now())
            .await
            .unwrap();
        assert!(token.len() >= 43, "256-bit token, base64");
        // Only the hash is stored.
        let row = session::Entity::find().one(&t.db).await.unwrap().unwrap();
        assert_ne!(row.token_hash, token);
        assert_eq!(row.token_hash, sessions::token_hash(&token));

        let live = sessions::resolve(&t.db, &token, clock.now(), true)
            .await
            .unwrap()
            .expect("fresh session resolves");
        assert_eq!(live.user.id, uid);
        assert_eq!(live.idle_left, sessions::IDLE.num_seconds());

        assert!(sessions::resolve(&t.db, "not-a-token", clock.now(), true)
            .await
            .unwrap()
            .is_none());
        let other = sessions::create(&t.db, uid, "10.0.0.1", clock.now())
            .await
            .unwrap();
        assert_ne!(other, token, "every session gets its own token");

        assert!(sessions::end(&t.db, &token).await.unwrap());
        assert!(sessions::resolve(&t.db, &token, clock.now(), true)
            .await
            .unwrap()
            .is_none());
        assert!(!sessions::end(&t.db, &token).await.unwrap());
        // The other session is untouched.
        assert!(sessions::resolve(&t.db, &other, clock.now(), true)
            .await
            .unwrap()
            .is_some());
        t.close().await;
    }
}

#[tokio::test]
async fn session_idle_timeout() {
    for t in TestDb::all().await {
        let clock = TestClock::at(t0());
        let (uid, _) = new_user(&t.db, "sess-idle", clock.now()).await;
        let token = sessions::create(&t.db, uid, "", clock.now()).await.unwrap();

        // Activity at 29 minutes keeps it alive for another 30.
        clock.advance(Duration::minutes(29));
        let live = sessions::resolve(&t.db, &token, clock.now(), true)
            .await
            .unwrap()
            .expect("alive after 29 minutes");
        assert_eq!(live.idle_left, sessions::IDLE.num_seconds());
        clock.advance(Duration::minutes(29));
        assert!(sessions::resolve(&t.db, &token, clock.now(), false)
            .await
            .unwrap()
            .is_some());

        // A look without activity does not extend it: 31 minutes after the last activity.
        clock.advance(Duration::minutes(2));
        assert!(
            sessions::resolve(&t.db, &token, clock.now(), true)
                .await
                .unwrap()
                .is_none(),
            "{}: idle for 31 minutes",
            t.kind
        );
        // Gone for good.
        assert_eq!(session_rows(&t.db).await, 0);
        t.close().await;
    }
}

#[tokio::test]
async fn session_absolute_limit() {
    for t in TestDb::all().await {
        let clock = TestClock::at(t0());
        let (uid, _) = new_user(&t.db, "sess-abs", clock.now()).await;
        let token = sessions::create(&t.db, uid, "", clock.now()).await.unwrap();
        // Activity every 20 minutes: alive until 12 hours after sign-in, then not.
        let mut alive_for = Duration::zero();
        for _ in 0..40 {
            clock.advance(Duration::minutes(20));
            match sessions::resolve(&t.db, &token, clock.now(), true)
                .await
                .unwrap()
            {
                Some(live) => {
                    alive_for = clock.now() - t0();
                    assert!(live.idle_left <= (sessions::ABSOLUTE - alive_for).num_seconds());
                }
                None => break,
            }
        }
        assert_eq!(
            alive_for,
            Duration::hours(12) - Duration::minutes(20),
            "{}: the last good check is the one before 12 h",
            t.kind
        );
        assert_eq!(session_rows(&t.db).await, 0);
        t.close().await;
    }
}

#[tokio::test]
async fn session_end_all_for_user() {
    for t in TestDb::all().await {
        let clock = TestClock::at(t0());
        let now = clock.now();
        let (a, _) = new_user(&t.db, "sess-all-a", now).await;
        let (b, _) = new_user(&t.db, "sess-all-b", now).await;
        let a1 = sessions::create(&t.db, a, "", now).await.unwrap();
        let a2 = sessions::create(&t.db, a, "", now).await.unwrap();
        let b1 = sessions::create(&t.db, b, "", now).await.unwrap();
        assert_eq!(sessions::end_all_for_user(&t.db, a).await.unwrap(), 2);
        for tok in [&a1, &a2] {
            assert!(sessions::resolve(&t.db, tok, now, true)
                .await
                .unwrap()
                .is_none());
        }
        assert!(sessions::resolve(&t.db, &b1, now, true)
            .await
            .unwrap()
            .is_some());
        assert_eq!(sessions::end_all_for_user(&t.db, a).await.unwrap(), 0);
        t.close().await;
    }
}

#[tokio::test]
async fn session_of_a_disabled_account_resolves_to_none() {
    for t in TestDb::all().await {
        let clock = TestClock::at(t0());
        let now = clock.now();
        let (uid, version) = new_user(&t.db, "sess-dis", now).await;
        let token = sessions::create(&t.db, uid, "", now).await.unwrap();
        assert_eq!(
            accounts::set_disabled(&t.db, uid, version, true, now)
                .await
                .unwrap(),
            accounts::Updated::Yes
        );
        // A stale version changes nothing.
        assert_eq!(
            accounts::set_disabled(&t.db, uid, version, false, now)
                .await
                .unwrap(),
            accounts::Updated::Stale
        );
        assert!(sessions::resolve(&t.db, &token, now, false)
            .await
            .unwrap()
            .is_none());
        assert_eq!(session_rows(&t.db).await, 0, "{}: deleted", t.kind);
        // Re-enabling does not bring the session back.
        accounts::set_disabled(&t.db, uid, version + 1, false, now)
            .await
            .unwrap();
        assert!(sessions::resolve(&t.db, &token, now, false)
            .await
            .unwrap()
            .is_none());
        t.close().await;
    }
}

// ---------------------------------------------------------------------------------------------
// Throttling

async fn fail_n(db: &DatabaseConnection, clock: &TestClock, user: &str, addr: &str, n: usize) {
    for _ in 0..n {
        clock.advance(Duration::seconds(1));
        throttle::record(db, throttle::Kind::Login, user, addr, false, clock.now())
            .await
            .unwrap();
    }
}

async fn wait(db: &DatabaseConnection, clock: &TestClock, user: &str, addr: &str) -> Option<i64> {
    throttle::wait_minutes(db, throttle::Kind::Login, user, addr, clock.now())
        .await
        .unwrap()
}

#[tokio::test]
async fn throttle_five_failures_block_for_fifteen_minutes() {
    for t in TestDb::all().await {
        let clock = TestClock::at(t0());
        let (db, a) = (&t.db, "192.0.2.1");
        fail_n(db, &clock, "alice", a, 4).await;
        assert_eq!(
            wait(db, &clock, "alice", a).await,
            None,
            "{}: 4 fine",
            t.kind
        );
        fail_n(db, &clock, "alice", a, 1).await;
        let m = wait(db, &clock, "alice", a).await;
        assert_eq!(m, Some(15), "{}: the 5th blocks", t.kind);
        // Another address, another user from this address: not blocked.
        assert_eq!(wait(db, &clock, "alice", "192.0.2.2").await, None);
        assert_eq!(wait(db, &clock, "bob", a).await, None);

        clock.advance(Duration::minutes(10));
        assert_eq!(wait(db, &clock, "alice", a).await, Some(5));
        clock.advance(Duration::minutes(5) - Duration::seconds(1));
        assert_eq!(wait(db, &clock, "alice", a).await, Some(1), "{}", t.kind);
        clock.advance(Duration::seconds(1));
        assert_eq!(
            wait(db, &clock, "alice", a).await,
            None,
            "{}: free 15 minutes after the last failure",
            t.kind
        );
        // One more failure does not block again at once: the earlier ones are old.
        fail_n(db, &clock, "alice", a, 1).await;
        assert_eq!(wait(db, &clock, "alice", a).await, None, "{}", t.kind);
        t.close().await;
    }
}

#[tokio::test]
async fn throttle_wait_is_fifteen_minutes_even_when_failures_are_spread_out() {
    for t in TestDb::all().await {
        let clock = TestClock::at(t0());
        let (db, a) = (&t.db, "192.0.2.9");
        for _ in 0..4 {
            fail_n(db, &clock, "dave", a, 1).await;
            clock.advance(Duration::minutes(1));
        }
        clock.advance(Duration::minutes(10));
        fail_n(db, &clock, "dave", a, 1).await; // 5 failures within 15 minutes
        assert_eq!(wait(db, &clock, "dave", a).await, Some(15), "{}", t.kind);
        // The first failures age out of the window, but the wait that was announced holds.
        clock.advance(Duration::minutes(5));
        assert_eq!(wait(db, &clock, "dave", a).await, Some(10), "{}", t.kind);
        clock.advance(Duration::minutes(10));
        assert_eq!(wait(db, &clock, "dave", a).await, None, "{}", t.kind);
        t.close().await;
    }
}

#[tokio::test]
async fn throttle_success_resets_the_count() {
    for t in TestDb::all().await {
        let clock = TestClock::at(t0());
        let (db, a) = (&t.db, "192.0.2.7");
        fail_n(db, &clock, "carol", a, 4).await;
        clock.advance(Duration::seconds(1));
        throttle::record(db, throttle::Kind::Login, "carol", a, true, clock.now())
            .await
            .unwrap();
        fail_n(db, &clock, "carol", a, 4).await;
        assert_eq!(
            wait(db, &clock, "carol", a).await,
            None,
            "{}: only failures after the success count",
            t.kind
        );
        fail_n(db, &clock, "carol", a, 1).await;
        assert!(wait(db, &clock, "carol", a).await.is_some());
        t.close().await;
    }
}

#[tokio::test]
async fn throttle_twenty_failures_across_accounts_block_the_address() {
    for t in TestDb::all().await {
        let clock = TestClock::at(t0());
        let (db, a) = (&t.db, "198.51.100.4");
        for i in 0..19 {
            fail_n(db, &clock, &format!("user{i}"), a, 1).await;
        }
        assert_eq!(
            wait(db, &clock, "someone-else", a).await,
            None,
            "{}",
            t.kind
        );
        fail_n(db, &clock, "user19", a, 1).await;
        assert!(
            wait(db, &clock, "someone-else", a).await.is_some(),
            "{}: 20 failures from one address",
            t.kind
        );
        assert_eq!(wait(db, &clock, "someone-else", "198.51.100.5").await, None);
        clock.advance(Duration::minutes(15));
        assert_eq!(wait(db, &clock, "someone-else", a).await, None);
        t.close().await;
    }
}

#[tokio::test]
async fn throttle_a_guess_spread_over_many_addresses_is_slowed_not_locked() {
    for t in TestDb::all().await {
        let clock = TestClock::at(t0());
        let db = &t.db;
        // Nine addresses, one failure each: no pair and no address reaches its limit.
        for i in 0..9 {
            fail_n(db, &clock, "erin", &format!("203.0.113.{i}"), 1).await;
        }
        assert_eq!(wait(db, &clock, "erin", "203.0.113.200").await, None);
        fail_n(db, &clock, "erin", "203.0.113.9", 1).await;
        // The tenth: every address now waits half a minute after the newest failure.
        assert_eq!(
            wait(db, &clock, "erin", "203.0.113.201").await,
            Some(1),
            "{}",
            t.kind
        );
        assert_eq!(
            wait(db, &clock, "someone-else", "203.0.113.201").await,
            None
        );
        clock.advance(throttle::SOFT_DELAY);
        assert_eq!(
            wait(db, &clock, "erin", "203.0.113.201").await,
            None,
            "{}: the owner gets in after the delay",
            t.kind
        );
        t.close().await;
    }
}

#[tokio::test]
async fn throttle_password_reentry_counts_per_account_across_addresses() {
    use throttle::Kind;
    for t in TestDb::all().await {
        let clock = TestClock::at(t0());
        let db = &t.db;
        let me = throttle::reauth_name(42);
        for i in 0..4 {
            clock.advance(Duration::seconds(1));
            let a = format!("192.0.2.{i}");
            throttle::record(db, Kind::Reauth, &me, &a, false, clock.now())
                .await
                .unwrap();
        }
        let w = |a: &'static str| throttle::wait_minutes(db, Kind::Reauth, &me, a, clock.now());
        assert_eq!(w("192.0.2.99").await.unwrap(), None);
        throttle::record(db, Kind::Reauth, &me, "192.0.2.4", false, clock.now())
            .await
            .unwrap();
        assert_eq!(w("192.0.2.99").await.unwrap(), Some(15), "{}", t.kind);
        // Sign-in of the same account is another count.
        assert_eq!(wait(db, &clock, &me, "192.0.2.99").await, None);
        t.close().await;
    }
}

#[tokio::test]
async fn throttle_refusals_are_counted_in_one_row_a_run() {
    for t in TestDb::all().await {
        let clock = TestClock::at(t0());
        let db = &t.db;
        assert!(throttle::count_refusal(db, "login:x", clock.now())
            .await
            .unwrap());
        for _ in 0..99 {
            clock.advance(Duration::seconds(1));
            assert!(!throttle::count_refusal(db, "login:x", clock.now())
                .await
                .unwrap());
        }
        assert_eq!(throttle::refusals(db, "login:x").await.unwrap(), 100);
        // A window later, a new run starts (worth one audit event again).
        clock.advance(throttle::WINDOW);
        assert!(throttle::count_refusal(db, "login:x", clock.now())
            .await
            .unwrap());
        assert_eq!(throttle::refusals(db, "login:x").await.unwrap(), 1);
        t.close().await;
    }
}

// ---------------------------------------------------------------------------------------------
// Demo data

#[tokio::test]
async fn seed_demo_loads_once_with_valid_data() {
    use super::reference;
    use crate::domain::formats::uscc_is_valid;
    for t in TestDb::all().await {
        let now = t0();
        assert!(seed::seed_demo(&t.db, now).await.unwrap(), "{}", t.kind);
        let inst = reference::institutions(&t.db).await.unwrap();
        let experts = reference::experts(&t.db).await.unwrap();
        let accts = accounts::list(&t.db).await.unwrap();
        assert!(seed::seed_demo(&t.db, now).await.is_ok_and(|b| !b));
        assert_eq!(
            reference::institutions(&t.db).await.unwrap().len(),
            inst.len()
        );
        assert_eq!(accounts::list(&t.db).await.unwrap().len(), accts.len());

        assert!(inst.len() >= 12, "{} institutions", inst.len());
        for i in &inst {
            assert!(
                uscc_is_valid(&i.uscc),
                "invalid USCC {} ({})",
                i.uscc,
                i.name
            );
        }
        assert!(experts.len() >= 40, "{} experts", experts.len());
        assert!(experts.iter().any(|e| e.kind == "subject"));
        assert!(experts.iter().any(|e| e.kind == "legal"));
        assert!(experts
            .iter()
            .all(|e| e.kind == "subject" || e.kind == "legal"));
        for role in Role::ALL {
            let mine: Vec<_> = accts.iter().filter(|a| a.role == role.code()).collect();
            assert!(!mine.is_empty(), "no demo account for {role:?}");
            for a in mine {
                assert!(
                    accounts::actor_of(a).is_some(),
                    "demo account {} has an inconsistent scope",
                    a.username
                );
            }
        }
        for d in seed::DEMO_ACCOUNTS {
            let a = accts
                .iter()
                .find(|a| a.username == d.username)
                .unwrap_or_else(|| panic!("demo account {} missing", d.username));
            assert_eq!(a.role, d.role.code());
            assert!(!a.must_change_password && !a.disabled);
        }
        // Every other expert of the pool has an account too (zj07 … zj48), scoped to them.
        let others: Vec<_> = accts
            .iter()
            .filter(|a| a.username.starts_with("zj"))
            .collect();
        assert_eq!(others.len(), 42, "{}", t.kind);
        assert!(others.iter().all(|a| accounts::actor_of(a).is_some()));
        // The demo password opens a demo account.
        let admin = accts.iter().find(|a| a.username == "admin").unwrap();
        assert!(super::passwords::verify(
            &admin.password_hash,
            seed::DEMO_PASSWORD
        ));
        assert_eq!(verdict(&t.db).await, Verdict::Ok { count: 1 }, "{}", t.kind);
        t.close().await;
    }
}

#[tokio::test]
async fn begin_write_refuses_a_database_without_the_audit_head() {
    // Guard: begin_write refuses a database without the audit head row (never migrated).
    for t in TestDb::all().await {
        let txn = t.db.begin().await.unwrap();
        txn.execute_unprepared("DELETE FROM audit_head")
            .await
            .unwrap();
        txn.commit().await.unwrap();
        assert!(tx::begin_write(&t.db, t0()).await.is_err(), "{}", t.kind);
        t.close().await;
    }
}
