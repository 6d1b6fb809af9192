//! The profile and friend part of [`SqliteStore`](super::SqliteStore):
//! writes of those [`Change`]s and the reads (tables `profiles` and
//! `friends`).

use rusqlite::{params, Connection, OptionalExtension, Row, Transaction};

use super::{Change, FriendApplicationRecord, FriendRecord, ProfileTag, StoreError};

fn to_db(v: u64) -> i64 {
    v as i64
}

fn from_db(v: i64) -> u64 {
    v as u64
}

fn json_to_db<T: serde::Serialize>(v: &T) -> String {
    serde_json::to_string(v).expect("a list of strings always serializes")
}

fn json_from_db<T: serde::de::DeserializeOwned>(at: usize, text: &str) -> rusqlite::Result<T> {
    serde_json::from_str(text).map_err(|e| {
        rusqlite::Error::FromSqlConversionFailure(at, rusqlite::types::Type::Text, Box::new(e))
    })
}

/// Apply `change` if it is a profile or friend change; `false` otherwise.
pub(super) fn apply(tx: &Transaction<'_>, app: u64, change: &Change) -> Result<bool, StoreError> {
    match change {
        Change::ProfileTags { user, tags } => {
            let mut stmt = tx.prepare_cached(
                "INSERT OR REPLACE INTO profiles (app, user_id, tag, value) VALUES (?1, ?2, ?3, ?4)",
            )?;
            for t in tags {
                stmt.execute(params![to_db(app), user, t.tag, t.value])?;
            }
        }
        Change::Friend { owner, record } => {
            tx.prepare_cached(
                "INSERT OR REPLACE INTO friends
                 (app, owner, peer, remark, groups, add_source, add_wording, add_time, custom)
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9)",
            )?
            .execute(params![
                to_db(app),
                owner,
                record.peer,
                record.remark,
                json_to_db(&record.groups),
                record.add_source,
                record.add_wording,
                to_db(record.add_time),
                json_to_db(&record.custom),
            ])?;
        }
        Change::DeleteFriend { owner, peer } => {
            tx.prepare_cached("DELETE FROM friends WHERE app = ?1 AND owner = ?2 AND peer = ?3")?
                .execute(params![to_db(app), owner, peer])?;
        }
        Change::FriendApplication { owner, record } => {
            tx.prepare_cached(
                "INSERT OR REPLACE INTO friend_applications
                 (app, owner, peer, incoming, add_source, add_wording, remark, add_time)
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)",
            )?
            .execute(params![
                to_db(app),
                owner,
                record.peer,
                record.incoming,
                record.add_source,
                record.add_wording,
                record.remark,
                to_db(record.add_time),
            ])?;
        }
        Change::DeleteFriendApplication {
            owner,
            peer,
            incoming,
        } => {
            tx.prepare_cached(
                "DELETE FROM friend_applications
                 WHERE app = ?1 AND owner = ?2 AND peer = ?3 AND incoming = ?4",
            )?
            .execute(params![to_db(app), owner, peer, incoming])?;
        }
        Change::FriendGroups { owner, names } => {
            if names.is_empty() {
                tx.prepare_cached("DELETE FROM friend_groups WHERE app = ?1 AND owner = ?2")?
                    .execute(params![to_db(app), owner])?;
            } else {
                tx.prepare_cached(
                    "INSERT OR REPLACE INTO friend_groups (app, owner, names) VALUES (?1, ?2, ?3)",
                )?
                .execute(params![to_db(app), owner, json_to_db(names)])?;
            }
        }
        Change::ApplicationsRead { owner, time } => {
            tx.prepare_cached(
                "INSERT OR REPLACE INTO friend_application_reads (app, owner, read_time)
                 VALUES (?1, ?2, ?3)",
            )?
            .execute(params![to_db(app), owner, to_db(*time)])?;
        }
        _ => return Ok(false),
    }
    Ok(true)
}

pub(super) fn friend_groups(
    c: &Connection,
    app: u64,
    owner: &str,
) -> Result<Vec<String>, StoreError> {
    let names: Option<String> = c
        .prepare_cached("SELECT names FROM friend_groups WHERE app = ?1 AND owner = ?2")?
        .query_row(params![to_db(app), owner], |r| r.get(0))
        .optional()?;
    match names {
        Some(text) => Ok(serde_json::from_str(&text)
            .map_err(|e| StoreError::Corrupt(format!("friend group names: {e}")))?),
        None => Ok(Vec::new()),
    }
}

pub(super) fn applications(
    c: &Connection,
    app: u64,
    owner: &str,
) -> Result<Vec<FriendApplicationRecord>, StoreError> {
    let mut stmt = c.prepare_cached(
        "SELECT peer, incoming, add_source, add_wording, remark, add_time
         FROM friend_applications WHERE app = ?1 AND owner = ?2
         ORDER BY peer, incoming DESC",
    )?;
    let rows = stmt.query_map(params![to_db(app), owner], |r| {
        Ok(FriendApplicationRecord {
            peer: r.get(0)?,
            incoming: r.get(1)?,
            add_source: r.get(2)?,
            add_wording: r.get(3)?,
            remark: r.get(4)?,
            add_time: from_db(r.get(5)?),
        })
    })?;
    Ok(rows.collect::<Result<Vec<_>, _>>()?)
}

pub(super) fn read_time(c: &Connection, app: u64, owner: &str) -> Result<u64, StoreError> {
    Ok(c.prepare_cached(
        "SELECT read_time FROM friend_application_reads WHERE app = ?1 AND owner = ?2",
    )?
    .query_row(params![to_db(app), owner], |r| r.get::<_, i64>(0))
    .optional()?
    .map(from_db)
    .unwrap_or(0))
}

pub(super) fn profile(c: &Connection, app: u64, user: &str) -> Result<Vec<ProfileTag>, StoreError> {
    let mut stmt = c.prepare_cached(
        "SELECT tag, value FROM profiles WHERE app = ?1 AND user_id = ?2 ORDER BY tag",
    )?;
    let rows = stmt.query_map(params![to_db(app), user], |r| {
        Ok(ProfileTag {
            tag: r.get(0)?,
            value: r.get(1)?,
        })
    })?;
    Ok(rows.collect::<Result<Vec<_>, _>>()?)
}

const FRIEND_COLS: &str = "peer, remark, groups, add_source, add_wording, add_time, custom";

fn friend_row(r: &Row<'_>) -> rusqlite::Result<FriendRecord> {
    Ok(FriendRecord {
        peer: r.get(0)?,
        remark: r.get(1)?,
        groups: json_from_db(2, &r.get::<_, String>(2)?)?,
        add_source: r.get(3)?,
        add_wording: r.get(4)?,
        add_time: from_db(r.get(5)?),
        custom: json_from_db(6, &r.get::<_, String>(6)?)?,
    })
}

pub(super) fn friends(
    c: &Connection,
    app: u64,
    owner: &str,
) -> Result<Vec<FriendRecord>, StoreError> {
    let mut stmt = c.prepare_cached(&format!(
        "SELECT {FRIEND_COLS} FROM friends WHERE app = ?1 AND owner = ?2 ORDER BY peer"
    ))?;
    let rows = stmt.query_map(params![to_db(app), owner], friend_row)?;
    Ok(rows.collect::<Result<Vec<_>, _>>()?)
}

pub(super) fn friend(
    c: &Connection,
    app: u64,
    owner: &str,
    peer: &str,
) -> Result<Option<FriendRecord>, StoreError> {
    Ok(c.prepare_cached(&format!(
        "SELECT {FRIEND_COLS} FROM friends WHERE app = ?1 AND owner = ?2 AND peer = ?3"
    ))?
    .query_row(params![to_db(app), owner, peer], friend_row)
    .optional()?)
}
