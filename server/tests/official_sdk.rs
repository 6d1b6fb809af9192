//! Replays the requests the official Web SDK 3.6.6 sent in two recorded
//! sessions (`fixtures/official_sdk_requests.jsonl`: the `C->S` frames of
//! the `sync_clean` and `send_c2c` captures, byte for byte, checksums
//! included) and checks that each gets the reply the SDK needs to reach
//! SDK_READY without loops or error lines (protocol-facts §1, §2).

mod common;

use common::*;
use serde_json::{json, Value};
use tcchat_core::wire;
use tcchat_server::engine::ConnId;

const REQUESTS: &str = include_str!("fixtures/official_sdk_requests.jsonl");

#[test]
fn every_official_request_gets_a_clean_reply() {
    let mut sim = Sim::new();
    // The recorded user is u1 with a placeholder sig and A2; substitute
    // real ones. Only heads change, so the recorded body checksums hold.
    let sig = gen_sig("u1", sim.unix_s());
    let mut a2 = String::new();
    sim.connect(1, "sdkappid=1400000000&instanceid=a58b9262ef11e2fb2965768ddf32082c&random=0.1&platform=7&host=unknown&version=-1&sdkversion=3.6.6&compress=gzip");
    let mut seen = Vec::new();
    for line in REQUESTS.lines() {
        let line = line
            .replace(r#""usersig":"x""#, &format!(r#""usersig":"{sig}""#))
            .replace(r#""a2":"fakeA2""#, &format!(r#""a2":"{a2}""#));
        let request = wire::decode(line.as_bytes()).unwrap();
        request.verify_checksum().unwrap();
        let cmd = request.head.servcmd.clone();
        let out = frames(&sim.raw(1, line.as_bytes()));
        if cmd == "openim.ws_msg_push_ack" {
            assert!(out.is_empty());
            continue;
        }
        let reply = out
            .iter()
            .find(|m| {
                m.conn == ConnId(1) && m.head.servcmd == cmd && m.head.seq == request.head.seq
            })
            .unwrap_or_else(|| panic!("no reply to {cmd}: {out:?}"));
        let b = &reply.body;
        assert_eq!(
            (
                b["ActionStatus"].clone(),
                b["ErrorCode"].clone(),
                b["ErrorInfo"].clone()
            ),
            (json!("OK"), json!(0), json!("")),
            "{cmd}: {b}"
        );
        let req: Value = serde_json::from_str(request.body.get()).unwrap();
        check(&cmd, &req, b);
        if cmd == "im_open_status.wslogin" {
            a2 = b["A2Key"].as_str().unwrap().to_owned();
            assert_eq!(b["TinyId"], "144115000000000001");
        }
        seen.push(cmd);
    }
    for cmd in [
        "im_open_status.wslogin",
        "heartbeat.alive",
        "profile.portrait_get_all",
        "sns.black_list_get",
        "recentcontact.page_get",
        "group_open_http_svc.get_joined_group_list",
        "openim.getmsg",
        "sns.friend_get",
        "sns.group_get",
        "sns.pendency_get",
        "im_sdk_config_mgr.fetch_config",
        "recentcontact.get_contact_group",
        "million_group_open_http_svc.get_joined_group_list",
        "im_sdk_config_mgr.fetch_imsdk_purchase_bitsv2",
        "openim.sendmsg",
        "openim.get_peer_read_time",
        "openim.get_c2c_peer_mute_notifications",
        "recentcontact.search_contact_group",
    ] {
        assert!(seen.iter().any(|c| c == cmd), "fixture covers {cmd}");
    }
    // The three sends are waiting for u2.
    let mut u2 = Client::new(2, APP, "u2");
    u2.login(&mut sim);
    let sync = u2.getmsg(&mut sim, "");
    assert_eq!(texts(&sync.body["MsgList"]), vec!["hi1", "hi2", "hi3"]);
    assert_eq!(sync.body["MsgList"][0]["From_AccountNick"], "nick_u1");
}

fn gen_sig(user: &str, now: u64) -> String {
    tcchat_server::gen_usersig(APP, KEY, user, 86_400, now)
}

/// The fields each reply must carry (protocol-facts §1 "clean" column).
fn check(cmd: &str, req: &Value, b: &Value) {
    match cmd {
        "im_open_status.wslogin" => {
            for k in ["A2Key", "TinyId", "HelloInterval", "InstId", "TimeStamp"] {
                assert!(b.get(k).is_some(), "wslogin lacks {k}");
            }
        }
        "profile.portrait_get_all" => {
            let asked: Vec<&Value> = req["UserItem"]
                .as_array()
                .unwrap()
                .iter()
                .map(|u| &u["To_Account"])
                .collect();
            let got: Vec<&Value> = b["UserProfileItem"]
                .as_array()
                .unwrap()
                .iter()
                .map(|u| &u["To_Account"])
                .collect();
            assert_eq!(asked, got);
        }
        "sns.black_list_get" => assert_eq!(b["StartIndex"], 0),
        "recentcontact.page_get" => assert_eq!(b["CompleteFlag"], 1),
        // messages-facts §4.1: the SDK pages on with NextStartIndex.
        "recentcontact.get_contact_group" => {
            assert_eq!(
                (b["CompleteFlag"].clone(), b["NextStartIndex"].clone()),
                (json!(1), json!(0))
            )
        }
        "openim.getmsg" => {
            assert_eq!(b["SyncFlag"], 2);
            assert!(b["MsgList"].is_array());
            assert!(!b["Cookie"].as_str().unwrap().is_empty());
        }
        "sns.friend_get" => assert_eq!(b["CompleteFlag"], 1),
        "im_sdk_config_mgr.fetch_config" => {
            assert_eq!(b["int32_error_code"], 0);
            assert_eq!(b["uint64_version"], req["uint64_version"]);
        }
        "im_sdk_config_mgr.fetch_imsdk_purchase_bitsv2" => {
            let bits = b["str_purchase_bits"].as_str().unwrap();
            assert!((1..=64).contains(&bits.len()) && bits.bytes().all(|c| c == b'0' || c == b'1'));
        }
        "openim.sendmsg" => {
            assert!(b["MsgTime"].as_u64().unwrap() > 0);
            assert!(!b["MsgKey"].as_str().unwrap().is_empty());
        }
        "openim.get_peer_read_time" => {
            assert_eq!(
                b["ReadTime"].as_array().unwrap().len(),
                req["To_Account"].as_array().unwrap().len()
            )
        }
        "openim.get_c2c_peer_mute_notifications" => {
            let peers = req["Peer_Account"].as_array().unwrap();
            let list = b["MuteNotificationsList"].as_array().unwrap();
            assert_eq!(list.len(), peers.len());
            for (item, peer) in list.iter().zip(peers) {
                assert_eq!(
                    (&item["Peer_Account"], &item["MuteNotifications"]),
                    (peer, &json!(0))
                );
            }
        }
        _ => {}
    }
}
