//! Group chat through the engine (PROTOCOL.md section 8), on both stores:
//! lifecycle, the list and profiles, messages and their fan-out, tips,
//! system notices (pushed, and synced to an offline member), history cut
//! to membership windows, reads, and the refusals with their codes.

mod common;

use common::ops::Outcome;
use common::*;
use serde_json::{json, Value};
use tcchat_server::store::Store;

const CREATE: &str = "group_open_http_svc.create_group";
const LIST: &str = "group_open_http_svc.get_joined_group_list";
const PROFILE: &str = "group_open_http_svc.get_group_self_member_info";
const JOIN: &str = "group_open_http_svc.apply_join_group";
const QUIT: &str = "group_open_http_svc.quit_group";
const DESTROY: &str = "group_open_http_svc.destroy_group";
const SEND: &str = "group_open_http_svc.send_group_msg";
const HISTORY: &str = "group_open_http_svc.group_msg_get";
const READ: &str = "group_open_http_svc.msg_read_report";
const MEMBERS: &str = "group_open_http_svc.get_group_member_info";
const SPECIFIED: &str = "group_open_http_svc.get_specified_group_member_info";
const ADD: &str = "group_open_http_svc.add_group_member";
const KICK: &str = "group_open_http_svc.delete_group_member";
const MODIFY_MEMBER: &str = "group_open_http_svc.modify_group_member_info";
const MODIFY_GROUP: &str = "group_open_http_svc.modify_group_base_info";
const OWNER: &str = "group_open_http_svc.change_group_owner";
const PENDENCY: &str = "group_open_http_svc.get_pendency";
const HANDLE: &str = "group_open_http_svc.handle_apply_join_group";
const RECEIPT: &str = "group_open_http_svc.group_msg_receipt";
const RECEIPTS: &str = "group_open_http_svc.get_group_msg_receipt";
const DETAIL: &str = "group_open_http_svc.get_group_msg_receipt_detail";

fn users<S: Store>(sim: &mut Sim<S>) -> (Client, Client, Client) {
    let mut alice = Client::new(1, APP, "alice");
    let mut bob = Client::new(2, APP, "bob");
    let mut carol = Client::new(3, APP, "carol");
    alice.login(sim);
    bob.login(sim);
    carol.login(sim);
    (alice, bob, carol)
}

fn send<S: Store>(
    c: &mut Client,
    sim: &mut Sim<S>,
    group: &str,
    client_seq: u64,
    text: &str,
) -> Outcome {
    let body = json!({"From_Account": c.user, "GroupId": group, "Random": client_seq + 500,
        "ClientSeq": client_seq, "MsgPriority": "Normal",
        "MsgBody": [{"MsgType": "TIMTextElem", "MsgContent": {"Text": text}}],
        "CloudCustomData": "", "OnlineOnlyFlag": 0, "GroupAtInfo": [], "MsgClientTime": sim.unix_s(),
        "NeedReadReceipt": 0});
    c.op(sim, SEND, body)
}

/// `(Event, OpType or 0, MsgSeq)` of each item pushed to `conn`.
fn items(out: &Outcome, conn: u64) -> Vec<(u64, u64, u64)> {
    out.events_to(conn)
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

fn list_ids<S: Store>(c: &mut Client, sim: &mut Sim<S>) -> Vec<String> {
    let out = c
        .op(
            sim,
            LIST,
            json!({"Member_Account": c.user, "Limit": 200, "Offset": 0}),
        )
        .ok();
    let ids: Vec<String> = out.body()["GroupIdList"]
        .as_array()
        .unwrap()
        .iter()
        .map(|g| g["GroupId"].as_str().unwrap().to_owned())
        .collect();
    assert_eq!(out.body()["TotalCount"], ids.len());
    ids
}

/// create → join → messages → quit → dismiss, with every push checked.
fn lifecycle_messages_tips_and_notices<S: Store>(mut sim: Sim<S>) {
    let (mut alice, mut bob, mut carol) = users(&mut sim);
    // The official SDK's request of frames/group_lifecycle.json #38, with a
    // chosen ID and a free join option.
    let out = alice
        .op(
            &mut sim,
            CREATE,
            json!({"Type": "Public", "Name": "G", "Owner_Account": "alice",
            "MemberList": [{"Member_Account": "bob"}, {"Member_Account": "alice"}],
            "WebPushFlag": 1, "FaceUrl": "", "GroupId": "grpA", "ApplyJoinOption": "FreeAccess"}),
        )
        .ok();
    assert_eq!(out.body()["GroupId"], "grpA");
    // bob learns of it by notice 6 (no group sequence used: MsgSeq 1 = next).
    assert_eq!(items(&out, 2), [(5, 6, 1)]);
    assert!(
        items(&out, 1).is_empty(),
        "the creating socket has its reply"
    );
    assert_eq!(list_ids(&mut alice, &mut sim), ["grpA"]);
    assert_eq!(list_ids(&mut bob, &mut sim), ["grpA"]);
    assert!(list_ids(&mut carol, &mut sim).is_empty());

    // carol joins freely: a join tip at seq 1 for all three, herself included.
    let out = carol
        .op(
            &mut sim,
            JOIN,
            json!({"GroupId": "grpA", "ApplyMsg": "hi", "WebPushFlag": 1}),
        )
        .ok();
    assert_eq!(out.body()["JoinedStatus"], "JoinedSuccess");
    for conn in [1, 2, 3] {
        assert_eq!(items(&out, conn), [(4, 1, 1)], "conn {conn}");
    }
    let tip = &out.events_to(1)[0]["GroupTips"][0];
    assert_eq!(tip["MsgBody"]["List_Account"], json!(["carol"]));
    assert_eq!(tip["MsgBody"]["MemberNum"], 3);
    assert_eq!(tip["GroupInfo"]["GroupId"], "grpA");
    // Joining again: AlreadyInGroup, nothing pushed.
    let again = carol.op(&mut sim, JOIN, json!({"GroupId": "grpA"})).ok();
    assert_eq!(again.body()["JoinedStatus"], "AlreadyInGroup");
    assert!(again.others.is_empty());

    // bob sends: seq 2, pushed to alice and carol, not to the sending socket.
    let out = send(&mut bob, &mut sim, "grpA", 7001, "hi from bob").ok();
    assert_eq!(out.body()["MsgSeq"], 2);
    assert_eq!(out.body()["MsgTime"], sim.unix_s());
    assert_eq!(out.pushed_to(), [1, 3].into());
    let m = &out.events_to(1)[0]["GroupMsgArray"][0];
    assert_eq!(m["ToGroupId"], "grpA");
    assert_eq!(m["GroupInfo"]["GroupId"], "grpA");
    assert_eq!(m["TinyId"], bob.tiny_id);
    assert_eq!(m["MsgClientTime"], sim.unix_s());
    assert_eq!(m["ClientSeq"], 7001);
    assert_eq!(m["MsgRandom"], 7501);
    assert_eq!(m["MsgPriority"], "Normal");
    // The frame is shared: the same bytes to both members.
    let pushes: Vec<&Msg> = out.others.iter().collect();
    assert_eq!(pushes[0].raw_body, pushes[1].raw_body);
    // A resend is answered with the first sequence and not pushed again.
    let resent = send(&mut bob, &mut sim, "grpA", 7001, "hi from bob").ok();
    assert_eq!(resent.body()["MsgSeq"], 2);
    assert!(resent.others.is_empty());

    // carol quits: tip 2 at seq 3 to alice and bob only; notice 8 to none
    // of carol's other instances (she has none).
    let out = carol.op(&mut sim, QUIT, json!({"GroupId": "grpA"})).ok();
    assert_eq!(items(&out, 1), [(4, 2, 3)]);
    assert_eq!(items(&out, 2), [(4, 2, 3)]);
    assert!(items(&out, 3).is_empty());
    assert!(list_ids(&mut carol, &mut sim).is_empty());
    // Her history is cut to her window: seq 1 and 2 visible, 3 a placeholder.
    let h = carol
        .op(
            &mut sim,
            HISTORY,
            json!({"GroupId": "grpA", "ReqMsgSeq": 0, "ReqMsgNumber": 10}),
        )
        .ok();
    assert_eq!(h.body()["IsFinished"], 1);
    let msgs = h.body()["RspMsgList"].as_array().unwrap();
    assert_eq!(msgs.len(), 2, "{}", h.body());
    assert_eq!(
        (msgs[0]["MsgSeq"].as_u64(), msgs[0]["IsPlaceMsg"].as_u64()),
        (Some(3), Some(1))
    );
    assert_eq!(msgs[1]["MsgSeq"], 2);
    assert_eq!(msgs[1]["MsgBody"][0]["MsgContent"]["Text"], "hi from bob");
    let tips = h.body()["RspTipList"].as_array().unwrap();
    assert_eq!(tips.len(), 1);
    assert_eq!(tips[0]["MsgSeq"], 1);
    // She can no longer send.
    assert_eq!(send(&mut carol, &mut sim, "grpA", 1, "x").code(), 10007);

    // Only the owner dismisses; the owner cannot quit.
    assert_eq!(
        bob.op(&mut sim, DESTROY, json!({"GroupId": "grpA"})).code(),
        10007
    );
    assert_eq!(
        alice.op(&mut sim, QUIT, json!({"GroupId": "grpA"})).code(),
        10009
    );
    let out = alice.op(&mut sim, DESTROY, json!({"GroupId": "grpA"})).ok();
    assert_eq!(items(&out, 2), [(5, 5, 4)]);
    let notice = &out.events_to(2)[0]["GroupTips"][0];
    assert_eq!(notice["From_Account"], "@TIM#SYSTEM");
    assert_eq!(notice["MsgBody"]["Operator_Account"], "alice");
    assert!(notice["MsgRandom"].as_u64().unwrap() >= 3);
    assert!(list_ids(&mut alice, &mut sim).is_empty());
    assert!(list_ids(&mut bob, &mut sim).is_empty());
    // A dismissed group: 10010 everywhere, and its ID stays taken.
    assert_eq!(send(&mut alice, &mut sim, "grpA", 9, "x").code(), 10010);
    let taken = alice.op(
        &mut sim,
        CREATE,
        json!({"Type": "Public", "Name": "G", "GroupId": "grpA"}),
    );
    assert_eq!(taken.code(), 10021);
}

/// A member offline when a notice is made gets it from getmsg.
fn an_offline_member_syncs_the_dismissed_notice<S: Store>(mut sim: Sim<S>) {
    let (mut alice, mut bob, _) = users(&mut sim);
    alice
        .op(
            &mut sim,
            CREATE,
            json!({"Type": "Private", "Name": "W", "GroupId": "w1",
            "MemberList": [{"Member_Account": "bob"}]}),
        )
        .ok();
    sim.disconnect(bob.conn);
    let out = alice.op(&mut sim, DESTROY, json!({"GroupId": "w1"})).ok();
    assert!(out.others.is_empty());
    bob.connect(&mut sim);
    bob.relogin(&mut sim);
    let sync = bob.getmsg(&mut sim, "");
    let ops: Vec<u64> = sync.body["EventArray"]
        .as_array()
        .unwrap()
        .iter()
        .filter_map(|e| e["GroupTips"][0]["MsgBody"]["OpType"].as_u64())
        .collect();
    // Notice 6 (created) then notice 5 (dismissed), in inbox order.
    assert_eq!(ops, [6, 5], "{}", sync.body);
}

/// One item per asked ID: the SDK fails without it (groups-facts §8).
fn profiles_answer_every_asked_id<S: Store>(mut sim: Sim<S>) {
    let (mut alice, mut bob, _) = users(&mut sim);
    let out = alice
        .op(
            &mut sim,
            CREATE,
            json!({"Type": "ChatRoom", "Name": "M", "Introduction": "i",
            "AppDefinedData": [{"Key": "k", "Value": "v"}]}),
        )
        .ok();
    let id = out.body()["GroupId"].as_str().unwrap().to_owned();
    assert!(id.starts_with("@TGS#3") && id.len() == 16, "{id}");
    let p = alice
        .op(
            &mut sim,
            PROFILE,
            json!({"GroupIdList": [id, "nope"], "ResponseFilter": {}}),
        )
        .ok();
    let info = p.body()["GroupInfo"].as_array().unwrap();
    assert_eq!(info.len(), 2);
    assert_eq!(info[0]["ErrorCode"], 0);
    assert_eq!(info[0]["Type"], "ChatRoom");
    assert_eq!(info[0]["ApplyJoinOption"], "FreeAccess");
    assert_eq!(info[0]["NextMsgSeq"], 1);
    assert_eq!(info[0]["MemberNum"], 1);
    assert_eq!(info[0]["ShutUpAllMember"], "Off");
    assert_eq!(
        info[0]["AppDefinedData"],
        json!([{"Key": "k", "Value": "v"}])
    );
    assert_eq!(info[0]["SelfInfo"]["Role"], "Owner");
    assert_eq!(info[0]["MemberList"][0]["Member_Account"], "alice");
    assert_eq!(info[1]["GroupId"], "nope");
    assert_eq!(info[1]["ErrorCode"], 10010);
    // Not a member: 10007 in the item.
    let p = bob.op(&mut sim, PROFILE, json!({"GroupIdList": [id]})).ok();
    assert_eq!(p.body()["GroupInfo"][0]["ErrorCode"], 10007);
}

/// The read sequence moves forward only and never past the last message.
fn read_report_moves_forward_only<S: Store>(mut sim: Sim<S>) {
    let (mut alice, mut bob, _) = users(&mut sim);
    alice
        .op(
            &mut sim,
            CREATE,
            json!({"Type": "Private", "Name": "W", "GroupId": "w1",
            "MemberList": [{"Member_Account": "bob"}]}),
        )
        .ok();
    for i in 1..=3 {
        send(&mut alice, &mut sim, "w1", i, "m").ok();
    }
    let read_seq = |c: &mut Client, sim: &mut Sim<S>| {
        let out = c.op(sim, LIST, json!({"Member_Account": c.user})).ok();
        out.body()["GroupIdList"][0]["SelfInfo"]["MsgSeq"]
            .as_u64()
            .unwrap()
    };
    assert_eq!(read_seq(&mut bob, &mut sim), 0);
    bob.op(&mut sim, READ, json!({"GroupId": "w1", "MsgReadedSeq": 2}))
        .ok();
    assert_eq!(read_seq(&mut bob, &mut sim), 2);
    bob.op(&mut sim, READ, json!({"GroupId": "w1", "MsgReadedSeq": 1}))
        .ok();
    assert_eq!(read_seq(&mut bob, &mut sim), 2);
    bob.op(&mut sim, READ, json!({"GroupId": "w1", "MsgReadedSeq": 99}))
        .ok();
    assert_eq!(read_seq(&mut bob, &mut sim), 3);
}

/// Type rules and refusals with their codes (PROTOCOL.md 8.8).
fn refusals_carry_their_codes<S: Store>(mut sim: Sim<S>) {
    let (mut alice, mut bob, mut carol) = users(&mut sim);
    let create = |c: &mut Client, sim: &mut Sim<S>, body: Value| c.op(sim, CREATE, body).code();
    assert_eq!(
        create(&mut alice, &mut sim, json!({"Type": "Public", "Name": ""})),
        10004
    );
    assert_eq!(
        create(&mut alice, &mut sim, json!({"Type": "Work2", "Name": "x"})),
        10004
    );
    assert_eq!(
        create(
            &mut alice,
            &mut sim,
            json!({"Type": "Public", "Name": "x", "GroupId": "@TGS#1mine"})
        ),
        10015
    );
    assert_eq!(
        create(
            &mut alice,
            &mut sim,
            json!({"Type": "Public", "Name": "x", "GroupId": "has space"})
        ),
        10015
    );
    assert_eq!(
        create(
            &mut alice,
            &mut sim,
            json!({"Type": "Public", "Name": "x", "Owner_Account": "bob"})
        ),
        10007
    );
    assert_eq!(
        create(
            &mut alice,
            &mut sim,
            json!({"Type": "Public", "Name": "x", "MaxMemberCount": 1,
        "MemberList": [{"Member_Account": "bob"}]})
        ),
        10014
    );
    // Work (Private) takes no applications; Public waits for approval.
    alice
        .op(
            &mut sim,
            CREATE,
            json!({"Type": "Work", "Name": "w", "GroupId": "w1"}),
        )
        .ok();
    assert_eq!(
        bob.op(&mut sim, JOIN, json!({"GroupId": "w1"})).code(),
        10007
    );
    alice
        .op(
            &mut sim,
            CREATE,
            json!({"Type": "Public", "Name": "p", "GroupId": "p1"}),
        )
        .ok();
    let out = bob
        .op(
            &mut sim,
            JOIN,
            json!({"GroupId": "p1", "ApplyMsg": "let me in"}),
        )
        .ok();
    assert_eq!(out.body()["JoinedStatus"], "WaitAdminApproval");
    // The owner gets notice 1 with the application message.
    let notice = &out.events_to(1)[0]["GroupTips"][0];
    assert_eq!(notice["MsgBody"]["OpType"], 1);
    assert_eq!(notice["MsgBody"]["RemarkInfo"], "let me in");
    assert!(list_ids(&mut bob, &mut sim).is_empty());
    // A full group refuses a join.
    alice
        .op(
            &mut sim,
            CREATE,
            json!({"Type": "ChatRoom", "Name": "c", "GroupId": "c1", "MaxMemberCount": 2}),
        )
        .ok();
    bob.op(&mut sim, JOIN, json!({"GroupId": "c1"})).ok();
    assert_eq!(
        carol.op(&mut sim, JOIN, json!({"GroupId": "c1"})).code(),
        10014
    );
    assert_eq!(
        carol.op(&mut sim, JOIN, json!({"GroupId": "nope"})).code(),
        10010
    );
    // A sender must be the caller.
    let mut body = json!({"From_Account": "alice", "GroupId": "c1", "Random": 1, "ClientSeq": 1,
        "MsgBody": [{"MsgType": "TIMTextElem", "MsgContent": {"Text": "x"}}]});
    assert_eq!(bob.op(&mut sim, SEND, body.clone()).code(), 20003);
    body["From_Account"] = json!("bob");
    body["MsgBody"] = json!([]);
    assert_eq!(bob.op(&mut sim, SEND, body).code(), 10004);
}

fn roles<S: Store>(c: &mut Client, sim: &mut Sim<S>, group: &str) -> Vec<(String, String)> {
    let out = c.op(sim, MEMBERS, json!({"GroupId": group})).ok();
    out.body()["MemberList"]
        .as_array()
        .unwrap()
        .iter()
        .map(|m| {
            (
                m["Member_Account"].as_str().unwrap().to_owned(),
                m["Role"].as_str().unwrap().to_owned(),
            )
        })
        .collect()
}

/// Add, roles, mute (and the mute refusal), name card, kick with a
/// reason, profile change with mute-all, ownership transfer.
fn members_roles_mute_and_profile<S: Store>(mut sim: Sim<S>) {
    let (mut alice, mut bob, mut carol) = users(&mut sim);
    alice
        .op(
            &mut sim,
            CREATE,
            json!({"Type": "Public", "Name": "p", "GroupId": "p1"}),
        )
        .ok();
    // Public: a plain member may not add (DisableInvite); the owner may.
    let out = alice
        .op(&mut sim, ADD, json!({"GroupId": "p1", "MemberList": [{"Member_Account": "bob"}, {"Member_Account": "alice"}]}))
        .ok();
    assert_eq!(
        out.body()["MemberList"],
        json!([{"Member_Account": "bob", "Result": 1}, {"Member_Account": "alice", "Result": 2}])
    );
    // bob gets notice 7 (invited) and the join tip; alice (the adding
    // socket) the tip too.
    assert_eq!(items(&out, 2), [(5, 7, 1), (4, 1, 1)]);
    assert_eq!(items(&out, 1), [(4, 1, 1)]);
    assert_eq!(
        bob.op(
            &mut sim,
            ADD,
            json!({"GroupId": "p1", "MemberList": [{"Member_Account": "carol"}]})
        )
        .code(),
        10007
    );
    alice
        .op(
            &mut sim,
            ADD,
            json!({"GroupId": "p1", "MemberList": [{"Member_Account": "carol"}]}),
        )
        .ok();
    assert_eq!(
        roles(&mut bob, &mut sim, "p1"),
        [
            ("alice".into(), "Owner".into()),
            ("bob".into(), "Member".into()),
            ("carol".into(), "Member".into())
        ]
    );
    // Paging and the role filter.
    let page = bob
        .op(&mut sim, MEMBERS, json!({"GroupId": "p1", "Limit": 2}))
        .ok();
    assert_eq!(
        (
            page.body()["MemberNum"].as_u64(),
            page.body()["NextOffset"].as_u64()
        ),
        (Some(3), Some(2))
    );
    let owners = bob
        .op(
            &mut sim,
            MEMBERS,
            json!({"GroupId": "p1", "MemberRoleFilter": ["Owner"]}),
        )
        .ok();
    assert_eq!(owners.body()["MemberList"].as_array().unwrap().len(), 1);

    // Only the owner makes admins: tip 4 to all, notice 9 to bob.
    assert_eq!(
        carol
            .op(
                &mut sim,
                MODIFY_MEMBER,
                json!({"GroupId": "p1", "Member_Account": "bob", "Role": "Admin"})
            )
            .code(),
        10007
    );
    let out = alice
        .op(
            &mut sim,
            MODIFY_MEMBER,
            json!({"GroupId": "p1", "Member_Account": "bob", "Role": "Admin"}),
        )
        .ok();
    assert_eq!(items(&out, 2), [(5, 9, 3), (4, 4, 3)]);
    // The admin mutes carol: tip 7, and carol's send is refused 10017.
    let out = bob
        .op(
            &mut sim,
            MODIFY_MEMBER,
            json!({"GroupId": "p1", "Member_Account": "carol", "ShutUpTime": 60}),
        )
        .ok();
    let tip = &out.events_to(3)[0]["GroupTips"][0]["MsgBody"];
    assert_eq!(
        (
            tip["OpType"].as_u64(),
            tip["MsgMemberInfo"][0]["ShutupTime"].as_u64()
        ),
        (Some(7), Some(60))
    );
    assert_eq!(send(&mut carol, &mut sim, "p1", 1, "x").code(), 10017);
    // An admin may not mute the owner or another admin.
    assert_eq!(
        bob.op(
            &mut sim,
            MODIFY_MEMBER,
            json!({"GroupId": "p1", "Member_Account": "alice", "ShutUpTime": 60})
        )
        .code(),
        10007
    );
    // Unmuted: carol sends again; her own name card is hers to change.
    bob.op(
        &mut sim,
        MODIFY_MEMBER,
        json!({"GroupId": "p1", "Member_Account": "carol", "ShutUpTime": 0}),
    )
    .ok();
    carol
        .op(
            &mut sim,
            MODIFY_MEMBER,
            json!({"GroupId": "p1", "Member_Account": "carol", "NameCard": "Cee"}),
        )
        .ok();
    let out = send(&mut carol, &mut sim, "p1", 2, "back").ok();
    assert_eq!(
        out.events_to(1)[0]["GroupMsgArray"][0]["GroupInfo"]["MsgFrom_AccountExtraInfo"]
            ["NameCard"],
        "Cee"
    );
    let spec = alice
        .op(
            &mut sim,
            SPECIFIED,
            json!({"GroupId": "p1", "Member_List_Account": ["carol", "zed"]}),
        )
        .ok();
    assert_eq!(spec.body()["MemberList"][0]["NameCard"], "Cee");
    assert_eq!(spec.body()["MemberList"].as_array().unwrap().len(), 1);

    // Mute all: a plain member is refused, an admin is not.
    assert_eq!(
        carol
            .op(
                &mut sim,
                MODIFY_GROUP,
                json!({"GroupId": "p1", "ShutUpAllMember": "On"})
            )
            .code(),
        10007
    );
    let out = alice
        .op(
            &mut sim,
            MODIFY_GROUP,
            json!({"GroupId": "p1", "ShutUpAllMember": "On", "Name": "renamed"}),
        )
        .ok();
    let new = &out.events_to(3)[0]["GroupTips"][0]["MsgBody"]["MsgGroupNewInfo"];
    assert_eq!(
        (new["GroupName"].as_str(), new["MuteAllMembers"].as_u64()),
        (Some("renamed"), Some(1))
    );
    assert_eq!(send(&mut carol, &mut sim, "p1", 3, "x").code(), 10017);
    send(&mut bob, &mut sim, "p1", 4, "admins speak").ok();
    let p = carol
        .op(&mut sim, PROFILE, json!({"GroupIdList": ["p1"]}))
        .ok();
    assert_eq!(p.body()["GroupInfo"][0]["ShutUpAllMember"], "On");
    assert_eq!(p.body()["GroupInfo"][0]["InfoSeq"], 2);

    // Kick with a reason: notice 4 to carol, tip 3 to the others only.
    assert_eq!(
        bob.op(
            &mut sim,
            KICK,
            json!({"GroupId": "p1", "MemberToDel_Account": ["alice"]})
        )
        .code(),
        10007
    );
    let out = bob
        .op(
            &mut sim,
            KICK,
            json!({"GroupId": "p1", "MemberToDel_Account": ["carol"], "Reason": "spam"}),
        )
        .ok();
    let notice = &out.events_to(3);
    assert_eq!(notice.len(), 1);
    assert_eq!(notice[0]["GroupTips"][0]["MsgBody"]["OpType"], 4);
    assert_eq!(notice[0]["GroupTips"][0]["MsgBody"]["RemarkInfo"], "spam");
    assert_eq!(
        items(&out, 1)
            .iter()
            .map(|i| (i.0, i.1))
            .collect::<Vec<_>>(),
        [(4, 3)]
    );
    assert!(list_ids(&mut carol, &mut sim).is_empty());

    // Ownership to bob: alice becomes a member and may quit.
    assert_eq!(
        alice
            .op(
                &mut sim,
                OWNER,
                json!({"GroupId": "p1", "NewOwner_Account": "carol"})
            )
            .code(),
        10007
    );
    alice
        .op(
            &mut sim,
            OWNER,
            json!({"GroupId": "p1", "NewOwner_Account": "bob"}),
        )
        .ok();
    assert_eq!(
        roles(&mut bob, &mut sim, "p1"),
        [
            ("alice".into(), "Member".into()),
            ("bob".into(), "Owner".into())
        ]
    );
    alice.op(&mut sim, QUIT, json!({"GroupId": "p1"})).ok();
}

/// Apply, list pending applications, agree and refuse.
fn applications_are_approved_or_refused<S: Store>(mut sim: Sim<S>) {
    let (mut alice, mut bob, mut carol) = users(&mut sim);
    alice
        .op(
            &mut sim,
            CREATE,
            json!({"Type": "Public", "Name": "p", "GroupId": "p1"}),
        )
        .ok();
    bob.op(&mut sim, JOIN, json!({"GroupId": "p1", "ApplyMsg": "b"}))
        .ok();
    sim.advance(std::time::Duration::from_secs(1));
    carol
        .op(&mut sim, JOIN, json!({"GroupId": "p1", "ApplyMsg": "c"}))
        .ok();
    let p = alice
        .op(
            &mut sim,
            PENDENCY,
            json!({"StartTime": 0, "Limit": 10, "Handle_Account": "alice"}),
        )
        .ok();
    let from: Vec<&str> = p.body()["PendencyList"]
        .as_array()
        .unwrap()
        .iter()
        .map(|i| i["From_Account"].as_str().unwrap())
        .collect();
    assert_eq!(from, ["bob", "carol"]);
    assert_eq!(p.body()["PendencyList"][0]["ApplyInviteMsg"], "b");
    assert_eq!(p.body()["NextStartTime"], 0);
    // Pages of one: the next starts at carol's time and repeats nobody.
    let first = alice.op(&mut sim, PENDENCY, json!({"Limit": 1})).ok();
    assert_eq!(first.body()["PendencyList"][0]["From_Account"], "bob");
    let next = first.body()["NextStartTime"].as_u64().unwrap();
    assert!(next > 0);
    let second = alice
        .op(&mut sim, PENDENCY, json!({"Limit": 1, "StartTime": next}))
        .ok();
    assert_eq!(second.body()["PendencyList"][0]["From_Account"], "carol");
    assert_eq!(second.body()["NextStartTime"], 0);
    assert_eq!(second.body()["PendencyList"][0]["Handled"], 0);
    // Only owner and admins see or handle them.
    assert_eq!(
        bob.op(&mut sim, PENDENCY, json!({})).body()["TotalPendencyNum"],
        0
    );
    let out = alice.op(&mut sim, HANDLE, json!({"GroupId": "p1", "Applicant_Account": "bob", "HandleMsg": "Agree", "ApprovalMsg": "ok"})).ok();
    assert_eq!(items(&out, 2), [(5, 2, 1), (4, 1, 1)]);
    assert_eq!(list_ids(&mut bob, &mut sim), ["p1"]);
    let out = alice
        .op(
            &mut sim,
            HANDLE,
            json!({"GroupId": "p1", "Applicant_Account": "carol", "HandleMsg": "Reject"}),
        )
        .ok();
    assert_eq!(items(&out, 3), [(5, 3, 2)]);
    assert!(list_ids(&mut carol, &mut sim).is_empty());
    // Handled applications are gone.
    assert_eq!(
        alice
            .op(
                &mut sim,
                HANDLE,
                json!({"GroupId": "p1", "Applicant_Account": "carol", "HandleMsg": "Agree"})
            )
            .code(),
        10004
    );
    assert_eq!(
        alice.op(&mut sim, PENDENCY, json!({})).body()["TotalPendencyNum"],
        0
    );
}

/// Receipts are counted once per reader, pushed to the sender as totals,
/// and listed by flag.
fn group_read_receipts_count_each_reader_once<S: Store>(mut sim: Sim<S>) {
    let (mut alice, mut bob, mut carol) = users(&mut sim);
    alice
        .op(
            &mut sim,
            CREATE,
            json!({"Type": "Private", "Name": "w", "GroupId": "w1",
            "MemberList": [{"Member_Account": "bob"}, {"Member_Account": "carol"}]}),
        )
        .ok();
    let body = json!({"From_Account": "alice", "GroupId": "w1", "Random": 86484673, "ClientSeq": 1,
        "MsgBody": [{"MsgType": "TIMTextElem", "MsgContent": {"Text": "read me"}}],
        "MsgClientTime": 1795629671, "NeedReadReceipt": 1});
    let out = alice.op(&mut sim, SEND, body).ok();
    assert_eq!(
        out.events_to(2)[0]["GroupMsgArray"][0]["IsNeedReadReceipt"],
        1
    );
    let seq = out.body()["MsgSeq"].as_u64().unwrap();
    send(&mut alice, &mut sim, "w1", 2, "no receipt").ok();
    // bob reads both: only the first counts; alice gets the totals.
    let out = bob
        .op(
            &mut sim,
            RECEIPT,
            json!({"GroupId": "w1", "MsgSeqList": [{"MsgSeq": seq}, {"MsgSeq": seq + 1}]}),
        )
        .ok();
    let list = &out.events_to(1)[0]["GroupTips"][0]["MsgBody"]["GroupMsgReceiptList"];
    assert_eq!(
        *list,
        json!([{"TinyId": alice.tiny_id, "MsgClientTime": 1795629671, "MsgRandom": 86484673,
        "MsgSeq": seq, "ReadNum": 1, "UnreadNum": 1}])
    );
    // Again: nothing changes, nothing is pushed.
    let again = bob
        .op(
            &mut sim,
            RECEIPT,
            json!({"GroupId": "w1", "MsgSeqList": [{"MsgSeq": seq}]}),
        )
        .ok();
    assert!(again.others.is_empty());
    // The sender's own receipt does not count.
    alice
        .op(
            &mut sim,
            RECEIPT,
            json!({"GroupId": "w1", "MsgSeqList": [{"MsgSeq": seq}]}),
        )
        .ok();
    let counts = alice
        .op(
            &mut sim,
            RECEIPTS,
            json!({"GroupId": "w1", "MsgSeqList": [{"MsgSeq": seq}, {"MsgSeq": 99}]}),
        )
        .ok();
    assert_eq!(
        counts.body()["GroupMsgReceiptList"][0],
        json!({"MsgSeq": seq, "ReadNum": 1, "UnreadNum": 1, "Code": 0})
    );
    assert_ne!(counts.body()["GroupMsgReceiptList"][1]["Code"], 0);
    let read = alice
        .op(
            &mut sim,
            DETAIL,
            json!({"GroupId": "w1", "MsgSeq": seq, "Flag": 0, "Cursor": "", "Num": 30}),
        )
        .ok();
    assert_eq!(read.body()["ReadList"], json!([{"Read_Account": "bob"}]));
    assert_eq!(read.body()["UnreadList"], json!([]));
    assert_eq!(read.body()["IsFinish"], 1);
    let unread = alice
        .op(
            &mut sim,
            DETAIL,
            json!({"GroupId": "w1", "MsgSeq": seq, "Flag": 1, "Num": 30}),
        )
        .ok();
    assert_eq!(
        unread.body()["UnreadList"],
        json!([{"Unread_Account": "carol"}])
    );
    assert_eq!(unread.body()["ReadList"], json!([]));
    carol
        .op(
            &mut sim,
            RECEIPT,
            json!({"GroupId": "w1", "MsgSeqList": [{"MsgSeq": seq}]}),
        )
        .ok();
    let page = alice
        .op(
            &mut sim,
            DETAIL,
            json!({"GroupId": "w1", "MsgSeq": seq, "Flag": 0, "Num": 1}),
        )
        .ok();
    assert_eq!(
        (
            page.body()["Cursor"].as_str(),
            page.body()["IsFinish"].as_u64()
        ),
        (Some("1"), Some(0))
    );
    let next = alice
        .op(
            &mut sim,
            DETAIL,
            json!({"GroupId": "w1", "MsgSeq": seq, "Flag": 0, "Num": 1, "Cursor": "1"}),
        )
        .ok();
    assert_eq!(next.body()["ReadList"], json!([{"Read_Account": "carol"}]));
    assert_eq!(next.body()["IsFinish"], 1);
}

/// History pages back by sequence and shows a returning member only its
/// two membership windows; an online-only message takes no sequence.
fn history_pages_within_membership_windows<S: Store>(mut sim: Sim<S>) {
    let (mut alice, mut bob, _) = users(&mut sim);
    alice
        .op(
            &mut sim,
            CREATE,
            json!({"Type": "ChatRoom", "Name": "c", "GroupId": "c1"}),
        )
        .ok();
    send(&mut alice, &mut sim, "c1", 1, "before bob").ok(); // 1
    bob.op(&mut sim, JOIN, json!({"GroupId": "c1"})).ok(); // tip 2
    send(&mut alice, &mut sim, "c1", 2, "with bob").ok(); // 3
    bob.op(&mut sim, QUIT, json!({"GroupId": "c1"})).ok(); // tip 4
    send(&mut alice, &mut sim, "c1", 3, "without bob").ok(); // 5
    bob.op(&mut sim, JOIN, json!({"GroupId": "c1"})).ok(); // tip 6
    send(&mut alice, &mut sim, "c1", 4, "bob again").ok(); // 7
                                                           // Online only: pushed, no sequence, no history.
    let mut body = json!({"From_Account": "alice", "GroupId": "c1", "Random": 9, "ClientSeq": 9,
        "MsgBody": [{"MsgType": "TIMTextElem", "MsgContent": {"Text": "typing"}}], "OnlineOnlyFlag": 1});
    let out = alice.op(&mut sim, SEND, body.take()).ok();
    assert_eq!(out.body()["MsgSeq"], 0);
    assert_eq!(out.events_to(2)[0]["GroupMsgArray"][0]["MsgSeq"], 0);

    let page = |c: &mut Client, sim: &mut Sim<S>, seq: u64, n: u64| {
        let h = c
            .op(
                sim,
                HISTORY,
                json!({"GroupId": "c1", "ReqMsgSeq": seq, "ReqMsgNumber": n}),
            )
            .ok();
        let mut seen: Vec<(u64, &'static str)> = Vec::new();
        for m in h.body()["RspMsgList"].as_array().unwrap() {
            let kind = if m["IsPlaceMsg"] == 1 {
                "hidden"
            } else {
                "msg"
            };
            seen.push((m["MsgSeq"].as_u64().unwrap(), kind));
        }
        for t in h.body()["RspTipList"].as_array().unwrap() {
            seen.push((t["MsgSeq"].as_u64().unwrap(), "tip"));
        }
        seen.sort();
        (seen, h.body()["IsFinished"].as_u64().unwrap())
    };
    // The newest 4, then the 3 before: bob sees 2–3 and 6–7.
    assert_eq!(
        page(&mut bob, &mut sim, 0, 4),
        (
            vec![(4, "hidden"), (5, "hidden"), (6, "tip"), (7, "msg")],
            0
        )
    );
    assert_eq!(
        page(&mut bob, &mut sim, 3, 10),
        (vec![(1, "hidden"), (2, "tip"), (3, "msg")], 1)
    );
    // The owner sees everything; nobody else may read.
    assert_eq!(page(&mut alice, &mut sim, 5, 2).0, [(4, "tip"), (5, "msg")]);
    let mut carol = Client::new(3, APP, "carol");
    assert_eq!(
        carol.op(&mut sim, HISTORY, json!({"GroupId": "c1"})).code(),
        10007
    );
}

/// A history page stops at 256 KiB of JSON, newest first; custom fields
/// of one group hold at most 8 KiB.
fn large_pages_and_custom_fields_are_bounded<S: Store>(mut sim: Sim<S>) {
    let (mut alice, _, _) = users(&mut sim);
    let big = "x".repeat(4000);
    let custom =
        json!([{"Key": "a", "Value": big}, {"Key": "b", "Value": big}, {"Key": "c", "Value": big}]);
    let over = alice.op(
        &mut sim,
        CREATE,
        json!({"Type": "ChatRoom", "Name": "c", "AppDefinedData": custom}),
    );
    assert_eq!(over.code(), 10004);
    alice
        .op(
            &mut sim,
            CREATE,
            json!({"Type": "ChatRoom", "Name": "c", "GroupId": "c1"}),
        )
        .ok();
    let text = "y".repeat(10_000);
    for i in 1..=40 {
        send(&mut alice, &mut sim, "c1", i, &text).ok();
    }
    let h = alice
        .op(
            &mut sim,
            HISTORY,
            json!({"GroupId": "c1", "ReqMsgSeq": 0, "ReqMsgNumber": 40}),
        )
        .ok();
    let seqs: Vec<u64> = h.body()["RspMsgList"]
        .as_array()
        .unwrap()
        .iter()
        .map(|m| m["MsgSeq"].as_u64().unwrap())
        .collect();
    assert!(seqs.len() < 40 && seqs.len() > 20, "{}", seqs.len());
    assert_eq!(seqs[0], 40);
    assert!(
        seqs.windows(2).all(|w| w[0] == w[1] + 1),
        "contiguous, newest first"
    );
    assert_eq!(h.body()["IsFinished"], 0);
    assert!(h.reply.raw_body.len() < 300 * 1024);
}

on_both_stores!(
    large_pages_and_custom_fields_are_bounded,
    history_pages_within_membership_windows,
    group_read_receipts_count_each_reader_once,
    members_roles_mute_and_profile,
    applications_are_approved_or_refused,
    lifecycle_messages_tips_and_notices,
    an_offline_member_syncs_the_dismissed_notice,
    profiles_answer_every_asked_id,
    read_report_moves_forward_only,
    refusals_carry_their_codes,
);
