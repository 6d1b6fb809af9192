//! Interop for issue 18, blacklists and user statuses: the official Web
//! SDK (`@tencentcloud/chat` 3.6.6, in Node) and tcchat on one in-process
//! `tcchat-server`, each blocking and subscribing to the other.
//!
//! * The official SDK blacklists the tcchat user: BLACKLIST_UPDATED fires
//!   for it from the server's push (it ignores `black_list_add`'s reply),
//!   `getBlacklist` agrees, and tcchat's message to it is refused with
//!   20007; removing fires BLACKLIST_UPDATED again and lets messages in.
//! * tcchat blacklists the official user, whose message is then refused
//!   with 20007.
//! * The official SDK subscribes to the tcchat user and sees its custom
//!   status (base64 on the wire, decoded) and its logout as
//!   USER_STATUS_UPDATED, and reads it with `getUserStatus`; tcchat
//!   subscribes to the official user and sees its `setSelfStatus`.
//!
//! The scenario ends by checking that every request the official SDK made
//! was answered with ErrorCode 0 (but the refused send) and that it logged
//! no error or warning. These runs are what PROTOCOL.md marks "verified
//! with the official SDK" for `sns.black_list_*` and
//! `im_open_status.ws_*status*`.
//!
//! `cargo test -p tcchat-tests --test interop_presence`

mod interop_harness;

use interop_harness::*;
use serde_json::json;
use tcchat_server::ServerConfig;
use tcchat_tests::world::expect_event;
use tcchat_tokio::{CreateTextMessageOptions, Event, EventName, TokioRuntime};

#[test]
fn blacklists_and_statuses_across_both_sdks() {
    run(async {
        let server = start_server(ServerConfig::ephemeral(vec![app()])).await;
        let url = server.ws_url();
        let mut off = Agent::create("presence-off", &url, 0).await;
        off.login("ouser").await;
        off.settle().await;
        let (tc, mut tc_events) = tcchat_login(&url, "tuser").await;
        // The purchase bits have arrived once the conversation groups are.
        expect_event::<TokioRuntime>(&mut tc_events, "tcchat groups synced", |e| {
            e.name() == EventName::ConversationGroupListUpdated
        })
        .await;
        let rec = Recorder::new(tc_events);

        // The official SDK blocks tcchat: its event comes from the push.
        let from = off.mark();
        off.ok("addToBlacklist", json!({"userIDList": ["tuser"]}))
            .await;
        off.wait_event("BLACKLIST_UPDATED", from, PATIENCE, |d| {
            *d == json!(["tuser"])
        })
        .await;
        let list = off.ok("getBlacklist", json!({})).await;
        assert_eq!(list, json!(["tuser"]), "{list}");
        let m = tc
            .create_text_message(&CreateTextMessageOptions::c2c("ouser", "let me in"))
            .expect("create");
        let err = tc.send_message(&m).await.expect_err("blocked");
        assert_eq!(err.code.0, 20007, "{err}");
        let from = off.mark();
        let left = off
            .ok("removeFromBlacklist", json!({"userIDList": ["tuser"]}))
            .await;
        assert_eq!(left, json!([]), "{left}");
        off.wait_event("BLACKLIST_UPDATED", from, PATIENCE, |d| *d == json!([]))
            .await;
        tcchat_send(&tc, "ouser", "thanks").await;

        // tcchat blocks the official user, whose send is refused.
        let list = tcchat_call("add_to_blacklist", tc.add_to_blacklist(&["ouser".into()])).await;
        assert_eq!(list, ["ouser"]);
        let refused = off
            .refused("sendText", json!({"to": "tuser", "text": "hello?"}))
            .await;
        assert_eq!(refused["code"], 20007, "{refused}");
        tcchat_call(
            "remove_from_blacklist",
            tc.remove_from_blacklist(&["ouser".into()]),
        )
        .await;

        // The official SDK subscribes to tcchat's status.
        let sub = off
            .ok("subscribeUserStatus", json!({"userIDList": ["tuser"]}))
            .await;
        assert_eq!(sub["failureUserList"], json!([]), "{sub}");
        let from = off.mark();
        tcchat_call("set_self_status", tc.set_self_status("在忙 busy")).await;
        off.wait_event("USER_STATUS_UPDATED", from, PATIENCE, |d| {
            d[0]["userID"] == "tuser"
                && d[0]["customStatus"] == "在忙 busy"
                && d[0]["statusType"] == 1
        })
        .await;
        let got = off
            .ok("getUserStatus", json!({"userIDList": ["tuser"]}))
            .await;
        assert_eq!(
            got["successUserList"][0]["customStatus"], "在忙 busy",
            "{got}"
        );
        assert_eq!(got["successUserList"][0]["statusType"], 1, "{got}");

        // tcchat subscribes to the official user's status.
        let failed = tcchat_call(
            "subscribe_user_status",
            tc.subscribe_user_status(&["ouser".into()]),
        )
        .await;
        assert!(failed.is_empty(), "{failed:?}");
        let from = rec.mark();
        off.ok("setSelfStatus", json!({"customStatus": "away"}))
            .await;
        rec.wait("tcchat USER_STATUS_UPDATED ouser away", from, |e| {
            matches!(e, Event::UserStatusUpdated(l)
                if l.iter().any(|s| s.user_id == "ouser" && s.custom_status == "away"))
        })
        .await;

        // tcchat logs out: the official SDK hears "not logged in" (3).
        let from = off.mark();
        tcchat_call("logout", tc.logout()).await;
        off.wait_event("USER_STATUS_UPDATED", from, PATIENCE, |d| {
            d[0]["userID"] == "tuser" && d[0]["statusType"] == 3
        })
        .await;

        off.assert_replies_ok_except(0, &[("openim.sendmsg", 20007)])
            .await;
        off.assert_no_problems_except(0, &["20007"]);
        let counts = off.request_counts(0);
        for cmd in [
            "sns.black_list_add",
            "sns.black_list_delete",
            "im_open_status.ws_set_custom_status",
            "im_open_status.ws_get_user_status",
            "im_open_status.ws_status_subscribe",
        ] {
            assert!(counts.get(cmd).is_some_and(|n| *n > 0), "{cmd}: {counts:?}");
        }
        drop(off);
        tc.destroy().await.unwrap();
        stop_server(server).await;
    });
}
