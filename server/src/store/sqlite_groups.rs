//! The chat-group part of [`SqliteStore`](super::SqliteStore): writes of
//! the group [`Change`]s and the group reads.

use rusqlite::{params, Connection, OptionalExtension, Row, Transaction};
use tcchat_core::proto::group::{GroupType, InviteOption, JoinOption, Role};

use super::sqlite_log::GROUP_LOG;
use super::{
    Change, Extension, GroupApplication, GroupAttributes, GroupCounters, GroupExtensions,
    GroupRecord, MemberRecord, StoreError, Window,
};

fn to_db(v: u64) -> i64 {
    v as i64
}

fn from_db(v: i64) -> u64 {
    v as u64
}

fn custom_to_db(custom: &[(String, String)]) -> String {
    serde_json::to_string(custom).expect("a list of string pairs always serializes")
}

fn custom_from_db(at: usize, text: &str) -> rusqlite::Result<Vec<(String, String)>> {
    serde_json::from_str(text).map_err(|e| {
        rusqlite::Error::FromSqlConversionFailure(at, rusqlite::types::Type::Text, Box::new(e))
    })
}

fn bad(at: usize, what: &str) -> rusqlite::Error {
    rusqlite::Error::FromSqlConversionFailure(
        at,
        rusqlite::types::Type::Text,
        format!("unknown {what}").into(),
    )
}

const GROUP_COLS: &str = "id, group_type, name, face_url, introduction, notification, owner,
    create_time, info_seq, last_info_time, last_msg_time, next_seq, max_members, join_option,
    invite_option, mute_all, custom, dismissed";

fn group_row(r: &Row<'_>) -> rusqlite::Result<GroupRecord> {
    let t: String = r.get(1)?;
    let j: String = r.get(13)?;
    let i: String = r.get(14)?;
    let custom: String = r.get(16)?;
    Ok(GroupRecord {
        id: r.get(0)?,
        group_type: GroupType::from_wire(&t).ok_or_else(|| bad(1, "group type"))?,
        name: r.get(2)?,
        face_url: r.get(3)?,
        introduction: r.get(4)?,
        notification: r.get(5)?,
        owner: r.get(6)?,
        create_time: from_db(r.get(7)?),
        info_seq: from_db(r.get(8)?),
        last_info_time: from_db(r.get(9)?),
        last_msg_time: from_db(r.get(10)?),
        next_seq: from_db(r.get(11)?),
        max_members: from_db(r.get(12)?),
        join_option: JoinOption::from_wire(&j).ok_or_else(|| bad(13, "join option"))?,
        invite_option: InviteOption::from_wire(&i).ok_or_else(|| bad(14, "invite option"))?,
        mute_all: r.get(15)?,
        custom: custom_from_db(16, &custom)?,
        dismissed: r.get(17)?,
    })
}

const MEMBER_COLS: &str = "user_id, role, join_time, join_seq, read_seq, msg_flag, name_card,
    mute_until, last_send_time, custom, marks";

/// Marks as stored: decimal numbers joined by commas.
fn marks_to_db(marks: &[u64]) -> String {
    marks
        .iter()
        .map(u64::to_string)
        .collect::<Vec<_>>()
        .join(",")
}

fn marks_from_db(col: usize, s: &str) -> rusqlite::Result<Vec<u64>> {
    if s.is_empty() {
        return Ok(Vec::new());
    }
    s.split(',')
        .map(|m| m.parse::<u64>().map_err(|_| bad(col, "marks")))
        .collect()
}

fn member_row(r: &Row<'_>) -> rusqlite::Result<MemberRecord> {
    let role: String = r.get(1)?;
    let custom: String = r.get(9)?;
    Ok(MemberRecord {
        user: r.get(0)?,
        role: Role::from_wire(&role).ok_or_else(|| bad(1, "role"))?,
        join_time: from_db(r.get(2)?),
        join_seq: from_db(r.get(3)?),
        read_seq: from_db(r.get(4)?),
        msg_flag: r.get(5)?,
        name_card: r.get(6)?,
        mute_until: from_db(r.get(7)?),
        last_send_time: from_db(r.get(8)?),
        custom: custom_from_db(9, &custom)?,
        marks: marks_from_db(10, &r.get::<_, String>(10)?)?,
    })
}

/// Apply `change` if it is a group change; returns whether it was.
pub(super) fn apply(tx: &Transaction<'_>, app: u64, change: &Change) -> Result<bool, StoreError> {
    match change {
        Change::ChatGroup(g) => {
            tx.prepare_cached(&format!(
                "INSERT OR REPLACE INTO chat_groups (app, {GROUP_COLS})
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15,
                         ?16, ?17, ?18, ?19)"
            ))?
            .execute(params![
                to_db(app),
                g.id,
                g.group_type.as_wire(),
                g.name,
                g.face_url,
                g.introduction,
                g.notification,
                g.owner,
                to_db(g.create_time),
                to_db(g.info_seq),
                to_db(g.last_info_time),
                to_db(g.last_msg_time),
                to_db(g.next_seq),
                to_db(g.max_members),
                g.join_option.as_wire(),
                g.invite_option.as_wire(),
                g.mute_all,
                custom_to_db(&g.custom),
                g.dismissed,
            ])?;
        }
        Change::GroupMember { group, member: m } => {
            known_group(tx, app, group)?;
            // The current window is replaced (its start may not change);
            // ended windows stay.
            tx.prepare_cached(
                "DELETE FROM group_members
                 WHERE app = ?1 AND group_id = ?2 AND user_id = ?3 AND leave_seq IS NULL",
            )?
            .execute(params![to_db(app), group, m.user])?;
            tx.prepare_cached(&format!(
                "INSERT OR REPLACE INTO group_members (app, group_id, leave_seq, {MEMBER_COLS})
                 VALUES (?1, ?2, NULL, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13)"
            ))?
            .execute(params![
                to_db(app),
                group,
                m.user,
                m.role.as_wire(),
                to_db(m.join_time),
                to_db(m.join_seq),
                to_db(m.read_seq),
                m.msg_flag,
                m.name_card,
                to_db(m.mute_until),
                to_db(m.last_send_time),
                custom_to_db(&m.custom),
                marks_to_db(&m.marks),
            ])?;
        }
        Change::EndGroupMember {
            group,
            user,
            leave_seq,
        } => {
            tx.prepare_cached(
                "UPDATE group_members SET leave_seq = ?4
                 WHERE app = ?1 AND group_id = ?2 AND user_id = ?3 AND leave_seq IS NULL",
            )?
            .execute(params![to_db(app), group, user, to_db(*leave_seq)])?;
        }
        Change::GroupLog { group, entry: e } => {
            known_group(tx, app, group)?;
            GROUP_LOG.insert(tx, app, group, e)?;
        }
        Change::GroupApplication {
            group,
            application: a,
        } => {
            known_group(tx, app, group)?;
            tx.prepare_cached(
                "INSERT OR REPLACE INTO group_applications (app, group_id, user_id, time, message)
                 VALUES (?1, ?2, ?3, ?4, ?5)",
            )?
            .execute(params![to_db(app), group, a.user, to_db(a.time), a.message])?;
        }
        Change::DeleteGroupApplication { group, user } => {
            tx.prepare_cached(
                "DELETE FROM group_applications WHERE app = ?1 AND group_id = ?2 AND user_id = ?3",
            )?
            .execute(params![to_db(app), group, user])?;
        }
        Change::GroupLogPayload {
            group,
            seq,
            payload,
        } => {
            let n = tx
                .prepare_cached(
                    "UPDATE group_log SET payload = ?4 WHERE app = ?1 AND group_id = ?2 AND seq = ?3",
                )?
                .execute(params![to_db(app), group, to_db(*seq), payload])?;
            if n == 0 {
                return Err(StoreError::Corrupt(format!(
                    "no group log entry {seq} to replace"
                )));
            }
        }
        Change::GroupHide { group, seq, user } => {
            known_group(tx, app, group)?;
            tx.prepare_cached(
                "INSERT OR IGNORE INTO group_hidden (app, group_id, user_id, seq)
                 VALUES (?1, ?2, ?3, ?4)",
            )?
            .execute(params![to_db(app), group, user, to_db(*seq)])?;
        }
        Change::GroupExtension { group, seq, ext } => {
            known_group(tx, app, group)?;
            tx.prepare_cached(
                "INSERT OR REPLACE INTO group_extensions (app, group_id, seq, key, value, ext_seq)
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
            )?
            .execute(params![
                to_db(app),
                group,
                to_db(*seq),
                ext.key,
                ext.value,
                to_db(ext.seq)
            ])?;
        }
        Change::GroupClearExtensions {
            group,
            seq,
            clear_seq,
        } => {
            known_group(tx, app, group)?;
            tx.prepare_cached(
                "DELETE FROM group_extensions WHERE app = ?1 AND group_id = ?2 AND seq = ?3",
            )?
            .execute(params![to_db(app), group, to_db(*seq)])?;
            tx.prepare_cached(
                "INSERT OR REPLACE INTO group_ext_clears (app, group_id, seq, clear_seq)
                 VALUES (?1, ?2, ?3, ?4)",
            )?
            .execute(params![to_db(app), group, to_db(*seq), to_db(*clear_seq)])?;
        }
        Change::GroupAttributes { group, state } => {
            known_group(tx, app, group)?;
            tx.prepare_cached(
                "INSERT OR REPLACE INTO group_attributes (app, group_id, main_seq, attrs)
                 VALUES (?1, ?2, ?3, ?4)",
            )?
            .execute(params![
                to_db(app),
                group,
                to_db(state.main_seq),
                custom_to_db(&state.attrs)
            ])?;
        }
        Change::GroupCounters { group, state } => {
            known_group(tx, app, group)?;
            let counters = serde_json::to_string(&state.counters)
                .expect("a list of string and number pairs always serializes");
            tx.prepare_cached(
                "INSERT OR REPLACE INTO group_counters (app, group_id, seq, counters)
                 VALUES (?1, ?2, ?3, ?4)",
            )?
            .execute(params![to_db(app), group, to_db(state.seq), counters])?;
        }
        Change::GroupPins { group, seqs } => {
            known_group(tx, app, group)?;
            let seqs = serde_json::to_string(seqs).expect("a list of numbers always serializes");
            tx.prepare_cached(
                "INSERT OR REPLACE INTO group_pins (app, group_id, seqs) VALUES (?1, ?2, ?3)",
            )?
            .execute(params![to_db(app), group, seqs])?;
        }
        Change::GroupReceipt { group, seq, reader } => {
            known_group(tx, app, group)?;
            tx.prepare_cached(
                "INSERT OR IGNORE INTO group_receipts (app, group_id, seq, reader)
                 VALUES (?1, ?2, ?3, ?4)",
            )?
            .execute(params![to_db(app), group, to_db(*seq), reader])?;
        }
        _ => return Ok(false),
    }
    Ok(true)
}

/// Fail the batch when `group` does not exist (as the memory store does).
fn known_group(tx: &Transaction<'_>, app: u64, group: &str) -> Result<(), StoreError> {
    let found: Option<i64> = tx
        .prepare_cached("SELECT 1 FROM chat_groups WHERE app = ?1 AND id = ?2")?
        .query_row(params![to_db(app), group], |r| r.get(0))
        .optional()?;
    match found {
        Some(_) => Ok(()),
        None => Err(StoreError::Corrupt("change for an unknown group".into())),
    }
}

pub(super) fn group(c: &Connection, app: u64, id: &str) -> Result<Option<GroupRecord>, StoreError> {
    Ok(c.prepare_cached(&format!(
        "SELECT {GROUP_COLS} FROM chat_groups WHERE app = ?1 AND id = ?2"
    ))?
    .query_row(params![to_db(app), id], group_row)
    .optional()?)
}

pub(super) fn members(c: &Connection, app: u64, id: &str) -> Result<Vec<MemberRecord>, StoreError> {
    let mut stmt = c.prepare_cached(&format!(
        "SELECT {MEMBER_COLS} FROM group_members
         WHERE app = ?1 AND group_id = ?2 AND leave_seq IS NULL ORDER BY join_time, user_id"
    ))?;
    let rows = stmt.query_map(params![to_db(app), id], member_row)?;
    Ok(rows.collect::<Result<_, _>>()?)
}

pub(super) fn member(
    c: &Connection,
    app: u64,
    id: &str,
    user: &str,
) -> Result<Option<MemberRecord>, StoreError> {
    Ok(c.prepare_cached(&format!(
        "SELECT {MEMBER_COLS} FROM group_members
             WHERE app = ?1 AND group_id = ?2 AND user_id = ?3 AND leave_seq IS NULL"
    ))?
    .query_row(params![to_db(app), id, user], member_row)
    .optional()?)
}

pub(super) fn windows(
    c: &Connection,
    app: u64,
    id: &str,
    user: &str,
) -> Result<Vec<Window>, StoreError> {
    let mut stmt = c.prepare_cached(
        "SELECT join_seq, leave_seq FROM group_members
         WHERE app = ?1 AND group_id = ?2 AND user_id = ?3
         ORDER BY leave_seq IS NULL, join_seq",
    )?;
    let rows = stmt.query_map(params![to_db(app), id, user], |r| {
        let leave: Option<i64> = r.get(1)?;
        Ok(Window {
            join_seq: from_db(r.get(0)?),
            leave_seq: leave.map(from_db),
        })
    })?;
    Ok(rows.collect::<Result<_, _>>()?)
}

pub(super) fn joined(c: &Connection, app: u64, user: &str) -> Result<Vec<String>, StoreError> {
    let mut stmt = c.prepare_cached(
        "SELECT group_id FROM group_members
         WHERE app = ?1 AND user_id = ?2 AND leave_seq IS NULL ORDER BY join_time, group_id",
    )?;
    let rows = stmt.query_map(params![to_db(app), user], |r| r.get(0))?;
    Ok(rows.collect::<Result<_, _>>()?)
}

pub(super) fn transient_members(c: &Connection) -> Result<Vec<(u64, String, String)>, StoreError> {
    let mut stmt = c.prepare_cached(
        "SELECT m.app, m.group_id, m.user_id FROM group_members m
         JOIN chat_groups g ON g.app = m.app AND g.id = m.group_id
         WHERE g.group_type = 'AVChatRoom' AND g.dismissed = 0
           AND m.leave_seq IS NULL AND m.role <> 'Owner'
         ORDER BY m.app, m.group_id, m.user_id",
    )?;
    let rows = stmt.query_map([], |r| Ok((from_db(r.get(0)?), r.get(1)?, r.get(2)?)))?;
    Ok(rows.collect::<Result<_, _>>()?)
}

pub(super) fn applications(
    c: &Connection,
    app: u64,
    id: &str,
) -> Result<Vec<GroupApplication>, StoreError> {
    let mut stmt = c.prepare_cached(
        "SELECT user_id, time, message FROM group_applications
         WHERE app = ?1 AND group_id = ?2 ORDER BY time, user_id",
    )?;
    let rows = stmt.query_map(params![to_db(app), id], |r| {
        Ok(GroupApplication {
            user: r.get(0)?,
            time: from_db(r.get(1)?),
            message: r.get(2)?,
        })
    })?;
    Ok(rows.collect::<Result<_, _>>()?)
}

pub(super) fn hidden(
    c: &Connection,
    app: u64,
    id: &str,
    user: &str,
    from: u64,
    to: u64,
) -> Result<Vec<u64>, StoreError> {
    if from > to {
        return Ok(Vec::new());
    }
    let mut stmt = c.prepare_cached(
        "SELECT seq FROM group_hidden
         WHERE app = ?1 AND group_id = ?2 AND user_id = ?3 AND seq >= ?4 AND seq <= ?5
         ORDER BY seq",
    )?;
    let from = i64::try_from(from).unwrap_or(i64::MAX);
    let to = i64::try_from(to).unwrap_or(i64::MAX);
    let rows = stmt.query_map(params![to_db(app), id, user, from, to], |r| {
        r.get::<_, i64>(0)
    })?;
    rows.map(|r| Ok(from_db(r?))).collect()
}

pub(super) fn extensions(
    c: &Connection,
    app: u64,
    id: &str,
    seq: u64,
) -> Result<GroupExtensions, StoreError> {
    let mut stmt = c.prepare_cached(
        "SELECT key, value, ext_seq FROM group_extensions
         WHERE app = ?1 AND group_id = ?2 AND seq = ?3 ORDER BY ext_seq, key",
    )?;
    let rows = stmt.query_map(params![to_db(app), id, to_db(seq)], |r| {
        Ok(Extension {
            key: r.get(0)?,
            value: r.get(1)?,
            seq: from_db(r.get(2)?),
        })
    })?;
    let keys = rows.collect::<Result<Vec<_>, _>>()?;
    let clear_seq: Option<i64> = c
        .prepare_cached(
            "SELECT clear_seq FROM group_ext_clears WHERE app = ?1 AND group_id = ?2 AND seq = ?3",
        )?
        .query_row(params![to_db(app), id, to_db(seq)], |r| r.get(0))
        .optional()?;
    Ok(GroupExtensions {
        keys,
        clear_seq: clear_seq.map_or(0, from_db),
    })
}

pub(super) fn receipts(
    c: &Connection,
    app: u64,
    id: &str,
    seq: u64,
) -> Result<Vec<String>, StoreError> {
    let mut stmt = c.prepare_cached(
        "SELECT reader FROM group_receipts
         WHERE app = ?1 AND group_id = ?2 AND seq = ?3 ORDER BY reader",
    )?;
    let rows = stmt.query_map(params![to_db(app), id, to_db(seq)], |r| r.get(0))?;
    Ok(rows.collect::<Result<_, _>>()?)
}

pub(super) fn attributes(
    c: &Connection,
    app: u64,
    id: &str,
) -> Result<GroupAttributes, StoreError> {
    let row: Option<(i64, String)> = c
        .prepare_cached(
            "SELECT main_seq, attrs FROM group_attributes WHERE app = ?1 AND group_id = ?2",
        )?
        .query_row(params![to_db(app), id], |r| Ok((r.get(0)?, r.get(1)?)))
        .optional()?;
    let Some((seq, text)) = row else {
        return Ok(GroupAttributes::default());
    };
    Ok(GroupAttributes {
        main_seq: from_db(seq),
        attrs: custom_from_db(1, &text)?,
    })
}

pub(super) fn counters(c: &Connection, app: u64, id: &str) -> Result<GroupCounters, StoreError> {
    let row: Option<(i64, String)> = c
        .prepare_cached(
            "SELECT seq, counters FROM group_counters WHERE app = ?1 AND group_id = ?2",
        )?
        .query_row(params![to_db(app), id], |r| Ok((r.get(0)?, r.get(1)?)))
        .optional()?;
    let Some((seq, text)) = row else {
        return Ok(GroupCounters::default());
    };
    let counters = serde_json::from_str(&text).map_err(|e| {
        rusqlite::Error::FromSqlConversionFailure(1, rusqlite::types::Type::Text, Box::new(e))
    })?;
    Ok(GroupCounters {
        seq: from_db(seq),
        counters,
    })
}

pub(super) fn pins(c: &Connection, app: u64, id: &str) -> Result<Vec<u64>, StoreError> {
    let text: Option<String> = c
        .prepare_cached("SELECT seqs FROM group_pins WHERE app = ?1 AND group_id = ?2")?
        .query_row(params![to_db(app), id], |r| r.get(0))
        .optional()?;
    let Some(text) = text else {
        return Ok(Vec::new());
    };
    Ok(serde_json::from_str(&text).map_err(|e| {
        rusqlite::Error::FromSqlConversionFailure(0, rusqlite::types::Type::Text, Box::new(e))
    })?)
}
