//! Community topics through the engine (PROTOCOL.md 8.15), on both
//! stores: create, list, modify and delete with their pushes (Event 5
//! notices 17 and 18 to every member, the Event 4 tip 8 in the topic),
//! topic messages with their own sequences, history and read sequence, and
//! the refusals with their codes.

mod common;

use common::ops::{texts_of, Outcome};
use common::*;
use serde_json::{json, Value};
use tcchat_server::store::Store;

const CREATE: &str = "group_open_http_svc.create_group";
const GET_TOPIC: &str = "million_group_open_http_svc.get_topic";
const CREATE_TOPIC: &str = "million_group_open_http_svc.create_topic";
const MODIFY_TOPIC: &str = "million_group_open_http_svc.modify_topic";
const DESTROY_TOPIC: &str = "million_group_open_http_svc.destroy_topic";
const COMMUNITIES: &str = "million_group_open_http_svc.get_joined_group_list";
const SEND: &str = "group_open_http_svc.send_group_msg";
const MSG_GET: &str = "group_open_http_svc.group_msg_get";
const READ: &str = "group_open_http_svc.msg_read_report";
const G: &str = "@TGS#_com";

/// alice (owner) and bob in the community `@TGS#_com`; carol is logged in,
/// not a member.
fn community<S: Store>(sim: &mut Sim<S>) -> (Client, Client, Client) {
    let mut alice = Client::new(1, APP, "alice");
    let mut bob = Client::new(2, APP, "bob");
    let mut carol = Client::new(3, APP, "carol");
    for c in [&mut alice, &mut bob, &mut carol] {
        c.login(sim);
    }
    alice
        .op(
            sim,
            CREATE,
            json!({"Type": "Community", "Name": "C", "GroupId": G, "ApplyJoinOption": "FreeAccess"}),
        )
        .ok();
    bob.op(
        sim,
        "group_open_http_svc.apply_join_group",
        json!({"GroupId": G, "ApplyMsg": ""}),
    )
    .ok();
    (alice, bob, carol)
}

/// The `GroupTips` items of `event` pushed to `conn`.
fn tips_to(out: &Outcome, conn: u64, event: u64) -> Vec<Value> {
    out.events_to(conn)
        .iter()
        .filter(|e| e["Event"] == event)
        .flat_map(|e| e["GroupTips"].as_array().cloned().unwrap_or_default())
        .collect()
}

fn topics<S: Store>(c: &mut Client, sim: &mut Sim<S>) -> Vec<Value> {
    c.op(
        sim,
        GET_TOPIC,
        json!({"GroupId": G, "TopicIdList": [], "MemberInfoFilter": ["NoUnreadSeqList"]}),
    )
    .ok()
    .body()["TopicAndSelfInfo"]
        .as_array()
        .unwrap()
        .clone()
}

fn send<S: Store>(c: &mut Client, sim: &mut Sim<S>, topic: &str, seq: u64, text: &str) -> Outcome {
    let body = json!({"From_Account": c.user, "GroupId": G, "TopicId": topic,
        "Random": seq + 900, "ClientSeq": seq, "MsgPriority": "Normal",
        "MsgBody": [{"MsgType": "TIMTextElem", "MsgContent": {"Text": text}}],
        "CloudCustomData": "", "OnlineOnlyFlag": 0, "MsgClientTime": sim.unix_s()});
    c.op(sim, SEND, body)
}

fn topics_are_created_listed_changed_and_deleted<S: Store>(mut sim: Sim<S>) {
    let (mut alice, mut bob, _carol) = community(&mut sim);
    // The community lists with SupportTopic 1 in the million_group list.
    let list = bob
        .op(&mut sim, COMMUNITIES, json!({"Limit": 200, "Offset": 0}))
        .ok();
    assert_eq!(list.body()["GroupIdList"][0]["GroupId"], G);
    assert_eq!(list.body()["GroupIdList"][0]["SupportTopic"], 1);
    assert!(topics(&mut bob, &mut sim).is_empty());

    // Create with a chosen ID: every member (bob, and alice's own socket)
    // gets notice 17 naming the topic.
    let id = format!("{G}@TOPIC#_t1");
    let out = alice
        .op(
            &mut sim,
            CREATE_TOPIC,
            json!({"GroupId": G, "TopicId": id, "TopicName": "One", "Introduction": "i",
                   "CustomString": "cd"}),
        )
        .ok();
    assert_eq!(out.body()["TopicId"], id.as_str());
    let notice = &tips_to(&out, 2, 5)[0];
    assert_eq!(notice["MsgBody"]["OpType"], 17);
    assert_eq!(notice["MsgBody"]["Operator_Account"], "alice");
    assert_eq!(notice["GroupInfo"]["GroupId"], G);
    assert_eq!(notice["GroupInfo"]["MillionGroupFlag"], 2);
    assert_eq!(notice["GroupInfo"]["TopicId"], id.as_str());
    // A generated ID has the community's prefix.
    let out = alice
        .op(
            &mut sim,
            CREATE_TOPIC,
            json!({"GroupId": G, "TopicName": "Two"}),
        )
        .ok();
    let second = out.body()["TopicId"].as_str().unwrap().to_owned();
    assert!(second.starts_with(&format!("{G}@TOPIC#_")), "{second}");

    let list = topics(&mut bob, &mut sim);
    assert_eq!(list.len(), 2);
    let one = list
        .iter()
        .find(|t| t["TopicInfo"]["TopicId"] == id.as_str())
        .unwrap();
    assert_eq!(one["ErrorCode"], 0);
    assert_eq!(
        one["TopicInfo"]["GroupID"], G,
        "GroupID is required by the official SDK"
    );
    assert_eq!(one["TopicInfo"]["TopicName"], "One");
    assert_eq!(one["TopicInfo"]["Introduction"], "i");
    assert_eq!(one["TopicInfo"]["CustomString"], "cd");
    assert_eq!(one["TopicInfo"]["NextMsgSeq"], 1);
    assert_eq!(one["SelfInfo"]["MsgFlag"], "AcceptAndNotify");

    // Modify: the Event 4 tip 8 in the topic with only what changed.
    let out = alice
        .op(
            &mut sim,
            MODIFY_TOPIC,
            json!({"GroupId": G, "TopicId": id, "TopicName": "One renamed", "Introduction": "i",
                   "ShutUpAllMember": "On"}),
        )
        .ok();
    let tip = &tips_to(&out, 2, 4)[0];
    assert_eq!(tip["MsgBody"]["OpType"], 8);
    assert_eq!(tip["GroupInfo"]["TopicId"], id.as_str());
    assert_eq!(tip["MsgSeq"], 1, "the tip takes the topic's sequence");
    assert_eq!(
        tip["MsgBody"]["MsgTopicNewInfo"],
        json!({"TopicName": "One renamed", "ShutupAll": 1})
    );
    let list = topics(&mut bob, &mut sim);
    let one = list
        .iter()
        .find(|t| t["TopicInfo"]["TopicId"] == id.as_str())
        .unwrap();
    assert_eq!(one["TopicInfo"]["TopicName"], "One renamed");
    assert_eq!(one["TopicInfo"]["ShutUpAllFlag"], 1);
    assert_eq!(one["TopicInfo"]["NextMsgSeq"], 2);

    // Delete one real and one unknown topic: per-item results, notice 18.
    let out = alice
        .op(
            &mut sim,
            DESTROY_TOPIC,
            json!({"GroupId": G, "TopicIdList": [second, format!("{G}@TOPIC#_nope")]}),
        )
        .ok();
    let items = out.body()["DestroyResultItem"].as_array().unwrap();
    assert_eq!(items[0]["ErrorCode"], 0);
    assert_eq!(items[1]["ErrorCode"], 10010);
    let notice = &tips_to(&out, 2, 5)[0];
    assert_eq!(notice["MsgBody"]["OpType"], 18);
    assert_eq!(notice["MsgBody"]["TopicIdArray"], json!([second]));
    assert_eq!(topics(&mut bob, &mut sim).len(), 1);
    // A deleted topic's ID stays taken.
    let again = alice.op(
        &mut sim,
        CREATE_TOPIC,
        json!({"GroupId": G, "TopicId": second, "TopicName": "Again"}),
    );
    assert_eq!(again.code(), 10021);
}

fn topic_messages_have_their_own_sequence_history_and_reads<S: Store>(mut sim: Sim<S>) {
    let (mut alice, mut bob, mut carol) = community(&mut sim);
    let t1 = format!("{G}@TOPIC#_a");
    let t2 = format!("{G}@TOPIC#_b");
    for t in [&t1, &t2] {
        alice
            .op(
                &mut sim,
                CREATE_TOPIC,
                json!({"GroupId": G, "TopicId": t, "TopicName": "T"}),
            )
            .ok();
    }
    let out = send(&mut bob, &mut sim, &t1, 1, "hello t1").ok();
    assert_eq!(out.body()["MsgSeq"], 1);
    let pushed = &out.events_to(1)[0]["GroupMsgArray"][0];
    assert_eq!(pushed["GroupInfo"]["TopicId"], t1.as_str());
    assert_eq!(pushed["GroupInfo"]["MillionGroupFlag"], 2);
    assert_eq!(pushed["MsgSeq"], 1);
    assert_eq!(
        send(&mut bob, &mut sim, &t1, 2, "again").ok().body()["MsgSeq"],
        2
    );
    // Another topic counts from 1; the community's own sequence is untouched.
    assert_eq!(
        send(&mut alice, &mut sim, &t2, 3, "hi t2").ok().body()["MsgSeq"],
        1
    );
    // A resend gets its first answer.
    assert_eq!(
        send(&mut bob, &mut sim, &t1, 2, "again").ok().body()["MsgSeq"],
        2
    );

    let page = alice
        .op(
            &mut sim,
            MSG_GET,
            json!({"GroupId": G, "TopicId": t1, "ReqMsgNumber": 20}),
        )
        .ok();
    assert_eq!(
        texts_of(page.body()["RspMsgList"].as_array().unwrap()),
        ["again", "hello t1"]
    );
    assert_eq!(page.body()["IsFinished"], 1);

    // alice has read nothing in t1; bob read his own messages.
    let self_seq = |c: &mut Client, sim: &mut Sim<S>, t: &str| {
        topics(c, sim)
            .iter()
            .find(|i| i["TopicInfo"]["TopicId"] == t)
            .map(|i| i["SelfInfo"]["MsgSeq"].as_u64().unwrap())
            .unwrap()
    };
    assert_eq!(self_seq(&mut alice, &mut sim, &t1), 0);
    assert_eq!(self_seq(&mut bob, &mut sim, &t1), 2);
    alice
        .op(
            &mut sim,
            READ,
            json!({"GroupId": G, "TopicId": t1, "MsgReadedSeq": 99}),
        )
        .ok();
    assert_eq!(
        self_seq(&mut alice, &mut sim, &t1),
        2,
        "capped at the last sequence"
    );
    assert_eq!(self_seq(&mut alice, &mut sim, &t2), 1);

    // Refusals: a non-member, an unknown topic, a muted topic.
    assert_eq!(send(&mut carol, &mut sim, &t1, 5, "x").code(), 10007);
    assert_eq!(
        carol
            .op(
                &mut sim,
                GET_TOPIC,
                json!({"GroupId": G, "TopicIdList": []})
            )
            .code(),
        10007
    );
    assert_eq!(
        send(&mut bob, &mut sim, &format!("{G}@TOPIC#_zz"), 6, "x").code(),
        10010
    );
    alice
        .op(
            &mut sim,
            MODIFY_TOPIC,
            json!({"GroupId": G, "TopicId": t1, "ShutUpAllMember": "On"}),
        )
        .ok();
    assert_eq!(send(&mut bob, &mut sim, &t1, 7, "muted").code(), 10017);
    assert_eq!(send(&mut alice, &mut sim, &t1, 8, "owner speaks").code(), 0);
}

fn only_admins_manage_topics_of_communities<S: Store>(mut sim: Sim<S>) {
    let (mut alice, mut bob, mut carol) = community(&mut sim);
    let code = |c: &mut Client, sim: &mut Sim<S>, servcmd: &str, body: Value| {
        c.op(sim, servcmd, body).code()
    };
    assert_eq!(
        code(
            &mut bob,
            &mut sim,
            CREATE_TOPIC,
            json!({"GroupId": G, "TopicName": "x"})
        ),
        10007
    );
    assert_eq!(
        code(
            &mut carol,
            &mut sim,
            CREATE_TOPIC,
            json!({"GroupId": G, "TopicName": "x"})
        ),
        10007
    );
    // Not a community: 10010.
    alice
        .op(
            &mut sim,
            CREATE,
            json!({"Type": "Public", "Name": "P", "GroupId": "pub"}),
        )
        .ok();
    assert_eq!(
        code(
            &mut alice,
            &mut sim,
            CREATE_TOPIC,
            json!({"GroupId": "pub", "TopicName": "x"})
        ),
        10010
    );
    // Bad arguments: no name, a too long name, an ID of another group.
    assert_eq!(
        code(&mut alice, &mut sim, CREATE_TOPIC, json!({"GroupId": G})),
        10004
    );
    assert_eq!(
        code(
            &mut alice,
            &mut sim,
            CREATE_TOPIC,
            json!({"GroupId": G, "TopicName": "n".repeat(151)})
        ),
        10004
    );
    assert_eq!(
        code(
            &mut alice,
            &mut sim,
            CREATE_TOPIC,
            json!({"GroupId": G, "TopicId": "@TGS#_other@TOPIC#_x", "TopicName": "x"})
        ),
        10015
    );
    let t = format!("{G}@TOPIC#_m");
    alice
        .op(
            &mut sim,
            CREATE_TOPIC,
            json!({"GroupId": G, "TopicId": t, "TopicName": "x"}),
        )
        .ok();
    assert_eq!(
        code(
            &mut bob,
            &mut sim,
            MODIFY_TOPIC,
            json!({"GroupId": G, "TopicId": t, "TopicName": "y"})
        ),
        10007
    );
    assert_eq!(
        code(
            &mut bob,
            &mut sim,
            DESTROY_TOPIC,
            json!({"GroupId": G, "TopicIdList": [t]})
        ),
        10007
    );
    // An unchanged modify is OK and tells nobody.
    let out = alice
        .op(
            &mut sim,
            MODIFY_TOPIC,
            json!({"GroupId": G, "TopicId": t, "TopicName": "x"}),
        )
        .ok();
    assert!(out.others.is_empty());
}

fn a_late_joiner_has_read_the_earlier_topic_messages<S: Store>(mut sim: Sim<S>) {
    let (mut alice, mut bob, mut carol) = community(&mut sim);
    let t = format!("{G}@TOPIC#_l");
    alice
        .op(
            &mut sim,
            CREATE_TOPIC,
            json!({"GroupId": G, "TopicId": t, "TopicName": "T"}),
        )
        .ok();
    send(&mut bob, &mut sim, &t, 1, "before").ok();
    send(&mut bob, &mut sim, &t, 2, "before too").ok();
    carol
        .op(
            &mut sim,
            "group_open_http_svc.apply_join_group",
            json!({"GroupId": G, "ApplyMsg": ""}),
        )
        .ok();
    let mine = topics(&mut carol, &mut sim);
    assert_eq!(
        mine[0]["SelfInfo"]["MsgSeq"], 2,
        "nothing before the join is unread"
    );
    send(&mut bob, &mut sim, &t, 3, "after").ok();
    let mine = topics(&mut carol, &mut sim);
    assert_eq!(mine[0]["TopicInfo"]["NextMsgSeq"], 4);
    assert_eq!(mine[0]["SelfInfo"]["MsgSeq"], 2, "one unread");
}

on_both_stores!(
    topics_are_created_listed_changed_and_deleted,
    topic_messages_have_their_own_sequence_history_and_reads,
    only_admins_manage_topics_of_communities,
    a_late_joiner_has_read_the_earlier_topic_messages,
);
