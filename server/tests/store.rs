//! The same contract for both stores, and SQLite durability across reopen.

mod common;

use std::path::PathBuf;

use common::*;
use serde_json::json;
use tcchat_server::store::{
    Appended, Change, ContactGroup, ConversationRecord, Extension, InboxEntry, InboxItem,
    MemoryStore, NewMessage, Notice, Revocation, SessionRecord, SqliteStore, Store,
};

fn msg(from: &str, to: &str, seq: u64, random: u64) -> NewMessage {
    NewMessage {
        from: from.into(),
        to: to.into(),
        msg_seq: seq,
        msg_random: random,
        msg_time: 1_795_628_000,
        client_time: 1_795_627_999,
        sender_tiny_id: 144_115_000_000_000_001,
        msg_key: format!("k{seq}_{random}"),
        body: r#"[{"MsgType":"TIMTextElem","MsgContent":{"Text":"hi"}}]"#.into(),
        nick: "n".into(),
        cloud_custom_data: String::new(),
        need_read_receipt: false,
        support_extension: false,
    }
}

/// The message at an inbox entry (panics on a notice).
fn at(entries: &[InboxEntry], i: usize) -> NewMessage {
    entries[i].message().expect("a message").msg.clone()
}

/// The inbox position of a newly stored message (`None`: a duplicate).
fn new_seq(appended: Appended) -> Option<u64> {
    match appended {
        Appended::New { inbox_seq, .. } => Some(inbox_seq),
        Appended::Duplicate(_) => None,
    }
}

fn contract(store: &mut dyn Store) {
    assert_eq!(store.meta("epoch").unwrap(), None);
    store.set_meta("epoch", "1").unwrap();
    store.set_meta("epoch", "2").unwrap();
    assert_eq!(store.meta("epoch").unwrap().as_deref(), Some("2"));

    assert_eq!(store.account(1, "a").unwrap(), None);
    let a = store.ensure_account(1, "a", 0).unwrap();
    assert!(a.created);
    assert_eq!(a.tiny_id, 144_115_000_000_000_001);
    let again = store.ensure_account(1, "a", 0).unwrap();
    assert_eq!((again.tiny_id, again.created), (a.tiny_id, false));
    assert_eq!(
        store.account(1, "a").unwrap().map(|x| x.tiny_id),
        Some(a.tiny_id)
    );
    // Same user ID in another app: another account.
    let other = store.ensure_account(2, "a", 0).unwrap();
    assert_eq!(other.tiny_id, 144_115_000_000_000_002);

    // Appending creates the recipient and numbers its inbox from 1.
    assert_eq!(
        new_seq(store.append_message(1, &msg("a", "b", 10, 1)).unwrap()),
        Some(1)
    );
    assert_eq!(
        store.account(1, "b").unwrap().map(|x| x.tiny_id),
        Some(144_115_000_000_000_003)
    );
    assert_eq!(
        new_seq(store.append_message(1, &msg("a", "b", 11, 1)).unwrap()),
        Some(2)
    );
    assert_eq!(
        new_seq(store.append_message(1, &msg("c", "b", 10, 1)).unwrap()),
        Some(3)
    );
    // Duplicate: same sender, recipient, seq, random (even with another
    // time).
    let mut dup = msg("a", "b", 10, 1);
    dup.msg_time += 100;
    match store.append_message(1, &dup).unwrap() {
        Appended::Duplicate(earlier) => {
            assert_eq!(earlier.msg.msg_time, 1_795_628_000);
            assert_eq!(earlier.msg.msg_key, "k10_1");
            assert_eq!(earlier.msg, msg("a", "b", 10, 1));
        }
        other => panic!("expected a duplicate, got {other:?}"),
    }
    // The same triple in another app is not a duplicate.
    assert_eq!(
        new_seq(store.append_message(2, &msg("a", "b", 10, 1)).unwrap()),
        Some(1)
    );
    // u64 values beyond i64 survive.
    let huge = msg("a", "d", u64::MAX, u64::MAX - 1);
    assert_eq!(new_seq(store.append_message(1, &huge).unwrap()), Some(1));
    assert_eq!(at(&store.inbox_after(1, "d", 0, 10).unwrap(), 0), huge);

    assert_eq!(store.inbox_head(1, "b").unwrap(), 3);
    assert_eq!(store.inbox_head(1, "nobody").unwrap(), 0);
    let all = store.inbox_after(1, "b", 0, 10).unwrap();
    assert_eq!(
        all.iter().map(|m| m.inbox_seq).collect::<Vec<_>>(),
        vec![1, 2, 3]
    );
    assert_eq!(at(&all, 0), msg("a", "b", 10, 1));
    let page = store.inbox_after(1, "b", 1, 1).unwrap();
    assert_eq!(page.len(), 1);
    assert_eq!(page[0].inbox_seq, 2);
    assert!(store.inbox_after(1, "b", 3, 10).unwrap().is_empty());
    assert!(store.inbox_after(1, "b", u64::MAX, 10).unwrap().is_empty());
    assert_eq!(store.inbox_after(2, "b", 0, 10).unwrap().len(), 1);

    assert_eq!(store.cursor(1, "b").unwrap(), 0);
    assert_eq!(store.advance_cursor(1, "b", 2).unwrap(), 2);
    assert_eq!(
        store.advance_cursor(1, "b", 1).unwrap(),
        2,
        "never backwards"
    );
    assert_eq!(store.cursor(2, "b").unwrap(), 0);
    assert_eq!(store.advance_cursor(1, "nobody", 5).unwrap(), 0);
    store.flush().unwrap();
}

fn session(hash: &str, seq: u64, expires_ms: u64) -> SessionRecord {
    SessionRecord {
        a2_hash: hash.into(),
        app: 1,
        user: "u".into(),
        tiny_id: u64::MAX - 1,
        instance: "0123".into(),
        platform: 7,
        login_seq: seq,
        expires_ms,
        kicked: 0,
    }
}

fn session_contract(store: &mut dyn Store) {
    assert!(store.sessions().unwrap().is_empty());
    store.put_session(&session("b", 2, 2000)).unwrap();
    store.put_session(&session("a", 1, 1000)).unwrap();
    let all = store.sessions().unwrap();
    assert_eq!(
        all,
        [session("a", 1, 1000), session("b", 2, 2000)],
        "login order, values intact"
    );
    // Replacing by hash (a kick marks the session).
    let kicked = SessionRecord {
        kicked: 3,
        ..session("a", 1, 1000)
    };
    store.put_session(&kicked).unwrap();
    assert_eq!(store.sessions().unwrap()[0], kicked);
    assert_eq!(store.delete_expired_sessions(1000).unwrap(), 1);
    assert_eq!(store.sessions().unwrap(), [session("b", 2, 2000)]);
    store.delete_session("b").unwrap();
    store.delete_session("b").unwrap();
    assert!(store.sessions().unwrap().is_empty());
}

#[test]
fn both_stores_keep_sessions_alike() {
    session_contract(&mut MemoryStore::new());
    session_contract(&mut SqliteStore::in_memory().unwrap());
}

#[test]
fn memory_store_meets_the_contract() {
    contract(&mut MemoryStore::new());
}

#[test]
fn sqlite_store_meets_the_contract() {
    contract(&mut SqliteStore::in_memory().unwrap());
}

fn msg_id(appended: Appended) -> u64 {
    match appended {
        Appended::New { msg_id, .. } => msg_id,
        Appended::Duplicate(_) => panic!("a duplicate"),
    }
}

/// Message state, history, unread counts, extensions, conversations,
/// groups and notices: the same on both stores.
fn state_contract(store: &mut dyn Store) {
    let mut m1 = msg("a", "b", 1, 1);
    m1.need_read_receipt = true;
    m1.msg_time = 100;
    let id1 = msg_id(store.append_message(1, &m1).unwrap());
    let mut m2 = msg("b", "a", 2, 2);
    m2.msg_time = 101;
    m2.support_extension = true;
    let id2 = msg_id(store.append_message(1, &m2).unwrap());
    let mut m3 = msg("b", "a", 3, 3);
    m3.msg_time = 102;
    let id3 = msg_id(store.append_message(1, &m3).unwrap());
    assert!(id1 < id2 && id2 < id3, "IDs ascend");
    // Lookups.
    let got = store.message(1, "a", "b", 1, 1).unwrap().unwrap();
    assert_eq!((got.id, &got.msg, got.state.version), (id1, &m1, 0));
    assert_eq!(store.message(1, "b", "a", 1, 1).unwrap(), None);
    assert_eq!(store.message(2, "a", "b", 1, 1).unwrap(), None, "other app");
    assert_eq!(
        store
            .message_by_key(1, "a", "b", &m2.msg_key)
            .unwrap()
            .unwrap()
            .id,
        id2
    );
    assert_eq!(store.message_by_key(1, "a", "b", "nope").unwrap(), None);
    // Both parties have a visible conversation.
    assert_eq!(
        store.conversation(1, "a", "b").unwrap(),
        Some(ConversationRecord::new("b"))
    );
    assert_eq!(
        store.conversations(1, "b").unwrap(),
        [ConversationRecord::new("a")]
    );
    // History: newest first, both directions, bounded by IDs and limit.
    let ids =
        |v: Vec<tcchat_server::store::MessageRecord>| v.iter().map(|m| m.id).collect::<Vec<_>>();
    assert_eq!(
        ids(store.history(1, "a", "b", 0, u64::MAX, 10).unwrap()),
        [id3, id2, id1]
    );
    assert_eq!(ids(store.history(1, "b", "a", 0, id3, 1).unwrap()), [id2]);
    assert_eq!(
        ids(store.history(1, "a", "b", id1, u64::MAX, 10).unwrap()),
        [id3, id2]
    );
    assert!(store
        .history(1, "a", "c", 0, u64::MAX, 10)
        .unwrap()
        .is_empty());
    assert!(store.history(1, "a", "b", 5, 3, 10).unwrap().is_empty());
    // Forward: oldest first, after an ID, from a time on.
    let fwd = |store: &mut dyn Store, after: u64, time: u64, n: usize| {
        ids(store.history_forward(1, "a", "b", after, time, n).unwrap())
    };
    assert_eq!(fwd(store, 0, 0, 10), [id1, id2, id3]);
    assert_eq!(fwd(store, id1, 0, 1), [id2]);
    assert_eq!(fwd(store, 0, 101, 10), [id2, id3]);
    assert!(fwd(store, id3, 0, 10).is_empty());
    // Unread for a: b's messages after the time and the ID floor.
    assert_eq!(store.unread_count(1, "a", "b", 0, 0).unwrap(), 2);
    assert_eq!(store.unread_count(1, "a", "b", 0, 101).unwrap(), 1);
    assert_eq!(store.unread_count(1, "a", "b", id2, 0).unwrap(), 1);
    assert_eq!(store.unread_count(1, "b", "a", 0, 0).unwrap(), 1);
    assert_eq!(store.unread_count(1, "a", "a", 0, 0).unwrap(), 0);
    // State changes: revoke m3, a deletes m2, m1 peer-read and modified.
    let mut r3 = store.message(1, "b", "a", 3, 3).unwrap().unwrap();
    r3.state.revoked = Some(Revocation {
        by: "b".into(),
        reason: "typo".into(),
    });
    let mut r2 = store.message(1, "b", "a", 2, 2).unwrap().unwrap();
    r2.state.deleted_by_recipient = true;
    r2.state.ext_seq = 7;
    r2.state.ext_clear_seq = 3;
    let mut r1 = store.message(1, "a", "b", 1, 1).unwrap().unwrap();
    r1.state.peer_read = true;
    r1.state.version = 2;
    r1.msg.body = "[]".into();
    r1.msg.cloud_custom_data = "ccd".into();
    r1.msg.from = "ignored".into();
    let seqs = store
        .apply(
            1,
            &[
                Change::Message(r3.clone()),
                Change::Message(r2.clone()),
                Change::Message(r1.clone()),
            ],
        )
        .unwrap();
    assert!(seqs.is_empty());
    r1.msg.from = "a".into();
    assert_eq!(store.message(1, "a", "b", 1, 1).unwrap().unwrap(), r1);
    assert_eq!(store.message(1, "b", "a", 2, 2).unwrap().unwrap(), r2);
    assert_eq!(store.message(1, "b", "a", 3, 3).unwrap().unwrap(), r3);
    assert_eq!(
        ids(store.history(1, "a", "b", 0, u64::MAX, 10).unwrap()),
        [id3, id1]
    );
    assert_eq!(
        ids(store.history(1, "b", "a", 0, u64::MAX, 10).unwrap()),
        [id3, id2, id1]
    );
    assert_eq!(
        store.unread_count(1, "a", "b", 0, 0).unwrap(),
        0,
        "revoked and deleted"
    );
    // Extensions, in sequence order.
    let ext = |key: &str, value: &str, seq: u64| Extension {
        key: key.into(),
        value: value.into(),
        seq,
    };
    store
        .apply(
            1,
            &[
                Change::Extension {
                    msg_id: id2,
                    ext: ext("z", "1", 1),
                },
                Change::Extension {
                    msg_id: id2,
                    ext: ext("a", "2", 2),
                },
                Change::Extension {
                    msg_id: id2,
                    ext: ext("z", "", 3),
                },
            ],
        )
        .unwrap();
    assert_eq!(
        store.extensions(1, id2).unwrap(),
        [ext("a", "2", 2), ext("z", "", 3)]
    );
    assert!(store.extensions(1, id1).unwrap().is_empty());
    store
        .apply(1, &[Change::ClearExtensions { msg_id: id2 }])
        .unwrap();
    assert!(store.extensions(1, id2).unwrap().is_empty());
    // Conversations: replaced whole; a new message shows a hidden one
    // again and keeps the rest.
    let hidden = ConversationRecord {
        peer: "b".into(),
        read_time: 50,
        pinned: false,
        hidden: true,
        clear_id: id1,
        unread_floor: id3,
    };
    store
        .apply(
            1,
            &[Change::Conversation {
                owner: "a".into(),
                record: hidden.clone(),
            }],
        )
        .unwrap();
    assert_eq!(store.conversation(1, "a", "b").unwrap().unwrap(), hidden);
    store.append_message(1, &msg("b", "a", 4, 4)).unwrap();
    assert_eq!(
        store.conversation(1, "a", "b").unwrap().unwrap(),
        ConversationRecord {
            hidden: false,
            ..hidden
        }
    );
    // Notices share the inbox numbering with messages.
    let notice = Notice {
        event: r#"{"Event":9}"#.into(),
    };
    let seqs = store
        .apply(
            1,
            &[
                Change::Notice {
                    owner: "a".into(),
                    notice: notice.clone(),
                },
                Change::Notice {
                    owner: "new-user".into(),
                    notice: notice.clone(),
                },
            ],
        )
        .unwrap();
    assert_eq!(seqs, [4, 1]);
    assert_eq!(store.inbox_head(1, "a").unwrap(), 4);
    let inbox = store.inbox_after(1, "a", 0, 10).unwrap();
    assert_eq!(
        inbox.iter().map(|e| e.inbox_seq).collect::<Vec<_>>(),
        [1, 2, 3, 4]
    );
    assert_eq!(inbox[3].item, InboxItem::Notice(notice));
    assert_eq!(inbox[0].message().unwrap().id, id2);
    assert_eq!(
        inbox[1].message().unwrap().state,
        r3.state,
        "messages as they are now"
    );
    assert!(store.account(1, "new-user").unwrap().is_some());
    // Groups: IDs only grow; members go with their group.
    let group = |id: u64, name: &str| ContactGroup {
        id,
        name: name.into(),
    };
    assert_eq!(store.contact_groups(1, "a").unwrap().last_id, 0);
    store
        .apply(
            1,
            &[
                Change::Group {
                    owner: "a".into(),
                    group: group(1, "G1"),
                },
                Change::Group {
                    owner: "a".into(),
                    group: group(2, "G2"),
                },
                Change::Member {
                    owner: "a".into(),
                    group_id: 1,
                    conversation: "C2Cb".into(),
                    present: true,
                },
                Change::Member {
                    owner: "a".into(),
                    group_id: 2,
                    conversation: "C2Cb".into(),
                    present: true,
                },
                Change::Member {
                    owner: "a".into(),
                    group_id: 2,
                    conversation: "C2Cc".into(),
                    present: true,
                },
                Change::Member {
                    owner: "a".into(),
                    group_id: 2,
                    conversation: "C2Cc".into(),
                    present: true,
                },
                Change::Group {
                    owner: "a".into(),
                    group: group(2, "G2b"),
                },
                Change::DeleteGroup {
                    owner: "a".into(),
                    id: 1,
                },
                Change::Member {
                    owner: "a".into(),
                    group_id: 2,
                    conversation: "C2Cb".into(),
                    present: false,
                },
            ],
        )
        .unwrap();
    let groups = store.contact_groups(1, "a").unwrap();
    assert_eq!(groups.last_id, 2);
    assert_eq!(groups.groups, [group(2, "G2b")]);
    assert_eq!(groups.members, [(2, "C2Cc".to_owned())]);
    store
        .apply(
            1,
            &[Change::DeleteGroup {
                owner: "a".into(),
                id: 2,
            }],
        )
        .unwrap();
    let groups = store.contact_groups(1, "a").unwrap();
    assert_eq!(
        (groups.last_id, groups.groups.len(), groups.members.len()),
        (2, 0, 0)
    );
    assert_eq!(store.contact_groups(1, "b").unwrap().groups, []);
}

/// A message is named by sender, recipient, `MsgSeq` and `MsgRandom`: the
/// same pair to another recipient is another message (its `MsgKey`, which
/// leaves out the recipient, may be the same), and each lookup finds the
/// one of its own conversation.
fn recipient_key_contract(store: &mut dyn Store) {
    let to_b = msg("a", "b", 7, 7);
    let mut to_c = msg("a", "c", 7, 7);
    to_c.body = r#"[{"MsgType":"TIMTextElem","MsgContent":{"Text":"for c"}}]"#.into();
    let id_b = msg_id(store.append_message(1, &to_b).unwrap());
    let id_c = match store.append_message(1, &to_c).unwrap() {
        Appended::New { inbox_seq, msg_id } => {
            assert_eq!(inbox_seq, 1, "c's first inbox entry");
            msg_id
        }
        other => panic!("another recipient is another message, got {other:?}"),
    };
    assert_ne!(id_b, id_c);
    assert_eq!(at(&store.inbox_after(1, "c", 0, 10).unwrap(), 0), to_c);
    assert_eq!(store.inbox_head(1, "b").unwrap(), 1, "nothing more for b");
    // A resend to either is a duplicate of its own message.
    match store.append_message(1, &to_b).unwrap() {
        Appended::Duplicate(earlier) => assert_eq!(earlier.id, id_b),
        other => panic!("expected b's message, got {other:?}"),
    }
    match store.append_message(1, &to_c).unwrap() {
        Appended::Duplicate(earlier) => assert_eq!(earlier.id, id_c),
        other => panic!("expected c's message, got {other:?}"),
    }
    let found =
        |store: &mut dyn Store, to: &str| store.message(1, "a", to, 7, 7).unwrap().map(|m| m.id);
    assert_eq!(found(store, "b"), Some(id_b));
    assert_eq!(found(store, "c"), Some(id_c));
    assert_eq!(found(store, "d"), None);
    // The same MsgKey in both conversations, from either side.
    assert_eq!(to_b.msg_key, to_c.msg_key);
    let by_key = |store: &mut dyn Store, owner: &str, peer: &str| {
        store
            .message_by_key(1, owner, peer, &to_b.msg_key)
            .unwrap()
            .map(|m| m.id)
    };
    assert_eq!(by_key(store, "a", "b"), Some(id_b));
    assert_eq!(by_key(store, "b", "a"), Some(id_b));
    assert_eq!(by_key(store, "c", "a"), Some(id_c));
    assert_eq!(by_key(store, "b", "c"), None);
}

#[test]
fn both_stores_name_a_message_by_its_recipient_too() {
    recipient_key_contract(&mut MemoryStore::new());
    recipient_key_contract(&mut SqliteStore::in_memory().unwrap());
}

#[test]
fn both_stores_keep_message_and_conversation_state_alike() {
    state_contract(&mut MemoryStore::new());
    state_contract(&mut SqliteStore::in_memory().unwrap());
}

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
fn sqlite_file_survives_reopen_with_nothing_lost() {
    let path = temp_db("reopen");
    let epoch;
    {
        let mut store = SqliteStore::open(&path).unwrap();
        store.ensure_account(1, "a", 0).unwrap();
        for i in 0..50 {
            store.append_message(1, &msg("a", "b", i, 7)).unwrap();
        }
        store.advance_cursor(1, "b", 20).unwrap();
        store.set_meta("epoch", "00000000000000ab").unwrap();
        epoch = store.meta("epoch").unwrap();
        // Dropped without flush: WAL commits must still be there.
    }
    let mut store = SqliteStore::open(&path).unwrap();
    assert_eq!(store.meta("epoch").unwrap(), epoch);
    assert_eq!(
        store.account(1, "a").unwrap().unwrap().tiny_id,
        144_115_000_000_000_001
    );
    assert_eq!(store.inbox_head(1, "b").unwrap(), 50);
    assert_eq!(store.cursor(1, "b").unwrap(), 20);
    let rest = store.inbox_after(1, "b", 20, 100).unwrap();
    assert_eq!(rest.len(), 30);
    assert_eq!(at(&rest, 0), msg("a", "b", 20, 7));
    assert!(matches!(
        store.append_message(1, &msg("a", "b", 3, 7)).unwrap(),
        Appended::Duplicate(_)
    ));
    assert_eq!(
        new_seq(store.append_message(1, &msg("a", "b", 99, 7)).unwrap()),
        Some(51)
    );
    store.flush().unwrap();
}

#[test]
fn engine_state_survives_a_restart_on_the_same_file() {
    let path = temp_db("restart");
    // First run: alice sends to bob, who is offline; bob syncs one page.
    let (cookie, tiny_id) = {
        let mut sim = Sim::with(config(), SqliteStore::open(&path).unwrap());
        let mut alice = Client::new(1, APP, "alice");
        alice.login(&mut sim);
        alice.send_text(&mut sim, "bob", 1, 1, "before restart");
        let mut bob = Client::new(2, APP, "bob");
        bob.login(&mut sim);
        let sync = bob.getmsg(&mut sim, "");
        assert_eq!(texts(&sync.body["MsgList"]), vec!["before restart"]);
        alice.send_text(&mut sim, "bob", 2, 2, "after bob's sync");
        sim.engine.flush().unwrap();
        (
            sync.body["Cookie"].as_str().unwrap().to_owned(),
            alice.tiny_id.clone(),
        )
    };
    // Second run: same file. Accounts, inbox, cursor and cookies carry over.
    let mut sim = Sim::with(config(), SqliteStore::open(&path).unwrap());
    let mut alice = Client::new(1, APP, "alice");
    alice.login(&mut sim);
    assert_eq!(alice.tiny_id, tiny_id);
    let mut bob = Client::new(2, APP, "bob");
    bob.login(&mut sim);
    let with_cookie = bob.getmsg(&mut sim, &cookie);
    assert_eq!(
        texts(&with_cookie.body["MsgList"]),
        vec!["after bob's sync"]
    );
    // The resend of a message from the first run is still recognised.
    let resend = alice.call(
        &mut sim,
        "openim.sendmsg",
        sendmsg_body("alice", "bob", 1, 1, 1, "before restart"),
    );
    assert_eq!(resend.len(), 1, "stored once, no push");
    assert_eq!(resend[0].body["ErrorCode"], json!(0));
}

mod chat_groups {
    use tcchat_core::proto::group::{GroupType, InviteOption, JoinOption, Role};
    use tcchat_server::store::{
        Change, GroupApplication, GroupLogEntry, GroupRecord, LogKind, MemberRecord, MemoryStore,
        SqliteStore, Store, Window,
    };

    const APP: u64 = 1_400_000_000;

    fn group(id: &str, next_seq: u64) -> GroupRecord {
        GroupRecord {
            id: id.into(),
            group_type: GroupType::Public,
            name: "G".into(),
            face_url: String::new(),
            introduction: "intro".into(),
            notification: String::new(),
            owner: "alice".into(),
            create_time: 100,
            info_seq: 1,
            last_info_time: 100,
            last_msg_time: 0,
            next_seq,
            max_members: 2000,
            join_option: JoinOption::NeedPermission,
            invite_option: InviteOption::DisableInvite,
            mute_all: false,
            custom: vec![("k".into(), "v".into())],
            dismissed: false,
        }
    }

    fn entry(seq: u64, sender: &str, client_seq: u64, kind: LogKind) -> GroupLogEntry {
        GroupLogEntry {
            seq,
            time: 200 + seq,
            sender: sender.into(),
            client_seq,
            random: 7,
            need_receipt: seq == 1,
            kind,
            payload: format!(r#"{{"MsgSeq":{seq}}}"#),
        }
    }

    fn member(g: &str, user: &str, role: Role, time: u64, join_seq: u64) -> Change {
        Change::GroupMember {
            group: g.into(),
            member: MemberRecord::new(user, role, time, join_seq),
        }
    }

    /// Create, members, windows across a quit and re-join, the log, dedup
    /// keys, applications and receipts: the same answers from both stores.
    fn contract(store: &mut dyn Store) {
        assert_eq!(store.chat_group(APP, "g1").unwrap(), None);
        store
            .apply(
                APP,
                &[
                    Change::ChatGroup(group("g1", 1)),
                    member("g1", "alice", Role::Owner, 100, 1),
                    member("g1", "bob", Role::Member, 100, 1),
                    Change::ChatGroup(group("g2", 1)),
                    member("g2", "bob", Role::Owner, 50, 1),
                ],
            )
            .unwrap();
        assert_eq!(store.chat_group(APP, "g1").unwrap(), Some(group("g1", 1)));
        // Other applications see nothing.
        assert_eq!(store.chat_group(APP + 1, "g1").unwrap(), None);
        let members: Vec<String> = store
            .group_members(APP, "g1")
            .unwrap()
            .into_iter()
            .map(|m| m.user)
            .collect();
        assert_eq!(members, ["alice", "bob"]);
        // By join time then ID: g2 (50) before g1 (100).
        assert_eq!(store.joined_groups(APP, "bob").unwrap(), ["g2", "g1"]);

        // Two log entries; the group's next sequence moves in the same batch.
        store
            .apply(
                APP,
                &[
                    Change::GroupLog {
                        group: "g1".into(),
                        entry: entry(1, "alice", 11, LogKind::Message),
                    },
                    Change::GroupLog {
                        group: "g1".into(),
                        entry: entry(2, "alice", 0, LogKind::Tip),
                    },
                    Change::ChatGroup(group("g1", 3)),
                ],
            )
            .unwrap();
        assert_eq!(store.chat_group(APP, "g1").unwrap().unwrap().next_seq, 3);
        let log = store.group_log(APP, "g1", 1, 10).unwrap();
        assert_eq!(
            log,
            [
                entry(1, "alice", 11, LogKind::Message),
                entry(2, "alice", 0, LogKind::Tip)
            ]
        );
        assert_eq!(store.group_log(APP, "g1", 2, 2).unwrap().len(), 1);
        assert!(store.group_log(APP, "g1", 3, 2).unwrap().is_empty());
        assert_eq!(
            store
                .group_message_by_client(APP, "g1", "alice", 11, 7)
                .unwrap(),
            Some(entry(1, "alice", 11, LogKind::Message))
        );
        assert_eq!(
            store
                .group_message_by_client(APP, "g1", "alice", 11, 8)
                .unwrap(),
            None
        );
        assert_eq!(
            store
                .group_message_by_client(APP, "g1", "bob", 11, 7)
                .unwrap(),
            None
        );

        // A sequence used twice fails the whole batch: nothing of it stays.
        let err = store.apply(
            APP,
            &[
                member("g1", "carol", Role::Member, 300, 3),
                Change::GroupLog {
                    group: "g1".into(),
                    entry: entry(2, "bob", 5, LogKind::Message),
                },
            ],
        );
        assert!(err.is_err());
        assert_eq!(store.group_member(APP, "g1", "carol").unwrap(), None);
        // A change to a group that does not exist fails too.
        assert!(store
            .apply(APP, &[member("nope", "bob", Role::Member, 1, 1)])
            .is_err());

        // bob quits before seq 3 and re-joins at seq 5: two windows.
        store
            .apply(
                APP,
                &[Change::EndGroupMember {
                    group: "g1".into(),
                    user: "bob".into(),
                    leave_seq: 3,
                }],
            )
            .unwrap();
        assert_eq!(store.group_member(APP, "g1", "bob").unwrap(), None);
        assert_eq!(store.joined_groups(APP, "bob").unwrap(), ["g2"]);
        store
            .apply(APP, &[member("g1", "bob", Role::Member, 400, 5)])
            .unwrap();
        assert_eq!(
            store.group_windows(APP, "g1", "bob").unwrap(),
            [
                Window {
                    join_seq: 1,
                    leave_seq: Some(3)
                },
                Window {
                    join_seq: 5,
                    leave_seq: None
                }
            ]
        );
        let bob = store.group_member(APP, "g1", "bob").unwrap().unwrap();
        assert_eq!((bob.join_seq, bob.read_seq), (5, 4));
        // Replacing the current membership (a role change) keeps the old window.
        let mut admin = bob.clone();
        admin.role = Role::Admin;
        admin.read_seq = 6;
        store
            .apply(
                APP,
                &[Change::GroupMember {
                    group: "g1".into(),
                    member: admin.clone(),
                }],
            )
            .unwrap();
        assert_eq!(store.group_member(APP, "g1", "bob").unwrap(), Some(admin));
        assert_eq!(store.group_windows(APP, "g1", "bob").unwrap().len(), 2);
        // Ending a membership that does not exist changes nothing.
        store
            .apply(
                APP,
                &[Change::EndGroupMember {
                    group: "g1".into(),
                    user: "zed".into(),
                    leave_seq: 9,
                }],
            )
            .unwrap();
        assert!(store.group_windows(APP, "g1", "zed").unwrap().is_empty());

        // Applications: oldest first, a repeat replaces, delete forgets.
        let app_of = |user: &str, time: u64, message: &str| GroupApplication {
            user: user.into(),
            time,
            message: message.into(),
        };
        store
            .apply(
                APP,
                &[
                    Change::GroupApplication {
                        group: "g1".into(),
                        application: app_of("dan", 20, "a"),
                    },
                    Change::GroupApplication {
                        group: "g1".into(),
                        application: app_of("eve", 10, "b"),
                    },
                    Change::GroupApplication {
                        group: "g1".into(),
                        application: app_of("dan", 30, "c"),
                    },
                ],
            )
            .unwrap();
        assert_eq!(
            store.group_applications(APP, "g1").unwrap(),
            [app_of("eve", 10, "b"), app_of("dan", 30, "c")]
        );
        store
            .apply(
                APP,
                &[Change::DeleteGroupApplication {
                    group: "g1".into(),
                    user: "eve".into(),
                }],
            )
            .unwrap();
        assert_eq!(
            store.group_applications(APP, "g1").unwrap(),
            [app_of("dan", 30, "c")]
        );

        // Receipts: each reader once, sorted.
        let receipt = |reader: &str| Change::GroupReceipt {
            group: "g1".into(),
            seq: 1,
            reader: reader.into(),
        };
        store
            .apply(APP, &[receipt("carol"), receipt("bob"), receipt("carol")])
            .unwrap();
        assert_eq!(
            store.group_receipts(APP, "g1", 1).unwrap(),
            ["bob", "carol"]
        );
        assert!(store.group_receipts(APP, "g1", 2).unwrap().is_empty());

        // A log entry's payload is replaced in place (revoke, modify); an
        // entry that does not exist fails the whole batch.
        let replace = |seq: u64, payload: &str| Change::GroupLogPayload {
            group: "g1".into(),
            seq,
            payload: payload.into(),
        };
        store
            .apply(APP, &[replace(1, r#"{"MsgSeq":1,"MsgFlagBits":8}"#)])
            .unwrap();
        let mut edited = entry(1, "alice", 11, LogKind::Message);
        edited.payload = r#"{"MsgSeq":1,"MsgFlagBits":8}"#.into();
        assert_eq!(store.group_log(APP, "g1", 1, 1).unwrap(), [edited.clone()]);
        assert_eq!(
            store
                .group_message_by_client(APP, "g1", "alice", 11, 7)
                .unwrap(),
            Some(edited.clone())
        );
        let hide = |seq: u64, user: &str| Change::GroupHide {
            group: "g1".into(),
            seq,
            user: user.into(),
        };
        assert!(store
            .apply(APP, &[hide(2, "alice"), replace(99, "{}")])
            .is_err());
        assert!(store
            .group_hidden(APP, "g1", "alice", 1, 10)
            .unwrap()
            .is_empty());
        assert_eq!(store.group_log(APP, "g1", 1, 1).unwrap(), [edited]);

        // Hidden sequences: per user, once, by range.
        store
            .apply(
                APP,
                &[
                    hide(2, "bob"),
                    hide(1, "bob"),
                    hide(2, "bob"),
                    hide(1, "alice"),
                ],
            )
            .unwrap();
        assert_eq!(store.group_hidden(APP, "g1", "bob", 1, 10).unwrap(), [1, 2]);
        assert_eq!(store.group_hidden(APP, "g1", "bob", 2, 2).unwrap(), [2]);
        assert_eq!(
            store.group_hidden(APP, "g1", "alice", 0, u64::MAX).unwrap(),
            [1]
        );
        assert!(store
            .group_hidden(APP, "g1", "carol", 1, 10)
            .unwrap()
            .is_empty());
        assert!(store
            .group_hidden(APP, "g2", "bob", 1, 10)
            .unwrap()
            .is_empty());
        assert!(store
            .group_hidden(APP, "g1", "bob", 5, 1)
            .unwrap()
            .is_empty());
        assert!(store
            .apply(
                APP,
                &[
                    hide(1, "bob"),
                    Change::GroupHide {
                        group: "nope".into(),
                        seq: 1,
                        user: "bob".into(),
                    }
                ]
            )
            .is_err());

        // Dismissed groups stay (their ID stays taken).
        let mut gone = store.chat_group(APP, "g2").unwrap().unwrap();
        gone.dismissed = true;
        store
            .apply(APP, &[Change::ChatGroup(gone.clone())])
            .unwrap();
        assert_eq!(store.chat_group(APP, "g2").unwrap(), Some(gone));

        // AVChatRoom: the non-owner memberships of live rooms, every app,
        // sorted; ended ones, owners, other types and dismissed rooms not.
        assert_eq!(store.transient_members().unwrap(), []);
        let room = |id: &str| GroupRecord {
            group_type: GroupType::AvChatRoom,
            ..group(id, 1)
        };
        let mut dead = room("av3");
        dead.dismissed = true;
        store
            .apply(
                APP,
                &[
                    Change::ChatGroup(room("av1")),
                    member("av1", "alice", Role::Owner, 100, 1),
                    member("av1", "dave", Role::Member, 100, 1),
                    member("av1", "bob", Role::Admin, 100, 1),
                    Change::ChatGroup(room("av2")),
                    member("av2", "carol", Role::Member, 100, 1),
                    Change::ChatGroup(dead),
                    member("av3", "erin", Role::Member, 100, 1),
                ],
            )
            .unwrap();
        store
            .apply(
                APP + 1,
                &[
                    Change::ChatGroup(room("av1")),
                    member("av1", "zed", Role::Member, 100, 1),
                ],
            )
            .unwrap();
        store
            .apply(
                APP,
                &[Change::EndGroupMember {
                    group: "av2".into(),
                    user: "carol".into(),
                    leave_seq: 1,
                }],
            )
            .unwrap();
        let t = |app: u64, g: &str, u: &str| (app, g.to_owned(), u.to_owned());
        assert_eq!(
            store.transient_members().unwrap(),
            [
                t(APP, "av1", "bob"),
                t(APP, "av1", "dave"),
                t(APP + 1, "av1", "zed")
            ]
        );
    }

    /// Extensions of group messages: keys kept per message in extension
    /// order, a delete as an empty value, a clear that forgets the keys and
    /// keeps its sequence, other messages, groups and applications apart,
    /// an unknown group refused.
    fn extension_contract(store: &mut dyn Store) {
        use tcchat_server::store::{Extension, GroupExtensions, StoreError};
        let x = |key: &str, value: &str, seq: u64| Extension {
            key: key.into(),
            value: value.into(),
            seq,
        };
        let put = |seq: u64, ext: Extension| Change::GroupExtension {
            group: "g1".into(),
            seq,
            ext,
        };
        store
            .apply(
                APP,
                &[
                    Change::ChatGroup(group("g1", 1)),
                    Change::ChatGroup(group("g2", 1)),
                ],
            )
            .unwrap();
        assert_eq!(
            store.group_extensions(APP, "g1", 1).unwrap(),
            GroupExtensions::default()
        );
        store
            .apply(
                APP,
                &[
                    put(1, x("b", "2", 1)),
                    put(1, x("a", "1", 2)),
                    put(2, x("z", "9", 1)),
                ],
            )
            .unwrap();
        store.apply(APP, &[put(1, x("b", "", 3))]).unwrap();
        let got = store.group_extensions(APP, "g1", 1).unwrap();
        assert_eq!(got.keys, [x("a", "1", 2), x("b", "", 3)]);
        assert_eq!((got.clear_seq, got.latest_seq()), (0, 3));
        assert_eq!(
            store.group_extensions(APP, "g1", 2).unwrap().keys,
            [x("z", "9", 1)]
        );
        assert!(store
            .group_extensions(APP, "g2", 1)
            .unwrap()
            .keys
            .is_empty());
        assert!(store
            .group_extensions(APP + 1, "g1", 1)
            .unwrap()
            .keys
            .is_empty());
        store
            .apply(
                APP,
                &[Change::GroupClearExtensions {
                    group: "g1".into(),
                    seq: 1,
                    clear_seq: 4,
                }],
            )
            .unwrap();
        let got = store.group_extensions(APP, "g1", 1).unwrap();
        assert!(got.keys.is_empty());
        assert_eq!((got.clear_seq, got.latest_seq()), (4, 4));
        store.apply(APP, &[put(1, x("c", "3", 5))]).unwrap();
        let got = store.group_extensions(APP, "g1", 1).unwrap();
        assert_eq!((got.keys.len(), got.clear_seq, got.latest_seq()), (1, 4, 5));
        // The other message keeps its keys.
        assert_eq!(store.group_extensions(APP, "g1", 2).unwrap().keys.len(), 1);
        let err = store.apply(
            APP,
            &[Change::GroupExtension {
                group: "nope".into(),
                seq: 1,
                ext: x("a", "1", 1),
            }],
        );
        assert!(matches!(err, Err(StoreError::Corrupt(_))), "{err:?}");
    }

    #[test]
    fn both_stores_keep_group_extensions_alike() {
        extension_contract(&mut MemoryStore::new());
        extension_contract(&mut SqliteStore::in_memory().unwrap());
    }

    /// Group attributes, counters and pins (issue 17): replaced whole with
    /// their sequence, kept per group and application, an unknown group
    /// refused.
    fn live_state_contract(store: &mut dyn Store) {
        use tcchat_server::store::{GroupAttributes, GroupCounters, StoreError};
        store
            .apply(
                APP,
                &[
                    Change::ChatGroup(group("g1", 1)),
                    Change::ChatGroup(group("g2", 1)),
                ],
            )
            .unwrap();
        assert_eq!(
            store.group_attributes(APP, "g1").unwrap(),
            GroupAttributes::default()
        );
        assert_eq!(
            store.group_counters(APP, "g1").unwrap(),
            GroupCounters::default()
        );
        let attrs = GroupAttributes {
            main_seq: 3,
            attrs: vec![("a".into(), "1".into()), ("b".into(), String::new())],
        };
        let counters = GroupCounters {
            seq: 2,
            counters: vec![("likes".into(), -7), ("max".into(), i64::MAX)],
        };
        store
            .apply(
                APP,
                &[
                    Change::GroupAttributes {
                        group: "g1".into(),
                        state: attrs.clone(),
                    },
                    Change::GroupCounters {
                        group: "g1".into(),
                        state: counters.clone(),
                    },
                ],
            )
            .unwrap();
        assert_eq!(store.group_attributes(APP, "g1").unwrap(), attrs);
        assert_eq!(store.group_counters(APP, "g1").unwrap(), counters);
        assert_eq!(
            store.group_attributes(APP, "g2").unwrap(),
            GroupAttributes::default()
        );
        assert_eq!(
            store.group_counters(APP + 1, "g1").unwrap(),
            GroupCounters::default()
        );
        // A write replaces the whole set.
        let fewer = GroupAttributes {
            main_seq: 4,
            attrs: vec![("b".into(), "2".into())],
        };
        store
            .apply(
                APP,
                &[Change::GroupAttributes {
                    group: "g1".into(),
                    state: fewer.clone(),
                }],
            )
            .unwrap();
        assert_eq!(store.group_attributes(APP, "g1").unwrap(), fewer);
        // Pins: replaced whole, in pin order.
        assert!(store.group_pins(APP, "g1").unwrap().is_empty());
        store
            .apply(
                APP,
                &[Change::GroupPins {
                    group: "g1".into(),
                    seqs: vec![7, 3],
                }],
            )
            .unwrap();
        assert_eq!(store.group_pins(APP, "g1").unwrap(), [7, 3]);
        assert!(store.group_pins(APP, "g2").unwrap().is_empty());
        for change in [
            Change::GroupPins {
                group: "nope".into(),
                seqs: vec![1],
            },
            Change::GroupAttributes {
                group: "nope".into(),
                state: fewer.clone(),
            },
            Change::GroupCounters {
                group: "nope".into(),
                state: counters.clone(),
            },
        ] {
            let err = store.apply(APP, &[change]);
            assert!(matches!(err, Err(StoreError::Corrupt(_))), "{err:?}");
        }
    }

    #[test]
    fn both_stores_keep_group_attributes_and_counters_alike() {
        live_state_contract(&mut MemoryStore::new());
        live_state_contract(&mut SqliteStore::in_memory().unwrap());
    }

    /// Community topics (issue 17): records per community, a log with
    /// its own sequences and resend keys, members' own states; a topic of
    /// an unknown group, a change for an unknown topic and a sequence
    /// used twice refused.
    fn topic_contract(store: &mut dyn Store) {
        use tcchat_server::store::{StoreError, TopicRecord, TopicSelf};
        let topic = |id: &str, group: &str| TopicRecord {
            id: id.into(),
            group: group.into(),
            name: "T".into(),
            face_url: String::new(),
            introduction: "i".into(),
            notification: "n".into(),
            custom: "cd".into(),
            mute_all: false,
            create_time: 100,
            last_msg_time: 0,
            next_seq: 1,
            deleted: false,
        };
        let mut community = group("@TGS#_c", 1);
        community.group_type = GroupType::Community;
        store.apply(APP, &[Change::ChatGroup(community)]).unwrap();
        assert!(store.topics(APP, "@TGS#_c").unwrap().is_empty());
        let t1 = topic("@TGS#_c@TOPIC#_1", "@TGS#_c");
        let t2 = topic("@TGS#_c@TOPIC#_2", "@TGS#_c");
        store
            .apply(
                APP,
                &[
                    Change::Topic(t2.clone()),
                    Change::Topic(t1.clone()),
                    Change::TopicLog {
                        topic: t1.id.clone(),
                        entry: entry(1, "bob", 5, LogKind::Message),
                    },
                    Change::TopicLog {
                        topic: t1.id.clone(),
                        entry: entry(2, "alice", 0, LogKind::Tip),
                    },
                ],
            )
            .unwrap();
        assert_eq!(
            store.topics(APP, "@TGS#_c").unwrap(),
            [t1.clone(), t2.clone()]
        );
        assert!(store.topics(APP + 1, "@TGS#_c").unwrap().is_empty());
        assert_eq!(store.topic(APP, &t2.id).unwrap(), Some(t2.clone()));
        assert_eq!(store.topic(APP, "@TGS#_c@TOPIC#_9").unwrap(), None);
        assert_eq!(
            store.topic_log(APP, &t1.id, 1, 9).unwrap(),
            [
                entry(1, "bob", 5, LogKind::Message),
                entry(2, "alice", 0, LogKind::Tip)
            ]
        );
        assert_eq!(store.topic_log(APP, &t1.id, 2, 2).unwrap().len(), 1);
        assert!(store.topic_log(APP, &t2.id, 1, 9).unwrap().is_empty());
        assert!(store.group_log(APP, "@TGS#_c", 1, 9).unwrap().is_empty());
        assert_eq!(
            store
                .topic_message_by_client(APP, &t1.id, "bob", 5, 7)
                .unwrap()
                .map(|e| e.seq),
            Some(1)
        );
        assert_eq!(
            store
                .topic_message_by_client(APP, &t1.id, "alice", 0, 7)
                .unwrap(),
            None,
            "tips are not messages"
        );
        // A record is replaced whole; members' own states are per topic.
        let mut renamed = t1.clone();
        renamed.name = "T renamed".into();
        renamed.deleted = true;
        let state = TopicSelf {
            read_seq: 2,
            msg_flag: "AcceptNotNotify".into(),
        };
        assert_eq!(store.topic_self(APP, &t1.id, "bob").unwrap(), None);
        store
            .apply(
                APP,
                &[
                    Change::Topic(renamed.clone()),
                    Change::TopicSelf {
                        topic: t1.id.clone(),
                        user: "bob".into(),
                        state: state.clone(),
                    },
                ],
            )
            .unwrap();
        assert_eq!(store.topic(APP, &t1.id).unwrap(), Some(renamed));
        assert_eq!(store.topic_self(APP, &t1.id, "bob").unwrap(), Some(state));
        assert_eq!(store.topic_self(APP, &t2.id, "bob").unwrap(), None);
        for change in [
            Change::Topic(topic("@TGS#_x@TOPIC#_1", "@TGS#_x")),
            Change::TopicLog {
                topic: "@TGS#_c@TOPIC#_9".into(),
                entry: entry(1, "bob", 1, LogKind::Message),
            },
            Change::TopicLog {
                topic: t1.id.clone(),
                entry: entry(1, "bob", 9, LogKind::Message),
            },
            Change::TopicSelf {
                topic: "@TGS#_c@TOPIC#_9".into(),
                user: "bob".into(),
                state: TopicSelf::default(),
            },
        ] {
            let err = store.apply(APP, &[change]);
            assert!(err.is_err(), "{err:?}");
            let _: Option<StoreError> = err.err();
        }
        // A refused batch changed nothing.
        assert_eq!(store.topic_log(APP, &t1.id, 1, 9).unwrap().len(), 2);
    }

    #[test]
    fn both_stores_keep_topics_alike() {
        topic_contract(&mut MemoryStore::new());
        topic_contract(&mut SqliteStore::in_memory().unwrap());
    }

    #[test]
    fn both_stores_keep_chat_groups_alike() {
        contract(&mut MemoryStore::new());
        contract(&mut SqliteStore::in_memory().unwrap());
    }
}

/// Group conversation states (pinned, deleted up to a sequence): replaced
/// whole, per owner and application, the same from both stores.
fn group_conversation_contract(store: &mut dyn Store) {
    use tcchat_server::store::GroupConversationRecord;
    assert!(store.group_conversation_states(1, "a").unwrap().is_empty());
    let pinned = GroupConversationRecord {
        group: "g2".into(),
        pinned: true,
        clear_seq: 0,
    };
    let cleared = GroupConversationRecord {
        group: "g1".into(),
        pinned: false,
        clear_seq: 7,
    };
    store
        .apply(
            1,
            &[
                Change::GroupConversation {
                    owner: "a".into(),
                    record: pinned.clone(),
                },
                Change::GroupConversation {
                    owner: "a".into(),
                    record: cleared.clone(),
                },
            ],
        )
        .unwrap();
    // By group.
    assert_eq!(
        store.group_conversation_states(1, "a").unwrap(),
        [cleared.clone(), pinned.clone()]
    );
    assert!(store.group_conversation_states(1, "b").unwrap().is_empty());
    assert!(store.group_conversation_states(2, "a").unwrap().is_empty());
    let unpinned = GroupConversationRecord {
        pinned: false,
        clear_seq: 9,
        ..pinned
    };
    store
        .apply(
            1,
            &[Change::GroupConversation {
                owner: "a".into(),
                record: unpinned.clone(),
            }],
        )
        .unwrap();
    assert_eq!(
        store.group_conversation_states(1, "a").unwrap(),
        [cleared, unpinned]
    );
}

#[test]
fn both_stores_keep_group_conversation_states_alike() {
    group_conversation_contract(&mut MemoryStore::new());
    group_conversation_contract(&mut SqliteStore::in_memory().unwrap());
}

/// Profiles and friend lists (issue 18): tags merge, friend records are
/// replaced and deleted, and every key includes the application.
fn relation_contract(store: &mut dyn Store) {
    use tcchat_server::store::{FriendRecord, ProfileTag};
    let tag = |t: &str, v: &str| ProfileTag {
        tag: t.into(),
        value: v.into(),
    };
    assert!(store.profile(1, "a").unwrap().is_empty());
    store
        .apply(
            1,
            &[Change::ProfileTags {
                user: "a".into(),
                tags: vec![
                    tag("Tag_Profile_IM_Nick", r#""ann""#),
                    tag("Tag_Profile_IM_Level", "3"),
                ],
            }],
        )
        .unwrap();
    store
        .apply(
            1,
            &[Change::ProfileTags {
                user: "a".into(),
                tags: vec![tag("Tag_Profile_IM_Nick", r#""anna""#)],
            }],
        )
        .unwrap();
    assert_eq!(
        store.profile(1, "a").unwrap(),
        [
            tag("Tag_Profile_IM_Level", "3"),
            tag("Tag_Profile_IM_Nick", r#""anna""#)
        ]
    );
    assert!(store.profile(2, "a").unwrap().is_empty(), "apps are apart");

    let friend = |peer: &str, remark: &str| FriendRecord {
        peer: peer.into(),
        remark: remark.into(),
        groups: vec!["g1".into()],
        add_source: "AddSource_Type_Web".into(),
        add_wording: "hi".into(),
        add_time: 1_795_630_000,
        custom: vec![("Tag_SNS_Custom_Level".into(), "gold".into())],
    };
    store
        .apply(
            1,
            &[
                Change::Friend {
                    owner: "a".into(),
                    record: friend("c", ""),
                },
                Change::Friend {
                    owner: "a".into(),
                    record: friend("b", "bee"),
                },
                Change::Friend {
                    owner: "b".into(),
                    record: friend("a", ""),
                },
            ],
        )
        .unwrap();
    assert_eq!(
        store.friends(1, "a").unwrap(),
        [friend("b", "bee"), friend("c", "")],
        "sorted by friend"
    );
    store
        .apply(
            1,
            &[Change::Friend {
                owner: "a".into(),
                record: friend("b", "bea"),
            }],
        )
        .unwrap();
    assert_eq!(store.friend(1, "a", "b").unwrap(), Some(friend("b", "bea")));
    store
        .apply(
            1,
            &[
                Change::DeleteFriend {
                    owner: "a".into(),
                    peer: "c".into(),
                },
                Change::DeleteFriend {
                    owner: "a".into(),
                    peer: "nobody".into(),
                },
            ],
        )
        .unwrap();
    assert_eq!(store.friends(1, "a").unwrap(), [friend("b", "bea")]);
    assert_eq!(store.friend(1, "b", "a").unwrap(), Some(friend("a", "")));
    assert_eq!(store.friend(2, "a", "b").unwrap(), None, "apps are apart");

    use tcchat_server::store::FriendApplicationRecord;
    let application = |peer: &str, incoming: bool, time: u64| FriendApplicationRecord {
        peer: peer.into(),
        incoming,
        add_source: "AddSource_Type_Web".into(),
        add_wording: "hi".into(),
        remark: "r".into(),
        add_time: time,
    };
    assert!(store.friend_applications(1, "a").unwrap().is_empty());
    assert_eq!(store.applications_read_time(1, "a").unwrap(), 0);
    store
        .apply(
            1,
            &[
                Change::FriendApplication {
                    owner: "a".into(),
                    record: application("x", false, 5),
                },
                Change::FriendApplication {
                    owner: "a".into(),
                    record: application("x", true, 6),
                },
                Change::FriendApplication {
                    owner: "a".into(),
                    record: application("w", true, 7),
                },
                Change::ApplicationsRead {
                    owner: "a".into(),
                    time: 6,
                },
            ],
        )
        .unwrap();
    assert_eq!(
        store.friend_applications(1, "a").unwrap(),
        [
            application("w", true, 7),
            application("x", true, 6),
            application("x", false, 5)
        ],
        "by peer, incoming first"
    );
    assert_eq!(store.applications_read_time(1, "a").unwrap(), 6);
    store
        .apply(
            1,
            &[Change::DeleteFriendApplication {
                owner: "a".into(),
                peer: "x".into(),
                incoming: true,
            }],
        )
        .unwrap();
    assert_eq!(
        store.friend_applications(1, "a").unwrap(),
        [application("w", true, 7), application("x", false, 5)]
    );
    assert!(store.friend_applications(2, "a").unwrap().is_empty());

    assert!(store.friend_groups(1, "a").unwrap().is_empty());
    let names = |v: &[&str]| v.iter().map(|n| n.to_string()).collect::<Vec<_>>();
    store
        .apply(
            1,
            &[Change::FriendGroups {
                owner: "a".into(),
                names: names(&["zeta", "alpha", "mid"]),
            }],
        )
        .unwrap();
    assert_eq!(
        store.friend_groups(1, "a").unwrap(),
        names(&["zeta", "alpha", "mid"]),
        "in the order given, not sorted"
    );
    assert!(store.friend_groups(1, "b").unwrap().is_empty());
    assert!(
        store.friend_groups(2, "a").unwrap().is_empty(),
        "apps are apart"
    );
    store
        .apply(
            1,
            &[Change::FriendGroups {
                owner: "a".into(),
                names: names(&["alpha"]),
            }],
        )
        .unwrap();
    assert_eq!(store.friend_groups(1, "a").unwrap(), names(&["alpha"]));
    store
        .apply(
            1,
            &[Change::FriendGroups {
                owner: "a".into(),
                names: Vec::new(),
            }],
        )
        .unwrap();
    assert!(store.friend_groups(1, "a").unwrap().is_empty());
    store
        .apply(
            1,
            &[Change::FriendGroups {
                owner: "a".into(),
                names: names(&["kept"]),
            }],
        )
        .unwrap();
}

#[test]
fn both_stores_keep_profiles_and_friends_alike() {
    relation_contract(&mut MemoryStore::new());
    relation_contract(&mut SqliteStore::in_memory().unwrap());
}

#[test]
fn profiles_and_friends_survive_reopen() {
    let path = temp_db("relations");
    {
        let mut store = SqliteStore::open(&path).unwrap();
        relation_contract(&mut store);
    }
    let mut store = SqliteStore::open(&path).unwrap();
    assert_eq!(store.friends(1, "a").unwrap().len(), 1);
    assert_eq!(store.profile(1, "a").unwrap().len(), 2);
    assert_eq!(store.friend_groups(1, "a").unwrap(), ["kept"]);
}

/// Blacklists, custom statuses and status subscriptions (issue 18).
fn presence_contract(store: &mut dyn Store) {
    let block = |peer: &str, time: u64, present: bool| Change::Block {
        owner: "a".into(),
        peer: peer.into(),
        time,
        present,
    };
    store
        .apply(1, &[block("c", 10, true), block("b", 11, true)])
        .unwrap();
    // A peer already there keeps its first time.
    store.apply(1, &[block("c", 99, true)]).unwrap();
    assert_eq!(
        store.blacklist(1, "a").unwrap(),
        vec![("b".to_owned(), 11), ("c".to_owned(), 10)]
    );
    assert!(store.is_blocked(1, "a", "b").unwrap());
    assert!(!store.is_blocked(1, "b", "a").unwrap());
    assert!(!store.is_blocked(2, "a", "b").unwrap(), "apps never mix");
    store
        .apply(1, &[block("b", 0, false), block("zz", 0, false)])
        .unwrap();
    assert_eq!(store.blacklist(1, "a").unwrap(), vec![("c".to_owned(), 10)]);

    assert_eq!(store.custom_status(1, "a").unwrap(), "");
    store
        .apply(
            1,
            &[Change::CustomStatus {
                user: "a".into(),
                status: "在忙".into(),
            }],
        )
        .unwrap();
    assert_eq!(store.custom_status(1, "a").unwrap(), "在忙");
    assert_eq!(store.custom_status(2, "a").unwrap(), "");

    let sub = |s: &str, t: &str, present: bool| Change::StatusSubscription {
        subscriber: s.into(),
        target: t.into(),
        present,
    };
    store
        .apply(
            1,
            &[
                sub("b", "a", true),
                sub("c", "a", true),
                sub("b", "d", true),
            ],
        )
        .unwrap();
    assert_eq!(store.status_subscribers(1, "a").unwrap(), vec!["b", "c"]);
    assert_eq!(store.status_subscriptions(1, "b").unwrap(), vec!["a", "d"]);
    store.apply(1, &[sub("b", "a", false)]).unwrap();
    assert_eq!(store.status_subscribers(1, "a").unwrap(), vec!["c"]);
    assert_eq!(store.status_subscriptions(1, "b").unwrap(), vec!["d"]);
    assert!(store.status_subscribers(2, "a").unwrap().is_empty());

    let follow = |f: &str, t: &str, time: u64, present: bool| Change::Follow {
        follower: f.into(),
        target: t.into(),
        time,
        present,
    };
    store
        .apply(1, &[follow("a", "b", 5, true), follow("c", "b", 6, true)])
        .unwrap();
    store.apply(1, &[follow("a", "b", 9, true)]).unwrap();
    assert_eq!(store.following(1, "a").unwrap(), vec![("b".to_owned(), 5)]);
    assert_eq!(
        store.followers(1, "b").unwrap(),
        vec![("a".to_owned(), 5), ("c".to_owned(), 6)]
    );
    store.apply(1, &[follow("a", "b", 0, false)]).unwrap();
    assert!(store.following(1, "a").unwrap().is_empty());
    assert_eq!(store.followers(1, "b").unwrap(), vec![("c".to_owned(), 6)]);
    assert!(store.followers(2, "b").unwrap().is_empty());
}

#[test]
fn both_stores_keep_presence_alike() {
    presence_contract(&mut MemoryStore::new());
    presence_contract(&mut SqliteStore::in_memory().unwrap());
}
