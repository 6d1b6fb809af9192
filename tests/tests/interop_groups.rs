//! Interop for issue 16, groups: two official Web SDK instances
//! (`@tencentcloud/chat` 3.6.6, in Node) in one group on one in-process
//! `tcchat-server`. The owner creates the group, the other joins it,
//! messages go both ways, the join and quit tips reach the owner, the
//! member re-joins, and the dismissal reaches it as a system notice that
//! takes the group out of its list. GROUP_LIST_UPDATED is checked on both
//! sides at each step.
//!
//! The scenario ends by checking that every request either SDK made was
//! answered with ErrorCode 0, and that neither logged (at level 0) an
//! error or a warning — among them the symptoms of malformed group replies
//! and pushes of groups-facts.md §8 (`Cannot read properties`, `unknown
//! eventItem`, `_onGroupTips unknown event`, `unknown operationType`) — an
//! uncaught exception or an unhandled rejection. Every wait is bounded.
//!
//! `cargo test -p tcchat-tests --test interop_groups`

mod interop_harness;

use interop_harness::*;
use serde_json::{json, Value};
use tcchat_server::ServerConfig;

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
