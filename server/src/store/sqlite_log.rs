//! The message logs of [`SqliteStore`](super::SqliteStore): a group's
//! (`group_log`, keyed by `group_id`) and a community topic's (`topic_log`,
//! keyed by `topic_id`) hold the same rows, so one [`LogTable`] writes and
//! reads both.

use rusqlite::{params, Connection, OptionalExtension, Row, Transaction};

use super::{GroupLogEntry, LogKind, StoreError};

/// One message log table: its name and the column naming its owner.
#[derive(Debug, Clone, Copy)]
pub(super) struct LogTable {
    table: &'static str,
    owner: &'static str,
}

/// The groups' log.
pub(super) const GROUP_LOG: LogTable = LogTable {
    table: "group_log",
    owner: "group_id",
};

/// The community topics' log.
pub(super) const TOPIC_LOG: LogTable = LogTable {
    table: "topic_log",
    owner: "topic_id",
};

const LOG_COLS: &str = "seq, time, sender, client_seq, random, need_receipt, is_tip, payload";

fn to_db(v: u64) -> i64 {
    v as i64
}

fn from_db(v: i64) -> u64 {
    v as u64
}

fn log_row(r: &Row<'_>) -> rusqlite::Result<GroupLogEntry> {
    let tip: bool = r.get(6)?;
    Ok(GroupLogEntry {
        seq: from_db(r.get(0)?),
        time: from_db(r.get(1)?),
        sender: r.get(2)?,
        client_seq: from_db(r.get(3)?),
        random: from_db(r.get(4)?),
        need_receipt: r.get(5)?,
        kind: if tip { LogKind::Tip } else { LogKind::Message },
        payload: r.get(7)?,
    })
}

impl LogTable {
    /// Append `e` to `owner`'s log.
    pub(super) fn insert(
        self,
        tx: &Transaction<'_>,
        app: u64,
        owner: &str,
        e: &GroupLogEntry,
    ) -> Result<(), StoreError> {
        let LogTable { table, owner: col } = self;
        tx.prepare_cached(&format!(
            "INSERT INTO {table} (app, {col}, {LOG_COLS})
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10)"
        ))?
        .execute(params![
            to_db(app),
            owner,
            to_db(e.seq),
            to_db(e.time),
            e.sender,
            to_db(e.client_seq),
            to_db(e.random),
            e.need_receipt,
            e.kind == LogKind::Tip,
            e.payload,
        ])?;
        Ok(())
    }

    /// `owner`'s entries with sequences `from..=to`, in order.
    pub(super) fn range(
        self,
        c: &Connection,
        app: u64,
        owner: &str,
        from: u64,
        to: u64,
    ) -> Result<Vec<GroupLogEntry>, StoreError> {
        if from > to {
            return Ok(Vec::new());
        }
        let LogTable { table, owner: col } = self;
        let mut stmt = c.prepare_cached(&format!(
            "SELECT {LOG_COLS} FROM {table}
             WHERE app = ?1 AND {col} = ?2 AND seq >= ?3 AND seq <= ?4 ORDER BY seq"
        ))?;
        // Sequences are dense from 1, far below i64::MAX; clamp the bounds.
        let to = i64::try_from(to).unwrap_or(i64::MAX);
        let from = i64::try_from(from).unwrap_or(i64::MAX);
        let rows = stmt.query_map(params![to_db(app), owner, from, to], log_row)?;
        Ok(rows.collect::<Result<_, _>>()?)
    }

    /// The message (not tip) `sender` sent to `owner` with this client
    /// sequence and random, if the log holds it (a resend).
    pub(super) fn by_client(
        self,
        c: &Connection,
        app: u64,
        owner: &str,
        (sender, client_seq, random): (&str, u64, u64),
    ) -> Result<Option<GroupLogEntry>, StoreError> {
        let LogTable { table, owner: col } = self;
        Ok(c.prepare_cached(&format!(
            "SELECT {LOG_COLS} FROM {table}
             WHERE app = ?1 AND {col} = ?2 AND sender = ?3 AND client_seq = ?4
               AND random = ?5 AND is_tip = 0"
        ))?
        .query_row(
            params![to_db(app), owner, sender, to_db(client_seq), to_db(random)],
            log_row,
        )
        .optional()?)
    }
}
