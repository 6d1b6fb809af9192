//! Interop for issue 18, profiles and friends: the official Web SDK
//! (`@tencentcloud/chat` 3.6.6, in Node) and tcchat (tokio) befriend each
//! other on one in-process `tcchat-server`, both directions, and each sees
//! the other's profile changes (PROFILE_UPDATED, and the friend's entry in
//! FRIEND_LIST_UPDATED); the official SDK's friend calls (`friend_add`
//! with each AllowType, `friend_update`, `friend_check`,
//! `friend_delete`) and its reading of the `ProfileDataMod` and
//! `FriendListMod` pushes are what PROTOCOL.md section 9 marks verified.
//!
//! The scenario ends by checking that every request the official SDK made
//! was answered with ErrorCode 0 and that its log at level 0 shows none of
//! the malformed-reply symptoms of relationship-facts §7.
//!
//! `cargo test -p tcchat-tests --test interop_relations`

mod interop_harness;

use interop_harness::*;
use serde_json::{json, Value};
use tcchat_server::ServerConfig;
use tcchat_tokio::{AddFriendOptions, Event, UpdateProfileOptions};

fn lists_user(data: &Value, user: &str) -> bool {
    data.as_array()
        .is_some_and(|l| l.iter().any(|f| f["userID"] == user))
}

#[test]
fn official_sdk_and_tcchat_befriend_each_other() {
    run(async {
        let server = start_server(ServerConfig::ephemeral(vec![app()])).await;
        let url = server.ws_url();
        let mut ofc = Agent::create("rel-ofc", &url, 0).await;
        ofc.login("ofc").await;
        ofc.settle().await;
        let (tc, tc_events) = tcchat_login(&url, "tc").await;
        let rec = Recorder::new(tc_events);

        // tcchat asks; the official SDK (AllowAny by default) gets the
        // friend from the push and its friend_get_specified.
        let from = ofc.mark();
        let added = tcchat_call(
            "add_friend",
            tc.add_friend(&AddFriendOptions::new("ofc").with_wording("hello")),
        )
        .await;
        assert_eq!(added.code, 0);
        ofc.wait_event("FRIEND_LIST_UPDATED", from, PATIENCE, |d| {
            lists_user(d, "tc")
        })
        .await;
        rec.wait(
            "tcchat FRIEND_LIST_UPDATED with ofc",
            0,
            |e| matches!(e, Event::FriendListUpdated(l) if l.iter().any(|f| f.user_id == "ofc")),
        )
        .await;
        let checked = ofc.ok("checkFriend", json!({"userIDList": ["tc"]})).await;
        assert_eq!(
            checked["successUserIDList"][0]["relation"], "CheckResult_Type_BothWay",
            "{checked}"
        );

        // The official SDK changes its profile: tcchat, a friend, sees it.
        let from_tc = rec.mark();
        ofc.ok(
            "updateMyProfile",
            json!({"options": {"nick": "Official", "profileCustomField": [{"key": "Tag_Profile_Custom_Hobby", "value": "go"}]}}),
        )
        .await;
        let event = rec
            .wait("tcchat PROFILE_UPDATED for ofc", from_tc, |e| {
                matches!(e, Event::ProfileUpdated(l) if l.iter().any(|p| p.user_id == "ofc" && p.nick == "Official"))
            })
            .await;
        let Event::ProfileUpdated(profiles) = event else {
            unreachable!()
        };
        assert_eq!(profiles[0].profile_custom_field[0].value, "go");
        rec.wait("tcchat's friend entry with the nick", from_tc, |e| {
            matches!(e, Event::FriendListUpdated(l) if l.iter().any(|f| f.user_id == "ofc" && f.profile.nick == "Official"))
        })
        .await;

        // tcchat changes its profile: the official SDK sees it.
        let from = ofc.mark();
        tcchat_call(
            "update_my_profile",
            tc.update_my_profile(&UpdateProfileOptions {
                nick: Some("Rusty".into()),
                avatar: Some("https://img.example/tc.png".into()),
                ..UpdateProfileOptions::default()
            }),
        )
        .await;
        let (_, event) = ofc
            .wait_event("PROFILE_UPDATED", from, PATIENCE, |d| {
                d.as_array().is_some_and(|l| {
                    l.iter()
                        .any(|p| p["userID"] == "tc" && p["nick"] == "Rusty")
                })
            })
            .await;
        assert!(
            event["data"][0]["avatar"] == "https://img.example/tc.png",
            "{event}"
        );
        let list = ofc.ok("getFriendList", json!({})).await;
        assert!(lists_user(&list, "tc"), "{list}");

        // The official SDK sets a remark; its own entry follows.
        let updated = ofc
            .ok(
                "updateFriend",
                json!({"userID": "tc", "remark": "rusty friend"}),
            )
            .await;
        assert_eq!(updated["remark"], "rusty friend", "{updated}");

        // AllowType: a tcchat user who confirms, one who refuses.
        let (confirm, _c_events) = tcchat_login(&url, "tc-confirm").await;
        let (deny, _d_events) = tcchat_login(&url, "tc-deny").await;
        for (chat, allow) in [
            (&confirm, "AllowType_Type_NeedConfirm"),
            (&deny, "AllowType_Type_DenyAny"),
        ] {
            tcchat_call(
                "update_my_profile",
                chat.update_my_profile(&UpdateProfileOptions {
                    allow_type: Some(allow.into()),
                    ..UpdateProfileOptions::default()
                }),
            )
            .await;
        }
        let pending = ofc.ok("addFriend", json!({"to": "tc-confirm"})).await;
        assert_eq!(pending["code"], 30539, "{pending}");
        let refused = ofc.refused("addFriend", json!({"to": "tc-deny"})).await;
        assert_eq!(refused["code"], 30516, "{refused}");

        // The official SDK deletes tcchat, both ways: both lists lose it.
        let from = ofc.mark();
        let from_tc = rec.mark();
        let deleted = ofc
            .ok(
                "deleteFriend",
                json!({"userIDList": ["tc"], "type": "Delete_Type_Both"}),
            )
            .await;
        assert_eq!(deleted["successUserIDList"][0]["userID"], "tc", "{deleted}");
        ofc.wait_event("FRIEND_LIST_UPDATED", from, PATIENCE, |d| {
            !lists_user(d, "tc")
        })
        .await;
        rec.wait(
            "tcchat FRIEND_LIST_UPDATED without ofc",
            from_tc,
            |e| matches!(e, Event::FriendListUpdated(l) if l.iter().all(|f| f.user_id != "ofc")),
        )
        .await;

        // No longer friends: tcchat's next change raises nothing there
        // (the official SDK's stranger rule, checked after a later event).
        let from = ofc.mark();
        tcchat_call(
            "update_my_profile",
            tc.update_my_profile(&UpdateProfileOptions {
                nick: Some("Stranger".into()),
                ..UpdateProfileOptions::default()
            }),
        )
        .await;
        tcchat_call("add_friend", tc.add_friend(&AddFriendOptions::new("ofc"))).await;
        ofc.wait_event("FRIEND_LIST_UPDATED", from, PATIENCE, |d| {
            lists_user(d, "tc")
        })
        .await;
        assert!(
            ofc.events("PROFILE_UPDATED", from).is_empty(),
            "a stranger's change raised PROFILE_UPDATED"
        );

        ofc.assert_replies_ok(0).await;
        // The one refusal caused on purpose (30516) is logged as a failed
        // addFriend; nothing else may be.
        ofc.assert_no_problems_except(0, &["FriendHandler.addFriend failed. error: {\"message\":\"the user accepts no friend requests\",\"code\":30516}"]);
        let counts = ofc.request_counts(0);
        for cmd in [
            "profile.portrait_set",
            "sns.friend_add",
            "sns.friend_get_specified",
            "sns.friend_update",
            "sns.friend_check",
            "sns.friend_delete",
        ] {
            assert!(counts.get(cmd).is_some_and(|n| *n > 0), "{cmd}: {counts:?}");
        }
        drop(ofc);
        for chat in [tc, confirm, deny] {
            chat.destroy().await.unwrap();
        }
        stop_server(server).await;
    });
}

fn lists_application(data: &Value, user: &str) -> bool {
    data["friendApplicationList"]
        .as_array()
        .is_some_and(|l| l.iter().any(|a| a["userID"] == user))
}

/// Friend applications both ways: the official SDK (NeedConfirm) gets
/// tcchat's application from the PendencyAdd push, reads and accepts it
/// (both become friends); tcchat gets the official SDK's application and
/// refuses it; the official SDK deletes one it sent.
#[test]
fn friend_applications_between_both_sdks() {
    run(async {
        let server = start_server(ServerConfig::ephemeral(vec![app()])).await;
        let url = server.ws_url();
        let mut ofc = Agent::create("rel-app-ofc", &url, 0).await;
        ofc.login("ofc").await;
        ofc.settle().await;
        ofc.ok(
            "updateMyProfile",
            json!({"options": {"allowType": "AllowType_Type_NeedConfirm"}}),
        )
        .await;
        let (tc, tc_events) = tcchat_login(&url, "tc").await;
        let rec = Recorder::new(tc_events);
        tcchat_call(
            "update_my_profile",
            tc.update_my_profile(&UpdateProfileOptions {
                nick: Some("Rusty".into()),
                allow_type: Some("AllowType_Type_NeedConfirm".into()),
                ..UpdateProfileOptions::default()
            }),
        )
        .await;

        // tcchat → the official SDK: waits for confirmation.
        let from = ofc.mark();
        let r = tcchat_call(
            "add_friend",
            tc.add_friend(&AddFriendOptions::new("ofc").with_wording("please")),
        )
        .await;
        assert_eq!(r.code, 30539);
        let (_, event) = ofc
            .wait_event("FRIEND_APPLICATION_LIST_UPDATED", from, PATIENCE, |d| {
                lists_application(d, "tc")
            })
            .await;
        let item = &event["data"]["friendApplicationList"][0];
        assert_eq!(item["type"], "Pendency_Type_ComeIn", "{event}");
        assert_eq!(item["wording"], "please", "{event}");
        assert_eq!(item["nick"], "Rusty", "{event}");
        assert_eq!(event["data"]["unreadCount"], 1, "{event}");
        ofc.ok("setFriendApplicationRead", json!({})).await;
        let list = ofc.ok("getFriendApplicationList", json!({})).await;
        assert_eq!(list["unreadCount"], 0, "{list}");

        let from = ofc.mark();
        let from_tc = rec.mark();
        ofc.ok("acceptFriendApplication", json!({"userID": "tc"}))
            .await;
        ofc.wait_event("FRIEND_LIST_UPDATED", from, PATIENCE, |d| {
            lists_user(d, "tc")
        })
        .await;
        ofc.wait_event("FRIEND_APPLICATION_LIST_UPDATED", from, PATIENCE, |d| {
            !lists_application(d, "tc")
        })
        .await;
        rec.wait(
            "tcchat: friends after the acceptance",
            from_tc,
            |e| matches!(e, Event::FriendListUpdated(l) if l.iter().any(|f| f.user_id == "ofc")),
        )
        .await;

        // The official SDK → tcchat (a new user): tcchat refuses.
        let (tc2, tc2_events) = tcchat_login(&url, "tc2").await;
        let rec2 = Recorder::new(tc2_events);
        tcchat_call(
            "update_my_profile",
            tc2.update_my_profile(&UpdateProfileOptions {
                allow_type: Some("AllowType_Type_NeedConfirm".into()),
                ..UpdateProfileOptions::default()
            }),
        )
        .await;
        let from = ofc.mark();
        let pending = ofc
            .ok("addFriend", json!({"to": "tc2", "wording": "from js"}))
            .await;
        assert_eq!(pending["code"], 30539, "{pending}");
        ofc.wait_event("FRIEND_APPLICATION_LIST_UPDATED", from, PATIENCE, |d| {
            lists_application(d, "tc2")
        })
        .await;
        rec2.wait("tcchat: the official SDK's application", 0, |e| {
            matches!(e, Event::FriendApplicationListUpdated { friend_application_list, unread_count }
                if *unread_count == 1 && friend_application_list.iter().any(|a| a.user_id == "ofc" && a.wording == "from js"))
        })
        .await;
        let from = ofc.mark();
        tcchat_call(
            "refuse_friend_application",
            tc2.refuse_friend_application("ofc"),
        )
        .await;
        ofc.wait_event("FRIEND_APPLICATION_LIST_UPDATED", from, PATIENCE, |d| {
            !lists_application(d, "tc2")
        })
        .await;

        // The official SDK deletes one it sent.
        let from = ofc.mark();
        ofc.ok("addFriend", json!({"to": "tc2"})).await;
        ofc.wait_event("FRIEND_APPLICATION_LIST_UPDATED", from, PATIENCE, |d| {
            lists_application(d, "tc2")
        })
        .await;
        let from = ofc.mark();
        ofc.ok(
            "deleteFriendApplication",
            json!({"userID": "tc2", "type": "Pendency_Type_SendOut"}),
        )
        .await;
        ofc.wait_event("FRIEND_APPLICATION_LIST_UPDATED", from, PATIENCE, |d| {
            !lists_application(d, "tc2")
        })
        .await;

        ofc.assert_replies_ok(0).await;
        ofc.assert_no_problems(0);
        let counts = ofc.request_counts(0);
        for cmd in [
            "sns.pendency_get",
            "sns.friend_response",
            "sns.pendency_delete",
            "sns.pendency_report",
        ] {
            assert!(counts.get(cmd).is_some_and(|n| *n > 0), "{cmd}: {counts:?}");
        }
        drop(ofc);
        for chat in [tc, tc2] {
            chat.destroy().await.unwrap();
        }
        stop_server(server).await;
    });
}
