use std::path::Path;

use rusqlite::{params, Connection, OptionalExtension, Row, Transaction, TransactionBehavior};

use super::record::TINY_ID_BASE;
use super::sqlite_groups;
use super::sqlite_log::{GROUP_LOG, TOPIC_LOG};
use super::sqlite_relations;
use super::sqlite_schema;
use super::sqlite_topics;
use super::{
    Account, Appended, Change, ContactGroup, ContactGroups, ConversationRecord, Extension,
    FriendApplicationRecord, FriendRecord, GroupApplication, GroupAttributes,
    GroupConversationRecord, GroupCounters, GroupExtensions, GroupLogEntry, GroupRecord,
    InboxEntry, InboxItem, MemberRecord, MessageRecord, MessageState, NewMessage, Notice,
    ProfileTag, Revocation, SessionRecord, Store, StoreError, TopicRecord, TopicSelf, Window,
};

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

/// A bound in a comparison (an ID, a time): clamped rather than wrapped,
/// so that `u64::MAX` stays the largest value.
fn bound(v: u64) -> i64 {
    i64::try_from(v).unwrap_or(i64::MAX)
}

/// The columns of a message, in the order [`message_row`] reads them.
const MSG_COLS: &str = "id, from_account, to_account, msg_seq, msg_random, msg_time,
    client_time, sender_tiny_id, msg_key, body, nick, cloud_custom_data, need_receipt,
    support_ext, version, revoker, revoke_reason, peer_read, deleted_by_sender,
    deleted_by_recipient, ext_seq, ext_clear_seq";

/// [`MSG_COLS`] with the table alias `m.` on each column.
fn prefixed_msg_cols() -> String {
    MSG_COLS
        .split(',')
        .map(|c| format!("m.{}", c.trim()))
        .collect::<Vec<_>>()
        .join(", ")
}

/// A message from the columns of [`MSG_COLS`], starting at column `at`.
fn message_row(r: &Row<'_>, at: usize) -> rusqlite::Result<MessageRecord> {
    let revoker: Option<String> = r.get(at + 15)?;
    Ok(MessageRecord {
        id: from_db(r.get(at)?),
        msg: NewMessage {
            from: r.get(at + 1)?,
            to: r.get(at + 2)?,
            msg_seq: from_db(r.get(at + 3)?),
            msg_random: from_db(r.get(at + 4)?),
            msg_time: from_db(r.get(at + 5)?),
            client_time: from_db(r.get(at + 6)?),
            sender_tiny_id: from_db(r.get(at + 7)?),
            msg_key: r.get(at + 8)?,
            body: r.get(at + 9)?,
            nick: r.get(at + 10)?,
            cloud_custom_data: r.get(at + 11)?,
            need_read_receipt: r.get(at + 12)?,
            support_extension: r.get(at + 13)?,
        },
        state: MessageState {
            version: from_db(r.get(at + 14)?),
            revoked: match revoker {
                Some(by) => Some(Revocation {
                    by,
                    reason: r.get(at + 16)?,
                }),
                None => None,
            },
            peer_read: r.get(at + 17)?,
            deleted_by_sender: r.get(at + 18)?,
            deleted_by_recipient: r.get(at + 19)?,
            ext_seq: from_db(r.get(at + 20)?),
            ext_clear_seq: from_db(r.get(at + 21)?),
        },
    })
}

/// The message `from` sent to `to` with this `MsgSeq` and `MsgRandom`, if
/// stored.
fn message_by_sender(
    conn: &Connection,
    app: u64,
    from: &str,
    to: &str,
    msg_seq: u64,
    msg_random: u64,
) -> Result<Option<MessageRecord>, StoreError> {
    let sql = format!(
        "SELECT {MSG_COLS} FROM messages
         WHERE app = ?1 AND from_account = ?2 AND to_account = ?3
           AND msg_seq = ?4 AND msg_random = ?5"
    );
    Ok(conn
        .prepare_cached(&sql)?
        .query_row(
            params![to_db(app), from, to, to_db(msg_seq), to_db(msg_random)],
            |r| message_row(r, 0),
        )
        .optional()?)
}

fn conversation_row(r: &Row<'_>) -> rusqlite::Result<ConversationRecord> {
    Ok(ConversationRecord {
        peer: r.get(0)?,
        read_time: from_db(r.get(1)?),
        pinned: r.get(2)?,
        hidden: r.get(3)?,
        clear_id: from_db(r.get(4)?),
        unread_floor: from_db(r.get(5)?),
    })
}

/// Make `owner`'s conversation with `peer` exist and be visible.
fn show_conversation(
    tx: &Transaction<'_>,
    app: u64,
    owner: &str,
    peer: &str,
) -> rusqlite::Result<()> {
    tx.prepare_cached(
        "INSERT INTO conversations (app, owner, peer) VALUES (?1, ?2, ?3)
         ON CONFLICT (app, owner, peer) DO UPDATE SET hidden = 0",
    )?
    .execute(params![to_db(app), owner, peer])?;
    Ok(())
}

/// The next inbox position of `owner` (creating the account if needed).
fn next_inbox_seq(
    tx: &Transaction<'_>,
    app: u64,
    owner: &str,
    now_ms: u64,
) -> Result<i64, StoreError> {
    SqliteStore::ensure_account_in(tx, app, owner, now_ms)?;
    Ok(tx
        .prepare_cached(
            "UPDATE accounts SET inbox_head = inbox_head + 1
             WHERE app = ?1 AND user_id = ?2 RETURNING inbox_head",
        )?
        .query_row(params![to_db(app), owner], |r| r.get(0))?)
}

fn apply_one(tx: &Transaction<'_>, app: u64, change: &Change) -> Result<Option<u64>, StoreError> {
    if sqlite_groups::apply(tx, app, change)?
        || sqlite_topics::apply(tx, app, change)?
        || sqlite_relations::apply(tx, app, change)?
    {
        return Ok(None);
    }
    match change {
        Change::Message(m) => {
            let st = &m.state;
            let (revoker, reason) = match &st.revoked {
                Some(r) => (Some(r.by.as_str()), r.reason.as_str()),
                None => (None, ""),
            };
            tx.prepare_cached(
                "UPDATE messages SET body = ?3, cloud_custom_data = ?4, version = ?5,
                        revoker = ?6, revoke_reason = ?7, peer_read = ?8,
                        deleted_by_sender = ?9, deleted_by_recipient = ?10, ext_seq = ?11,
                        ext_clear_seq = ?12
                 WHERE app = ?1 AND id = ?2",
            )?
            .execute(params![
                to_db(app),
                to_db(m.id),
                m.msg.body,
                m.msg.cloud_custom_data,
                to_db(st.version),
                revoker,
                reason,
                st.peer_read,
                st.deleted_by_sender,
                st.deleted_by_recipient,
                to_db(st.ext_seq),
                to_db(st.ext_clear_seq),
            ])?;
        }
        Change::Extension { msg_id, ext } => {
            tx.prepare_cached(
                "INSERT OR REPLACE INTO extensions (msg_id, key, value, seq) VALUES (?1, ?2, ?3, ?4)",
            )?
            .execute(params![to_db(*msg_id), ext.key, ext.value, to_db(ext.seq)])?;
        }
        Change::ClearExtensions { msg_id } => {
            tx.prepare_cached("DELETE FROM extensions WHERE msg_id = ?1")?
                .execute([to_db(*msg_id)])?;
        }
        Change::Conversation { owner, record } => {
            tx.prepare_cached(
                "INSERT OR REPLACE INTO conversations (app, owner, peer, read_time, pinned, hidden,
                                                       clear_id, unread_floor)
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)",
            )?
            .execute(params![
                to_db(app),
                owner,
                record.peer,
                to_db(record.read_time),
                record.pinned,
                record.hidden,
                to_db(record.clear_id),
                to_db(record.unread_floor),
            ])?;
        }
        Change::GroupConversation { owner, record } => {
            tx.prepare_cached(
                "INSERT OR REPLACE INTO group_conversations (app, owner, group_id, pinned, clear_seq)
                 VALUES (?1, ?2, ?3, ?4, ?5)",
            )?
            .execute(params![
                to_db(app),
                owner,
                record.group,
                record.pinned,
                to_db(record.clear_seq),
            ])?;
        }
        Change::Notice { owner, notice } => {
            let seq = next_inbox_seq(tx, app, owner, 0)?;
            tx.prepare_cached(
                "INSERT INTO inbox (app, owner, seq, event) VALUES (?1, ?2, ?3, ?4)",
            )?
            .execute(params![to_db(app), owner, seq, notice.event])?;
            return Ok(Some(from_db(seq)));
        }
        Change::Group { owner, group } => {
            SqliteStore::ensure_account_in(tx, app, owner, 0)?;
            tx.prepare_cached(
                "INSERT OR REPLACE INTO contact_groups (app, owner, group_id, name)
                 VALUES (?1, ?2, ?3, ?4)",
            )?
            .execute(params![to_db(app), owner, to_db(group.id), group.name])?;
            tx.prepare_cached(
                "UPDATE accounts SET last_group_id = max(last_group_id, ?3)
                 WHERE app = ?1 AND user_id = ?2",
            )?
            .execute(params![to_db(app), owner, to_db(group.id)])?;
        }
        Change::DeleteGroup { owner, id } => {
            tx.prepare_cached(
                "DELETE FROM contact_groups WHERE app = ?1 AND owner = ?2 AND group_id = ?3",
            )?
            .execute(params![to_db(app), owner, to_db(*id)])?;
            tx.prepare_cached(
                "DELETE FROM contact_group_members WHERE app = ?1 AND owner = ?2 AND group_id = ?3",
            )?
            .execute(params![to_db(app), owner, to_db(*id)])?;
        }
        Change::Member {
            owner,
            group_id,
            conversation,
            present,
        } => {
            let sql = if *present {
                "INSERT OR IGNORE INTO contact_group_members (app, owner, group_id, conversation)
                 VALUES (?1, ?2, ?3, ?4)"
            } else {
                "DELETE FROM contact_group_members
                 WHERE app = ?1 AND owner = ?2 AND group_id = ?3 AND conversation = ?4"
            };
            tx.prepare_cached(sql)?.execute(params![
                to_db(app),
                owner,
                to_db(*group_id),
                conversation
            ])?;
        }
        Change::Block {
            owner,
            peer,
            time,
            present,
        } => {
            if *present {
                SqliteStore::ensure_account_in(tx, app, owner, 0)?;
                tx.prepare_cached(
                    "INSERT OR IGNORE INTO blacklist (app, owner, peer, added_s)
                     VALUES (?1, ?2, ?3, ?4)",
                )?
                .execute(params![to_db(app), owner, peer, to_db(*time)])?;
            } else {
                tx.prepare_cached(
                    "DELETE FROM blacklist WHERE app = ?1 AND owner = ?2 AND peer = ?3",
                )?
                .execute(params![to_db(app), owner, peer])?;
            }
        }
        Change::Follow {
            follower,
            target,
            time,
            present,
        } => {
            if *present {
                SqliteStore::ensure_account_in(tx, app, follower, 0)?;
                SqliteStore::ensure_account_in(tx, app, target, 0)?;
                tx.prepare_cached(
                    "INSERT OR IGNORE INTO follows (app, follower, target, since_s)
                     VALUES (?1, ?2, ?3, ?4)",
                )?
                .execute(params![to_db(app), follower, target, to_db(*time)])?;
            } else {
                tx.prepare_cached(
                    "DELETE FROM follows WHERE app = ?1 AND follower = ?2 AND target = ?3",
                )?
                .execute(params![to_db(app), follower, target])?;
            }
        }
        Change::CustomStatus { user, status } => {
            SqliteStore::ensure_account_in(tx, app, user, 0)?;
            tx.prepare_cached(
                "INSERT OR REPLACE INTO custom_statuses (app, user_id, status) VALUES (?1, ?2, ?3)",
            )?
            .execute(params![to_db(app), user, status])?;
        }
        Change::StatusSubscription {
            subscriber,
            target,
            present,
        } => {
            let sql = if *present {
                "INSERT OR IGNORE INTO status_subscriptions (app, subscriber, target)
                 VALUES (?1, ?2, ?3)"
            } else {
                "DELETE FROM status_subscriptions
                 WHERE app = ?1 AND subscriber = ?2 AND target = ?3"
            };
            tx.prepare_cached(sql)?
                .execute(params![to_db(app), subscriber, target])?;
        }
        Change::ChatGroup(_)
        | Change::GroupMember { .. }
        | Change::EndGroupMember { .. }
        | Change::GroupLog { .. }
        | Change::GroupApplication { .. }
        | Change::DeleteGroupApplication { .. }
        | Change::GroupLogPayload { .. }
        | Change::GroupHide { .. }
        | Change::GroupReceipt { .. }
        | Change::GroupExtension { .. }
        | Change::GroupClearExtensions { .. }
        | Change::GroupAttributes { .. }
        | Change::GroupCounters { .. }
        | Change::GroupPins { .. }
        | Change::Topic(_)
        | Change::TopicLog { .. }
        | Change::TopicSelf { .. } => {
            unreachable!("group changes are applied by sqlite_groups::apply")
        }
        Change::ProfileTags { .. }
        | Change::Friend { .. }
        | Change::DeleteFriend { .. }
        | Change::FriendApplication { .. }
        | Change::DeleteFriendApplication { .. }
        | Change::FriendGroups { .. }
        | Change::ApplicationsRead { .. } => {
            unreachable!("relationship changes are applied by sqlite_relations::apply")
        }
    }
    Ok(None)
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

    fn init(mut conn: Connection) -> Result<SqliteStore, StoreError> {
        conn.busy_timeout(std::time::Duration::from_secs(5))?;
        sqlite_schema::open(&mut conn)?;
        Ok(SqliteStore { conn })
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
        if let Some(earlier) =
            message_by_sender(&tx, app, &msg.from, &msg.to, msg.msg_seq, msg.msg_random)?
        {
            return Ok(Appended::Duplicate(Box::new(earlier)));
        }
        let (lo, hi) = if msg.from <= msg.to {
            (&msg.from, &msg.to)
        } else {
            (&msg.to, &msg.from)
        };
        let id: i64 = tx
            .prepare_cached(
                "INSERT INTO messages (app, from_account, to_account, conv_lo, conv_hi, msg_seq,
                                       msg_random, msg_time, client_time, sender_tiny_id, msg_key,
                                       body, nick, cloud_custom_data, need_receipt, support_ext)
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15, ?16)
                 RETURNING id",
            )?
            .query_row(
                params![
                    to_db(app),
                    msg.from,
                    msg.to,
                    lo,
                    hi,
                    to_db(msg.msg_seq),
                    to_db(msg.msg_random),
                    to_db(msg.msg_time),
                    to_db(msg.client_time),
                    to_db(msg.sender_tiny_id),
                    msg.msg_key,
                    msg.body,
                    msg.nick,
                    msg.cloud_custom_data,
                    msg.need_read_receipt,
                    msg.support_extension,
                ],
                |r| r.get(0),
            )?;
        let seq = next_inbox_seq(&tx, app, &msg.to, msg.msg_time.saturating_mul(1000))?;
        tx.prepare_cached("INSERT INTO inbox (app, owner, seq, msg_id) VALUES (?1, ?2, ?3, ?4)")?
            .execute(params![to_db(app), msg.to, seq, id])?;
        show_conversation(&tx, app, &msg.to, &msg.from)?;
        show_conversation(&tx, app, &msg.from, &msg.to)?;
        tx.commit()?;
        Ok(Appended::New {
            inbox_seq: from_db(seq),
            msg_id: from_db(id),
        })
    }

    fn inbox_after(
        &mut self,
        app: u64,
        owner: &str,
        after: u64,
        limit: usize,
    ) -> Result<Vec<InboxEntry>, StoreError> {
        let limit = i64::try_from(limit).unwrap_or(i64::MAX);
        let sql = format!(
            "SELECT i.seq, i.msg_id, i.event, {}
             FROM inbox i LEFT JOIN messages m ON m.id = i.msg_id
             WHERE i.app = ?1 AND i.owner = ?2 AND i.seq > ?3
             ORDER BY i.seq LIMIT ?4",
            prefixed_msg_cols()
        );
        let mut stmt = self.conn.prepare_cached(&sql)?;
        let mut rows = stmt.query(params![to_db(app), owner, bound(after), limit])?;
        let mut out = Vec::new();
        while let Some(r) = rows.next()? {
            let seq = from_db(r.get(0)?);
            let msg_id: Option<i64> = r.get(1)?;
            let event: Option<String> = r.get(2)?;
            let item = match (msg_id, event) {
                (Some(_), _) if r.get::<_, Option<i64>>(3)?.is_some() => {
                    InboxItem::Message(Box::new(message_row(r, 3)?))
                }
                (None, Some(event)) => InboxItem::Notice(Notice { event }),
                _ => {
                    return Err(StoreError::Corrupt(format!(
                        "inbox entry {seq} of {owner} names no message and no notice"
                    )))
                }
            };
            out.push(InboxEntry {
                inbox_seq: seq,
                item,
            });
        }
        Ok(out)
    }

    fn apply(&mut self, app: u64, changes: &[Change]) -> Result<Vec<u64>, StoreError> {
        let tx = self
            .conn
            .transaction_with_behavior(TransactionBehavior::Immediate)?;
        let mut seqs = Vec::new();
        for change in changes {
            if let Some(seq) = apply_one(&tx, app, change)? {
                seqs.push(seq);
            }
        }
        tx.commit()?;
        Ok(seqs)
    }

    fn message(
        &mut self,
        app: u64,
        from: &str,
        to: &str,
        msg_seq: u64,
        msg_random: u64,
    ) -> Result<Option<MessageRecord>, StoreError> {
        message_by_sender(&self.conn, app, from, to, msg_seq, msg_random)
    }

    fn message_by_key(
        &mut self,
        app: u64,
        owner: &str,
        peer: &str,
        msg_key: &str,
    ) -> Result<Option<MessageRecord>, StoreError> {
        let (lo, hi) = if owner <= peer {
            (owner, peer)
        } else {
            (peer, owner)
        };
        let sql = format!(
            "SELECT {MSG_COLS} FROM messages
             WHERE app = ?1 AND msg_key = ?2 AND conv_lo = ?3 AND conv_hi = ?4"
        );
        Ok(self
            .conn
            .prepare_cached(&sql)?
            .query_row(params![to_db(app), msg_key, lo, hi], |r| message_row(r, 0))
            .optional()?)
    }

    fn history(
        &mut self,
        app: u64,
        owner: &str,
        peer: &str,
        after_id: u64,
        before_id: u64,
        limit: usize,
    ) -> Result<Vec<MessageRecord>, StoreError> {
        let (lo, hi) = if owner <= peer {
            (owner, peer)
        } else {
            (peer, owner)
        };
        let sql = format!(
            "SELECT {MSG_COLS} FROM messages
             WHERE app = ?1 AND conv_lo = ?2 AND conv_hi = ?3 AND id > ?4 AND id < ?5
               AND NOT (from_account = ?6 AND deleted_by_sender)
               AND NOT (to_account = ?6 AND deleted_by_recipient)
             ORDER BY id DESC LIMIT ?7"
        );
        let limit = i64::try_from(limit).unwrap_or(i64::MAX);
        let mut stmt = self.conn.prepare_cached(&sql)?;
        let rows = stmt.query_map(
            params![
                to_db(app),
                lo,
                hi,
                bound(after_id),
                bound(before_id),
                owner,
                limit
            ],
            |r| message_row(r, 0),
        )?;
        Ok(rows.collect::<Result<Vec<_>, _>>()?)
    }

    fn history_forward(
        &mut self,
        app: u64,
        owner: &str,
        peer: &str,
        after_id: u64,
        min_time: u64,
        limit: usize,
    ) -> Result<Vec<MessageRecord>, StoreError> {
        let (lo, hi) = if owner <= peer {
            (owner, peer)
        } else {
            (peer, owner)
        };
        let sql = format!(
            "SELECT {MSG_COLS} FROM messages
             WHERE app = ?1 AND conv_lo = ?2 AND conv_hi = ?3 AND id > ?4 AND msg_time >= ?5
               AND NOT (from_account = ?6 AND deleted_by_sender)
               AND NOT (to_account = ?6 AND deleted_by_recipient)
             ORDER BY id LIMIT ?7"
        );
        let limit = i64::try_from(limit).unwrap_or(i64::MAX);
        let mut stmt = self.conn.prepare_cached(&sql)?;
        let rows = stmt.query_map(
            params![
                to_db(app),
                lo,
                hi,
                bound(after_id),
                bound(min_time),
                owner,
                limit
            ],
            |r| message_row(r, 0),
        )?;
        Ok(rows.collect::<Result<Vec<_>, _>>()?)
    }

    fn unread_count(
        &mut self,
        app: u64,
        owner: &str,
        peer: &str,
        after_id: u64,
        after_time: u64,
    ) -> Result<u64, StoreError> {
        if owner == peer {
            return Ok(0);
        }
        let (lo, hi) = if owner <= peer {
            (owner, peer)
        } else {
            (peer, owner)
        };
        let n: i64 = self
            .conn
            .prepare_cached(
                "SELECT count(*) FROM messages
                 WHERE app = ?1 AND conv_lo = ?2 AND conv_hi = ?3 AND id > ?4
                   AND from_account = ?5 AND msg_time > ?6 AND revoker IS NULL
                   AND NOT deleted_by_recipient",
            )?
            .query_row(
                params![to_db(app), lo, hi, bound(after_id), peer, bound(after_time)],
                |r| r.get(0),
            )?;
        Ok(from_db(n))
    }

    fn extensions(&mut self, app: u64, msg_id: u64) -> Result<Vec<Extension>, StoreError> {
        // Message IDs are unique across applications; `app` only guards
        // against a caller mixing them up.
        let mut stmt = self.conn.prepare_cached(
            "SELECT e.key, e.value, e.seq FROM extensions e JOIN messages m ON m.id = e.msg_id
             WHERE m.app = ?1 AND e.msg_id = ?2 ORDER BY e.seq, e.key",
        )?;
        let rows = stmt.query_map(params![to_db(app), to_db(msg_id)], |r| {
            Ok(Extension {
                key: r.get(0)?,
                value: r.get(1)?,
                seq: from_db(r.get(2)?),
            })
        })?;
        Ok(rows.collect::<Result<Vec<_>, _>>()?)
    }

    fn conversation(
        &mut self,
        app: u64,
        owner: &str,
        peer: &str,
    ) -> Result<Option<ConversationRecord>, StoreError> {
        Ok(self
            .conn
            .prepare_cached(
                "SELECT peer, read_time, pinned, hidden, clear_id, unread_floor FROM conversations
                 WHERE app = ?1 AND owner = ?2 AND peer = ?3",
            )?
            .query_row(params![to_db(app), owner, peer], conversation_row)
            .optional()?)
    }

    fn conversations(
        &mut self,
        app: u64,
        owner: &str,
    ) -> Result<Vec<ConversationRecord>, StoreError> {
        let mut stmt = self.conn.prepare_cached(
            "SELECT peer, read_time, pinned, hidden, clear_id, unread_floor FROM conversations
             WHERE app = ?1 AND owner = ?2 ORDER BY peer",
        )?;
        let rows = stmt.query_map(params![to_db(app), owner], conversation_row)?;
        Ok(rows.collect::<Result<Vec<_>, _>>()?)
    }

    fn group_conversation_states(
        &mut self,
        app: u64,
        owner: &str,
    ) -> Result<Vec<GroupConversationRecord>, StoreError> {
        let mut stmt = self.conn.prepare_cached(
            "SELECT group_id, pinned, clear_seq FROM group_conversations
             WHERE app = ?1 AND owner = ?2 ORDER BY group_id",
        )?;
        let rows = stmt.query_map(params![to_db(app), owner], |r| {
            Ok(GroupConversationRecord {
                group: r.get(0)?,
                pinned: r.get(1)?,
                clear_seq: from_db(r.get(2)?),
            })
        })?;
        Ok(rows.collect::<Result<Vec<_>, _>>()?)
    }

    fn blacklist(&mut self, app: u64, owner: &str) -> Result<Vec<(String, u64)>, StoreError> {
        let mut stmt = self.conn.prepare_cached(
            "SELECT peer, added_s FROM blacklist WHERE app = ?1 AND owner = ?2 ORDER BY peer",
        )?;
        let rows = stmt.query_map(params![to_db(app), owner], |r| {
            Ok((r.get(0)?, from_db(r.get(1)?)))
        })?;
        Ok(rows.collect::<Result<Vec<_>, _>>()?)
    }

    fn is_blocked(&mut self, app: u64, owner: &str, peer: &str) -> Result<bool, StoreError> {
        let found: Option<i64> = self
            .conn
            .prepare_cached("SELECT 1 FROM blacklist WHERE app = ?1 AND owner = ?2 AND peer = ?3")?
            .query_row(params![to_db(app), owner, peer], |r| r.get(0))
            .optional()?;
        Ok(found.is_some())
    }

    fn following(&mut self, app: u64, user: &str) -> Result<Vec<(String, u64)>, StoreError> {
        let mut stmt = self.conn.prepare_cached(
            "SELECT target, since_s FROM follows WHERE app = ?1 AND follower = ?2 ORDER BY target",
        )?;
        let rows = stmt.query_map(params![to_db(app), user], |r| {
            Ok((r.get(0)?, from_db(r.get(1)?)))
        })?;
        Ok(rows.collect::<Result<Vec<_>, _>>()?)
    }

    fn followers(&mut self, app: u64, user: &str) -> Result<Vec<(String, u64)>, StoreError> {
        let mut stmt = self.conn.prepare_cached(
            "SELECT follower, since_s FROM follows WHERE app = ?1 AND target = ?2
             ORDER BY follower",
        )?;
        let rows = stmt.query_map(params![to_db(app), user], |r| {
            Ok((r.get(0)?, from_db(r.get(1)?)))
        })?;
        Ok(rows.collect::<Result<Vec<_>, _>>()?)
    }

    fn custom_status(&mut self, app: u64, user: &str) -> Result<String, StoreError> {
        let found: Option<String> = self
            .conn
            .prepare_cached("SELECT status FROM custom_statuses WHERE app = ?1 AND user_id = ?2")?
            .query_row(params![to_db(app), user], |r| r.get(0))
            .optional()?;
        Ok(found.unwrap_or_default())
    }

    fn status_subscribers(&mut self, app: u64, target: &str) -> Result<Vec<String>, StoreError> {
        let mut stmt = self.conn.prepare_cached(
            "SELECT subscriber FROM status_subscriptions WHERE app = ?1 AND target = ?2
             ORDER BY subscriber",
        )?;
        let rows = stmt.query_map(params![to_db(app), target], |r| r.get(0))?;
        Ok(rows.collect::<Result<Vec<_>, _>>()?)
    }

    fn status_subscriptions(
        &mut self,
        app: u64,
        subscriber: &str,
    ) -> Result<Vec<String>, StoreError> {
        let mut stmt = self.conn.prepare_cached(
            "SELECT target FROM status_subscriptions WHERE app = ?1 AND subscriber = ?2
             ORDER BY target",
        )?;
        let rows = stmt.query_map(params![to_db(app), subscriber], |r| r.get(0))?;
        Ok(rows.collect::<Result<Vec<_>, _>>()?)
    }

    fn contact_groups(&mut self, app: u64, owner: &str) -> Result<ContactGroups, StoreError> {
        let last_id = self.account_u64(
            "SELECT last_group_id FROM accounts WHERE app = ?1 AND user_id = ?2",
            app,
            owner,
        )?;
        let groups = {
            let mut stmt = self.conn.prepare_cached(
                "SELECT group_id, name FROM contact_groups WHERE app = ?1 AND owner = ?2
                 ORDER BY group_id",
            )?;
            let rows = stmt.query_map(params![to_db(app), owner], |r| {
                Ok(ContactGroup {
                    id: from_db(r.get(0)?),
                    name: r.get(1)?,
                })
            })?;
            rows.collect::<Result<Vec<_>, _>>()?
        };
        let members = {
            let mut stmt = self.conn.prepare_cached(
                "SELECT group_id, conversation FROM contact_group_members
                 WHERE app = ?1 AND owner = ?2 ORDER BY group_id, conversation",
            )?;
            let rows = stmt.query_map(params![to_db(app), owner], |r| {
                Ok((from_db(r.get(0)?), r.get(1)?))
            })?;
            rows.collect::<Result<Vec<_>, _>>()?
        };
        Ok(ContactGroups {
            last_id,
            groups,
            members,
        })
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

    fn profile(&mut self, app: u64, user: &str) -> Result<Vec<ProfileTag>, StoreError> {
        sqlite_relations::profile(&self.conn, app, user)
    }

    fn friends(&mut self, app: u64, owner: &str) -> Result<Vec<FriendRecord>, StoreError> {
        sqlite_relations::friends(&self.conn, app, owner)
    }

    fn friend_applications(
        &mut self,
        app: u64,
        owner: &str,
    ) -> Result<Vec<FriendApplicationRecord>, StoreError> {
        sqlite_relations::applications(&self.conn, app, owner)
    }

    fn friend_groups(&mut self, app: u64, owner: &str) -> Result<Vec<String>, StoreError> {
        sqlite_relations::friend_groups(&self.conn, app, owner)
    }

    fn applications_read_time(&mut self, app: u64, owner: &str) -> Result<u64, StoreError> {
        sqlite_relations::read_time(&self.conn, app, owner)
    }

    fn friend(
        &mut self,
        app: u64,
        owner: &str,
        peer: &str,
    ) -> Result<Option<FriendRecord>, StoreError> {
        sqlite_relations::friend(&self.conn, app, owner, peer)
    }

    fn chat_group(&mut self, app: u64, id: &str) -> Result<Option<GroupRecord>, StoreError> {
        sqlite_groups::group(&self.conn, app, id)
    }

    fn group_members(&mut self, app: u64, group: &str) -> Result<Vec<MemberRecord>, StoreError> {
        sqlite_groups::members(&self.conn, app, group)
    }

    fn group_member(
        &mut self,
        app: u64,
        group: &str,
        user: &str,
    ) -> Result<Option<MemberRecord>, StoreError> {
        sqlite_groups::member(&self.conn, app, group, user)
    }

    fn group_windows(
        &mut self,
        app: u64,
        group: &str,
        user: &str,
    ) -> Result<Vec<Window>, StoreError> {
        sqlite_groups::windows(&self.conn, app, group, user)
    }

    fn joined_groups(&mut self, app: u64, user: &str) -> Result<Vec<String>, StoreError> {
        sqlite_groups::joined(&self.conn, app, user)
    }

    fn transient_members(&mut self) -> Result<Vec<(u64, String, String)>, StoreError> {
        sqlite_groups::transient_members(&self.conn)
    }

    fn group_log(
        &mut self,
        app: u64,
        group: &str,
        from: u64,
        to: u64,
    ) -> Result<Vec<GroupLogEntry>, StoreError> {
        GROUP_LOG.range(&self.conn, app, group, from, to)
    }

    fn group_message_by_client(
        &mut self,
        app: u64,
        group: &str,
        sender: &str,
        client_seq: u64,
        random: u64,
    ) -> Result<Option<GroupLogEntry>, StoreError> {
        GROUP_LOG.by_client(&self.conn, app, group, (sender, client_seq, random))
    }

    fn group_hidden(
        &mut self,
        app: u64,
        group: &str,
        user: &str,
        from: u64,
        to: u64,
    ) -> Result<Vec<u64>, StoreError> {
        sqlite_groups::hidden(&self.conn, app, group, user, from, to)
    }

    fn group_applications(
        &mut self,
        app: u64,
        group: &str,
    ) -> Result<Vec<GroupApplication>, StoreError> {
        sqlite_groups::applications(&self.conn, app, group)
    }

    fn group_extensions(
        &mut self,
        app: u64,
        group: &str,
        seq: u64,
    ) -> Result<GroupExtensions, StoreError> {
        sqlite_groups::extensions(&self.conn, app, group, seq)
    }

    fn group_attributes(&mut self, app: u64, group: &str) -> Result<GroupAttributes, StoreError> {
        sqlite_groups::attributes(&self.conn, app, group)
    }

    fn group_counters(&mut self, app: u64, group: &str) -> Result<GroupCounters, StoreError> {
        sqlite_groups::counters(&self.conn, app, group)
    }

    fn group_pins(&mut self, app: u64, group: &str) -> Result<Vec<u64>, StoreError> {
        sqlite_groups::pins(&self.conn, app, group)
    }

    fn topics(&mut self, app: u64, group: &str) -> Result<Vec<TopicRecord>, StoreError> {
        sqlite_topics::topics(&self.conn, app, group)
    }

    fn topic(&mut self, app: u64, id: &str) -> Result<Option<TopicRecord>, StoreError> {
        sqlite_topics::topic(&self.conn, app, id)
    }

    fn topic_log(
        &mut self,
        app: u64,
        topic: &str,
        from: u64,
        to: u64,
    ) -> Result<Vec<GroupLogEntry>, StoreError> {
        TOPIC_LOG.range(&self.conn, app, topic, from, to)
    }

    fn topic_message_by_client(
        &mut self,
        app: u64,
        topic: &str,
        sender: &str,
        client_seq: u64,
        random: u64,
    ) -> Result<Option<GroupLogEntry>, StoreError> {
        TOPIC_LOG.by_client(&self.conn, app, topic, (sender, client_seq, random))
    }

    fn topic_self(
        &mut self,
        app: u64,
        topic: &str,
        user: &str,
    ) -> Result<Option<TopicSelf>, StoreError> {
        sqlite_topics::self_state(&self.conn, app, topic, user)
    }

    fn group_receipts(
        &mut self,
        app: u64,
        group: &str,
        seq: u64,
    ) -> Result<Vec<String>, StoreError> {
        sqlite_groups::receipts(&self.conn, app, group, seq)
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
