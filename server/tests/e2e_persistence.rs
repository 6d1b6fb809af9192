//! Message and conversation state survive a restart on the same SQLite
//! file, notifications queued for an offline user are still delivered
//! after it, and databases written before issue 8 (schema 1) and before
//! issue 14 (schema 2) are upgraded in place with nothing lost.

mod common;

use std::path::PathBuf;
use std::time::Duration;

use common::ops::key;
use common::*;
use serde_json::json;
use tcchat_server::store::{SqliteStore, Store};

fn temp_db(name: &str) -> PathBuf {
    let dir = PathBuf::from(env!("CARGO_TARGET_TMPDIR")).join("tcchat-server-tests");
    std::fs::create_dir_all(&dir).unwrap();
    let path = dir.join(format!("{name}-{}.db", std::process::id()));
    for suffix in ["", "-wal", "-shm"] {
        let _ = std::fs::remove_file(format!("{}{suffix}", path.display()));
    }
    path
}

#[test]
fn state_and_queued_notifications_survive_a_restart() {
    let path = temp_db("issue8-restart");
    let (bob_cookie, msg_key) = {
        let mut sim = Sim::with(config(), SqliteStore::open(&path).unwrap());
        let mut a = Client::new(1, APP, "alice");
        a.login(&mut sim);
        let mut b = Client::new(2, APP, "bob");
        b.login(&mut sim);
        let cookie = b.getmsg(&mut sim, "").body["Cookie"]
            .as_str()
            .unwrap()
            .to_owned();
        let sent = a.send_flagged(&mut sim, "bob", 1, 11, "m1", true, true);
        let t = sent.body()["MsgTime"].as_u64().unwrap();
        let k = key(1, 11, t);
        b.op(
            &mut sim,
            "openim.c2c_msg_read_receipt",
            json!({"Peer_Account": "alice", "C2CMsgInfo": [{"From_Account": "alice", "To_Account": "bob",
                   "MsgSeq": 1, "MsgRandom": 11, "MsgTime": t, "MsgClientTime": t}]}),
        )
        .ok();
        b.op(
            &mut sim,
            "openim.msgreaded",
            json!({"C2CMsgReaded": {"Cookie": "", "C2CMsgReadedItem": [{"To_Account": "alice", "LastedMsgTime": t, "Receipt": 1}]}}),
        )
        .ok();
        // bob leaves; what follows waits in his inbox.
        sim.disconnect(2);
        a.op(
            &mut sim,
            "openim.modify_c2c_msg",
            json!({"From_Account": "alice", "To_Account": "bob", "MsgSeq": 1, "MsgRandom": 11, "MsgTime": t,
                   "MsgVersion": 0, "MsgBody": [{"MsgType": "TIMTextElem", "MsgContent": {"Text": "m1 v1"}}],
                   "CloudCustomData": "c"}),
        )
        .ok();
        a.op(
            &mut sim,
            "openim_msg_ext_http_svc.set_key_values",
            json!({"From_Account": "alice", "To_Account": "bob", "MsgKey": k, "OperateType": 1,
                   "ExtensionList": [{"Key": "k", "Value": "v", "Seq": 0}]}),
        )
        .ok();
        a.op(
            &mut sim,
            "recentcontact.top",
            json!({"From_Account": "alice", "OperationType": 1, "RecentContactItem": [{"Type": 1, "To_Account": "bob"}]}),
        )
        .ok();
        for name in ["G1", "G2"] {
            a.op(
                &mut sim,
                "recentcontact.create_contact_group",
                json!({"From_Account": "alice", "GroupContactItem": [{"GroupName": name, "ContactItem": [{"Type": 1, "To_Account": "bob"}]}]}),
            )
            .ok();
        }
        a.op(
            &mut sim,
            "recentcontact.del_contact_group",
            json!({"From_Account": "alice", "GroupName": ["G2"]}),
        )
        .ok();
        sim.engine.flush().unwrap();
        (cookie, k)
    };

    // Second run on the same file.
    let mut sim = Sim::with(config(), SqliteStore::open(&path).unwrap());
    sim.advance(Duration::from_secs(5));
    let mut a = Client::new(1, APP, "alice");
    a.login(&mut sim);
    let h = a.whole_history(&mut sim, "bob");
    assert_eq!(texts(&json!(h)), ["m1 v1"]);
    assert_eq!(
        (
            h[0]["MsgVersion"].clone(),
            h[0]["IsPeerRead"].clone(),
            h[0]["CloudCustomData"].clone()
        ),
        (json!(1), json!(1), json!("c"))
    );
    let page = a.conversations(&mut sim);
    assert_eq!(page["SessionItem"][0]["IsPinned"], 1);
    assert_eq!(
        page["SessionItem"][0]["C2cPeerReadTime"],
        h[0]["MsgTimeStamp"]
    );
    let ext = a
        .op(
            &mut sim,
            "openim_msg_ext_http_svc.get_key_values",
            json!({"From_Account": "alice", "To_Account": "bob", "MsgKey": msg_key}),
        )
        .ok();
    assert_eq!(
        ext.body()["ExtensionList"],
        json!([{"Key": "k", "Value": "v", "Seq": 1}])
    );
    let groups = a
        .op(
            &mut sim,
            "recentcontact.get_contact_group",
            json!({"From_Account": "alice", "StartIndex": 0}),
        )
        .ok();
    assert_eq!(
        groups.body()["GroupItem"],
        json!([{"GroupId": 1, "GroupName": "G1"}])
    );
    let g3 = a
        .op(
            &mut sim,
            "recentcontact.create_contact_group",
            json!({"From_Account": "alice", "GroupContactItem": [{"GroupName": "G3", "ContactItem": []}]}),
        )
        .ok();
    assert_eq!(
        g3.body()["GroupResultItem"][0]["GroupItem"]["GroupId"],
        3,
        "group IDs are not reused after a restart"
    );
    // bob's new instance gets the read sync of his first one, the
    // modification and the extension queued before the restart, once.
    let mut b = Client::new(2, APP, "bob");
    b.login(&mut sim);
    let sync = b.getmsg(&mut sim, &bob_cookie);
    assert_eq!(texts(&sync.body["MsgList"]), ["m1 v1"]);
    let events: Vec<u64> = sync.body["EventArray"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["Event"].as_u64().unwrap())
        .collect();
    assert_eq!(events, [9, 23, 22]);
    let cookie = sync.body["Cookie"].as_str().unwrap().to_owned();
    let again = b.getmsg(&mut sim, &cookie);
    assert_eq!(again.body["MsgList"], json!([]));
    assert!(again.body.get("EventArray").is_none());
}

#[test]
fn a_schema_1_database_is_upgraded_in_place() {
    let path = temp_db("schema1");
    {
        let conn = rusqlite::Connection::open(&path).unwrap();
        conn.execute_batch(include_str!("fixtures/schema_v1.sql"))
            .unwrap();
        conn.execute_batch(
            "INSERT INTO meta VALUES ('schema', '1'), ('epoch', '00000000000000ab');
             INSERT INTO accounts (app, user_id, created_ms, cursor, inbox_head) VALUES
                 (1400000000, 'alice', 0, 0, 1), (1400000000, 'bob', 0, 1, 2);
             INSERT INTO inbox VALUES
                 (1400000000, 'bob', 1, 'alice', 'bob', 7, 70, 1795628000, 1795628000,
                  144115000000000001, '144115000000000001_7_70_1795628000',
                  '[{\"MsgType\":\"TIMTextElem\",\"MsgContent\":{\"Text\":\"old 1\"}}]', 'nick', ''),
                 (1400000000, 'bob', 2, 'alice', 'bob', 8, 80, 1795628001, 1795628001,
                  144115000000000001, '144115000000000001_8_80_1795628001',
                  '[{\"MsgType\":\"TIMTextElem\",\"MsgContent\":{\"Text\":\"old 2\"}}]', 'nick', ''),
                 (1400000000, 'alice', 1, 'bob', 'alice', 9, 90, 1795628002, 1795628002,
                  144115000000000002, '144115000000000002_9_90_1795628002',
                  '[{\"MsgType\":\"TIMTextElem\",\"MsgContent\":{\"Text\":\"old 3\"}}]', '', '');
             INSERT INTO sent VALUES
                 (1400000000, 'alice', 7, 70, 1795628000, '144115000000000001_7_70_1795628000'),
                 (1400000000, 'alice', 8, 80, 1795628001, '144115000000000001_8_80_1795628001'),
                 (1400000000, 'bob', 9, 90, 1795628002, '144115000000000002_9_90_1795628002');",
        )
        .unwrap();
    }
    for _ in 0..2 {
        // Opening twice: the second open finds schema 5 and changes nothing.
        let mut store = SqliteStore::open(&path).unwrap();
        assert_eq!(store.meta("schema").unwrap().as_deref(), Some("8"));
        assert_eq!(
            store.meta("epoch").unwrap().as_deref(),
            Some("00000000000000ab")
        );
        assert_eq!(
            (
                store.inbox_head(APP, "bob").unwrap(),
                store.cursor(APP, "bob").unwrap()
            ),
            (2, 1)
        );
        let inbox = store.inbox_after(APP, "bob", 0, 10).unwrap();
        let texts: Vec<&str> = inbox
            .iter()
            .map(|e| e.message().unwrap().msg.body.as_str())
            .collect();
        assert!(texts[0].contains("old 1") && texts[1].contains("old 2"));
        assert_eq!(inbox[1].inbox_seq, 2);
        let m = store.message(APP, "alice", "bob", 8, 80).unwrap().unwrap();
        assert_eq!(
            (m.msg.nick.as_str(), m.msg.msg_time, m.state.version),
            ("nick", 1_795_628_001, 0)
        );
        let history = store.history(APP, "alice", "bob", 0, u64::MAX, 10).unwrap();
        assert_eq!(history.len(), 3);
        assert!(history[0].msg.body.contains("old 3"), "newest first");
        assert!(store.conversation(APP, "alice", "bob").unwrap().is_some());
        assert!(store.conversation(APP, "bob", "alice").unwrap().is_some());
        assert_eq!(store.contact_groups(APP, "alice").unwrap().last_id, 0);
    }
    // The engine runs on it: old cookies still mean the same positions,
    // and an old message resent is still a duplicate.
    let mut sim = Sim::with(config(), SqliteStore::open(&path).unwrap());
    let mut bob = Client::new(1, APP, "bob");
    bob.login(&mut sim);
    let sync = bob.getmsg(&mut sim, "");
    assert_eq!(texts(&sync.body["MsgList"]), ["old 2"]);
    let mut alice = Client::new(2, APP, "alice");
    alice.login(&mut sim);
    let resend = alice.op(
        &mut sim,
        "openim.sendmsg",
        sendmsg_body("alice", "bob", 7, 70, 1, "old 1"),
    );
    assert_eq!(
        resend.body()["MsgKey"],
        "144115000000000001_7_70_1795628000"
    );
    assert!(resend.others.is_empty());
}

#[test]
fn a_schema_2_database_is_upgraded_to_the_recipient_key() {
    let path = temp_db("schema2");
    {
        let conn = rusqlite::Connection::open(&path).unwrap();
        conn.execute_batch(include_str!("fixtures/schema_v2.sql"))
            .unwrap();
        // Message 5 (alice to bob) in bob's inbox with an extension; IDs 1-4
        // and 6 were used once (the sequence is at 6), so a new message must
        // not reuse 6.
        conn.execute_batch(
            "INSERT INTO meta VALUES ('schema', '2'), ('epoch', '00000000000000ab');
             INSERT INTO accounts (app, user_id, created_ms, cursor, inbox_head) VALUES
                 (1400000000, 'alice', 0, 0, 0), (1400000000, 'bob', 0, 0, 1);
             INSERT INTO messages (id, app, from_account, to_account, conv_lo, conv_hi, msg_seq,
                                   msg_random, msg_time, client_time, sender_tiny_id, msg_key,
                                   body, nick, cloud_custom_data, support_ext, ext_seq)
                 VALUES (5, 1400000000, 'alice', 'bob', 'alice', 'bob', 7, 70, 1795628000,
                         1795628000, 144115000000000001, '144115000000000001_7_70_1795628000',
                         '[{\"MsgType\":\"TIMTextElem\",\"MsgContent\":{\"Text\":\"old\"}}]',
                         'nick', '', 1, 1);
             UPDATE sqlite_sequence SET seq = 6 WHERE name = 'messages';
             INSERT INTO inbox (app, owner, seq, msg_id) VALUES (1400000000, 'bob', 1, 5);
             INSERT INTO extensions VALUES (5, 'k', 'v', 1);
             INSERT INTO conversations (app, owner, peer) VALUES
                 (1400000000, 'alice', 'bob'), (1400000000, 'bob', 'alice');",
        )
        .unwrap();
    }
    for _ in 0..2 {
        // Opening twice: the second open finds schema 5 and changes nothing.
        let mut store = SqliteStore::open(&path).unwrap();
        assert_eq!(store.meta("schema").unwrap().as_deref(), Some("8"));
        let m = store.message(APP, "alice", "bob", 7, 70).unwrap().unwrap();
        assert_eq!((m.id, m.state.ext_seq), (5, 1));
        assert_eq!(store.extensions(APP, 5).unwrap().len(), 1);
        let inbox = store.inbox_after(APP, "bob", 0, 10).unwrap();
        assert_eq!(inbox[0].message().unwrap().id, 5);
    }
    // The engine runs on it: the old message resent is a duplicate, the
    // same MsgSeq and MsgRandom to carol a new message with a fresh ID.
    let mut sim = Sim::with(config(), SqliteStore::open(&path).unwrap());
    let mut alice = Client::new(1, APP, "alice");
    alice.login(&mut sim);
    let mut carol = Client::new(2, APP, "carol");
    carol.login(&mut sim);
    let resend = alice.op(
        &mut sim,
        "openim.sendmsg",
        sendmsg_body("alice", "bob", 7, 70, 1, "old"),
    );
    assert_eq!(resend.body()["ErrorCode"], 0);
    assert_eq!(
        resend.body()["MsgKey"],
        "144115000000000001_7_70_1795628000"
    );
    let to_carol = alice.op(
        &mut sim,
        "openim.sendmsg",
        sendmsg_body("alice", "carol", 7, 70, 1, "new"),
    );
    assert_eq!(to_carol.body()["ErrorCode"], 0, "{}", to_carol.body());
    assert_eq!(texts(&carol.getmsg(&mut sim, "").body["MsgList"]), ["new"]);
    drop(sim);
    let mut store = SqliteStore::open(&path).unwrap();
    let m = store
        .message(APP, "alice", "carol", 7, 70)
        .unwrap()
        .unwrap();
    assert_eq!(m.id, 7, "the ID sequence carries on past 6");
}

#[test]
fn a_schema_3_database_gains_the_group_tables() {
    use tcchat_core::proto::group::{GroupType, InviteOption, JoinOption};
    use tcchat_server::store::{Change, GroupRecord};
    let path = temp_db("schema3");
    {
        // A version 3 database: what this server wrote before issue 16.
        let mut store = SqliteStore::open(&path).unwrap();
        store.ensure_account(APP, "alice", 1).unwrap();
        drop(store);
        let conn = rusqlite::Connection::open(&path).unwrap();
        conn.execute_batch(
            "DROP TABLE chat_groups; DROP TABLE group_members; DROP TABLE group_log;
             DROP TABLE group_applications; DROP TABLE group_receipts;
             DROP TABLE group_hidden;
             ALTER TABLE contact_group_members RENAME COLUMN conversation TO peer;
             UPDATE meta SET value = '3' WHERE key = 'schema';",
        )
        .unwrap();
    }
    let group = GroupRecord {
        id: "g".into(),
        group_type: GroupType::ChatRoom,
        name: "n".into(),
        face_url: String::new(),
        introduction: String::new(),
        notification: String::new(),
        owner: "alice".into(),
        create_time: 1,
        info_seq: 1,
        last_info_time: 1,
        last_msg_time: 0,
        next_seq: 1,
        max_members: 10,
        join_option: JoinOption::FreeAccess,
        invite_option: InviteOption::FreeAccess,
        mute_all: false,
        custom: Vec::new(),
        dismissed: false,
    };
    for round in 0..2 {
        let mut store = SqliteStore::open(&path).unwrap();
        assert_eq!(store.meta("schema").unwrap().as_deref(), Some("8"));
        assert!(store.account(APP, "alice").unwrap().is_some());
        if round == 0 {
            store
                .apply(APP, &[Change::ChatGroup(group.clone())])
                .unwrap();
        }
        assert_eq!(store.chat_group(APP, "g").unwrap(), Some(group.clone()));
    }
}

#[test]
fn a_schema_4_database_gains_the_hidden_table_and_keeps_its_groups() {
    use tcchat_core::proto::group::{GroupType, InviteOption, JoinOption};
    use tcchat_server::store::{Change, GroupLogEntry, GroupRecord, LogKind};
    let path = temp_db("schema4");
    let group = GroupRecord {
        id: "g".into(),
        group_type: GroupType::Public,
        name: "n".into(),
        face_url: String::new(),
        introduction: String::new(),
        notification: String::new(),
        owner: "alice".into(),
        create_time: 1,
        info_seq: 1,
        last_info_time: 1,
        last_msg_time: 0,
        next_seq: 2,
        max_members: 10,
        join_option: JoinOption::FreeAccess,
        invite_option: InviteOption::FreeAccess,
        mute_all: false,
        custom: Vec::new(),
        dismissed: false,
    };
    let entry = GroupLogEntry {
        seq: 1,
        time: 5,
        sender: "alice".into(),
        client_seq: 1,
        random: 2,
        need_receipt: false,
        kind: LogKind::Message,
        payload: r#"{"MsgSeq":1}"#.into(),
    };
    {
        // A version 4 database: what this server wrote before group
        // message operations.
        let mut store = SqliteStore::open(&path).unwrap();
        store
            .apply(
                APP,
                &[
                    Change::ChatGroup(group.clone()),
                    Change::GroupLog {
                        group: "g".into(),
                        entry: entry.clone(),
                    },
                ],
            )
            .unwrap();
        drop(store);
        let conn = rusqlite::Connection::open(&path).unwrap();
        conn.execute_batch(
            "DROP TABLE group_hidden; DROP TABLE group_conversations;
             ALTER TABLE group_members DROP COLUMN marks;
             ALTER TABLE contact_group_members RENAME COLUMN conversation TO peer;
             UPDATE meta SET value = '4' WHERE key = 'schema';",
        )
        .unwrap();
    }
    for round in 0..2 {
        let mut store = SqliteStore::open(&path).unwrap();
        assert_eq!(store.meta("schema").unwrap().as_deref(), Some("8"));
        assert_eq!(store.chat_group(APP, "g").unwrap(), Some(group.clone()));
        assert_eq!(
            store.group_log(APP, "g", 1, 1).unwrap(),
            std::slice::from_ref(&entry)
        );
        if round == 0 {
            store
                .apply(
                    APP,
                    &[Change::GroupHide {
                        group: "g".into(),
                        seq: 1,
                        user: "bob".into(),
                    }],
                )
                .unwrap();
        }
        assert_eq!(store.group_hidden(APP, "g", "bob", 1, 1).unwrap(), [1]);
    }
}

/// A schema 4 database (issue 16, before group conversation states) gets
/// the `group_conversations` table, empty, and keeps everything else.
#[test]
fn a_schema_6_database_names_grouped_conversations_by_id() {
    let path = temp_db("schema6-contact-groups");
    {
        let mut store = SqliteStore::open(&path).unwrap();
        store.ensure_account(APP, "alice", 0).unwrap();
    }
    {
        let conn = rusqlite::Connection::open(&path).unwrap();
        conn.execute_batch(
            "ALTER TABLE contact_group_members RENAME COLUMN conversation TO peer;
             INSERT INTO contact_groups (app, owner, group_id, name) VALUES (1400000000, 'alice', 1, 'G');
             INSERT INTO contact_group_members (app, owner, group_id, peer)
                 VALUES (1400000000, 'alice', 1, 'bob'), (1400000000, 'alice', 1, 'GROUPx');
             UPDATE meta SET value = '6' WHERE key = 'schema';",
        )
        .unwrap();
    }
    for _ in 0..2 {
        // The second open finds version 7 and changes nothing.
        let mut store = SqliteStore::open(&path).unwrap();
        assert_eq!(store.meta("schema").unwrap().as_deref(), Some("8"));
        let groups = store.contact_groups(APP, "alice").unwrap();
        assert_eq!(
            groups.members,
            [(1, "C2CGROUPx".to_owned()), (1, "C2Cbob".to_owned())],
            "a peer named like a group stays a C2C conversation"
        );
    }
}

/// A schema 7 database (before communities and topics, issue 17) gains the
/// topic tables, empty, and its conversation-group memberships, already
/// named by conversation ID, are not prefixed a second time.
#[test]
fn a_schema_7_database_gains_the_topic_tables() {
    let path = temp_db("schema7-topics");
    {
        let mut store = SqliteStore::open(&path).unwrap();
        store.ensure_account(APP, "alice", 0).unwrap();
    }
    {
        let conn = rusqlite::Connection::open(&path).unwrap();
        conn.execute_batch(
            "DROP TABLE group_topics; DROP TABLE topic_log; DROP TABLE topic_selves;
             INSERT INTO contact_groups (app, owner, group_id, name) VALUES (1400000000, 'alice', 1, 'G');
             INSERT INTO contact_group_members (app, owner, group_id, conversation)
                 VALUES (1400000000, 'alice', 1, 'C2Cbob');
             UPDATE meta SET value = '7' WHERE key = 'schema';",
        )
        .unwrap();
    }
    for _ in 0..2 {
        let mut store = SqliteStore::open(&path).unwrap();
        assert_eq!(store.meta("schema").unwrap().as_deref(), Some("8"));
        assert_eq!(
            store.contact_groups(APP, "alice").unwrap().members,
            [(1, "C2Cbob".to_owned())]
        );
        assert!(store.topics(APP, "@TGS#_c").unwrap().is_empty());
    }
}

#[test]
fn a_schema_4_database_gets_group_conversation_states() {
    use tcchat_server::store::{Change, GroupConversationRecord};
    let path = temp_db("schema4-convs");
    {
        let mut store = SqliteStore::open(&path).unwrap();
        store.ensure_account(APP, "alice", 0).unwrap();
    }
    {
        let conn = rusqlite::Connection::open(&path).unwrap();
        conn.execute_batch(
            "DROP TABLE group_conversations; DROP TABLE group_hidden;
             ALTER TABLE group_members DROP COLUMN marks;
             ALTER TABLE contact_group_members RENAME COLUMN conversation TO peer;
             INSERT INTO group_members (app, group_id, user_id, join_seq, leave_seq, role,
                 join_time, read_seq, msg_flag, name_card, mute_until, last_send_time, custom)
                 VALUES (1400000000, 'g1', 'alice', 1, NULL, 'Owner', 0, 0, 'AcceptAndNotify',
                         '', 0, 0, '[]');
             UPDATE meta SET value = '4' WHERE key = 'schema';",
        )
        .unwrap();
    }
    for _ in 0..2 {
        let mut store = SqliteStore::open(&path).unwrap();
        assert_eq!(store.meta("schema").unwrap().as_deref(), Some("8"));
        assert!(store.account(APP, "alice").unwrap().is_some());
        assert!(store
            .group_conversation_states(APP, "alice")
            .unwrap()
            .is_empty());
        let m = store.group_member(APP, "g1", "alice").unwrap().unwrap();
        assert!(m.marks.is_empty(), "the old member has no marks");
    }
    let mut store = SqliteStore::open(&path).unwrap();
    let record = GroupConversationRecord {
        group: "g1".into(),
        pinned: true,
        clear_seq: 3,
    };
    store
        .apply(
            APP,
            &[Change::GroupConversation {
                owner: "alice".into(),
                record: record.clone(),
            }],
        )
        .unwrap();
    assert_eq!(
        store.group_conversation_states(APP, "alice").unwrap(),
        [record]
    );
}
