//! `AVChatRoom` through the engine (docs/GROUPS.md, "AVChatRoom"), on both
//! stores: membership only while online (disconnect, logout and kick end
//! it; a new login does not restore it; the owner stays), messages only to
//! the members online at the time, no history, an exact online count, and
//! leftover memberships ended at start-up.

mod common;

use common::ops::Outcome;
use common::*;
use serde_json::{json, Value};
use tcchat_core::proto::group::{GroupType, InviteOption, JoinOption, Role};
use tcchat_server::engine::KickType;
use tcchat_server::store::{Change, GroupRecord, MemberRecord, MemoryStore, SqliteStore, Store};

const CREATE: &str = "group_open_http_svc.create_group";
const LIST: &str = "group_open_http_svc.get_joined_group_list";
const JOIN: &str = "group_open_http_svc.apply_join_group";
const SEND: &str = "group_open_http_svc.send_group_msg";
const HISTORY: &str = "group_open_http_svc.group_msg_get";
const ONLINE: &str = "group_open_http_svc.get_online_member_num";
const QUIT: &str = "group_open_http_svc.quit_group";

fn send<S: Store>(c: &mut Client, sim: &mut Sim<S>, group: &str, seq: u64, text: &str) -> Outcome {
    let body = json!({"From_Account": c.user, "GroupId": group, "Random": seq + 500,
        "ClientSeq": seq, "MsgPriority": "Normal",
        "MsgBody": [{"MsgType": "TIMTextElem", "MsgContent": {"Text": text}}],
        "CloudCustomData": "", "OnlineOnlyFlag": 0, "GroupAtInfo": [], "MsgClientTime": sim.unix_s(),
        "NeedReadReceipt": 0});
    c.op(sim, SEND, body)
}

/// `(Event, OpType or 0, MsgSeq)` of each group item pushed to `conn`.
fn items(pushes: &[Value]) -> Vec<(u64, u64, u64)> {
    pushes
        .iter()
        .flat_map(|e| {
            let ev = e["Event"].as_u64().unwrap();
            let list = e
                .get("GroupMsgArray")
                .or_else(|| e.get("GroupTips"))
                .and_then(Value::as_array)
                .cloned()
                .unwrap_or_default();
            list.into_iter().map(move |i| {
                (
                    ev,
                    i["MsgBody"]["OpType"].as_u64().unwrap_or(0),
                    i["MsgSeq"].as_u64().unwrap(),
                )
            })
        })
        .collect()
}

/// The group items pushed to `conn` in `outputs` (a disconnect's pushes).
fn pushed(outputs: &[tcchat_server::engine::Output], conn: u64) -> Vec<(u64, u64, u64)> {
    let events: Vec<Value> = frames(outputs)
        .into_iter()
        .filter(|m| m.conn.0 == conn)
        .flat_map(|m| m.body["EventArray"].as_array().cloned().unwrap_or_default())
        .collect();
    items(&events)
}

fn list_ids<S: Store>(c: &mut Client, sim: &mut Sim<S>) -> Vec<String> {
    let out = c
        .op(
            sim,
            LIST,
            json!({"Member_Account": c.user, "Limit": 200, "Offset": 0}),
        )
        .ok();
    out.body()["GroupIdList"]
        .as_array()
        .unwrap()
        .iter()
        .map(|g| g["GroupId"].as_str().unwrap().to_owned())
        .collect()
}

fn online<S: Store>(c: &mut Client, sim: &mut Sim<S>, group: &str) -> u64 {
    let out = c.op(sim, ONLINE, json!({"GroupId": group})).ok();
    out.body()["OnlineMemberNum"].as_u64().unwrap()
}

fn history<S: Store>(c: &mut Client, sim: &mut Sim<S>, group: &str) -> Outcome {
    c.op(
        sim,
        HISTORY,
        json!({"GroupId": group, "ReqMsgSeq": 0, "ReqMsgNumber": 20}),
    )
}

/// alice creates a room that bob and carol join; returns its ID.
fn room<S: Store>(sim: &mut Sim<S>, alice: &mut Client, others: &mut [&mut Client]) -> String {
    let out = alice
        .op(
            sim,
            CREATE,
            json!({"Type": "AVChatRoom", "Name": "Live", "Owner_Account": alice.user}),
        )
        .ok();
    let id = out.body()["GroupId"].as_str().unwrap().to_owned();
    assert!(id.starts_with("@TGS#a"), "{id}");
    for c in others.iter_mut() {
        let out = c.op(sim, JOIN, json!({"GroupId": id, "ApplyMsg": ""})).ok();
        assert_eq!(out.body()["JoinedStatus"], "JoinedSuccess");
    }
    id
}

/// Join, live messages, no history, a disconnect ends the membership (with
/// a quit tip to those online), a new login does not restore it, and the
/// owner stays while offline but gets nothing meanwhile.
fn membership_lives_while_online<S: Store>(mut sim: Sim<S>) {
    let mut alice = Client::new(1, APP, "alice");
    let mut bob = Client::new(2, APP, "bob");
    let mut carol = Client::new(3, APP, "carol");
    alice.login(&mut sim);
    bob.login(&mut sim);
    carol.login(&mut sim);
    let id = room(&mut sim, &mut alice, &mut [&mut bob, &mut carol]);
    assert_eq!(online(&mut alice, &mut sim, &id), 3);
    // Joining again (the owner entering its room) is JoinedSuccess, not
    // AlreadyInGroup, and changes nothing.
    let out = alice
        .op(&mut sim, JOIN, json!({"GroupId": id, "ApplyMsg": ""}))
        .ok();
    assert_eq!(out.body()["JoinedStatus"], "JoinedSuccess");
    assert!(out.pushed_to().is_empty());

    // A message reaches the two others at once, with a sequence.
    let out = send(&mut bob, &mut sim, &id, 1, "live 1").ok();
    let seq = out.body()["MsgSeq"].as_u64().unwrap();
    assert!(seq > 0);
    assert_eq!(items(&out.events_to(1)), [(3, 0, seq)]);
    assert_eq!(items(&out.events_to(3)), [(3, 0, seq)]);
    // No history, for anyone (and no tips in it either).
    let h = history(&mut carol, &mut sim, &id).ok();
    assert_eq!(h.body()["RspMsgList"], json!([]));
    assert_eq!(h.body()["IsFinished"], 1);

    // carol's socket goes: she leaves, the two online get the quit tip.
    let out = sim.disconnect(3);
    let tips = pushed(&out, 1);
    assert_eq!(tips.len(), 1, "{tips:?}");
    assert_eq!((tips[0].0, tips[0].1), (4, 2));
    assert_eq!(pushed(&out, 2).len(), 1);
    assert_eq!(online(&mut alice, &mut sim, &id), 2);

    // What is sent meanwhile is hers never.
    let out = send(&mut bob, &mut sim, &id, 2, "live 2").ok();
    assert_eq!(out.pushed_to().into_iter().collect::<Vec<_>>(), [1]);
    let mut carol = Client::new(4, APP, "carol");
    carol.login(&mut sim);
    assert!(!list_ids(&mut carol, &mut sim).contains(&id));
    // An earlier member reads an empty history (there is none to cut).
    assert_eq!(
        history(&mut carol, &mut sim, &id).ok().body()["RspMsgList"],
        json!([])
    );
    assert_eq!(send(&mut carol, &mut sim, &id, 3, "x").code(), 10007);
    // She may join again; the count follows.
    carol
        .op(&mut sim, JOIN, json!({"GroupId": id, "ApplyMsg": ""}))
        .ok();
    assert_eq!(online(&mut bob, &mut sim, &id), 3);

    // The owner stays a member while offline, and gets nothing then.
    sim.disconnect(1);
    assert_eq!(online(&mut bob, &mut sim, &id), 2);
    let out = send(&mut bob, &mut sim, &id, 4, "live 3").ok();
    assert_eq!(out.pushed_to().into_iter().collect::<Vec<_>>(), [4]);
    let mut alice = Client::new(5, APP, "alice");
    alice.login(&mut sim);
    assert_eq!(list_ids(&mut alice, &mut sim), vec![id.clone()]);
    assert_eq!(
        history(&mut alice, &mut sim, &id).ok().body()["RspMsgList"],
        json!([])
    );
    assert_eq!(online(&mut alice, &mut sim, &id), 3);
    // Nothing went to the group log, tips included.
    let store = sim.engine.store_mut();
    assert_eq!(store.group_log(APP, &id, 0, u64::MAX).unwrap(), []);
}

/// Logout and a kick end the membership as a disconnect does; an explicit
/// quit still works; a session moving to a newer socket does not.
fn logout_kick_and_reconnect<S: Store>(mut sim: Sim<S>) {
    let mut alice = Client::new(1, APP, "alice");
    let mut bob = Client::new(2, APP, "bob");
    let mut carol = Client::new(3, APP, "carol");
    alice.login(&mut sim);
    bob.login(&mut sim);
    carol.login(&mut sim);
    let id = room(&mut sim, &mut alice, &mut [&mut bob, &mut carol]);

    // bob's session moves to a new socket (a reconnect): still a member.
    let mut bob2 = bob.clone();
    bob2.conn = 12;
    bob2.connect(&mut sim);
    assert_eq!(bob2.relogin(&mut sim).body["ErrorCode"], 0);
    assert_eq!(online(&mut alice, &mut sim, &id), 3);
    let out = sim.disconnect(2);
    assert!(pushed(&out, 1).is_empty(), "the old socket held no session");
    assert_eq!(online(&mut alice, &mut sim, &id), 3);

    // Logout.
    let out = bob2.op(
        &mut sim,
        "im_open_status.wslogout",
        json!({"wslogout_type": 0}),
    );
    assert_eq!(out.code(), 0);
    assert_eq!(
        items(&out.events_to(1))
            .iter()
            .map(|t| t.1)
            .collect::<Vec<_>>(),
        [2]
    );
    assert_eq!(online(&mut alice, &mut sim, &id), 2);

    // A kick (the REST kick or a login elsewhere).
    let (ms, app) = (sim.unix_ms(), APP);
    sim.engine.kick_user(ms, app, "carol", KickType::RestApi);
    sim.drain();
    assert_eq!(online(&mut alice, &mut sim, &id), 1);
    assert!(sim
        .engine
        .store_mut()
        .group_member(APP, &id, "carol")
        .unwrap()
        .is_none());

    // Quit while online works as for other types.
    let mut dave = Client::new(6, APP, "dave");
    dave.login(&mut sim);
    dave.op(&mut sim, JOIN, json!({"GroupId": id, "ApplyMsg": ""}))
        .ok();
    assert_eq!(online(&mut alice, &mut sim, &id), 2);
    dave.op(&mut sim, QUIT, json!({"GroupId": id})).ok();
    assert_eq!(online(&mut alice, &mut sim, &id), 1);
}

/// The member limit of the type applies to who is in the room now.
fn member_limit_counts_who_is_online<S: Store>(mut sim: Sim<S>) {
    let mut alice = Client::new(1, APP, "alice");
    alice.login(&mut sim);
    let out = alice
        .op(
            &mut sim,
            CREATE,
            json!({"Type": "AVChatRoom", "Name": "Small", "Owner_Account": "alice", "MaxMemberCount": 2}),
        )
        .ok();
    let id = out.body()["GroupId"].as_str().unwrap().to_owned();
    let mut bob = Client::new(2, APP, "bob");
    let mut carol = Client::new(3, APP, "carol");
    bob.login(&mut sim);
    carol.login(&mut sim);
    bob.op(&mut sim, JOIN, json!({"GroupId": id, "ApplyMsg": ""}))
        .ok();
    assert_eq!(
        carol
            .op(&mut sim, JOIN, json!({"GroupId": id, "ApplyMsg": ""}))
            .code(),
        10014
    );
    sim.disconnect(2);
    carol
        .op(&mut sim, JOIN, json!({"GroupId": id, "ApplyMsg": ""}))
        .ok();
}

/// A resend (same `ClientSeq` and `Random`, as a held send comes back after
/// a reconnect) gets its first answer and reaches nobody again, although a
/// room keeps no log to find it in; a new send still takes a new sequence.
fn a_resend_is_answered_once<S: Store>(mut sim: Sim<S>) {
    let mut alice = Client::new(1, APP, "alice");
    let mut bob = Client::new(2, APP, "bob");
    alice.login(&mut sim);
    bob.login(&mut sim);
    let id = room(&mut sim, &mut alice, &mut [&mut bob]);
    let first = send(&mut bob, &mut sim, &id, 7, "once").ok();
    let seq = first.body()["MsgSeq"].as_u64().unwrap();
    assert_eq!(items(&first.events_to(1)), [(3, 0, seq)]);
    let again = send(&mut bob, &mut sim, &id, 7, "once").ok();
    assert_eq!(again.body()["MsgSeq"], first.body()["MsgSeq"]);
    assert_eq!(again.body()["MsgTime"], first.body()["MsgTime"]);
    assert!(again.pushed_to().is_empty(), "{:?}", again.others);
    let next = send(&mut bob, &mut sim, &id, 8, "twice").ok();
    assert_eq!(next.body()["MsgSeq"].as_u64(), Some(seq + 1));
}

on_both_stores!(
    a_resend_is_answered_once,
    membership_lives_while_online,
    logout_kick_and_reconnect,
    member_limit_counts_who_is_online,
);

fn av_room(id: &str) -> GroupRecord {
    GroupRecord {
        id: id.into(),
        group_type: GroupType::AvChatRoom,
        name: "Live".into(),
        face_url: String::new(),
        introduction: String::new(),
        notification: String::new(),
        owner: "alice".into(),
        create_time: 100,
        info_seq: 1,
        last_info_time: 100,
        last_msg_time: 0,
        next_seq: 5,
        max_members: 100,
        join_option: JoinOption::FreeAccess,
        invite_option: InviteOption::DisableInvite,
        mute_all: false,
        custom: Vec::new(),
        dismissed: false,
    }
}

/// A store holding room members from an earlier run (nobody is online at
/// start-up): the engine ends every non-owner membership of a room and
/// leaves other groups alone.
fn leftovers_end_at_start_up<S: Store>(mut store: S) {
    let member = |g: &str, user: &str, role: Role| Change::GroupMember {
        group: g.into(),
        member: MemberRecord::new(user, role, 100, 1),
    };
    let mut public = av_room("pub");
    public.group_type = GroupType::Public;
    store
        .apply(
            APP,
            &[
                Change::ChatGroup(av_room("live")),
                member("live", "alice", Role::Owner),
                member("live", "bob", Role::Member),
                member("live", "carol", Role::Admin),
                Change::ChatGroup(public),
                member("pub", "alice", Role::Owner),
                member("pub", "bob", Role::Member),
            ],
        )
        .unwrap();
    let mut sim = Sim::with(config(), store);
    let store = sim.engine.store_mut();
    let users = |store: &mut S, g: &str| -> Vec<String> {
        store
            .group_members(APP, g)
            .unwrap()
            .into_iter()
            .map(|m| m.user)
            .collect()
    };
    assert_eq!(users(store, "live"), ["alice"]);
    assert_eq!(users(store, "pub"), ["alice", "bob"]);
    assert_eq!(store.transient_members().unwrap(), []);
}

#[test]
fn leftovers_end_at_start_up_memory() {
    leftovers_end_at_start_up(MemoryStore::new());
}

#[test]
fn leftovers_end_at_start_up_sqlite() {
    leftovers_end_at_start_up(SqliteStore::in_memory().unwrap());
}
