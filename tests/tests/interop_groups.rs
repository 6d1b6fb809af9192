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
