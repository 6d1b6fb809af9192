use std::path::Path;

use rusqlite::{params, Connection, OptionalExtension, TransactionBehavior};

use super::record::TINY_ID_BASE;
use super::{Account, Appended, NewMessage, SessionRecord, Store, StoreError, StoredMessage};

/// Schema version written to `meta.schema`; bumped on incompatible change.
const SCHEMA_VERSION: &str = "1";

const SCHEMA: &str = "
CREATE TABLE IF NOT EXISTS meta (
    key   TEXT PRIMARY KEY,
    value TEXT NOT NULL
);
CREATE TABLE IF NOT EXISTS accounts (
    id         INTEGER PRIMARY KEY AUTOINCREMENT,
    app        INTEGER NOT NULL,
    user_id    TEXT    NOT NULL,
    created_ms INTEGER NOT NULL,
    cursor     INTEGER NOT NULL DEFAULT 0,
    inbox_head INTEGER NOT NULL DEFAULT 0,
    UNIQUE (app, user_id)
);
CREATE TABLE IF NOT EXISTS inbox (
    app               INTEGER NOT NULL,
    owner             TEXT    NOT NULL,
    seq               INTEGER NOT NULL,
    from_account      TEXT    NOT NULL,
    to_account        TEXT    NOT NULL,
    msg_seq           INTEGER NOT NULL,
    msg_random        INTEGER NOT NULL,
    msg_time          INTEGER NOT NULL,
    client_time       INTEGER NOT NULL,
    sender_tiny_id    INTEGER NOT NULL,
    msg_key           TEXT    NOT NULL,
    body              TEXT    NOT NULL,
    nick              TEXT    NOT NULL,
    cloud_custom_data TEXT    NOT NULL,
    PRIMARY KEY (app, owner, seq)
) WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS sent (
    app        INTEGER NOT NULL,
    sender     TEXT    NOT NULL,
    msg_seq    INTEGER NOT NULL,
    msg_random INTEGER NOT NULL,
    msg_time   INTEGER NOT NULL,
    msg_key    TEXT    NOT NULL,
    PRIMARY KEY (app, sender, msg_seq, msg_random)
) WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS sessions (
    a2_hash    TEXT    PRIMARY KEY,
    app        INTEGER NOT NULL,
    user_id    TEXT    NOT NULL,
    tiny_id    INTEGER NOT NULL,
    instance   TEXT    NOT NULL,
    platform   INTEGER NOT NULL,
    login_seq  INTEGER NOT NULL,
    expires_ms INTEGER NOT NULL,
    kicked     INTEGER NOT NULL DEFAULT 0
) WITHOUT ROWID;
";

/// A [`Store`] in SQLite: a database file, or a private in-memory database.
///
/// Files use WAL journaling with `synchronous = NORMAL`; every write is one
/// transaction, committed before the call returns, so a crash of the
/// server process (even `kill -9`) loses nothing that was acknowledged to a
/// client. A crash of the whole machine (power loss) can lose the last
/// transactions before a checkpoint; this is a development server.
#[derive(Debug)]
pub struct SqliteStore {
    conn: Connection,
}

// SQLite integers are signed 64-bit; peers may send any u64 (`MsgSeq`,
// `MsgRandom`), so u64 values are stored bit for bit as i64.
fn to_db(v: u64) -> i64 {
    v as i64
}

fn from_db(v: i64) -> u64 {
    v as u64
}

impl SqliteStore {
    /// Open (or create) the database file at `path`.
    pub fn open(path: impl AsRef<Path>) -> Result<SqliteStore, StoreError> {
        let conn = Connection::open(path)?;
        conn.pragma_update(None, "journal_mode", "WAL")?;
        conn.pragma_update(None, "synchronous", "NORMAL")?;
        Self::init(conn)
    }

    /// A private in-memory database, lost when the store is dropped.
    pub fn in_memory() -> Result<SqliteStore, StoreError> {
        Self::init(Connection::open_in_memory()?)
    }

    fn init(conn: Connection) -> Result<SqliteStore, StoreError> {
        conn.busy_timeout(std::time::Duration::from_secs(5))?;
        conn.execute_batch(SCHEMA)?;
        let mut store = SqliteStore { conn };
        match store.meta("schema")? {
            None => store.set_meta("schema", SCHEMA_VERSION)?,
            Some(v) if v == SCHEMA_VERSION => {}
            Some(v) => {
                return Err(StoreError::Corrupt(format!(
                    "database schema version {v}, this server writes {SCHEMA_VERSION}"
                )))
            }
        }
        Ok(store)
    }

    fn ensure_account_in(
        conn: &Connection,
        app: u64,
        user: &str,
        now_ms: u64,
    ) -> Result<Account, StoreError> {
        let existing: Option<i64> = conn
            .prepare_cached("SELECT id FROM accounts WHERE app = ?1 AND user_id = ?2")?
            .query_row(params![to_db(app), user], |r| r.get(0))
            .optional()?;
        if let Some(id) = existing {
            return Ok(Account {
                tiny_id: TINY_ID_BASE + from_db(id),
                created: false,
            });
        }
        // Looked up first: an INSERT that hits the unique key would still
        // use up an AUTOINCREMENT value and leave a gap in tiny IDs.
        let id: i64 = conn
            .prepare_cached(
                "INSERT INTO accounts (app, user_id, created_ms) VALUES (?1, ?2, ?3) RETURNING id",
            )?
            .query_row(params![to_db(app), user, to_db(now_ms)], |r| r.get(0))?;
        Ok(Account {
            tiny_id: TINY_ID_BASE + from_db(id),
            created: true,
        })
    }

    fn account_u64(&mut self, sql: &str, app: u64, owner: &str) -> Result<u64, StoreError> {
        let v: Option<i64> = self
            .conn
            .prepare_cached(sql)?
            .query_row(params![to_db(app), owner], |r| r.get(0))
            .optional()?;
        Ok(v.map_or(0, from_db))
    }
}

impl Store for SqliteStore {
    fn meta(&mut self, key: &str) -> Result<Option<String>, StoreError> {
        Ok(self
            .conn
            .prepare_cached("SELECT value FROM meta WHERE key = ?1")?
            .query_row([key], |r| r.get(0))
            .optional()?)
    }

    fn set_meta(&mut self, key: &str, value: &str) -> Result<(), StoreError> {
        self.conn
            .prepare_cached(
                "INSERT INTO meta (key, value) VALUES (?1, ?2)
                 ON CONFLICT (key) DO UPDATE SET value = excluded.value",
            )?
            .execute([key, value])?;
        Ok(())
    }

    fn account(&mut self, app: u64, user: &str) -> Result<Option<Account>, StoreError> {
        let id: Option<i64> = self
            .conn
            .prepare_cached("SELECT id FROM accounts WHERE app = ?1 AND user_id = ?2")?
            .query_row(params![to_db(app), user], |r| r.get(0))
            .optional()?;
        Ok(id.map(|id| Account {
            tiny_id: TINY_ID_BASE + from_db(id),
            created: false,
        }))
    }

    fn ensure_account(&mut self, app: u64, user: &str, now_ms: u64) -> Result<Account, StoreError> {
        let tx = self
            .conn
            .transaction_with_behavior(TransactionBehavior::Immediate)?;
        let account = Self::ensure_account_in(&tx, app, user, now_ms)?;
        tx.commit()?;
        Ok(account)
    }

    fn append_message(&mut self, app: u64, msg: &NewMessage) -> Result<Appended, StoreError> {
        let tx = self
            .conn
            .transaction_with_behavior(TransactionBehavior::Immediate)?;
        let earlier: Option<(i64, String)> = tx
            .prepare_cached(
                "SELECT msg_time, msg_key FROM sent
                 WHERE app = ?1 AND sender = ?2 AND msg_seq = ?3 AND msg_random = ?4",
            )?
            .query_row(
                params![
                    to_db(app),
                    msg.from,
                    to_db(msg.msg_seq),
                    to_db(msg.msg_random)
                ],
                |r| Ok((r.get(0)?, r.get(1)?)),
            )
            .optional()?;
        if let Some((msg_time, msg_key)) = earlier {
            return Ok(Appended::Duplicate {
                msg_time: from_db(msg_time),
                msg_key,
            });
        }
        Self::ensure_account_in(&tx, app, &msg.to, msg.msg_time.saturating_mul(1000))?;
        let seq: i64 = tx
            .prepare_cached(
                "UPDATE accounts SET inbox_head = inbox_head + 1
                 WHERE app = ?1 AND user_id = ?2 RETURNING inbox_head",
            )?
            .query_row(params![to_db(app), msg.to], |r| r.get(0))?;
        tx.prepare_cached(
            "INSERT INTO inbox (app, owner, seq, from_account, to_account, msg_seq, msg_random,
                                msg_time, client_time, sender_tiny_id, msg_key, body, nick,
                                cloud_custom_data)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14)",
        )?
        .execute(params![
            to_db(app),
            msg.to,
            seq,
            msg.from,
            msg.to,
            to_db(msg.msg_seq),
            to_db(msg.msg_random),
            to_db(msg.msg_time),
            to_db(msg.client_time),
            to_db(msg.sender_tiny_id),
            msg.msg_key,
            msg.body,
            msg.nick,
            msg.cloud_custom_data,
        ])?;
        tx.prepare_cached(
            "INSERT INTO sent (app, sender, msg_seq, msg_random, msg_time, msg_key)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
        )?
        .execute(params![
            to_db(app),
            msg.from,
            to_db(msg.msg_seq),
            to_db(msg.msg_random),
            to_db(msg.msg_time),
            msg.msg_key,
        ])?;
        tx.commit()?;
        Ok(Appended::New {
            inbox_seq: from_db(seq),
        })
    }

    fn inbox_after(
        &mut self,
        app: u64,
        owner: &str,
        after: u64,
        limit: usize,
    ) -> Result<Vec<StoredMessage>, StoreError> {
        let limit = i64::try_from(limit).unwrap_or(i64::MAX);
        // Sequences are small positive numbers; clamp a huge `after` instead
        // of letting it wrap negative.
        let after = i64::try_from(after).unwrap_or(i64::MAX);
        let mut stmt = self.conn.prepare_cached(
            "SELECT seq, from_account, to_account, msg_seq, msg_random, msg_time, client_time,
                    sender_tiny_id, msg_key, body, nick, cloud_custom_data
             FROM inbox WHERE app = ?1 AND owner = ?2 AND seq > ?3
             ORDER BY seq LIMIT ?4",
        )?;
        let rows = stmt.query_map(params![to_db(app), owner, after, limit], |r| {
            Ok(StoredMessage {
                inbox_seq: from_db(r.get(0)?),
                msg: NewMessage {
                    from: r.get(1)?,
                    to: r.get(2)?,
                    msg_seq: from_db(r.get(3)?),
                    msg_random: from_db(r.get(4)?),
                    msg_time: from_db(r.get(5)?),
                    client_time: from_db(r.get(6)?),
                    sender_tiny_id: from_db(r.get(7)?),
                    msg_key: r.get(8)?,
                    body: r.get(9)?,
                    nick: r.get(10)?,
                    cloud_custom_data: r.get(11)?,
                },
            })
        })?;
        Ok(rows.collect::<Result<Vec<_>, _>>()?)
    }

    fn inbox_head(&mut self, app: u64, owner: &str) -> Result<u64, StoreError> {
        self.account_u64(
            "SELECT inbox_head FROM accounts WHERE app = ?1 AND user_id = ?2",
            app,
            owner,
        )
    }

    fn cursor(&mut self, app: u64, owner: &str) -> Result<u64, StoreError> {
        self.account_u64(
            "SELECT cursor FROM accounts WHERE app = ?1 AND user_id = ?2",
            app,
            owner,
        )
    }

    fn advance_cursor(&mut self, app: u64, owner: &str, to: u64) -> Result<u64, StoreError> {
        let to = i64::try_from(to).unwrap_or(i64::MAX);
        self.conn
            .prepare_cached(
                "UPDATE accounts SET cursor = ?3
                 WHERE app = ?1 AND user_id = ?2 AND cursor < ?3",
            )?
            .execute(params![to_db(app), owner, to])?;
        self.cursor(app, owner)
    }

    fn sessions(&mut self) -> Result<Vec<SessionRecord>, StoreError> {
        let mut stmt = self.conn.prepare_cached(
            "SELECT a2_hash, app, user_id, tiny_id, instance, platform, login_seq, expires_ms,
                    kicked
             FROM sessions ORDER BY login_seq",
        )?;
        let rows = stmt.query_map([], |r| {
            Ok(SessionRecord {
                a2_hash: r.get(0)?,
                app: from_db(r.get(1)?),
                user: r.get(2)?,
                tiny_id: from_db(r.get(3)?),
                instance: r.get(4)?,
                platform: r.get(5)?,
                login_seq: from_db(r.get(6)?),
                expires_ms: from_db(r.get(7)?),
                kicked: r.get(8)?,
            })
        })?;
        Ok(rows.collect::<Result<Vec<_>, _>>()?)
    }

    fn put_session(&mut self, rec: &SessionRecord) -> Result<(), StoreError> {
        self.conn
            .prepare_cached(
                "INSERT OR REPLACE INTO sessions (a2_hash, app, user_id, tiny_id, instance,
                                                 platform, login_seq, expires_ms, kicked)
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9)",
            )?
            .execute(params![
                rec.a2_hash,
                to_db(rec.app),
                rec.user,
                to_db(rec.tiny_id),
                rec.instance,
                rec.platform,
                to_db(rec.login_seq),
                to_db(rec.expires_ms),
                rec.kicked,
            ])?;
        Ok(())
    }

    fn delete_session(&mut self, a2_hash: &str) -> Result<(), StoreError> {
        self.conn
            .prepare_cached("DELETE FROM sessions WHERE a2_hash = ?1")?
            .execute([a2_hash])?;
        Ok(())
    }

    fn delete_expired_sessions(&mut self, now_ms: u64) -> Result<usize, StoreError> {
        let now = i64::try_from(now_ms).unwrap_or(i64::MAX);
        Ok(self
            .conn
            .prepare_cached("DELETE FROM sessions WHERE expires_ms <= ?1")?
            .execute([now])?)
    }

    fn flush(&mut self) -> Result<(), StoreError> {
        // In WAL mode, move the log into the main file so that the file on
        // its own is complete. A no-op for in-memory databases.
        self.conn
            .query_row("PRAGMA wal_checkpoint(TRUNCATE)", [], |_| Ok(()))
            .optional()?;
        Ok(())
    }
}
