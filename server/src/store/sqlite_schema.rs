//! The SQLite schema of [`SqliteStore`](super::SqliteStore), and the
//! migration of databases written by earlier versions.
//!
//! Version 1 (before issue 8) kept a copy of each message in its
//! recipient's `inbox` row and an idempotency table `sent`. Version 2 keeps
//! each message once in `messages` (with its state: version, revocation,
//! receipts, deletions, extension sequences), and an inbox row names either
//! a message or a queued notice. Version 3 (issue 14) names a message by
//! sender, recipient, `MsgSeq` and `MsgRandom` (version 2 left out the
//! recipient, so the same pair to a second recipient was refused). [`open`]
//! upgrades a version 1 or 2 database in one transaction, keeping every
//! message (with its ID), inbox position and cursor. Version 4 (issue 16)
//! adds the chat-group tables (`chat_groups`, `group_members`,
//! `group_log`, `group_applications`, `group_receipts`); a version 3
//! database gets them empty. Version 5 (issue 16) adds `group_hidden`
//! (group messages a member deleted for itself), `group_conversations` (a
//! user's pinned and deleted group conversations) and the members'
//! `marks`. Version 6 (issue 16, group message extensions) adds
//! `group_extensions` and `group_ext_clears`. Version 7 names a
//! conversation in `contact_group_members` by its conversation ID
//! (`C2C<peer>`, `GROUP<groupID>`; issue 16, conversation groups of group
//! conversations) instead of the bare peer, the upgrade prefixing the rows
//! it finds with `C2C`; adds `profiles`, `friends`, `friend_applications`,
//! `friend_application_reads`, `blacklist`,
//! `custom_statuses`, `status_subscriptions` and `follows` (issue 18); and
//! `group_attributes` and `group_counters` (one row per group: its
//! sequence and its pairs as JSON) and `group_pins` (a group's pinned
//! message sequences as JSON; issue 17). An older database gets what it
//! lacks, empty. Version 8 adds `group_topics` (a community's topics, each
//! record as JSON), `topic_log` and `topic_selves` (a member's read
//! sequence and remind type in a topic; issue 17, communities and topics) and
//! `friend_groups` (a user's friend group names in order, as JSON; issue
//! 18); a version 7 database gets them empty.

use rusqlite::{Connection, OptionalExtension};

use super::StoreError;

/// Schema version written to `meta.schema`; bumped on incompatible change.
pub(super) const SCHEMA_VERSION: &str = "8";

const META: &str = "
CREATE TABLE IF NOT EXISTS meta (
    key   TEXT PRIMARY KEY,
    value TEXT NOT NULL
);";

/// Every table of version 8 except `meta` and `inbox` (which the migration
/// has to create after renaming the old one).
const TABLES: &str = "
CREATE TABLE IF NOT EXISTS blacklist (
    app     INTEGER NOT NULL,
    owner   TEXT    NOT NULL,
    peer    TEXT    NOT NULL,
    added_s INTEGER NOT NULL,
    PRIMARY KEY (app, owner, peer)
);
CREATE TABLE IF NOT EXISTS custom_statuses (
    app     INTEGER NOT NULL,
    user_id TEXT    NOT NULL,
    status  TEXT    NOT NULL,
    PRIMARY KEY (app, user_id)
);
CREATE TABLE IF NOT EXISTS status_subscriptions (
    app        INTEGER NOT NULL,
    subscriber TEXT    NOT NULL,
    target     TEXT    NOT NULL,
    PRIMARY KEY (app, subscriber, target)
);
CREATE INDEX IF NOT EXISTS status_subscribers ON status_subscriptions (app, target, subscriber);
CREATE TABLE IF NOT EXISTS follows (
    app      INTEGER NOT NULL,
    follower TEXT    NOT NULL,
    target   TEXT    NOT NULL,
    since_s  INTEGER NOT NULL,
    PRIMARY KEY (app, follower, target)
);
CREATE INDEX IF NOT EXISTS followers ON follows (app, target, follower);
CREATE TABLE IF NOT EXISTS accounts (
    id            INTEGER PRIMARY KEY AUTOINCREMENT,
    app           INTEGER NOT NULL,
    user_id       TEXT    NOT NULL,
    created_ms    INTEGER NOT NULL,
    cursor        INTEGER NOT NULL DEFAULT 0,
    inbox_head    INTEGER NOT NULL DEFAULT 0,
    last_group_id INTEGER NOT NULL DEFAULT 0,
    UNIQUE (app, user_id)
);
CREATE TABLE IF NOT EXISTS messages (
    id                   INTEGER PRIMARY KEY AUTOINCREMENT,
    app                  INTEGER NOT NULL,
    from_account         TEXT    NOT NULL,
    to_account           TEXT    NOT NULL,
    conv_lo              TEXT    NOT NULL,
    conv_hi              TEXT    NOT NULL,
    msg_seq              INTEGER NOT NULL,
    msg_random           INTEGER NOT NULL,
    msg_time             INTEGER NOT NULL,
    client_time          INTEGER NOT NULL,
    sender_tiny_id       INTEGER NOT NULL,
    msg_key              TEXT    NOT NULL,
    body                 TEXT    NOT NULL,
    nick                 TEXT    NOT NULL,
    cloud_custom_data    TEXT    NOT NULL,
    need_receipt         INTEGER NOT NULL DEFAULT 0,
    support_ext          INTEGER NOT NULL DEFAULT 0,
    version              INTEGER NOT NULL DEFAULT 0,
    revoker              TEXT,
    revoke_reason        TEXT    NOT NULL DEFAULT '',
    peer_read            INTEGER NOT NULL DEFAULT 0,
    deleted_by_sender    INTEGER NOT NULL DEFAULT 0,
    deleted_by_recipient INTEGER NOT NULL DEFAULT 0,
    ext_seq              INTEGER NOT NULL DEFAULT 0,
    ext_clear_seq        INTEGER NOT NULL DEFAULT 0,
    UNIQUE (app, from_account, to_account, msg_seq, msg_random)
);
CREATE INDEX IF NOT EXISTS messages_by_conversation ON messages (app, conv_lo, conv_hi, id);
CREATE INDEX IF NOT EXISTS messages_by_key ON messages (app, msg_key);
CREATE TABLE IF NOT EXISTS extensions (
    msg_id INTEGER NOT NULL,
    key    TEXT    NOT NULL,
    value  TEXT    NOT NULL,
    seq    INTEGER NOT NULL,
    PRIMARY KEY (msg_id, key)
) WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS conversations (
    app          INTEGER NOT NULL,
    owner        TEXT    NOT NULL,
    peer         TEXT    NOT NULL,
    read_time    INTEGER NOT NULL DEFAULT 0,
    pinned       INTEGER NOT NULL DEFAULT 0,
    hidden       INTEGER NOT NULL DEFAULT 0,
    clear_id     INTEGER NOT NULL DEFAULT 0,
    unread_floor INTEGER NOT NULL DEFAULT 0,
    PRIMARY KEY (app, owner, peer)
) WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS group_conversations (
    app       INTEGER NOT NULL,
    owner     TEXT    NOT NULL,
    group_id  TEXT    NOT NULL,
    pinned    INTEGER NOT NULL DEFAULT 0,
    clear_seq INTEGER NOT NULL DEFAULT 0,
    PRIMARY KEY (app, owner, group_id)
) WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS contact_groups (
    app      INTEGER NOT NULL,
    owner    TEXT    NOT NULL,
    group_id INTEGER NOT NULL,
    name     TEXT    NOT NULL,
    PRIMARY KEY (app, owner, group_id)
) WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS contact_group_members (
    app      INTEGER NOT NULL,
    owner    TEXT    NOT NULL,
    group_id INTEGER NOT NULL,
    conversation TEXT NOT NULL,
    PRIMARY KEY (app, owner, group_id, conversation)
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
CREATE TABLE IF NOT EXISTS chat_groups (
    app            INTEGER NOT NULL,
    id             TEXT    NOT NULL,
    group_type     TEXT    NOT NULL,
    name           TEXT    NOT NULL,
    face_url       TEXT    NOT NULL,
    introduction   TEXT    NOT NULL,
    notification   TEXT    NOT NULL,
    owner          TEXT    NOT NULL,
    create_time    INTEGER NOT NULL,
    info_seq       INTEGER NOT NULL,
    last_info_time INTEGER NOT NULL,
    last_msg_time  INTEGER NOT NULL,
    next_seq       INTEGER NOT NULL,
    max_members    INTEGER NOT NULL,
    join_option    TEXT    NOT NULL,
    invite_option  TEXT    NOT NULL,
    mute_all       INTEGER NOT NULL,
    custom         TEXT    NOT NULL,
    dismissed      INTEGER NOT NULL,
    PRIMARY KEY (app, id)
) WITHOUT ROWID;
-- One row per membership window; leave_seq is NULL for the current one.
CREATE TABLE IF NOT EXISTS group_members (
    app            INTEGER NOT NULL,
    group_id       TEXT    NOT NULL,
    user_id        TEXT    NOT NULL,
    join_seq       INTEGER NOT NULL,
    leave_seq      INTEGER,
    role           TEXT    NOT NULL,
    join_time      INTEGER NOT NULL,
    read_seq       INTEGER NOT NULL,
    msg_flag       TEXT    NOT NULL,
    name_card      TEXT    NOT NULL,
    mute_until     INTEGER NOT NULL,
    last_send_time INTEGER NOT NULL,
    custom         TEXT    NOT NULL,
    marks          TEXT    NOT NULL DEFAULT '',
    PRIMARY KEY (app, group_id, user_id, join_seq)
) WITHOUT ROWID;
CREATE INDEX IF NOT EXISTS group_members_by_user ON group_members (app, user_id, leave_seq);
CREATE TABLE IF NOT EXISTS group_log (
    app          INTEGER NOT NULL,
    group_id     TEXT    NOT NULL,
    seq          INTEGER NOT NULL,
    time         INTEGER NOT NULL,
    sender       TEXT    NOT NULL,
    client_seq   INTEGER NOT NULL,
    random       INTEGER NOT NULL,
    need_receipt INTEGER NOT NULL,
    is_tip       INTEGER NOT NULL,
    payload      TEXT    NOT NULL,
    PRIMARY KEY (app, group_id, seq)
) WITHOUT ROWID;
CREATE INDEX IF NOT EXISTS group_log_by_client ON group_log (app, group_id, sender, client_seq, random);
CREATE TABLE IF NOT EXISTS group_applications (
    app      INTEGER NOT NULL,
    group_id TEXT    NOT NULL,
    user_id  TEXT    NOT NULL,
    time     INTEGER NOT NULL,
    message  TEXT    NOT NULL,
    PRIMARY KEY (app, group_id, user_id)
) WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS group_receipts (
    app      INTEGER NOT NULL,
    group_id TEXT    NOT NULL,
    seq      INTEGER NOT NULL,
    reader   TEXT    NOT NULL,
    PRIMARY KEY (app, group_id, seq, reader)
) WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS group_extensions (
    app      INTEGER NOT NULL,
    group_id TEXT    NOT NULL,
    seq      INTEGER NOT NULL,
    key      TEXT    NOT NULL,
    value    TEXT    NOT NULL,
    ext_seq  INTEGER NOT NULL,
    PRIMARY KEY (app, group_id, seq, key)
) WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS group_ext_clears (
    app       INTEGER NOT NULL,
    group_id  TEXT    NOT NULL,
    seq       INTEGER NOT NULL,
    clear_seq INTEGER NOT NULL,
    PRIMARY KEY (app, group_id, seq)
) WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS group_attributes (
    app      INTEGER NOT NULL,
    group_id TEXT    NOT NULL,
    main_seq INTEGER NOT NULL,
    attrs    TEXT    NOT NULL,
    PRIMARY KEY (app, group_id)
) WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS group_counters (
    app      INTEGER NOT NULL,
    group_id TEXT    NOT NULL,
    seq      INTEGER NOT NULL,
    counters TEXT    NOT NULL,
    PRIMARY KEY (app, group_id)
) WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS group_topics (
    app      INTEGER NOT NULL,
    topic_id TEXT    NOT NULL,
    group_id TEXT    NOT NULL,
    record   TEXT    NOT NULL,
    PRIMARY KEY (app, topic_id)
) WITHOUT ROWID;
CREATE INDEX IF NOT EXISTS group_topics_by_group ON group_topics (app, group_id);
CREATE TABLE IF NOT EXISTS topic_log (
    app          INTEGER NOT NULL,
    topic_id     TEXT    NOT NULL,
    seq          INTEGER NOT NULL,
    time         INTEGER NOT NULL,
    sender       TEXT    NOT NULL,
    client_seq   INTEGER NOT NULL,
    random       INTEGER NOT NULL,
    need_receipt INTEGER NOT NULL,
    is_tip       INTEGER NOT NULL,
    payload      TEXT    NOT NULL,
    PRIMARY KEY (app, topic_id, seq)
) WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS topic_selves (
    app      INTEGER NOT NULL,
    topic_id TEXT    NOT NULL,
    user_id  TEXT    NOT NULL,
    read_seq INTEGER NOT NULL,
    msg_flag TEXT    NOT NULL,
    PRIMARY KEY (app, topic_id, user_id)
) WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS group_pins (
    app      INTEGER NOT NULL,
    group_id TEXT    NOT NULL,
    seqs     TEXT    NOT NULL,
    PRIMARY KEY (app, group_id)
) WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS group_hidden (
    app      INTEGER NOT NULL,
    group_id TEXT    NOT NULL,
    user_id  TEXT    NOT NULL,
    seq      INTEGER NOT NULL,
    PRIMARY KEY (app, group_id, user_id, seq)
) WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS profiles (
    app     INTEGER NOT NULL,
    user_id TEXT    NOT NULL,
    tag     TEXT    NOT NULL,
    value   TEXT    NOT NULL,
    PRIMARY KEY (app, user_id, tag)
) WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS friends (
    app         INTEGER NOT NULL,
    owner       TEXT    NOT NULL,
    peer        TEXT    NOT NULL,
    remark      TEXT    NOT NULL,
    groups      TEXT    NOT NULL,
    add_source  TEXT    NOT NULL,
    add_wording TEXT    NOT NULL,
    add_time    INTEGER NOT NULL,
    custom      TEXT    NOT NULL,
    PRIMARY KEY (app, owner, peer)
) WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS friend_applications (
    app         INTEGER NOT NULL,
    owner       TEXT    NOT NULL,
    peer        TEXT    NOT NULL,
    incoming    INTEGER NOT NULL,
    add_source  TEXT    NOT NULL,
    add_wording TEXT    NOT NULL,
    remark      TEXT    NOT NULL,
    add_time    INTEGER NOT NULL,
    PRIMARY KEY (app, owner, peer, incoming)
) WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS friend_groups (
    app   INTEGER NOT NULL,
    owner TEXT    NOT NULL,
    names TEXT    NOT NULL,
    PRIMARY KEY (app, owner)
) WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS friend_application_reads (
    app       INTEGER NOT NULL,
    owner     TEXT    NOT NULL,
    read_time INTEGER NOT NULL,
    PRIMARY KEY (app, owner)
) WITHOUT ROWID;
";

// `origin` (the A2 hash of the session whose request queued a notice) is
// no longer written or read: notices reach every instance. It stays so that
// the schema does not change.
const INBOX: &str = "
CREATE TABLE IF NOT EXISTS inbox (
    app    INTEGER NOT NULL,
    owner  TEXT    NOT NULL,
    seq    INTEGER NOT NULL,
    msg_id INTEGER,
    event  TEXT,
    origin TEXT    NOT NULL DEFAULT '',
    PRIMARY KEY (app, owner, seq)
) WITHOUT ROWID;
";

/// From version 1: messages move out of the inbox rows into `messages`
/// (in the order they were accepted, as far as their times tell), every
/// inbox position keeps its number, and both parties of each message get a
/// conversation.
const MIGRATE_1_TO_2_BEFORE: &str = "
ALTER TABLE accounts ADD COLUMN last_group_id INTEGER NOT NULL DEFAULT 0;
ALTER TABLE inbox RENAME TO inbox_v1;
";

/// The rest of the upgrade, once the new `inbox` exists.
const MIGRATE_1_TO_2_AFTER: &str = "
INSERT INTO messages (app, from_account, to_account, conv_lo, conv_hi, msg_seq, msg_random,
                      msg_time, client_time, sender_tiny_id, msg_key, body, nick,
                      cloud_custom_data)
    SELECT app, from_account, to_account, min(from_account, to_account),
           max(from_account, to_account), msg_seq, msg_random, msg_time, client_time,
           sender_tiny_id, msg_key, body, nick, cloud_custom_data
    FROM inbox_v1 ORDER BY msg_time, app, owner, seq;
INSERT INTO inbox (app, owner, seq, msg_id)
    SELECT i.app, i.owner, i.seq, m.id FROM inbox_v1 i JOIN messages m
    ON m.app = i.app AND m.from_account = i.from_account AND m.to_account = i.to_account
       AND m.msg_seq = i.msg_seq AND m.msg_random = i.msg_random;
INSERT OR IGNORE INTO conversations (app, owner, peer)
    SELECT app, to_account, from_account FROM messages;
INSERT OR IGNORE INTO conversations (app, owner, peer)
    SELECT app, from_account, to_account FROM messages;
DROP TABLE inbox_v1;
DROP TABLE sent;
";

/// From version 2: `messages` is rebuilt with the recipient in its unique
/// key (SQLite cannot change a table constraint in place). Rows keep their
/// IDs, which inbox rows and extensions refer to, and the ID sequence
/// carries on from where it was.
const MIGRATE_2_TO_3_BEFORE: &str = "
DROP INDEX IF EXISTS messages_by_conversation;
DROP INDEX IF EXISTS messages_by_key;
ALTER TABLE messages RENAME TO messages_v2;
";

/// The rest of the upgrade, once [`TABLES`] made the new `messages`.
const MIGRATE_2_TO_3_AFTER: &str = "
INSERT INTO messages SELECT * FROM messages_v2 ORDER BY id;
UPDATE sqlite_sequence
   SET seq = max(seq, coalesce((SELECT seq FROM sqlite_sequence WHERE name = 'messages_v2'), 0))
 WHERE name = 'messages';
DROP TABLE messages_v2;
";

/// Version 4 to 5: members' marks (`markGroupMemberList`); the new
/// `group_conversations` table comes with [`TABLES`].
const MIGRATE_4_TO_5: &str = "
ALTER TABLE group_members ADD COLUMN marks TEXT NOT NULL DEFAULT '';
";

/// Version 2–6 to 7: conversation-group memberships name conversations
/// (`C2C<peer>`), no longer bare peers. Runs before [`TABLES`].
const MIGRATE_TO_7: &str = "
ALTER TABLE contact_group_members RENAME COLUMN peer TO conversation;
UPDATE contact_group_members SET conversation = 'C2C' || conversation;
";

/// Create the schema of a new database, or upgrade an old one.
pub(super) fn open(conn: &mut Connection) -> Result<(), StoreError> {
    conn.execute_batch(META)?;
    let version: Option<String> = conn
        .query_row("SELECT value FROM meta WHERE key = 'schema'", [], |r| {
            r.get(0)
        })
        .optional()?;
    match version.as_deref() {
        None | Some(SCHEMA_VERSION) => {
            let tx = conn.transaction()?;
            tx.execute_batch(TABLES)?;
            tx.execute_batch(INBOX)?;
            tx.execute(
                "INSERT OR IGNORE INTO meta (key, value) VALUES ('schema', ?1)",
                [SCHEMA_VERSION],
            )?;
            tx.commit()?;
            Ok(())
        }
        Some("1") => {
            let tx = conn.transaction()?;
            // `accounts` and `sessions` exist already: only the new tables
            // are created here.
            tx.execute_batch(TABLES)?;
            tx.execute_batch(MIGRATE_1_TO_2_BEFORE)?;
            tx.execute_batch(INBOX)?;
            tx.execute_batch(MIGRATE_1_TO_2_AFTER)?;
            tx.execute(
                "UPDATE meta SET value = ?1 WHERE key = 'schema'",
                [SCHEMA_VERSION],
            )?;
            tx.commit()?;
            tracing::info!("database upgraded from schema 1 to {SCHEMA_VERSION}");
            Ok(())
        }
        Some("2") => {
            let tx = conn.transaction()?;
            tx.execute_batch(MIGRATE_TO_7)?;
            tx.execute_batch(MIGRATE_2_TO_3_BEFORE)?;
            tx.execute_batch(TABLES)?;
            tx.execute_batch(MIGRATE_2_TO_3_AFTER)?;
            tx.execute(
                "UPDATE meta SET value = ?1 WHERE key = 'schema'",
                [SCHEMA_VERSION],
            )?;
            tx.commit()?;
            tracing::info!("database upgraded from schema 2 to {SCHEMA_VERSION}");
            Ok(())
        }
        Some("3" | "4" | "5" | "6" | "7") => {
            let tx = conn.transaction()?;
            if version.as_deref() == Some("4") {
                tx.execute_batch(MIGRATE_4_TO_5)?;
            }
            // A version 7 database names conversations already.
            if version.as_deref() != Some("7") {
                tx.execute_batch(MIGRATE_TO_7)?;
            }
            tx.execute_batch(TABLES)?;
            tx.execute(
                "UPDATE meta SET value = ?1 WHERE key = 'schema'",
                [SCHEMA_VERSION],
            )?;
            tx.commit()?;
            tracing::info!(
                "database upgraded from schema {} to {SCHEMA_VERSION}",
                version.as_deref().unwrap_or("?")
            );
            Ok(())
        }
        Some(v) => Err(StoreError::Corrupt(format!(
            "database schema version {v}, this server writes {SCHEMA_VERSION}"
        ))),
    }
}
