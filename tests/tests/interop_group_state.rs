//! Interop for issue 17, group attributes and counters: the official Web
//! SDK (`@tencentcloud/chat` 3.6.6, in Node) owns a Public group that
//! tcchat joins on one in-process `tcchat-server`. Each side writes
//! attributes (set, delete, init) and counters (set, increase, decrease)
//! and the other side sees GROUP_ATTRIBUTES_UPDATED / GROUP_COUNTER_UPDATED
//! with the new values; each side's reads agree. The official SDK's
//! requests (`get_group_attr`, `set_group_attr`, `modify_group_attr`,
//! `delete_group_attr`, `update_group_counter`, `get_group_counter`) and
//! its reading of the Event 6 tips are what PROTOCOL.md 8.13 and 8.14 mark
//! verified.
//!
//! The scenario ends by checking that every request the official SDK made
//! was answered with ErrorCode 0 and that it logged no error or warning.
//!
//! `cargo test -p tcchat-tests --test interop_group_state`

mod interop_harness;

use std::collections::BTreeMap;

use interop_harness::*;
use serde_json::json;
use tcchat_server::ServerConfig;
use tcchat_tokio::Event;

fn attrs(pairs: &[(&str, &str)]) -> BTreeMap<String, String> {
    pairs
        .iter()
        .map(|(k, v)| ((*k).to_owned(), (*v).to_owned()))
        .collect()
}

#[test]
fn group_attributes_and_counters_across_both_sdks() {
    run(async {
        let server = start_server(ServerConfig::ephemeral(vec![app()])).await;
        let url = server.ws_url();
        let mut owner = Agent::create("gs-owner", &url, 0).await;
        owner.login("sowner").await;
        owner.settle().await;
        let created = owner
            .ok(
                "createGroup",
                json!({"type": "Public", "name": "Room", "groupID": "grpS", "joinOption": "FreeAccess"}),
            )
            .await;
        assert_eq!(created["group"]["groupID"], "grpS", "{created}");
        let (alice, alice_events) = tcchat_login(&url, "alice").await;
        let rec = Recorder::new(alice_events);
        tcchat_call("join_group", alice.join_group("grpS", "")).await;

        // Both read the (empty) attributes: each now follows their changes.
        let theirs = owner
            .ok("getGroupAttributes", json!({"groupID": "grpS"}))
            .await;
        assert_eq!(theirs["groupAttributes"], json!({}), "{theirs}");
        // The official SDK asks the server only while it has no counters
        // cached (afterwards its reads come from the cache, kept up to date
        // by its own writes and the pushes): read them now, empty.
        let theirs = owner
            .ok("getGroupCounters", json!({"groupID": "grpS"}))
            .await;
        assert_eq!(theirs["counters"], json!({}), "{theirs}");
        let ours = tcchat_call(
            "get_group_attributes",
            alice.get_group_attributes("grpS", &[]),
        )
        .await;
        assert!(ours.is_empty());

        // The official SDK sets → tcchat: the event with the key updated.
        let from = rec.mark();
        let set = owner
            .ok(
                "setGroupAttributes",
                json!({"groupID": "grpS", "groupAttributes": {"k1": "v1"}}),
            )
            .await;
        assert_eq!(set["groupAttributes"], json!({"k1": "v1"}), "{set}");
        let event = rec
            .wait("tcchat ATTRIBUTES k1", from, |e| {
                matches!(e, Event::GroupAttributesUpdated { group_id, .. } if group_id == "grpS")
            })
            .await;
        let Event::GroupAttributesUpdated {
            group_attributes,
            updated_key_list,
            deleted_key_list,
            ..
        } = event
        else {
            unreachable!()
        };
        assert_eq!(group_attributes, attrs(&[("k1", "v1")]));
        assert_eq!(updated_key_list, vec!["k1".to_owned()]);
        assert!(deleted_key_list.is_empty());

        // tcchat sets → the official SDK: GROUP_ATTRIBUTES_UPDATED in place.
        let from = owner.mark();
        tcchat_call(
            "set_group_attributes",
            alice.set_group_attributes("grpS", &attrs(&[("k2", "v2")])),
        )
        .await;
        let (_, event) = owner
            .wait_event("GROUP_ATTRIBUTES_UPDATED", from, PATIENCE, |d| {
                d["groupID"] == "grpS"
            })
            .await;
        assert_eq!(
            event["data"],
            json!({"groupID": "grpS", "groupAttributes": {"k1": "v1", "k2": "v2"}, "updatedKeyList": ["k2"], "deletedKeyList": []}),
            "{event}"
        );

        // tcchat deletes k1 → the official SDK follows.
        let from = owner.mark();
        tcchat_call(
            "delete_group_attributes",
            alice.delete_group_attributes("grpS", &["k1".to_owned()]),
        )
        .await;
        let (_, event) = owner
            .wait_event("GROUP_ATTRIBUTES_UPDATED", from, PATIENCE, |d| {
                d["groupID"] == "grpS"
            })
            .await;
        assert_eq!(
            event["data"]["groupAttributes"],
            json!({"k2": "v2"}),
            "{event}"
        );

        // The official SDK deletes k2, then initialises → tcchat follows.
        let from = rec.mark();
        owner
            .ok(
                "deleteGroupAttributes",
                json!({"groupID": "grpS", "keyList": ["k2"]}),
            )
            .await;
        let event = rec
            .wait("tcchat ATTRIBUTES -k2", from, |e| {
                matches!(e, Event::GroupAttributesUpdated { deleted_key_list, .. } if !deleted_key_list.is_empty())
            })
            .await;
        let Event::GroupAttributesUpdated {
            group_attributes,
            deleted_key_list,
            ..
        } = event
        else {
            unreachable!()
        };
        assert!(group_attributes.is_empty(), "{group_attributes:?}");
        assert_eq!(deleted_key_list, vec!["k2".to_owned()]);
        let from = rec.mark();
        owner
            .ok(
                "initGroupAttributes",
                json!({"groupID": "grpS", "groupAttributes": {"a": "1", "b": "2"}}),
            )
            .await;
        rec.wait("tcchat ATTRIBUTES init", from, |e| {
            matches!(e, Event::GroupAttributesUpdated { group_attributes, .. }
                if *group_attributes == attrs(&[("a", "1"), ("b", "2")]))
        })
        .await;
        assert_eq!(
            tcchat_call(
                "get_group_attributes",
                alice.get_group_attributes("grpS", &[])
            )
            .await,
            attrs(&[("a", "1"), ("b", "2")])
        );
        let theirs = owner
            .ok("getGroupAttributes", json!({"groupID": "grpS"}))
            .await;
        assert_eq!(
            theirs["groupAttributes"],
            json!({"a": "1", "b": "2"}),
            "{theirs}"
        );

        // Counters: the official SDK sets → tcchat's event.
        let from = rec.mark();
        let set = owner
            .ok(
                "setGroupCounters",
                json!({"groupID": "grpS", "counters": {"c1": 1}}),
            )
            .await;
        assert_eq!(set["counters"], json!({"c1": 1}), "{set}");
        let event = rec
            .wait(
                "tcchat COUNTER c1",
                from,
                |e| matches!(e, Event::GroupCounterUpdated { key, .. } if key == "c1"),
            )
            .await;
        assert_eq!(
            event,
            Event::GroupCounterUpdated {
                group_id: "grpS".into(),
                key: "c1".into(),
                value: 1
            }
        );
        // tcchat increases and decreases → the official SDK's events.
        let from = owner.mark();
        let up = tcchat_call(
            "increase_group_counter",
            alice.increase_group_counter("grpS", "c1", 2),
        )
        .await;
        assert_eq!(up.get("c1"), Some(&3));
        let (_, event) = owner
            .wait_event("GROUP_COUNTER_UPDATED", from, PATIENCE, |d| {
                d["key"] == "c1"
            })
            .await;
        assert_eq!(
            event["data"],
            json!({"groupID": "grpS", "key": "c1", "value": 3}),
            "{event}"
        );
        let from = owner.mark();
        tcchat_call(
            "decrease_group_counter",
            alice.decrease_group_counter("grpS", "c2", 4),
        )
        .await;
        let (_, event) = owner
            .wait_event("GROUP_COUNTER_UPDATED", from, PATIENCE, |d| {
                d["key"] == "c2"
            })
            .await;
        assert_eq!(event["data"]["value"], -4, "{event}");
        let theirs = owner
            .ok("getGroupCounters", json!({"groupID": "grpS"}))
            .await;
        assert_eq!(theirs["counters"], json!({"c1": 3, "c2": -4}), "{theirs}");
        let from = rec.mark();
        owner
            .ok(
                "increaseGroupCounter",
                json!({"groupID": "grpS", "key": "c2", "value": 10}),
            )
            .await;
        rec.wait("tcchat COUNTER c2", from, |e| {
            matches!(e, Event::GroupCounterUpdated { key, value, .. } if key == "c2" && *value == 6)
        })
        .await;
        assert_eq!(
            tcchat_call("get_group_counters", alice.get_group_counters("grpS", &[])).await,
            [("c1".to_owned(), 3), ("c2".to_owned(), 6)]
                .into_iter()
                .collect()
        );

        owner.assert_replies_ok(0).await;
        owner.assert_no_problems(0);
        let counts = owner.request_counts(0);
        for cmd in [
            "group_open_attr_http_svc.get_group_attr",
            "group_open_http_svc.modify_group_attr",
            "group_open_http_svc.delete_group_attr",
            "group_open_http_svc.set_group_attr",
            "group_open_http_svc.update_group_counter",
            "group_open_http_svc.get_group_counter",
        ] {
            assert!(counts.get(cmd).is_some_and(|n| *n > 0), "{cmd}: {counts:?}");
        }
        drop(owner);
        alice.destroy().await.unwrap();
        stop_server(server).await;
    });
}
