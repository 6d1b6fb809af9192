//! Interop for issue 16, groups: the official Web SDK
//! (`@tencentcloud/chat` 3.6.6, in Node) and tcchat (tokio) in one group
//! on one in-process `tcchat-server`.
//!
//! * Two official SDK instances: the owner creates the group, the other
//!   joins it, messages go both ways, the join and quit tips reach the
//!   owner, the member re-joins, and the dismissal reaches it as a system
//!   notice that takes the group out of its list; read receipts, member
//!   management and an application, each through the official APIs.
//! * The official SDK and tcchat, both directions: the official SDK creates
//!   a group that tcchat joins, and tcchat creates one that the official
//!   SDK joins; messages, tips, system notices and group read receipts each
//!   way, in the official shapes on the official side.
//!
//! GROUP_LIST_UPDATED is checked on every side at each step. Each scenario
//! ends by checking that every request an official SDK made was answered
//! with ErrorCode 0, and that none logged (at level 0) an error or a
//! warning — among them the symptoms of malformed group replies and pushes
//! of groups-facts.md §8 (`Cannot read properties`, `unknown eventItem`,
//! `_onGroupTips unknown event`, `unknown operationType`) — an uncaught
//! exception or an unhandled rejection. Every wait is bounded.
//!
//! `cargo test -p tcchat-tests --test interop_groups`

mod interop_harness;

use interop_harness::*;
use serde_json::{json, Value};
use tcchat_server::ServerConfig;
use tcchat_tokio::types::{ConversationType, GroupJoinOption, GroupType, JoinGroupStatus};
use tcchat_tokio::{
    CreateGroupOptions, CreateTextMessageOptions, Event, GroupSystemNoticePayload, GroupTipPayload,
    Message, Payload, UpdateGroupProfileOptions,
};

/// `setLogLevel(0)`: every SDK log line passes through the agent's
/// error/warning classifier.
const LOG_LEVEL: u8 = 0;

async fn official(name: &str, url: &str, user: &str) -> Agent {
    let mut agent = Agent::create(name, url, LOG_LEVEL).await;
    agent.login(user).await;
    agent.settle().await;
    agent
}

/// Whether a GROUP_LIST_UPDATED list holds `group`.
fn lists(data: &Value, group: &str) -> bool {
    data.as_array()
        .is_some_and(|l| l.iter().any(|g| g["groupID"] == group))
}

/// A MESSAGE_RECEIVED list's first item of `conversation` matching `pred`.
fn received_in(data: &Value, conversation: &str, pred: impl Fn(&Value) -> bool) -> Option<Value> {
    data.as_array()?
        .iter()
        .find(|m| m["conversationID"] == conversation && pred(m))
        .cloned()
}

/// Every log line or rejection that would show a group reply or push the
/// official SDK could not take (groups-facts.md §8).
fn assert_no_group_symptoms(agent: &Agent) {
    let symptoms = [
        "Cannot read properties",
        "unknown eventItem",
        "_onGroupTips unknown event",
        "unknown operationType",
    ];
    let bad: Vec<Value> = agent
        .records()
        .into_iter()
        .filter(|r| {
            let text = r["text"].as_str().unwrap_or_default();
            symptoms.iter().any(|s| text.contains(s))
        })
        .collect();
    assert!(bad.is_empty(), "group symptoms: {}", lines(&bad));
}

#[test]
fn two_official_sdks_share_a_group_from_creation_to_dismissal() {
    run(async {
        let server = start_server(ServerConfig::ephemeral(vec![app()])).await;
        let url = server.ws_url();
        let mut owner = official("g-owner", &url, "gowner").await;
        let mut member = official("g-member", &url, "gmember").await;

        // createGroup: the reply's GroupId is the group, and it is listed.
        let from = owner.mark();
        let created = owner
            .ok(
                "createGroup",
                json!({"type": "Public", "name": "Group I", "groupID": "grpI", "joinOption": "FreeAccess"}),
            )
            .await;
        assert_eq!(created["group"]["groupID"], "grpI", "{created}");
        assert_eq!(created["group"]["type"], "Public", "{created}");
        owner
            .wait_event("GROUP_LIST_UPDATED", from, PATIENCE, |d| lists(d, "grpI"))
            .await;
        let profile = owner
            .ok("getGroupProfile", json!({"groupID": "grpI"}))
            .await;
        assert_eq!(profile["ownerID"], "gowner", "{profile}");
        assert_eq!(profile["selfInfo"]["role"], "Owner", "{profile}");

        // joinGroup: JoinedSuccess, then the group is in the member's list;
        // the owner sees the join tip.
        let from_owner = owner.mark();
        let from = member.mark();
        let joined = member.ok("joinGroup", json!({"groupID": "grpI"})).await;
        assert_eq!(joined["status"], "JoinedSuccess", "{joined}");
        member
            .wait_event("GROUP_LIST_UPDATED", from, PATIENCE, |d| lists(d, "grpI"))
            .await;
        let (_, tip) = owner
            .wait_event("MESSAGE_RECEIVED", from_owner, PATIENCE, |d| {
                received_in(d, "GROUPgrpI", |m| m["type"] == "TIMGroupTipElem").is_some()
            })
            .await;
        let tip = received_in(&tip["data"], "GROUPgrpI", |m| {
            m["type"] == "TIMGroupTipElem"
        })
        .unwrap();
        assert_eq!(tip["payload"]["operationType"], 1, "{tip}");
        assert_eq!(tip["payload"]["userIDList"], json!(["gmember"]), "{tip}");

        // Messages both ways, with the server's sequence on both sides.
        let from = member.mark();
        let sent = owner
            .ok(
                "sendGroupText",
                json!({"groupID": "grpI", "text": "hello group"}),
            )
            .await;
        assert_eq!(sent["status"], "success", "{sent}");
        assert!(sent["sequence"].as_u64().is_some_and(|s| s > 0), "{sent}");
        let id = sent["ID"].as_str().unwrap().to_owned();
        let (_, got) = member
            .wait_event("MESSAGE_RECEIVED", from, PATIENCE, names_message(&id))
            .await;
        let got = message_in(&got["data"], &id).unwrap();
        assert_eq!(got["conversationID"], "GROUPgrpI", "{got}");
        assert_eq!(got["text"], "hello group", "{got}");
        assert_eq!(got["sequence"], sent["sequence"], "{got}");
        assert_eq!(got["from"], "gowner", "{got}");
        // setMessageRead on the group: msg_read_report up to that sequence,
        // and the read sequence comes back in the profile.
        let at = member.mark();
        member
            .ok("setMessageRead", json!({"conversationID": "GROUPgrpI"}))
            .await;
        let report = member
            .wait("msg_read_report", at, PATIENCE, |r| {
                r["k"] == "up" && r["servcmd"] == "group_open_http_svc.msg_read_report"
            })
            .await
            .1;
        assert_eq!(report["body"]["GroupId"], "grpI", "{report}");
        assert_eq!(report["body"]["MsgReadedSeq"], sent["sequence"], "{report}");
        // The server keeps it: the next profile reply's SelfInfo.MsgSeq.
        // (The SDK's own `selfInfo.readedSequence` is not refreshed from a
        // profile reply.)
        let at = member.mark();
        member
            .ok("getGroupProfile", json!({"groupID": "grpI"}))
            .await;
        let (_, reply) = member
            .wait("a profile reply", at, PATIENCE, |r| {
                r["k"] == "down" && r["servcmd"] == "group_open_http_svc.get_group_self_member_info"
            })
            .await;
        assert_eq!(
            reply["body"]["GroupInfo"][0]["SelfInfo"]["MsgSeq"], sent["sequence"],
            "{reply}"
        );

        let from = owner.mark();
        let back = member
            .ok(
                "sendGroupText",
                json!({"groupID": "grpI", "text": "hello owner"}),
            )
            .await;
        let back_id = back["ID"].as_str().unwrap().to_owned();
        let (_, got) = owner
            .wait_event("MESSAGE_RECEIVED", from, PATIENCE, names_message(&back_id))
            .await;
        let got = message_in(&got["data"], &back_id).unwrap();
        assert_eq!(got["text"], "hello owner", "{got}");
        assert_eq!(got["sequence"], back["sequence"], "{got}");
        // The owner's list entry follows the new message.
        owner
            .wait_event("GROUP_LIST_UPDATED", from, PATIENCE, |d| {
                d.as_array().is_some_and(|l| {
                    l.iter().any(|g| {
                        g["groupID"] == "grpI"
                            && g["nextMessageSeq"].as_u64() > back["sequence"].as_u64()
                    })
                })
            })
            .await;

        // quitGroup: the owner sees the quit tip; the group leaves the
        // member's list.
        let from_owner = owner.mark();
        let from = member.mark();
        member.ok("quitGroup", json!({"groupID": "grpI"})).await;
        member
            .wait_event("GROUP_LIST_UPDATED", from, PATIENCE, |d| !lists(d, "grpI"))
            .await;
        owner
            .wait_event("MESSAGE_RECEIVED", from_owner, PATIENCE, |d| {
                received_in(d, "GROUPgrpI", |m| {
                    m["type"] == "TIMGroupTipElem" && m["payload"]["operationType"] == 2
                })
                .is_some()
            })
            .await;
        let list = member.ok("getGroupList", json!({})).await;
        assert_eq!(list["groupList"], json!([]), "{list}");

        // Back in, then dismissed: a system notice in @TIM#SYSTEM, and the
        // group leaves the list.
        let from = member.mark();
        let joined = member.ok("joinGroup", json!({"groupID": "grpI"})).await;
        assert_eq!(joined["status"], "JoinedSuccess", "{joined}");
        member
            .wait_event("GROUP_LIST_UPDATED", from, PATIENCE, |d| lists(d, "grpI"))
            .await;
        let from = member.mark();
        owner.ok("dismissGroup", json!({"groupID": "grpI"})).await;
        let (_, notice) = member
            .wait_event("MESSAGE_RECEIVED", from, PATIENCE, |d| {
                received_in(d, "@TIM#SYSTEM", |m| {
                    m["type"] == "TIMGroupSystemNoticeElem"
                })
                .is_some()
            })
            .await;
        let notice = received_in(&notice["data"], "@TIM#SYSTEM", |_| true).unwrap();
        assert_eq!(notice["payload"]["operationType"], 5, "{notice}");
        assert_eq!(notice["to"], "grpI", "{notice}");
        member
            .wait_event("GROUP_LIST_UPDATED", from, PATIENCE, |d| !lists(d, "grpI"))
            .await;
        let list = owner.ok("getGroupList", json!({})).await;
        assert_eq!(list["groupList"], json!([]), "{list}");

        for agent in [&owner, &member] {
            agent.assert_replies_ok(0).await;
            agent.assert_no_problems(0);
            assert_no_group_symptoms(agent);
        }
        stop_server(server).await;
    });
}

/// Group read receipts between two official SDKs: the reader's
/// sendMessageReadReceipt reaches the sender as MESSAGE_READ_RECEIPT_RECEIVED
/// with the group's ID and the totals, and the sender's
/// getMessageReadReceiptList and getGroupMessageReadMemberList agree.
#[test]
fn group_read_receipts_reach_the_sender() {
    run(async {
        let server = start_server(ServerConfig::ephemeral(vec![app()])).await;
        let url = server.ws_url();
        let mut owner = official("g-receipt-owner", &url, "rowner").await;
        let mut member = official("g-receipt-member", &url, "rmember").await;
        owner
            .ok(
                "createGroup",
                json!({"type": "Public", "name": "Receipts", "groupID": "grpR", "joinOption": "FreeAccess"}),
            )
            .await;
        let from = member.mark();
        member.ok("joinGroup", json!({"groupID": "grpR"})).await;
        member
            .wait_event("GROUP_LIST_UPDATED", from, PATIENCE, |d| lists(d, "grpR"))
            .await;

        let from = member.mark();
        let sent = owner
            .ok(
                "sendGroupText",
                json!({"groupID": "grpR", "text": "please read", "needReadReceipt": true}),
            )
            .await;
        let id = sent["ID"].as_str().unwrap().to_owned();
        let (_, got) = member
            .wait_event("MESSAGE_RECEIVED", from, PATIENCE, names_message(&id))
            .await;
        let got = message_in(&got["data"], &id).unwrap();
        assert_eq!(got["needReadReceipt"], true, "{got}");

        let from = owner.mark();
        member
            .ok("sendMessageReadReceipt", json!({"messageIDs": [id]}))
            .await;
        let (_, event) = owner
            .wait_event("MESSAGE_READ_RECEIPT_RECEIVED", from, PATIENCE, |d| {
                d.as_array()
                    .is_some_and(|l| l.iter().any(|r| r["messageID"] == id.as_str()))
            })
            .await;
        let receipt = event["data"]
            .as_array()
            .unwrap()
            .iter()
            .find(|r| r["messageID"] == id.as_str())
            .unwrap()
            .clone();
        assert_eq!(receipt["groupID"], "grpR", "{receipt}");
        assert_eq!(receipt["readCount"], 1, "{receipt}");
        assert_eq!(receipt["unreadCount"], 0, "{receipt}");

        let list = owner
            .ok("getMessageReadReceiptList", json!({"messageIDs": [id]}))
            .await;
        let info = &list["messageList"][0]["readReceiptInfo"];
        assert_eq!(info["readCount"], 1, "{list}");
        assert_eq!(info["unreadCount"], 0, "{list}");
        let readers = owner
            .ok(
                "getGroupMessageReadMemberList",
                json!({"messageID": id, "filter": 0}),
            )
            .await;
        assert_eq!(readers["readUserIDList"], json!(["rmember"]), "{readers}");
        assert_eq!(readers["isCompleted"], true, "{readers}");

        for agent in [&owner, &member] {
            agent.assert_replies_ok(0).await;
            agent.assert_no_problems(0);
            assert_no_group_symptoms(agent);
        }
        stop_server(server).await;
    });
}

/// The uplink bodies of `servcmd` the agent recorded since `from`.
fn sent(agent: &Agent, from: usize, servcmd: &str) -> Vec<Value> {
    agent
        .records_since(from)
        .into_iter()
        .filter(|r| r["k"] == "up" && r["servcmd"] == servcmd)
        .map(|r| r["body"].clone())
        .collect()
}

/// The first `MESSAGE_RECEIVED` item of `conversation` with
/// `payload.operationType` `op` at or after `from`.
async fn wait_op(agent: &Agent, from: usize, conversation: &str, op: u64) -> Value {
    let (_, e) = agent
        .wait_event("MESSAGE_RECEIVED", from, PATIENCE, |d| {
            received_in(d, conversation, |m| m["payload"]["operationType"] == op).is_some()
        })
        .await;
    received_in(&e["data"], conversation, |m| {
        m["payload"]["operationType"] == op
    })
    .unwrap()
}

/// Members managed through the official APIs. The request shapes the
/// official SDK sends for them (which PROTOCOL.md 8.7 chose from Tencent's
/// REST names before any capture) are checked key by key, and each tip and
/// notice is shown by the other instances as the official SDK parses it.
#[test]
fn the_owner_manages_members_with_the_official_apis() {
    run(async {
        let server = start_server(ServerConfig::ephemeral(vec![app()])).await;
        let url = server.ws_url();
        let mut owner = official("g-mgmt-owner", &url, "mowner").await;
        let m1 = official("g-mgmt-m1", &url, "mone").await;
        let mut m2 = official("g-mgmt-m2", &url, "mtwo").await;

        // A listed member learns of the new group by notice 6.
        let from1 = m1.mark();
        owner
            .ok(
                "createGroup",
                json!({"type": "Public", "name": "Managed", "groupID": "grpM", "memberList": ["mone"]}),
            )
            .await;
        m1.wait_event("GROUP_LIST_UPDATED", from1, PATIENCE, |d| lists(d, "grpM"))
            .await;

        // addGroupMember: notice 7 puts the group in the added one's list.
        let from2 = m2.mark();
        let at = owner.mark();
        let added = owner
            .ok(
                "addGroupMember",
                json!({"groupID": "grpM", "userIDList": ["mtwo"]}),
            )
            .await;
        assert_eq!(added["successUserIDList"], json!(["mtwo"]), "{added}");
        assert_eq!(
            sent(&owner, at, "group_open_http_svc.add_group_member")[0]["MemberList"],
            json!([{"Member_Account": "mtwo"}])
        );
        let notice = wait_op(&m2, from2, "@TIM#SYSTEM", 7).await;
        assert_eq!(notice["to"], "grpM", "{notice}");
        m2.wait_event("GROUP_LIST_UPDATED", from2, PATIENCE, |d| lists(d, "grpM"))
            .await;

        // Roles: tip 4 to the members, notice 9 to the new admin.
        let from1 = m1.mark();
        let at = owner.mark();
        owner
            .ok(
                "setGroupMemberRole",
                json!({"groupID": "grpM", "userID": "mone", "role": "Admin"}),
            )
            .await;
        assert_eq!(
            sent(&owner, at, "group_open_http_svc.modify_group_member_info")[0],
            json!({"GroupId": "grpM", "Member_Account": "mone", "Role": "Admin"})
        );
        wait_op(&m1, from1, "@TIM#SYSTEM", 9).await;
        let tip = wait_op(&m1, from1, "GROUPgrpM", 4).await;
        assert_eq!(tip["payload"]["userIDList"], json!(["mone"]), "{tip}");

        // Mute and name card: tip 7, parsed into memberList.
        let from1 = m1.mark();
        let at = owner.mark();
        owner
            .ok(
                "setGroupMemberMuteTime",
                json!({"groupID": "grpM", "userID": "mtwo", "muteTime": 60}),
            )
            .await;
        assert_eq!(
            sent(&owner, at, "group_open_http_svc.modify_group_member_info")[0],
            json!({"GroupId": "grpM", "Member_Account": "mtwo", "ShutUpTime": 60})
        );
        let tip = wait_op(&m1, from1, "GROUPgrpM", 7).await;
        assert_eq!(
            tip["payload"]["memberList"],
            json!([{"userID": "mtwo", "muteTime": 60}]),
            "{tip}"
        );
        let from1 = m1.mark();
        m2.ok(
            "setGroupMemberNameCard",
            json!({"groupID": "grpM", "nameCard": "Two"}),
        )
        .await;
        let tip = wait_op(&m1, from1, "GROUPgrpM", 7).await;
        assert_eq!(
            tip["payload"]["memberList"],
            json!([{"userID": "mtwo", "nameCard": "Two"}]),
            "{tip}"
        );

        // The member list and a member's profile.
        let at = owner.mark();
        let list = owner
            .ok("getGroupMemberList", json!({"groupID": "grpM"}))
            .await;
        let sent_list = &sent(&owner, at, "group_open_http_svc.get_group_member_info")[0];
        assert_eq!(
            (sent_list["Limit"].as_u64(), sent_list["Offset"].as_u64()),
            (Some(15), Some(0))
        );
        let roles: Vec<(String, String)> = list["memberList"]
            .as_array()
            .unwrap()
            .iter()
            .map(|m| {
                (
                    m["userID"].as_str().unwrap().to_owned(),
                    m["role"].as_str().unwrap().to_owned(),
                )
            })
            .collect();
        assert_eq!(roles.len(), 3, "{list}");
        assert!(roles.contains(&("mone".into(), "Admin".into())), "{list}");
        assert!(roles.contains(&("mowner".into(), "Owner".into())), "{list}");
        let profile = owner
            .ok(
                "getGroupMemberProfile",
                json!({"groupID": "grpM", "userIDList": ["mtwo"]}),
            )
            .await;
        let p = &profile["memberList"][0];
        assert_eq!(p["nameCard"], "Two", "{profile}");
        assert!(
            p["muteUntil"].as_u64().is_some_and(|t| t > now_secs()),
            "{profile}"
        );

        // The profile: tip 6 with the changed keys.
        let from1 = m1.mark();
        let at = owner.mark();
        let updated = owner
            .ok(
                "updateGroupProfile",
                json!({"groupID": "grpM", "name": "Renamed", "muteAllMembers": true, "introduction": "hi"}),
            )
            .await;
        assert_eq!(updated["group"]["muteAllMembers"], true, "{updated}");
        assert_eq!(
            sent(&owner, at, "group_open_http_svc.modify_group_base_info")[0],
            json!({"GroupId": "grpM", "Name": "Renamed", "Introduction": "hi", "ShutUpAllMember": "On"})
        );
        let tip = wait_op(&m1, from1, "GROUPgrpM", 6).await;
        assert_eq!(
            tip["payload"]["newGroupProfile"],
            json!({"groupName": "Renamed", "introduction": "hi", "muteAllMembers": true}),
            "{tip}"
        );
        // The other member's list follows the tip.
        m1.wait_event("GROUP_LIST_UPDATED", from1, PATIENCE, |d| {
            d.as_array().is_some_and(|l| {
                l.iter().any(|g| {
                    g["groupID"] == "grpM" && g["name"] == "Renamed" && g["muteAllMembers"] == true
                })
            })
        })
        .await;
        let found = m2.ok("searchGroupByID", json!({"groupID": "grpM"})).await;
        assert_eq!(found["group"]["name"], "Renamed", "{found}");

        // A kick with a reason: notice 4, and the group leaves the list.
        let from2 = m2.mark();
        let at = owner.mark();
        owner
            .ok(
                "deleteGroupMember",
                json!({"groupID": "grpM", "userIDList": ["mtwo"], "reason": "bye"}),
            )
            .await;
        assert_eq!(
            sent(&owner, at, "group_open_http_svc.delete_group_member")[0],
            json!({"GroupId": "grpM", "MemberToDel_Account": ["mtwo"], "Reason": "bye"})
        );
        let notice = wait_op(&m2, from2, "@TIM#SYSTEM", 4).await;
        assert_eq!(notice["payload"]["handleMessage"], "bye", "{notice}");
        m2.wait_event("GROUP_LIST_UPDATED", from2, PATIENCE, |d| !lists(d, "grpM"))
            .await;

        // Ownership.
        let at = owner.mark();
        let from1 = m1.mark();
        let changed = owner
            .ok(
                "changeGroupOwner",
                json!({"groupID": "grpM", "newOwnerID": "mone"}),
            )
            .await;
        assert_eq!(changed["group"]["ownerID"], "mone", "{changed}");
        // The new owner's list follows the tip 6 naming it.
        m1.wait_event("GROUP_LIST_UPDATED", from1, PATIENCE, |d| {
            d.as_array().is_some_and(|l| {
                l.iter().any(|g| {
                    g["groupID"] == "grpM"
                        && g["ownerID"] == "mone"
                        && g["selfInfo"]["role"] == "Owner"
                })
            })
        })
        .await;
        assert_eq!(
            sent(&owner, at, "group_open_http_svc.change_group_owner")[0],
            json!({"GroupId": "grpM", "NewOwner_Account": "mone"})
        );

        for agent in [&owner, &m1, &m2] {
            agent.assert_replies_ok(0).await;
            agent.assert_no_problems(0);
            assert_no_group_symptoms(agent);
        }
        stop_server(server).await;
    });
}

/// An application through the official APIs: joinGroup waits for
/// approval, the owner sees notice 1 and the application in
/// getGroupApplicationList (get_pendency), handleGroupApplication agrees
/// (handle_apply_join_group), the applicant gets notice 2 and the group,
/// and the owner's SDK deletes the handled notice (openim.deletemsg).
#[test]
fn an_application_is_approved_with_the_official_apis() {
    run(async {
        let server = start_server(ServerConfig::ephemeral(vec![app()])).await;
        let url = server.ws_url();
        let mut owner = official("g-app-owner", &url, "aowner").await;
        let mut applicant = official("g-app-applicant", &url, "aapplicant").await;
        owner
            .ok(
                "createGroup",
                json!({"type": "Public", "name": "Apply", "groupID": "grpP"}),
            )
            .await;
        let from = owner.mark();
        let joined = applicant
            .ok(
                "joinGroup",
                json!({"groupID": "grpP", "applyMessage": "let me in"}),
            )
            .await;
        assert_eq!(joined["status"], "WaitAdminApproval", "{joined}");
        let notice = wait_op(&owner, from, "@TIM#SYSTEM", 1).await;
        assert_eq!(notice["payload"]["handleMessage"], "let me in", "{notice}");
        assert_eq!(notice["payload"]["operatorID"], "aapplicant", "{notice}");

        let at = owner.mark();
        let list = owner.ok("getGroupApplicationList", json!({})).await;
        let apps = list["applicationList"].as_array().unwrap();
        assert_eq!(apps.len(), 1, "{list}");
        assert_eq!(apps[0]["applicant"], "aapplicant", "{list}");
        assert_eq!(apps[0]["groupID"], "grpP", "{list}");
        assert_eq!(apps[0]["note"], "let me in", "{list}");
        let asked = sent(&owner, at, "group_open_http_svc.get_pendency");
        assert_eq!(asked[0]["Handle_Account"], "aowner");
        // One page for ordinary groups, one for communities: no loop.
        assert!(asked.len() <= 2, "{asked:?}");

        let from_app = applicant.mark();
        let at = owner.mark();
        let id = notice["ID"].as_str().unwrap().to_owned();
        owner
            .ok(
                "handleGroupApplication",
                json!({"handleAction": "Agree", "messageID": id}),
            )
            .await;
        assert_eq!(
            sent(&owner, at, "group_open_http_svc.handle_apply_join_group")[0],
            json!({"GroupId": "grpP", "Applicant_Account": "aapplicant", "HandleMsg": "Agree", "ApprovalMsg": ""})
        );
        wait_op(&applicant, from_app, "@TIM#SYSTEM", 2).await;
        applicant
            .wait_event("GROUP_LIST_UPDATED", from_app, PATIENCE, |d| {
                lists(d, "grpP")
            })
            .await;
        owner
            .wait("openim.deletemsg answered", at, PATIENCE, |r| {
                r["k"] == "down" && r["servcmd"] == "openim.deletemsg"
            })
            .await;

        for agent in [&owner, &applicant] {
            agent.assert_replies_ok(0).await;
            agent.assert_no_problems(0);
            assert_no_group_symptoms(agent);
        }
        stop_server(server).await;
    });
}

// ---------------------------------------------------------------------------
// tcchat and the official SDK in one group

/// Whether `e` is a tcchat GROUP_LIST_UPDATED whose list holds `group`.
fn tc_lists(e: &Event, group: &str) -> bool {
    matches!(e, Event::GroupListUpdated(l) if l.iter().any(|g| g.group_id == group))
}

/// Whether `e` is a tcchat GROUP_LIST_UPDATED whose list lacks `group`.
fn tc_lacks(e: &Event, group: &str) -> bool {
    matches!(e, Event::GroupListUpdated(l) if l.iter().all(|g| g.group_id != group))
}

/// The first message of a tcchat MESSAGE_RECEIVED in `conversation`
/// matching `pred`.
fn tc_received(e: &Event, conversation: &str, pred: impl Fn(&Message) -> bool) -> Option<Message> {
    match e {
        Event::MessageReceived(list) => list
            .iter()
            .find(|m| m.conversation_id == conversation && pred(m))
            .cloned(),
        _ => None,
    }
}

/// Wait for the tcchat message in `conversation` matching `pred`.
async fn tc_wait_message(
    rec: &Recorder,
    what: &str,
    from: usize,
    conversation: &str,
    pred: impl Fn(&Message) -> bool,
) -> Message {
    let e = rec
        .wait(what, from, |e| {
            tc_received(e, conversation, &pred).is_some()
        })
        .await;
    tc_received(&e, conversation, &pred).unwrap()
}

/// A group tip of operation `op` as tcchat shows it.
fn tc_tip(m: &Message, op: u32) -> Option<&GroupTipPayload> {
    match &m.payload {
        Payload::GroupTip(t) if t.operation_type == op => Some(t),
        _ => None,
    }
}

/// A group system notice of operation `op` as tcchat shows it.
fn tc_notice(m: &Message, op: u32) -> Option<&GroupSystemNoticePayload> {
    match &m.payload {
        Payload::GroupSystemNotice(n) if n.operation_type == op => Some(n),
        _ => None,
    }
}

/// The official SDK creates a group that tcchat joins. Each side sees the
/// other's messages with the server's sequence, the official SDK sees
/// tcchat's join and quit as tips and its read receipt as
/// MESSAGE_READ_RECEIPT_RECEIVED, tcchat sees the official SDK's profile
/// change as a tip and its dismissal as a system notice, and both group
/// lists follow.
#[test]
fn official_sdk_creates_a_group_that_tcchat_joins() {
    run(async {
        let server = start_server(ServerConfig::ephemeral(vec![app()])).await;
        let url = server.ws_url();
        let mut owner = official("x-owner", &url, "xowner").await;
        let (chat, events) = tcchat_login(&url, "xmember").await;
        let rec = Recorder::new(events);

        let from = owner.mark();
        owner
            .ok(
                "createGroup",
                json!({"type": "Public", "name": "Mixed", "groupID": "grpX", "joinOption": "FreeAccess"}),
            )
            .await;
        owner
            .wait_event("GROUP_LIST_UPDATED", from, PATIENCE, |d| lists(d, "grpX"))
            .await;

        // tcchat joins: JoinedSuccess with the official SDK's group, its
        // list gains it, and the owner sees the join tip.
        let from_owner = owner.mark();
        let from = rec.mark();
        let joined = tcchat_call("join_group", chat.join_group("grpX", "")).await;
        assert_eq!(joined.status, JoinGroupStatus::JoinedSuccess);
        let group = joined.group.expect("the joined group");
        assert_eq!(
            (
                group.group_id.as_str(),
                group.name.as_str(),
                group.owner_id.as_str()
            ),
            ("grpX", "Mixed", "xowner")
        );
        assert_eq!(group.group_type, GroupType::Public);
        rec.wait("GROUP_LIST_UPDATED with grpX", from, |e| {
            tc_lists(e, "grpX")
        })
        .await;
        let tip = wait_op(&owner, from_owner, "GROUPgrpX", 1).await;
        assert_eq!(tip["type"], "TIMGroupTipElem", "{tip}");
        assert_eq!(tip["payload"]["userIDList"], json!(["xmember"]), "{tip}");

        // The official SDK's message, with a read receipt asked for.
        let from = rec.mark();
        let sent = owner
            .ok(
                "sendGroupText",
                json!({"groupID": "grpX", "text": "hello tcchat", "needReadReceipt": true}),
            )
            .await;
        let id = sent["ID"].as_str().unwrap().to_owned();
        let got = tc_wait_message(&rec, "the owner's group message", from, "GROUPgrpX", |m| {
            m.id == id
        })
        .await;
        assert_eq!(text_of(&got), "hello tcchat");
        assert_eq!(got.from, "xowner");
        assert_eq!(got.conversation_type, ConversationType::Group);
        assert_eq!(Some(got.sequence), sent["sequence"].as_u64());
        assert!(got.need_read_receipt, "{got:?}");

        // tcchat's read receipt reaches the official sender.
        let from_owner = owner.mark();
        tcchat_call(
            "send_message_read_receipt",
            chat.send_message_read_receipt(std::slice::from_ref(&got)),
        )
        .await;
        let (_, event) = owner
            .wait_event("MESSAGE_READ_RECEIPT_RECEIVED", from_owner, PATIENCE, |d| {
                d.as_array()
                    .is_some_and(|l| l.iter().any(|r| r["messageID"] == id.as_str()))
            })
            .await;
        let receipt = event["data"]
            .as_array()
            .unwrap()
            .iter()
            .find(|r| r["messageID"] == id.as_str())
            .unwrap()
            .clone();
        assert_eq!(receipt["groupID"], "grpX", "{receipt}");
        assert_eq!(receipt["readCount"], 1, "{receipt}");
        assert_eq!(receipt["unreadCount"], 0, "{receipt}");
        let readers = owner
            .ok(
                "getGroupMessageReadMemberList",
                json!({"messageID": id, "filter": 0}),
            )
            .await;
        assert_eq!(readers["readUserIDList"], json!(["xmember"]), "{readers}");

        // tcchat's message reaches the official SDK as its own would, and
        // the owner's list entry follows it.
        let from_owner = owner.mark();
        let mine = chat
            .create_text_message(&CreateTextMessageOptions::group("grpX", "hello official"))
            .expect("create_text_message");
        let mine = tcchat_call("send_message", chat.send_message(&mine)).await;
        assert!(mine.sequence > got.sequence, "{mine:?}");
        let (_, e) = owner
            .wait_event(
                "MESSAGE_RECEIVED",
                from_owner,
                PATIENCE,
                names_message(&mine.id),
            )
            .await;
        let seen = message_in(&e["data"], &mine.id).unwrap();
        assert_eq!(seen["type"], "TIMTextElem", "{seen}");
        assert_eq!(seen["conversationID"], "GROUPgrpX", "{seen}");
        assert_eq!(seen["text"], "hello official", "{seen}");
        assert_eq!(seen["from"], "xmember", "{seen}");
        assert_eq!(seen["sequence"].as_u64(), Some(mine.sequence), "{seen}");
        owner
            .wait_event("GROUP_LIST_UPDATED", from_owner, PATIENCE, |d| {
                d.as_array().is_some_and(|l| {
                    l.iter().any(|g| {
                        g["groupID"] == "grpX" && g["nextMessageSeq"].as_u64() > Some(mine.sequence)
                    })
                })
            })
            .await;

        // The official SDK renames the group: tcchat gets tip 6 and its
        // list follows.
        let from = rec.mark();
        owner
            .ok(
                "updateGroupProfile",
                json!({"groupID": "grpX", "name": "Renamed"}),
            )
            .await;
        let tip =
            tc_wait_message(&rec, "tip 6", from, "GROUPgrpX", |m| tc_tip(m, 6).is_some()).await;
        assert_eq!(tc_tip(&tip, 6).unwrap().operator_id, "xowner", "{tip:?}");
        rec.wait("GROUP_LIST_UPDATED with the new name", from, |e| {
            matches!(e, Event::GroupListUpdated(l)
                if l.iter().any(|g| g.group_id == "grpX" && g.name == "Renamed"))
        })
        .await;

        // tcchat quits: tip 2 for the owner; the group leaves tcchat's list.
        let from_owner = owner.mark();
        let from = rec.mark();
        tcchat_call("quit_group", chat.quit_group("grpX")).await;
        rec.wait("GROUP_LIST_UPDATED without grpX", from, |e| {
            tc_lacks(e, "grpX")
        })
        .await;
        let tip = wait_op(&owner, from_owner, "GROUPgrpX", 2).await;
        assert_eq!(tip["payload"]["userIDList"], json!(["xmember"]), "{tip}");

        // Back in, then dismissed by the official SDK: tcchat gets notice 5
        // in @TIM#SYSTEM and the group leaves its list.
        let from = rec.mark();
        let joined = tcchat_call("join_group", chat.join_group("grpX", "")).await;
        assert_eq!(joined.status, JoinGroupStatus::JoinedSuccess);
        rec.wait("GROUP_LIST_UPDATED with grpX again", from, |e| {
            tc_lists(e, "grpX")
        })
        .await;
        let from = rec.mark();
        owner.ok("dismissGroup", json!({"groupID": "grpX"})).await;
        let notice = tc_wait_message(&rec, "notice 5", from, "@TIM#SYSTEM", |m| {
            tc_notice(m, 5).is_some()
        })
        .await;
        assert_eq!(notice.to, "grpX", "{notice:?}");
        assert_eq!(tc_notice(&notice, 5).unwrap().operator_id, "xowner");
        rec.wait("GROUP_LIST_UPDATED without grpX", from, |e| {
            tc_lacks(e, "grpX")
        })
        .await;
        let list = tcchat_call("get_group_list", chat.get_group_list()).await;
        assert!(list.is_empty(), "{list:?}");

        owner.assert_replies_ok(0).await;
        owner.assert_no_problems(0);
        assert_no_group_symptoms(&owner);
        let _ = bounded("destroy", chat.destroy()).await;
        stop_server(server).await;
    });
}

/// tcchat creates a group that the official SDK joins. The official SDK
/// sees tcchat's messages, profile change, kick (notice 4), invitation
/// (notice 7) and dismissal (notice 5) in the official shapes, and its
/// group list follows each; tcchat sees the official SDK's join as a tip,
/// its message, and its read receipt as MESSAGE_READ_RECEIPT_RECEIVED.
#[test]
fn tcchat_creates_a_group_that_the_official_sdk_joins() {
    run(async {
        let server = start_server(ServerConfig::ephemeral(vec![app()])).await;
        let url = server.ws_url();
        let (chat, events) = tcchat_login(&url, "yowner").await;
        let rec = Recorder::new(events);
        let mut member = official("y-member", &url, "ymember").await;

        let from = rec.mark();
        let group = tcchat_call(
            "create_group",
            chat.create_group(
                CreateGroupOptions::new(GroupType::Public, "Ours")
                    .with_group_id("grpY")
                    .with_join_option(GroupJoinOption::FreeAccess),
            ),
        )
        .await;
        assert_eq!(group.group_id, "grpY");
        rec.wait("GROUP_LIST_UPDATED with grpY", from, |e| {
            tc_lists(e, "grpY")
        })
        .await;

        // The official SDK joins: JoinedSuccess, the group in its list with
        // tcchat's profile; tcchat sees the join tip.
        let from = rec.mark();
        let from_member = member.mark();
        let joined = member.ok("joinGroup", json!({"groupID": "grpY"})).await;
        assert_eq!(joined["status"], "JoinedSuccess", "{joined}");
        member
            .wait_event("GROUP_LIST_UPDATED", from_member, PATIENCE, |d| {
                lists(d, "grpY")
            })
            .await;
        let profile = member
            .ok("getGroupProfile", json!({"groupID": "grpY"}))
            .await;
        assert_eq!(profile["ownerID"], "yowner", "{profile}");
        assert_eq!(profile["type"], "Public", "{profile}");
        assert_eq!(profile["name"], "Ours", "{profile}");
        assert_eq!(profile["selfInfo"]["role"], "Member", "{profile}");
        let tip = tc_wait_message(&rec, "the join tip", from, "GROUPgrpY", |m| {
            tc_tip(m, 1).is_some()
        })
        .await;
        assert_eq!(tc_tip(&tip, 1).unwrap().user_id_list, ["ymember"]);

        // tcchat's message with a read receipt asked for.
        let from_member = member.mark();
        let mut opts = CreateTextMessageOptions::group("grpY", "read me");
        opts.need_read_receipt = true;
        let msg = chat
            .create_text_message(&opts)
            .expect("create_text_message");
        let msg = tcchat_call("send_message", chat.send_message(&msg)).await;
        assert!(msg.sequence > 0, "{msg:?}");
        let (_, e) = member
            .wait_event(
                "MESSAGE_RECEIVED",
                from_member,
                PATIENCE,
                names_message(&msg.id),
            )
            .await;
        let seen = message_in(&e["data"], &msg.id).unwrap();
        assert_eq!(seen["conversationID"], "GROUPgrpY", "{seen}");
        assert_eq!(seen["conversationType"], "GROUP", "{seen}");
        assert_eq!(seen["text"], "read me", "{seen}");
        assert_eq!(seen["from"], "yowner", "{seen}");
        assert_eq!(seen["sequence"].as_u64(), Some(msg.sequence), "{seen}");
        assert_eq!(seen["needReadReceipt"], true, "{seen}");

        // The official SDK's read receipt reaches tcchat with the group and
        // the totals, and tcchat's read-member list names the reader.
        let from = rec.mark();
        member
            .ok("sendMessageReadReceipt", json!({"messageIDs": [msg.id]}))
            .await;
        let e = rec
            .wait("MESSAGE_READ_RECEIPT_RECEIVED", from, |e| {
                matches!(e, Event::MessageReadReceiptReceived(l)
                    if l.iter().any(|r| r.message_id == msg.id))
            })
            .await;
        let Event::MessageReadReceiptReceived(list) = e else {
            unreachable!("matched above")
        };
        let r = list.iter().find(|r| r.message_id == msg.id).unwrap();
        assert_eq!(r.group_id, "grpY", "{r:?}");
        assert_eq!((r.read_count, r.unread_count), (1, 0), "{r:?}");
        let readers = tcchat_call(
            "get_group_message_read_member_list",
            chat.get_group_message_read_member_list(&msg, true, "", 100),
        )
        .await;
        assert_eq!(readers.user_id_list, ["ymember"], "{readers:?}");

        // The official SDK's message reaches tcchat.
        let from = rec.mark();
        let back = member
            .ok(
                "sendGroupText",
                json!({"groupID": "grpY", "text": "hello tcchat"}),
            )
            .await;
        let back_id = back["ID"].as_str().unwrap().to_owned();
        let got = tc_wait_message(&rec, "the member's message", from, "GROUPgrpY", |m| {
            m.id == back_id
        })
        .await;
        assert_eq!(text_of(&got), "hello tcchat");
        assert_eq!(got.from, "ymember");
        assert_eq!(Some(got.sequence), back["sequence"].as_u64());

        // tcchat renames the group: tip 6 with the new name, and the
        // official list follows.
        let from_member = member.mark();
        tcchat_call(
            "update_group_profile",
            chat.update_group_profile(
                "grpY",
                UpdateGroupProfileOptions::default().with_name("Renamed"),
            ),
        )
        .await;
        let tip = wait_op(&member, from_member, "GROUPgrpY", 6).await;
        assert_eq!(
            tip["payload"]["newGroupProfile"]["groupName"], "Renamed",
            "{tip}"
        );
        assert_eq!(tip["payload"]["operatorID"], "yowner", "{tip}");
        member
            .wait_event("GROUP_LIST_UPDATED", from_member, PATIENCE, |d| {
                d.as_array().is_some_and(|l| {
                    l.iter()
                        .any(|g| g["groupID"] == "grpY" && g["name"] == "Renamed")
                })
            })
            .await;

        // tcchat kicks the official SDK with a reason: notice 4, and the
        // group leaves the official list.
        let from_member = member.mark();
        tcchat_call(
            "delete_group_member",
            chat.delete_group_member("grpY", &["ymember".to_owned()], "bye"),
        )
        .await;
        let notice = wait_op(&member, from_member, "@TIM#SYSTEM", 4).await;
        assert_eq!(notice["type"], "TIMGroupSystemNoticeElem", "{notice}");
        assert_eq!(notice["to"], "grpY", "{notice}");
        assert_eq!(notice["payload"]["handleMessage"], "bye", "{notice}");
        member
            .wait_event("GROUP_LIST_UPDATED", from_member, PATIENCE, |d| {
                !lists(d, "grpY")
            })
            .await;

        // tcchat adds it back: notice 7, the group back in its list.
        let from_member = member.mark();
        let added = tcchat_call(
            "add_group_member",
            chat.add_group_member("grpY", &["ymember".to_owned()]),
        )
        .await;
        assert_eq!(added.success_user_id_list, ["ymember"], "{added:?}");
        let notice = wait_op(&member, from_member, "@TIM#SYSTEM", 7).await;
        assert_eq!(notice["to"], "grpY", "{notice}");
        member
            .wait_event("GROUP_LIST_UPDATED", from_member, PATIENCE, |d| {
                lists(d, "grpY")
            })
            .await;

        // tcchat dismisses the group: notice 5, and it leaves both lists.
        let from_member = member.mark();
        let from = rec.mark();
        tcchat_call("dismiss_group", chat.dismiss_group("grpY")).await;
        let notice = wait_op(&member, from_member, "@TIM#SYSTEM", 5).await;
        assert_eq!(notice["to"], "grpY", "{notice}");
        assert_eq!(notice["payload"]["operatorID"], "yowner", "{notice}");
        member
            .wait_event("GROUP_LIST_UPDATED", from_member, PATIENCE, |d| {
                !lists(d, "grpY")
            })
            .await;
        rec.wait("GROUP_LIST_UPDATED without grpY", from, |e| {
            tc_lacks(e, "grpY")
        })
        .await;
        let list = member.ok("getGroupList", json!({})).await;
        assert_eq!(list["groupList"], json!([]), "{list}");

        member.assert_replies_ok(0).await;
        member.assert_no_problems(0);
        assert_no_group_symptoms(&member);
        let _ = bounded("destroy", chat.destroy()).await;
        stop_server(server).await;
    });
}

/// The official SDK's conversation list after a login shows a group's
/// unread count from tcchat-server's `page_get` group item (`Type: 2`,
/// PROTOCOL.md 7.7): the member's read sequence and the group's next
/// sequence, the server's count.
#[test]
fn a_fresh_login_lists_the_group_conversation_with_its_unread_count() {
    run(async {
        let server = start_server(ServerConfig::ephemeral(vec![app()])).await;
        let url = server.ws_url();
        let mut owner = official("g-unread-owner", &url, "uowner").await;
        owner
            .ok(
                "createGroup",
                json!({"type": "Public", "name": "Unread", "groupID": "grpU", "joinOption": "FreeAccess"}),
            )
            .await;
        let mut early = official("g-unread-early", &url, "umember").await;
        early.ok("joinGroup", json!({"groupID": "grpU"})).await;
        for text in ["one", "two", "three"] {
            owner
                .ok("sendGroupText", json!({"groupID": "grpU", "text": text}))
                .await;
        }
        early.assert_replies_ok(0).await;
        drop(early);
        // A new instance of the member: its list comes from page_get.
        let mut member = official("g-unread-member", &url, "umember").await;
        let list = member.ok("getConversationList", json!({})).await;
        let list = &list["conversationList"];
        let conv = list
            .as_array()
            .and_then(|l| l.iter().find(|c| c["conversationID"] == "GROUPgrpU"))
            .cloned()
            .unwrap_or_else(|| panic!("GROUPgrpU in {list}"));
        assert_eq!(conv["type"], "GROUP", "{conv}");
        assert_eq!(conv["unreadCount"], 3, "{conv}");
        for agent in [&owner, &member] {
            agent.assert_replies_ok(0).await;
            agent.assert_no_problems(0);
            assert_no_group_symptoms(agent);
        }
        stop_server(server).await;
    });
}
