//! The community-topic part of [`SqliteStore`](super::SqliteStore)
//! (issue 17): writes of the topic [`Change`]s and the topic reads. A
//! topic is one row of `group_topics` (its record as JSON), its log rows
//! of `topic_log` and its members' own states rows of `topic_selves`.

use rusqlite::{params, Connection, OptionalExtension, Transaction};

use super::sqlite_log::TOPIC_LOG;
use super::{Change, StoreError, TopicRecord, TopicSelf};

fn to_db(v: u64) -> i64 {
    v as i64
}

fn from_db(v: i64) -> u64 {
    v as u64
}

fn record_from_db(text: &str) -> rusqlite::Result<TopicRecord> {
    serde_json::from_str(text).map_err(|e| {
        rusqlite::Error::FromSqlConversionFailure(0, rusqlite::types::Type::Text, Box::new(e))
    })
}

/// Fail the batch when `what` finds no row (as the memory store does).
fn known(tx: &Transaction<'_>, sql: &str, app: u64, id: &str) -> Result<(), StoreError> {
    let found: Option<i64> = tx
        .prepare_cached(sql)?
        .query_row(params![to_db(app), id], |r| r.get(0))
        .optional()?;
    match found {
        Some(_) => Ok(()),
        None => Err(StoreError::Corrupt(format!(
            "change for an unknown group or topic: {sql}"
        ))),
    }
}

const KNOWN_GROUP: &str = "SELECT 1 FROM chat_groups WHERE app = ?1 AND id = ?2";
const KNOWN_TOPIC: &str = "SELECT 1 FROM group_topics WHERE app = ?1 AND topic_id = ?2";

/// Apply `change` if it is a topic change; returns whether it was.
pub(super) fn apply(tx: &Transaction<'_>, app: u64, change: &Change) -> Result<bool, StoreError> {
    match change {
        Change::Topic(t) => {
            known(tx, KNOWN_GROUP, app, &t.group)?;
            let record = serde_json::to_string(t).expect("a topic record always serializes");
            tx.prepare_cached(
                "INSERT OR REPLACE INTO group_topics (app, topic_id, group_id, record)
                 VALUES (?1, ?2, ?3, ?4)",
            )?
            .execute(params![to_db(app), t.id, t.group, record])?;
        }
        Change::TopicLog { topic, entry: e } => {
            known(tx, KNOWN_TOPIC, app, topic)?;
            TOPIC_LOG.insert(tx, app, topic, e)?;
        }
        Change::TopicSelf { topic, user, state } => {
            known(tx, KNOWN_TOPIC, app, topic)?;
            tx.prepare_cached(
                "INSERT OR REPLACE INTO topic_selves (app, topic_id, user_id, read_seq, msg_flag)
                 VALUES (?1, ?2, ?3, ?4, ?5)",
            )?
            .execute(params![
                to_db(app),
                topic,
                user,
                to_db(state.read_seq),
                state.msg_flag
            ])?;
        }
        _ => return Ok(false),
    }
    Ok(true)
}

pub(super) fn topics(
    c: &Connection,
    app: u64,
    group: &str,
) -> Result<Vec<TopicRecord>, StoreError> {
    let mut stmt = c.prepare_cached(
        "SELECT record FROM group_topics WHERE app = ?1 AND group_id = ?2 ORDER BY topic_id",
    )?;
    let rows = stmt.query_map(params![to_db(app), group], |r| {
        record_from_db(&r.get::<_, String>(0)?)
    })?;
    Ok(rows.collect::<Result<_, _>>()?)
}

pub(super) fn topic(c: &Connection, app: u64, id: &str) -> Result<Option<TopicRecord>, StoreError> {
    Ok(
        c.prepare_cached("SELECT record FROM group_topics WHERE app = ?1 AND topic_id = ?2")?
            .query_row(params![to_db(app), id], |r| {
                record_from_db(&r.get::<_, String>(0)?)
            })
            .optional()?,
    )
}

pub(super) fn self_state(
    c: &Connection,
    app: u64,
    id: &str,
    user: &str,
) -> Result<Option<TopicSelf>, StoreError> {
    Ok(c.prepare_cached(
        "SELECT read_seq, msg_flag FROM topic_selves
         WHERE app = ?1 AND topic_id = ?2 AND user_id = ?3",
    )?
    .query_row(params![to_db(app), id, user], |r| {
        Ok(TopicSelf {
            read_seq: from_db(r.get(0)?),
            msg_flag: r.get(1)?,
        })
    })
    .optional()?)
}
