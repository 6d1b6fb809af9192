//! The blacklist and user statuses of the client core, against a scripted
//! server in virtual time: the blacklist sync at login (paged), the
//! changes and their pushes, BLACKLIST_UPDATED once per change; custom and
//! other users' statuses, subscriptions, the purchase-bit gate (3122) as
//! the official SDK applies it, USER_STATUS_UPDATED from pushes.

use std::time::Duration;

use serde_json::json;

use tcchat_core::model::UserStatus;
use tcchat_core::types::UserStatusType;
use tcchat_core::wire::servcmd;
use tcchat_core::{DisconnectReason, ErrorCode, Event, EventName};

mod common;

use common::{count, Harness};

impl Harness {
    fn new() -> Harness {
        Harness::build(11, |t| t.unanswered_links = 1)
    }

    fn reconnect(&mut self) {
        let conn = self.conn.take().expect("open link");
        let before = self.connects.len();
        self.client
            .handle_disconnected(self.now, conn, DisconnectReason::Closed(Some(1000)));
        self.drain();
        for _ in 0..100 {
            if self.connects.len() > before {
                break;
            }
            self.advance(Duration::from_millis(100));
        }
        assert!(self.connects.len() > before, "no reconnect");
        self.clear_sent();
        self.open();
        self.take_events();
    }

    fn blacklist_events(&mut self) -> Vec<Vec<String>> {
        self.take_events()
            .into_iter()
            .filter_map(|e| match e {
                Event::BlacklistUpdated(list) => Some(list),
                _ => None,
            })
            .collect()
    }
}

fn ids(list: &[&str]) -> Vec<String> {
    list.iter().map(|s| (*s).to_owned()).collect()
}

#[test]
fn login_pages_the_blacklist_and_announces_it_once() {
    let mut h = Harness::logging_in();
    let first = h.last_sent(servcmd::BLACKLIST_GET).body;
    assert_eq!(
        first,
        json!({"From_Account": "u1", "StartIndex": 0, "MaxLimited": 1000})
    );
    h.reply(
        servcmd::BLACKLIST_GET,
        json!({"StartIndex": 1, "BlackListItem": [{"To_Account": "u20", "AddBlackTimeStamp": 1}]}),
    );
    assert_eq!(h.last_sent(servcmd::BLACKLIST_GET).body["StartIndex"], 1);
    assert!(h.blacklist_events().is_empty(), "not before the last page");
    h.reply(
        servcmd::BLACKLIST_GET,
        json!({"StartIndex": 0, "BlackListItem": [{"To_Account": "u21"}, {"To_Account": ""}]}),
    );
    assert_eq!(h.blacklist_events(), vec![ids(&["u20", "u21"])]);
    assert_eq!(h.client.get_blacklist().unwrap(), ids(&["u20", "u21"]));
    // A re-login fetches it again; the same list raises no event.
    h.answer_login_sync("0");
    h.reconnect();
    h.reply_login();
    h.reply(
        servcmd::BLACKLIST_GET,
        json!({"StartIndex": 0, "BlackListItem": [{"To_Account": "u20"}, {"To_Account": "u21"}]}),
    );
    assert!(h.blacklist_events().is_empty());
}

#[test]
fn a_blacklist_that_never_ends_is_cut_off() {
    let mut h = Harness::logging_in();
    // The server keeps answering the same cursor: the client stops.
    h.reply(
        servcmd::BLACKLIST_GET,
        json!({"StartIndex": 0, "BlackListItem": []}),
    );
    h.clear_sent();
    h.reconnect();
    h.reply_login();
    for _ in 0..3 {
        h.reply_pending(
            servcmd::BLACKLIST_GET,
            json!({"StartIndex": 7, "BlackListItem": [{"To_Account": "u7"}]}),
        );
    }
    assert_eq!(
        h.sent_of(servcmd::BLACKLIST_GET).len(),
        2,
        "a cursor that does not move ends it"
    );
    assert_eq!(h.client.get_blacklist().unwrap(), ids(&["u7"]));
}

#[test]
fn blacklist_changes_apply_their_reply_and_pushes_once() {
    let mut h = Harness::logged_in();
    let id = h
        .client
        .add_to_blacklist(h.now, &ids(&["u21", "u22", "u21"]))
        .unwrap();
    h.drain();
    let sent = h.last_sent(servcmd::BLACKLIST_ADD).body;
    assert_eq!(
        sent,
        json!({"From_Account": "u1", "To_Account": ["u21", "u22"]})
    );
    h.reply(
        servcmd::BLACKLIST_ADD,
        json!({"ResultItem": [{"To_Account": "u21", "ResultCode": 0}, {"To_Account": "u22", "ResultCode": 30001}]}),
    );
    assert_eq!(h.result(id).unwrap(), ids(&["u21"]));
    assert_eq!(h.blacklist_events(), vec![ids(&["u21"])]);
    // The push of the same change (to every instance) changes nothing.
    h.push_events(
        json!([{"Event": 3, "FriendListMod": [{"PushType": 5, "BlackListAdd_Account": ["u21"]}]}]),
    );
    assert!(h.blacklist_events().is_empty());
    // Another instance's changes arrive by push.
    h.push_events(json!([{"Event": 3, "FriendListMod": [{"PushType": 5, "BlackListAdd_Account": ["u22", "u23"]}]}]));
    assert_eq!(h.blacklist_events(), vec![ids(&["u21", "u22", "u23"])]);
    h.push_events(json!([{"Event": 3, "FriendListMod": [{"PushType": 6, "BlackListDel_Account": ["u21", "u99"]}]}]));
    assert_eq!(h.blacklist_events(), vec![ids(&["u22", "u23"])]);
    // Removal by this instance.
    let id = h
        .client
        .remove_from_blacklist(h.now, &ids(&["u22"]))
        .unwrap();
    h.drain();
    h.reply(
        servcmd::BLACKLIST_DELETE,
        json!({"ResultItem": [{"To_Account": "u22", "ResultCode": 0}]}),
    );
    assert_eq!(h.result(id).unwrap(), ids(&["u23"]));
    assert_eq!(h.blacklist_events(), vec![ids(&["u23"])]);
    assert_eq!(h.client.get_blacklist().unwrap(), ids(&["u23"]));
}

#[test]
fn blacklist_refusals_send_nothing() {
    let mut h = Harness::logged_in();
    let err = h
        .client
        .add_to_blacklist(h.now, &ids(&["u2", "u1"]))
        .unwrap_err();
    assert_eq!(err.code, ErrorCode::CANNOT_ADD_SELF_TO_BLACKLIST);
    let err = h.client.add_to_blacklist(h.now, &[]).unwrap_err();
    assert_eq!(err.code, ErrorCode::INVALID_OPERATION);
    let err = h
        .client
        .remove_from_blacklist(h.now, &ids(&[""]))
        .unwrap_err();
    assert_eq!(err.code, ErrorCode::INVALID_OPERATION);
    h.drain();
    assert!(h.sent.is_empty(), "{:?}", h.sent);
    assert_eq!(count(&h.events, EventName::Error), 3);
    // A failed reply fails the call and changes nothing.
    let id = h.client.add_to_blacklist(h.now, &ids(&["u2"])).unwrap();
    h.drain();
    let seq = h.last_sent(servcmd::BLACKLIST_ADD).seq;
    h.deliver(
        servcmd::BLACKLIST_ADD,
        seq,
        json!({"ActionStatus": "FAIL", "ErrorCode": 10004, "ErrorInfo": "no"}),
    );
    assert_eq!(h.result(id).unwrap_err().code.0, 10004);
    assert!(h.client.get_blacklist().unwrap().is_empty());
}

#[test]
fn statuses_are_read_set_and_pushed() {
    let mut h = Harness::logged_in();
    // Own status: local, with the custom status set.
    let id = h.client.set_self_status(h.now, "在忙 busy").unwrap();
    h.drain();
    assert_eq!(
        h.last_sent(servcmd::STATUS_SET).body,
        json!({"CustomStatus": "在忙 busy"}),
        "sent in plain text"
    );
    h.reply(servcmd::STATUS_SET, json!({}));
    let mine = h.result(id).unwrap();
    assert_eq!(mine.status_type, UserStatusType::Online);
    assert_eq!(mine.custom_status, "在忙 busy");
    h.clear_sent();
    let id = h
        .client
        .get_user_status(h.now, &ids(&["u1", "u2", "u3"]))
        .unwrap();
    h.drain();
    assert_eq!(
        h.last_sent(servcmd::STATUS_GET).body,
        json!({"To_Account": ["u2", "u3"]}),
        "not me"
    );
    h.reply(
        servcmd::STATUS_GET,
        json!({"UserStatusList": [{"To_Account": "u2", "Status": 2, "CustomStatus": "YXdheQ=="}],
               "ErrorList": [{"To_Account": "u3", "ErrorCode": 70107, "ErrorInfo": "no such user"}]}),
    );
    let r = h.result(id).unwrap();
    assert_eq!(r.success_user_list.len(), 2);
    assert_eq!(r.success_user_list[0].custom_status, "在忙 busy");
    assert_eq!(
        r.success_user_list[1],
        UserStatus {
            user_id: "u2".into(),
            status_type: UserStatusType::Offline,
            custom_status: "away".into()
        }
    );
    assert_eq!(r.failure_user_list[0].code, 70107);
    // A push: USER_STATUS_UPDATED; one for me updates my custom status.
    h.take_events();
    h.push_events(json!([{"Event": 32, "UserStatusList": [
        {"To_Account": "u2", "Status": 1, "CustomStatus": ""},
        {"To_Account": "u1", "Status": 1, "CustomStatus": "c2V0IG9uIG90aGVyIGRldmljZQ=="}]}]));
    let events: Vec<Vec<UserStatus>> = h
        .take_events()
        .into_iter()
        .filter_map(|e| match e {
            Event::UserStatusUpdated(s) => Some(s),
            _ => None,
        })
        .collect();
    assert_eq!(events.len(), 1);
    assert_eq!(events[0][0].status_type, UserStatusType::Online);
    assert_eq!(events[0][1].custom_status, "set on other device");
    h.clear_sent();
    let id = h.client.get_user_status(h.now, &ids(&["u1"])).unwrap();
    assert_eq!(
        h.result(id).unwrap().success_user_list[0].custom_status,
        "set on other device"
    );
    h.drain();
    assert!(
        h.sent_of(servcmd::STATUS_GET).is_empty(),
        "answered locally"
    );
}

#[test]
fn subscriptions_send_their_lists() {
    let mut h = Harness::logged_in();
    let id = h
        .client
        .subscribe_user_status(h.now, &ids(&["u2", "u3"]))
        .unwrap();
    h.drain();
    assert_eq!(
        h.last_sent(servcmd::STATUS_SUBSCRIBE).body,
        json!({"To_Account": ["u2", "u3"]})
    );
    h.reply(
        servcmd::STATUS_SUBSCRIBE,
        json!({"ErrorList": [{"Invalid_Account": "u3", "ErrorCode": 70107, "ErrorInfo": "x"}]}),
    );
    let failed = h.result(id).unwrap();
    assert_eq!(failed[0].user_id, "u3");
    let id = h.client.unsubscribe_user_status(h.now, &[]).unwrap();
    h.drain();
    assert_eq!(
        h.last_sent(servcmd::STATUS_UNSUBSCRIBE).body,
        json!({"UnsubscribeAll": 1})
    );
    h.reply(servcmd::STATUS_UNSUBSCRIBE, json!({"ErrorList": []}));
    assert!(h.result(id).unwrap().is_empty());
    let too_many: Vec<String> = (0..101).map(|i| format!("u{i}")).collect();
    let err = h
        .client
        .subscribe_user_status(h.now, &too_many)
        .unwrap_err();
    assert_eq!(err.code, ErrorCode::INVALID_OPERATION);
    let err = h
        .client
        .set_self_status(h.now, &"x".repeat(101))
        .unwrap_err();
    assert_eq!(err.code, ErrorCode::INVALID_OPERATION);
}

/// As `status_nobits`: without bit 7 others' statuses and subscriptions
/// refuse 3122 and send nothing; the own status and setSelfStatus work,
/// and pushes still raise USER_STATUS_UPDATED.
#[test]
fn without_bit_7_only_the_own_status_works() {
    let mut h = Harness::logged_in_with(json!([]), "10011000000000", json!({}));
    let u2 = ids(&["u2"]);
    let codes = [
        h.client
            .get_user_status(h.now, &ids(&["u1", "u2"]))
            .unwrap_err()
            .code,
        h.client.subscribe_user_status(h.now, &u2).unwrap_err().code,
        h.client
            .unsubscribe_user_status(h.now, &u2)
            .unwrap_err()
            .code,
    ];
    assert!(codes.iter().all(|c| *c == ErrorCode::NO_USE), "{codes:?}");
    h.drain();
    assert!(h.sent.is_empty(), "{:?}", h.sent);
    let id = h.client.get_user_status(h.now, &ids(&["u1"])).unwrap();
    assert_eq!(h.result(id).unwrap().success_user_list.len(), 1);
    let _set = h.client.set_self_status(h.now, "x").unwrap();
    h.drain();
    assert_eq!(h.sent_of(servcmd::STATUS_SET).len(), 1);
    h.take_events();
    h.push_events(json!([{"Event": 32, "UserStatusList": [{"To_Account": "u2", "Status": 3, "CustomStatus": ""}]}]));
    assert_eq!(count(&h.events, EventName::UserStatusUpdated), 1);
}

#[test]
fn follows_send_their_requests_and_pushes_raise_the_events() {
    let mut h = Harness::logged_in();
    let id = h.client.follow_user(h.now, &ids(&["u2", "u3"])).unwrap();
    h.drain();
    assert_eq!(
        h.last_sent(servcmd::FOLLOW_ADD).body,
        json!({"From_Account": "u1", "To_Account": ["u2", "u3"]})
    );
    h.reply(
        servcmd::FOLLOW_ADD,
        json!({"ResultItem": [{"To_Account": "u2", "ResultCode": 0, "ResultInfo": ""},
                              {"To_Account": "u3", "ResultCode": 10005, "ResultInfo": "full"}]}),
    );
    let r = h.result(id).unwrap();
    assert_eq!((r[0].result_code, r[1].result_code), (0, 10005));
    // Events come from pushes only.
    h.take_events();
    h.push_events(json!([{"Event": 35, "FollowListMod": [
        {"Type": 1, "IsAdd": 1, "UserList": ["u2"]},
        {"Type": 3, "IsAdd": 1, "UserList": ["u2"]},
        {"Type": 2, "IsAdd": 0, "UserList": ["u4", ""]},
        {"Type": 9, "IsAdd": 1, "UserList": ["u5"]}]}]));
    let names: Vec<EventName> = h
        .take_events()
        .iter()
        .map(Event::name)
        .filter(|n| *n != EventName::ConversationListUpdated)
        .collect();
    assert_eq!(
        names,
        vec![
            EventName::MyFollowingListUpdated,
            EventName::MutualFollowersListUpdated,
            EventName::MyFollowersListUpdated
        ]
    );
    // A page of a list, and the cursor.
    let id = h.client.get_my_followers_list(h.now, "").unwrap();
    h.drain();
    assert_eq!(h.last_sent(servcmd::FOLLOW_GET).body["FollowType"], 2);
    h.reply(
        servcmd::FOLLOW_GET,
        json!({"FollowItem": [{"To_Account": "u7", "FollowTime": 1}], "NextStartIndex": 100}),
    );
    let page = h.result(id).unwrap();
    assert_eq!(page.result_list[0].user_id, "u7");
    assert_eq!(page.next_cursor, "100");
    let id = h
        .client
        .get_my_followers_list(h.now, &page.next_cursor)
        .unwrap();
    h.drain();
    assert_eq!(h.last_sent(servcmd::FOLLOW_GET).body["StartIndex"], 100);
    h.reply(
        servcmd::FOLLOW_GET,
        json!({"FollowItem": [], "NextStartIndex": 0}),
    );
    assert_eq!(h.result(id).unwrap().next_cursor, "");
    let err = h.client.get_mutual_followers_list(h.now, "x").unwrap_err();
    assert_eq!(err.code, ErrorCode::INVALID_OPERATION);
    // Counts and relations.
    let id = h.client.check_follow_type(h.now, &ids(&["u2"])).unwrap();
    h.drain();
    h.reply(
        servcmd::FOLLOW_CHECK,
        json!({"FollowCheckItem": [{"To_Account": "u2", "FollowType": 3, "ResultCode": 0}]}),
    );
    assert_eq!(h.result(id).unwrap()[0].follow_type, 3);
    let id = h.client.get_user_follow_info(h.now, &ids(&["u2"])).unwrap();
    h.drain();
    h.reply(
        servcmd::FOLLOW_GET_INFO,
        json!({"FollowInfoItem": [{"To_Account": "u2", "ResultCode": 0, "FollowersCount": 4,
               "FollowingCount": 5, "MutualFollowersCount": 1}]}),
    );
    let info = h.result(id).unwrap();
    assert_eq!(
        (
            info[0].followers_count,
            info[0].following_count,
            info[0].mutual_followers_count
        ),
        (4, 5, 1)
    );
    let err = h.client.unfollow_user(h.now, &[]).unwrap_err();
    assert_eq!(err.code, ErrorCode::INVALID_OPERATION);
}

#[test]
fn the_login_reply_sets_the_own_custom_status() {
    let mut h = Harness::new();
    if h.conn.is_none() {
        h.open();
    }
    h.client.login(h.now, "u1", "sig-u1").unwrap();
    h.drain();
    h.reply(
        servcmd::LOGIN,
        json!({"A2Key": "a", "TinyId": "1", "HelloInterval": 120, "InstId": 5,
               "CustomStatus": "ZnJvbS1sb2dpbg=="}),
    );
    let id = h.client.get_user_status(h.now, &ids(&["u1"])).unwrap();
    assert_eq!(
        h.result(id).unwrap().success_user_list[0].custom_status,
        "from-login"
    );
}
