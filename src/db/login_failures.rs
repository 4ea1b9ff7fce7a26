//! Counting login attempts per account and per client address, shared by all instances.
//!
//! An attempt is *reserved* before its password (or code) is checked, in one transaction that
//! counts it against every key it touches and refuses it when a limit is reached; a refused
//! reservation counts nothing. So however many attempts run at once, on however many
//! instances, no more checks run than the limits allow: the database row of each key is the
//! only counter, and its row lock orders concurrent reservations. A successful login gives its
//! reservation back ([`refund`], [`clear`]).

use sqlx::{PgConnection, PgExecutor, PgPool};

/// How many attempts, within how long, a key allows. The window starts with the first attempt
/// after the previous window ended; a key that reached its limit is locked until its window
/// ends.
#[derive(Debug, Clone, Copy)]
pub struct Limit {
    /// Attempts allowed within the window.
    pub max_failures: i32,
    /// The window's length.
    pub window_seconds: i64,
}

/// The keys one login attempt is counted against.
#[derive(Debug, Clone, Copy)]
pub struct Attempt<'a> {
    /// The client address (or network) the attempt comes from.
    pub address: &'a str,
    /// Its limit: guessing across many accounts from one place.
    pub address_limit: Limit,
    /// The account tried.
    pub account: &'a str,
    /// Its limit: guessing one account's password.
    pub account_limit: Limit,
    /// The account tried from this address: how the account's lock tells its owner (an address
    /// that has not tried it in the window) from whoever locked it.
    pub pair: &'a str,
}

/// The answer to a reservation.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Reservation {
    /// Go ahead and check the password: the attempt is counted.
    Allowed,
    /// Refused, counted nowhere; the key is locked for this many more seconds.
    Refused {
        /// Seconds until the lock's window ends (at least 1).
        retry_after: i64,
    },
}

/// Reserve one attempt for `attempt`, atomically, before any password is checked.
///
/// The address key refuses once it holds `address_limit` attempts. The account key refuses once
/// it holds `account_limit` attempts — **but only for addresses that have tried this account in
/// the window already**: an address with no attempt on the account may make one reservation of
/// its own even while the account is locked. That keeps a stranger from locking an admin out
/// with five wrong passwords (the admin, from their own address, still gets a try). The price:
/// an attacker with many addresses gets one extra guess per address (per /64 for IPv6) per window
/// on a locked account, each of them still counted against that address's own limit. The
/// address limit and the password's strength bound that; a lock that anybody can trigger for
/// everybody would instead hand every stranger a denial of service.
///
/// The three keys are counted in one transaction, always in the order address, pair, account,
/// so concurrent reservations wait for each other on the rows' locks and never deadlock; an
/// address's attempts on an account are counted in the same order on both keys, so one address
/// never gets more than `account_limit` checks on an account.
pub async fn reserve(db: &PgPool, attempt: Attempt<'_>) -> sqlx::Result<Reservation> {
    let mut tx = db.begin().await?;
    let address = bump(&mut tx, attempt.address, attempt.address_limit).await?;
    if address.count > attempt.address_limit.max_failures {
        tx.rollback().await?;
        return Ok(Reservation::Refused {
            retry_after: address.seconds_left,
        });
    }
    let pair = bump(&mut tx, attempt.pair, counter_only(attempt.account_limit)).await?;
    let account = bump(&mut tx, attempt.account, attempt.account_limit).await?;
    let first_from_here = pair.count == 1;
    if account.count > attempt.account_limit.max_failures && !first_from_here {
        tx.rollback().await?;
        return Ok(Reservation::Refused {
            retry_after: account.seconds_left,
        });
    }
    tx.commit().await?;
    Ok(Reservation::Allowed)
}

/// Reserve one attempt on a single `key` (re-entering the password inside a session), the
/// same way as [`reserve`]: refused once the key holds `limit` attempts, and a refusal counts
/// nothing.
pub async fn reserve_key(db: &PgPool, key: &str, limit: Limit) -> sqlx::Result<Reservation> {
    let mut tx = db.begin().await?;
    let counted = bump(&mut tx, key, limit).await?;
    if counted.count > limit.max_failures {
        tx.rollback().await?;
        return Ok(Reservation::Refused {
            retry_after: counted.seconds_left,
        });
    }
    tx.commit().await?;
    Ok(Reservation::Allowed)
}

/// The count of a key after one more attempt, and the seconds left in its window.
struct Counted {
    count: i32,
    seconds_left: i64,
}

/// A limit that only counts (a pair key never refuses by itself).
fn counter_only(limit: Limit) -> Limit {
    Limit {
        max_failures: i32::MAX,
        ..limit
    }
}

/// Count one more attempt on `key` (a new window when the last one has ended) and lock it when
/// it reaches the limit. The row stays locked until the transaction ends.
async fn bump(tx: &mut PgConnection, key: &str, limit: Limit) -> sqlx::Result<Counted> {
    let (count, seconds_left): (i32, f64) = sqlx::query_as(
        "INSERT INTO login_failures AS f (key, failures, window_start, locked_until)
         VALUES ($1, 1, now(), CASE WHEN 1 >= $2 THEN now() + make_interval(secs => $3) END)
         ON CONFLICT (key) DO UPDATE SET
            failures = CASE WHEN f.window_start <= now() - make_interval(secs => $3)
                            THEN 1 ELSE f.failures + 1 END,
            window_start = CASE WHEN f.window_start <= now() - make_interval(secs => $3)
                                THEN now() ELSE f.window_start END,
            locked_until = CASE
                WHEN f.window_start <= now() - make_interval(secs => $3)
                    THEN CASE WHEN 1 >= $2 THEN now() + make_interval(secs => $3) END
                WHEN f.failures + 1 >= $2 THEN f.window_start + make_interval(secs => $3)
                END
         RETURNING failures,
                   extract(epoch FROM window_start + make_interval(secs => $3) - now())::float8",
    )
    .bind(key)
    .bind(limit.max_failures)
    .bind(limit.window_seconds as f64)
    .fetch_one(&mut *tx)
    .await?;
    Ok(Counted {
        count,
        seconds_left: seconds_left.ceil().max(1.0) as i64,
    })
}

/// Give back one attempt reserved on `key` (the password was right: an admin who logs in often
/// from one office does not use up that office's allowance). The lock lifts when the count
/// falls below the limit.
pub async fn refund(db: impl PgExecutor<'_>, key: &str, limit: Limit) -> sqlx::Result<()> {
    sqlx::query(
        "UPDATE login_failures SET
            failures = greatest(failures - 1, 0),
            locked_until = CASE WHEN failures - 1 >= $2 THEN locked_until END
         WHERE key = $1",
    )
    .bind(key)
    .bind(limit.max_failures)
    .execute(db)
    .await?;
    Ok(())
}

/// Forget the attempts of `key` (after a successful login).
pub async fn clear(db: impl PgExecutor<'_>, key: &str) -> sqlx::Result<()> {
    sqlx::query("DELETE FROM login_failures WHERE key = $1")
        .bind(key)
        .execute(db)
        .await?;
    Ok(())
}

/// Delete the counters whose window ended (no window is longer than `window_seconds`): they
/// would start afresh anyway. Returns how many went.
pub async fn forget_ended(db: impl PgExecutor<'_>, window_seconds: i64) -> sqlx::Result<u64> {
    let done = sqlx::query(
        "DELETE FROM login_failures WHERE window_start < now() - make_interval(secs => $1)",
    )
    .bind(window_seconds as f64)
    .execute(db)
    .await?;
    Ok(done.rows_affected())
}
