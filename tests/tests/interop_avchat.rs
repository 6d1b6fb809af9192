//! Interop for the `AVChatRoom` rules (docs/GROUPS.md, "AVChatRoom"): two
//! official Web SDK instances (`@tencentcloud/chat` 3.6.6, in Node) in a
//! live room on one in-process `tcchat-server`. The owner creates the
//! room and joins it (3.6.6 needs its creator to join too), the other
//! joins it, logs out, logs in and joins again. What 3.6.6 does not do
//! against this server is pinned as the known gap of docs/GROUPS.md
//! ("AVChatRoom"): without a `LongPollingKey` in the join reply it keeps
//! the room out of its group list, counts 0 online members locally and
//! refuses to send there (2101) before anything reaches the wire.
//!
//! The scenario ends by checking that every request either SDK made was
//! answered with ErrorCode 0, that neither shows a symptom of
//! groups-facts.md §8, and that neither threw or left a rejection
//! unhandled.
//!
//! `cargo test -p tcchat-tests --test interop_avchat`

mod interop_harness;

use std::collections::BTreeSet;

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

fn lists(data: &Value, group: &str) -> bool {
    data.as_array()
        .is_some_and(|l| l.iter().any(|g| g["groupID"] == group))
}

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

/// The servcmds `agent` sent since `from`.
fn servcmds(agent: &Agent, from: usize) -> BTreeSet<String> {
    agent
        .records_since(from)
        .into_iter()
        .filter(|r| r["k"] == "up")
        .filter_map(|r| r["servcmd"].as_str().map(str::to_owned))
        .collect()
}

#[test]
fn two_official_sdks_in_a_live_room() {
    run(async {
        let server = start_server(ServerConfig::ephemeral(vec![app()])).await;
        let url = server.ws_url();
        let mut owner = official("av-owner", &url, "avowner").await;
        let mut member = official("av-member", &url, "avmember").await;
        let owner_from = owner.mark();
        let member_from = member.mark();

        let created = owner
            .ok(
                "createGroup",
                json!({"type": "AVChatRoom", "name": "Live I", "groupID": "liveI"}),
            )
            .await;
        assert_eq!(created["group"]["groupID"], "liveI", "{created}");
        assert_eq!(created["group"]["type"], "AVChatRoom", "{created}");

        // 3.6.6 sends to and receives from a live room only once joined,
        // its creator too (a send before rejects 2101 locally).
        let own = owner.ok("joinGroup", json!({"groupID": "liveI"})).await;
        eprintln!("the owner's join: {own}");
        let joined = member.ok("joinGroup", json!({"groupID": "liveI"})).await;
        assert_eq!(joined["status"], "JoinedSuccess", "{joined}");
        assert_eq!(joined["group"]["type"], "AVChatRoom", "{joined}");
        let list = member.ok("getGroupList", json!({})).await;
        assert!(!lists(&list["groupList"], "liveI"), "the known gap: {list}");
        // Recorded, not asserted: 3.6.6 answers this locally (0, with no
        // request) for a room it did not join by long polling.
        let count = member
            .ok("getGroupOnlineMemberCount", json!({"groupID": "liveI"}))
            .await;
        assert_eq!(count["memberCount"], 0, "the known gap: {count}");

        // The known gap: 3.6.6 treats a live room as usable only after a
        // join whose reply carries a `LongPollingKey` (it then long-polls
        // `group_open_long_polling_http_svc`, which this server does not
        // serve); without one it rejects a send locally with 2101 and
        // sends nothing.
        let at = owner.mark();
        let refused = owner
            .call(
                "sendGroupText",
                json!({"groupID": "liveI", "text": "live hello"}),
            )
            .await
            .expect_err("no send without long polling");
        assert_eq!(refused["code"], 2101, "{refused}");
        assert!(
            !servcmds(&owner, at).contains("group_open_http_svc.send_group_msg"),
            "refused before the wire"
        );

        // The member logs out, logs in again and joins again: the server
        // ended its membership at the logout, so this is a fresh join.
        member.ok("logout", json!({})).await;
        member.login("avmember").await;
        member.settle().await;
        let again = member.ok("joinGroup", json!({"groupID": "liveI"})).await;
        assert_eq!(again["status"], "JoinedSuccess", "{again}");

        eprintln!(
            "official SDK servcmds in the live room: owner {:?}, member {:?}",
            servcmds(&owner, owner_from),
            servcmds(&member, member_from)
        );
        // Every request answered with 0, nothing of groups-facts.md §8,
        // no exception; the one error line is the refused send above.
        for agent in [&owner, &member] {
            agent.assert_replies_ok(0).await;
            assert_no_group_symptoms(agent);
            let fatal: Vec<Value> = agent
                .records()
                .into_iter()
                .filter(|r| r["k"] == "fatal" || r["k"] == "unhandled")
                .collect();
            assert!(fatal.is_empty(), "{}", lines(&fatal));
        }
        stop_server(server).await;
    });
}
