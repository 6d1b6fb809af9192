//! Profiles and friends of the client core, against a scripted server in
//! virtual time (relationship-facts §1–§2): the login sync (my profile,
//! the friend list paged), the pushes `ProfileDataMod` and
//! `FriendListMod`, every profile and friend API with its local refusals,
//! and the resync after a reconnect.

use std::time::Duration;

use serde_json::json;

use tcchat_core::model::{CustomField, Friend, FriendGroup, Profile};
use tcchat_core::wire::servcmd;
use tcchat_core::{
    AddFriendOptions, DisconnectReason, ErrorCode, Event, EventName, UpdateProfileOptions,
};

mod common;

use common::{count, Harness, ALL_BITS, FRIEND_GET, FRIEND_GROUP_GET, PORTRAIT_GET};

const SPECIFIED: &str = "sns.friend_get_specified";
const SET: &str = "profile.portrait_set";
const ADD: &str = "sns.friend_add";
const DELETE: &str = "sns.friend_delete";
const UPDATE: &str = "sns.friend_update";

impl Harness {
    fn new() -> Harness {
        Harness::build(18, |_| {})
    }

    /// Logged in as u1 with my profile `me` and the friends `u2` (nick
    /// `nick2`, remark `r2`) and `u3`, sent over two friend_get pages.
    fn with_friends() -> Harness {
        let mut h = Harness::logging_in();
        h.reply(
            servcmd::GET_MSG,
            json!({"Cookie": "ck1", "SyncFlag": 2, "MsgList": []}),
        );
        h.reply(
            PORTRAIT_GET,
            json!({"UserProfileItem": [{"To_Account": "u1", "ProfileItem": [
                {"Tag": "Tag_Profile_IM_Nick", "Value": "me"},
                {"Tag": "Tag_Profile_IM_Level", "Value": 3}]}]}),
        );
        assert_eq!(
            h.last_sent(FRIEND_GET).body["StartIndex"],
            0,
            "the friend list sync starts at 0"
        );
        h.reply(
            FRIEND_GET,
            json!({"FriendNum": 2, "CompleteFlag": 0, "NextStartIndex": 1,
                "StandardSequence": 5, "CustomSequence": 6,
                "UserDataItem": [{"To_Account": "u2", "ValueItem": [
                    {"Tag": "Tag_SNS_IM_Remark", "Value": "r2"},
                    {"Tag": "Tag_SNS_IM_Group", "Value": ["g1"]},
                    {"Tag": "Tag_SNS_IM_AddTime", "Value": 1795630000},
                    {"Tag": "Tag_Profile_IM_Nick", "Value": "nick2"}]}]}),
        );
        let next = h.last_sent(FRIEND_GET).body;
        assert_eq!(
            (
                &next["StartIndex"],
                &next["StandardSequence"],
                &next["CustomSequence"]
            ),
            (&json!(1), &json!(5), &json!(6)),
            "the next page asks from NextStartIndex with the sequences"
        );
        assert_eq!(count(&h.events, EventName::FriendListUpdated), 0);
        h.reply(
            FRIEND_GET,
            json!({"FriendNum": 2, "CompleteFlag": 1,
                "UserDataItem": [{"To_Account": "u3", "ValueItem": []}]}),
        );
        h.reply(
            FRIEND_GROUP_GET,
            json!({"ResultItem": [{"GroupName": "g1", "FriendNumber": 1, "To_Account": ["u2"]}],
                "CurrentSequence": 3}),
        );
        h.answer_login_sync(ALL_BITS);
        h
    }

    fn group_events(&mut self) -> Vec<Vec<FriendGroup>> {
        self.take_events()
            .into_iter()
            .filter_map(|e| match e {
                Event::FriendGroupListUpdated(list) => Some(list),
                _ => None,
            })
            .collect()
    }

    fn friend_groups(&mut self) -> Vec<FriendGroup> {
        let id = self.client.get_friend_group_list(self.now).unwrap();
        self.result(id).unwrap()
    }

    fn friends(&mut self) -> Vec<Friend> {
        let id = self.client.get_friend_list(self.now).unwrap();
        self.result(id).unwrap()
    }

    fn friend_list_events(&mut self) -> Vec<Vec<Friend>> {
        self.take_events()
            .into_iter()
            .filter_map(|e| match e {
                Event::FriendListUpdated(list) => Some(list),
                _ => None,
            })
            .collect()
    }

    fn profile_events(&self) -> Vec<Vec<Profile>> {
        self.events
            .iter()
            .filter_map(|e| match e {
                Event::ProfileUpdated(list) => Some(list.clone()),
                _ => None,
            })
            .collect()
    }
}

#[test]
fn the_login_syncs_my_profile_and_the_paged_friend_list() {
    let mut h = Harness::with_friends();
    let lists = h.friend_list_events();
    assert_eq!(
        lists.len(),
        1,
        "one FRIEND_LIST_UPDATED after the last page"
    );
    let ids: Vec<&str> = lists[0].iter().map(|f| f.user_id.as_str()).collect();
    assert_eq!(ids, ["u2", "u3"]);
    let u2 = &lists[0][0];
    assert_eq!(u2.remark, "r2");
    assert_eq!(u2.group_list, ["g1"]);
    assert_eq!(u2.add_time, 1_795_630_000);
    assert_eq!(u2.profile.nick, "nick2");
    assert_eq!(h.friends(), lists[0]);
    // Both served from what the login fetched: nothing is sent.
    h.clear_sent();
    let id = h.client.get_my_profile(h.now).unwrap();
    let me = h.result(id).unwrap();
    assert_eq!((me.nick.as_str(), me.level), ("me", 3));
    let id = h
        .client
        .get_friend_profile(h.now, &["u2".into(), "u9".into()])
        .unwrap();
    let r = h.result(id).unwrap();
    assert_eq!(r.friend_list[0].profile.nick, "nick2");
    assert_eq!(r.failure_user_id_list[0].user_id, "u9");
    assert_eq!(r.failure_user_id_list[0].code, 2700);
    assert!(h.take_sent().is_empty());
}

#[test]
fn profile_pushes_raise_events_for_me_and_friends_never_strangers() {
    let mut h = Harness::with_friends();
    // u5 becomes a cached stranger.
    let id = h.client.get_user_profile(h.now, &["u5".into()]).unwrap();
    h.drain();
    h.reply(
        PORTRAIT_GET,
        json!({"UserProfileItem": [{"To_Account": "u5", "ProfileItem": [{"Tag": "Tag_Profile_IM_Nick", "Value": "five"}]}]}),
    );
    assert_eq!(h.result(id).unwrap()[0].nick, "five");
    h.take_events();
    let nick = |v: &str| json!([{"Tag": "Tag_Profile_IM_Nick", "Value": v}]);
    h.push_events(json!([{"Event": 7, "ProfileDataMod": [
        {"Profile_Account": "u1", "ProfileList": nick("me2")},
        {"Profile_Account": "u2", "ProfileList": [
            {"Tag": "Tag_Profile_IM_Nick", "Value": "pushed2"},
            {"Tag": "Tag_Profile_Custom_Hobby", "Value": "tennis"}]},
        {"Profile_Account": "u5", "ProfileList": nick("five2")},
        {"Profile_Account": "u9", "ProfileList": nick("nine")}]}]));
    let profiles = h.profile_events();
    assert_eq!(profiles.len(), 1);
    let who: Vec<&str> = profiles[0].iter().map(|p| p.user_id.as_str()).collect();
    assert_eq!(who, ["u1", "u2"], "me and the friend, never a stranger");
    assert_eq!(profiles[0][1].profile_custom_field[0].value, "tennis");
    let lists = h.friend_list_events();
    assert_eq!(lists.len(), 1);
    assert_eq!(lists[0][0].profile.nick, "pushed2");
    // The stranger's cached copy took the change silently.
    let id = h.client.get_user_profile(h.now, &["u5".into()]).unwrap();
    assert_eq!(h.result(id).unwrap()[0].nick, "five2");
    // The same push again changes nothing: no event.
    h.push_events(json!([{"Event": 7, "ProfileDataMod": [
        {"Profile_Account": "u1", "ProfileList": nick("me2")}]}]));
    assert_eq!(count(&h.take_events(), EventName::ProfileUpdated), 0);
}

#[test]
fn get_user_profile_fetches_only_what_is_not_held() {
    let mut h = Harness::with_friends();
    h.clear_sent();
    let ids: Vec<String> = ["u2", "u1", "u7"].iter().map(|s| s.to_string()).collect();
    let id = h.client.get_user_profile(h.now, &ids).unwrap();
    h.drain();
    let asked = &h.last_sent(PORTRAIT_GET).body["UserItem"];
    assert_eq!(asked.as_array().unwrap().len(), 1);
    assert_eq!(asked[0]["To_Account"], "u7");
    h.no_result(id);
    h.reply(
        PORTRAIT_GET,
        json!({"UserProfileItem": [{"To_Account": "u7", "ProfileItem": [{"Tag": "Tag_Profile_IM_Gender", "Value": "Gender_Type_Female"}]}]}),
    );
    let got = h.result(id).unwrap();
    let who: Vec<&str> = got.iter().map(|p| p.user_id.as_str()).collect();
    assert_eq!(who, ["u2", "u1", "u7"], "in the order asked");
    assert_eq!(got[2].gender, "Gender_Type_Female");
    // Refused locally: no IDs, an empty ID, more than 100.
    for bad in [vec![], vec![String::new()], vec!["u".to_string(); 101]] {
        let err = h.client.get_user_profile(h.now, &bad).unwrap_err();
        assert_eq!(err.code, ErrorCode::INVALID_OPERATION);
    }
}

#[test]
fn update_my_profile_validates_then_applies_the_change() {
    let mut h = Harness::with_friends();
    h.take_events();
    h.clear_sent();
    let refused = [
        (
            UpdateProfileOptions {
                nick: Some("x".repeat(501)),
                ..UpdateProfileOptions::default()
            },
            2721,
        ),
        (
            UpdateProfileOptions {
                gender: Some("Gender_Type_Robot".into()),
                ..UpdateProfileOptions::default()
            },
            2721,
        ),
        (
            UpdateProfileOptions {
                profile_custom_field: vec![CustomField {
                    key: "Hobby".into(),
                    value: "go".into(),
                }],
                ..UpdateProfileOptions::default()
            },
            2721,
        ),
        (UpdateProfileOptions::default(), 2722),
    ];
    for (opts, code) in refused {
        let err = h.client.update_my_profile(h.now, &opts).unwrap_err();
        assert_eq!(err.code, ErrorCode(code), "{opts:?}");
    }
    h.drain();
    assert!(h.sent_of(SET).is_empty(), "refused without a request");
    let opts = UpdateProfileOptions {
        nick: Some("new".into()),
        allow_type: Some("AllowType_Type_NeedConfirm".into()),
        level: Some(4),
        profile_custom_field: vec![CustomField {
            key: "Tag_Profile_Custom_Hobby".into(),
            value: "go".into(),
        }],
        ..UpdateProfileOptions::default()
    };
    let id = h.client.update_my_profile(h.now, &opts).unwrap();
    h.drain();
    let sent = h.last_sent(SET).body;
    assert_eq!(
        sent["ProfileItem"],
        json!([{"Tag": "Tag_Profile_IM_Nick", "Value": "new"},
               {"Tag": "Tag_Profile_IM_AllowType", "Value": "AllowType_Type_NeedConfirm"},
               {"Tag": "Tag_Profile_IM_Level", "Value": 4},
               {"Tag": "Tag_Profile_Custom_Hobby", "Value": "go"}])
    );
    h.no_result(id);
    h.reply(SET, json!({}));
    let me = h.result(id).unwrap();
    assert_eq!((me.nick.as_str(), me.level), ("new", 4));
    assert_eq!(me.allow_type, "AllowType_Type_NeedConfirm");
    assert_eq!(h.profile_events(), [vec![me.clone()]]);
    // The same values again: resolves, no event.
    h.take_events();
    let id = h.client.update_my_profile(h.now, &opts).unwrap();
    h.drain();
    h.reply(SET, json!({}));
    assert_eq!(h.result(id).unwrap(), me);
    assert_eq!(count(&h.take_events(), EventName::ProfileUpdated), 0);
}

#[test]
fn friend_list_pushes_add_delete_and_update_friends() {
    let mut h = Harness::with_friends();
    h.take_events();
    h.clear_sent();
    h.push_events(
        json!([{"Event": 3, "FriendListMod": [{"PushType": 1, "FriendAdd_Account": ["u4"]}]}]),
    );
    assert_eq!(h.last_sent(SPECIFIED).body["To_Account"], json!(["u4"]));
    assert_eq!(count(&h.events, EventName::FriendListUpdated), 0);
    h.reply(
        SPECIFIED,
        json!({"InfoItem": [{"To_Account": "u4", "ResultCode": 0, "SnsProfileItem": [
            {"Tag": "Tag_Profile_IM_Nick", "Value": "four"}]}]}),
    );
    let lists = h.friend_list_events();
    assert_eq!(lists.len(), 1);
    let u4 = lists[0].iter().find(|f| f.user_id == "u4").unwrap();
    assert_eq!(u4.profile.nick, "four");

    h.push_events(
        json!([{"Event": 3, "FriendListMod": [{"PushType": 8, "FriendUpInfo": [
        {"Friend_Account": "u2", "Sns": [{"Tag": "Tag_SNS_IM_Remark", "Value": "pushed_r2"},
                                        {"Tag": "Tag_SNS_Custom_Level", "Value": "silver"}]}]}]}]),
    );
    let lists = h.friend_list_events();
    assert_eq!(lists[0][0].remark, "pushed_r2");
    assert_eq!(lists[0][0].friend_custom_field[0].value, "silver");

    h.push_events(json!([{"Event": 3, "FriendListMod": [{"PushType": 2, "FriendDel_Account": ["u3", "u99"]}]}]));
    let lists = h.friend_list_events();
    let ids: Vec<&str> = lists[0].iter().map(|f| f.user_id.as_str()).collect();
    assert_eq!(ids, ["u2", "u4"]);
}

#[test]
fn add_friend_resolves_on_0_and_30539_and_rejects_other_codes() {
    let mut h = Harness::with_friends();
    let reply = |to: &str, code: u32| json!({"ResultItem": [{"To_Account": to, "ResultCode": code, "ResultInfo": "x"}]});
    let id = h
        .client
        .add_friend(h.now, &AddFriendOptions::new("u8").with_wording("hi"))
        .unwrap();
    h.drain();
    let body = h.last_sent(ADD).body;
    assert_eq!(body["AddType"], "Add_Type_Both");
    assert_eq!(body["AddFriendItem"][0]["AddWording"], "hi");
    h.reply(ADD, reply("u8", 30539));
    assert_eq!(h.result(id).unwrap().code, 30539);
    // The list is changed by the push only.
    assert_eq!(h.friends().len(), 2);

    let id = h
        .client
        .add_friend(h.now, &AddFriendOptions::new("u9").single())
        .unwrap();
    h.drain();
    assert_eq!(h.last_sent(ADD).body["AddType"], "Add_Type_Single");
    h.reply(ADD, reply("u9", 30516));
    assert_eq!(h.result(id).unwrap_err().code, ErrorCode(30516));

    let id = h
        .client
        .add_friend(h.now, &AddFriendOptions::new("u10"))
        .unwrap();
    h.drain();
    h.reply(ADD, json!({}));
    assert_eq!(h.result(id).unwrap_err().code, ErrorCode::UNCAUGHT_ERROR);

    let err = h
        .client
        .add_friend(h.now, &AddFriendOptions::new("u1"))
        .unwrap_err();
    assert_eq!(err.code, ErrorCode::INVALID_OPERATION, "not yourself");
}

#[test]
fn delete_check_and_update_friend() {
    let mut h = Harness::with_friends();
    h.take_events();
    h.clear_sent();
    // Only friends are sent; the others fail with 2700.
    let id = h
        .client
        .delete_friend(h.now, &["u2".into(), "u99".into()], true)
        .unwrap();
    h.drain();
    let body = h.last_sent(DELETE).body;
    assert_eq!(body["To_Account"], json!(["u2"]));
    assert_eq!(body["DeleteType"], "Delete_Type_Both");
    h.reply(
        DELETE,
        json!({"ResultItem": [{"To_Account": "u2", "ResultCode": 0}]}),
    );
    let r = h.result(id).unwrap();
    assert_eq!(r.success_user_id_list[0].user_id, "u2");
    assert_eq!(r.failure_user_id_list[0].code, 2700);
    // None a friend: completes at once, nothing sent.
    h.clear_sent();
    let id = h
        .client
        .delete_friend(h.now, &["u99".into()], false)
        .unwrap();
    assert_eq!(h.result(id).unwrap().failure_user_id_list.len(), 1);
    assert!(h.sent_of(DELETE).is_empty());

    let id = h.client.check_friend(h.now, &["u2".into()], true).unwrap();
    h.drain();
    h.reply(
        "sns.friend_check",
        json!({"InfoItem": [{"To_Account": "u2", "Relation": "CheckResult_Type_BothWay", "ResultCode": 0}]}),
    );
    assert_eq!(
        h.result(id).unwrap().success_user_id_list[0].relation,
        "CheckResult_Type_BothWay"
    );

    let err = h
        .client
        .update_friend(h.now, "u99", Some("x"), &[])
        .unwrap_err();
    assert_eq!(err.code, ErrorCode::NOT_MY_FRIEND);
    let custom = [CustomField {
        key: "Tag_SNS_Custom_Level".into(),
        value: "gold".into(),
    }];
    let id = h
        .client
        .update_friend(h.now, "u3", Some("r3"), &custom)
        .unwrap();
    h.drain();
    assert_eq!(
        h.last_sent(UPDATE).body["UpdateItem"][0]["SnsItem"],
        json!([{"Tag": "Tag_SNS_IM_Remark", "Value": "r3"},
               {"Tag": "Tag_SNS_Custom_Level", "Value": "gold"}])
    );
    h.reply(
        UPDATE,
        json!({"ResultItem": [{"To_Account": "u3", "ResultCode": 0}]}),
    );
    let f = h.result(id).unwrap();
    assert_eq!((f.remark.as_str(), f.friend_custom_field.len()), ("r3", 1));
    let lists = h.friend_list_events();
    assert_eq!(lists.len(), 1);
    assert_eq!(
        lists[0].iter().find(|f| f.user_id == "u3").unwrap().remark,
        "r3"
    );
    // A reply without ResultItem fails the call (2903) and changes nothing.
    let id = h
        .client
        .update_friend(h.now, "u3", Some("r4"), &[])
        .unwrap();
    h.drain();
    h.reply(UPDATE, json!({}));
    assert_eq!(h.result(id).unwrap_err().code, ErrorCode::UNCAUGHT_ERROR);
    assert_eq!(
        h.friends()
            .iter()
            .find(|f| f.user_id == "u3")
            .unwrap()
            .remark,
        "r3"
    );
}

#[test]
fn a_reconnect_syncs_profile_and_friend_list_again() {
    let mut h = Harness::with_friends();
    h.take_events();
    let conn = h.conn.take().unwrap();
    let before = h.connects.len();
    h.client
        .handle_disconnected(h.now, conn, DisconnectReason::Closed(Some(1000)));
    h.drain();
    for _ in 0..100 {
        if h.connects.len() > before {
            break;
        }
        h.advance(Duration::from_millis(100));
    }
    assert!(h.connects.len() > before, "no reconnect");
    h.clear_sent();
    h.open();
    h.reply_login();
    h.drain();
    assert_eq!(h.sent_of(PORTRAIT_GET).len(), 1);
    assert_eq!(h.sent_of(FRIEND_GET).len(), 1);
    // A friend removed meanwhile is gone after the resync.
    h.reply(
        FRIEND_GET,
        json!({"FriendNum": 1, "CompleteFlag": 1, "UserDataItem": [{"To_Account": "u3", "ValueItem": []}]}),
    );
    let lists = h.friend_list_events();
    assert_eq!(lists.last().unwrap().len(), 1);
    assert_eq!(h.friends()[0].user_id, "u3");
}

#[test]
fn relationship_apis_need_a_login() {
    let mut h = Harness::new();
    let now = h.now;
    assert!(h.client.get_my_profile(now).is_err());
    assert!(h.client.get_friend_list(now).is_err());
    assert!(h
        .client
        .add_friend(now, &AddFriendOptions::new("u2"))
        .is_err());
}

const PENDENCY: &str = "sns.pendency_get";
const RESPONSE: &str = "sns.friend_response";
const PENDENCY_DELETE: &str = "sns.pendency_delete";
const REPORT: &str = "sns.pendency_report";

impl Harness {
    fn application_events(&mut self) -> Vec<(Vec<String>, u64)> {
        self.take_events()
            .into_iter()
            .filter_map(|e| match e {
                Event::FriendApplicationListUpdated {
                    friend_application_list,
                    unread_count,
                } => Some((
                    friend_application_list
                        .iter()
                        .map(|a| format!("{}:{}", a.user_id, a.kind))
                        .collect(),
                    unread_count,
                )),
                _ => None,
            })
            .collect()
    }
}

#[test]
fn friend_applications_follow_fetches_and_pushes() {
    let mut h = Harness::logging_in();
    h.reply(
        servcmd::GET_MSG,
        json!({"Cookie": "ck1", "SyncFlag": 2, "MsgList": []}),
    );
    h.reply(
        PENDENCY,
        json!({"PendencyItem": [
            {"To_Account": "u7", "PendencyType": "Pendency_Type_ComeIn", "AddSource": "AddSource_Type_Web",
             "AddWording": "hi", "AddTime": 1795630000, "Nick": "seven", "Image": ""},
            {"To_Account": "u8", "PendencyType": "Pendency_Type_SendOut", "AddTime": 1795630001}],
            "UnreadPendencyCount": 1}),
    );
    h.answer_login_sync(ALL_BITS);
    assert_eq!(
        h.application_events(),
        [(
            vec![
                "u7:Pendency_Type_ComeIn".to_string(),
                "u8:Pendency_Type_SendOut".to_string()
            ],
            1
        )]
    );
    let id = h.client.get_friend_application_list(h.now).unwrap();
    let list = h.result(id).unwrap();
    assert_eq!(list.friend_application_list[0].nick, "seven");
    assert_eq!(list.friend_application_list[0].wording, "hi");

    // A new application pushed: inserted, unread + 1, no refetch.
    h.clear_sent();
    h.push_events(json!([{"Event": 3, "FriendListMod": [{"PushType": 3, "From_Account": "u9",
        "PendencyAdd": [{"PendencyAdd_Account": "u9", "ProfileImNick": "nine", "AddWording": "yo", "AddTime": 1795630002}]}]}]));
    let events = h.application_events();
    assert_eq!(events.len(), 1);
    assert_eq!(events[0].1, 2);
    assert!(h.sent_of(PENDENCY).is_empty());
    // Mine, sent from my other instance: sent by me, unread unchanged.
    h.push_events(
        json!([{"Event": 3, "FriendListMod": [{"PushType": 3, "From_Account": "u1",
        "PendencyAdd": [{"PendencyAdd_Account": "u10"}]}]}]),
    );
    let events = h.application_events();
    assert!(events[0]
        .0
        .contains(&"u10:Pendency_Type_SendOut".to_string()));
    assert_eq!(events[0].1, 2);
    // Read elsewhere: 0.
    h.push_events(
        json!([{"Event": 3, "FriendListMod": [{"PushType": 7, "ReportTime": 1795630003}]}]),
    );
    assert_eq!(h.application_events()[0].1, 0);
    // An application gone: the list is fetched again.
    h.push_events(
        json!([{"Event": 3, "FriendListMod": [{"PushType": 4, "FrienPencydDel_Account": ["u7"]}]}]),
    );
    assert_eq!(h.sent_of(PENDENCY).len(), 1);
    h.reply(
        PENDENCY,
        json!({"PendencyItem": [], "UnreadPendencyCount": 0}),
    );
    assert_eq!(h.application_events(), [(Vec::<String>::new(), 0)]);
}

#[test]
fn friend_application_calls() {
    let mut h = Harness::logging_in();
    h.reply(
        servcmd::GET_MSG,
        json!({"Cookie": "ck1", "SyncFlag": 2, "MsgList": []}),
    );
    h.reply(
        PENDENCY,
        json!({"PendencyItem": [
            {"To_Account": "u7", "PendencyType": "Pendency_Type_ComeIn", "AddTime": 1795630000}],
            "UnreadPendencyCount": 1}),
    );
    h.answer_login_sync(ALL_BITS);
    h.take_events();
    h.clear_sent();
    let id = h
        .client
        .accept_friend_application(h.now, "u7", "seven", true)
        .unwrap();
    h.drain();
    assert_eq!(
        h.last_sent(RESPONSE).body["ResponseFriendItem"],
        json!([{"To_Account": "u7", "Remark": "seven", "ResponseAction": "Response_Action_AgreeAndAdd"}])
    );
    h.reply(
        RESPONSE,
        json!({"ResultItem": [{"To_Account": "u7", "ResultCode": 0}]}),
    );
    assert_eq!(h.result(id), Ok(()));
    let id = h.client.refuse_friend_application(h.now, "u7").unwrap();
    h.drain();
    assert_eq!(
        h.last_sent(RESPONSE).body["ResponseFriendItem"][0]["ResponseAction"],
        "Response_Action_Reject"
    );
    h.reply(RESPONSE, json!({}));
    assert_eq!(h.result(id).unwrap_err().code, ErrorCode::UNCAUGHT_ERROR);

    // Delete: 2716 locally for one not in the list.
    let err = h
        .client
        .delete_friend_application(
            h.now,
            "u7",
            tcchat_core::types::SnsApplicationType::SentByMe,
        )
        .unwrap_err();
    assert_eq!(err.code, ErrorCode::FRIEND_APPLICATION_NOT_EXIST);
    let id = h
        .client
        .delete_friend_application(
            h.now,
            "u7",
            tcchat_core::types::SnsApplicationType::SentToMe,
        )
        .unwrap();
    h.drain();
    assert_eq!(
        h.last_sent(PENDENCY_DELETE).body,
        json!({"From_Account": "u1", "PendencyType": "Pendency_Type_ComeIn", "To_Account": ["u7"]})
    );
    h.reply(
        PENDENCY_DELETE,
        json!({"ResultItem": [{"To_Account": "u7", "ResultCode": 0}]}),
    );
    assert_eq!(h.result(id), Ok(()));

    // Read: the count drops to 0, no event.
    let id = h.client.set_friend_application_read(h.now).unwrap();
    h.drain();
    assert!(
        h.last_sent(REPORT).body["LatestPendencyTimeStamp"]
            .as_u64()
            .unwrap()
            > 0
    );
    h.reply(REPORT, json!({}));
    assert_eq!(h.result(id), Ok(()));
    assert!(h.application_events().is_empty());
    let id = h.client.get_friend_application_list(h.now).unwrap();
    assert_eq!(h.result(id).unwrap().unread_count, 0);
}

#[test]
fn received_messages_take_the_senders_held_nick() {
    let mut h = Harness::with_friends();
    h.take_events();
    h.push_events(common::msgs(vec![
        common::wire_msg("u2", "u1", 1, 11, 1_795_630_100, "from a friend"),
        common::wire_msg("u9", "u1", 2, 12, 1_795_630_101, "from a stranger"),
    ]));
    let got = common::received(&h.take_events());
    let nicks: Vec<(&str, &str)> = got
        .iter()
        .map(|m| (m.from.as_str(), m.nick.as_str()))
        .collect();
    assert_eq!(nicks, [("u2", "nick2"), ("u9", "")]);
}

fn group(name: &str, users: &[&str]) -> FriendGroup {
    FriendGroup {
        name: name.to_owned(),
        user_id_list: users.iter().map(|u| u.to_string()).collect(),
        count: users.len() as u64,
    }
}

fn ids(list: &[&str]) -> Vec<String> {
    list.iter().map(|u| u.to_string()).collect()
}

const GROUP_ADD: &str = "sns.group_add";
const GROUP_UPDATE: &str = "sns.group_update";
const GROUP_DELETE: &str = "sns.group_delete";

#[test]
fn the_login_fetches_the_friend_groups() {
    let mut h = Harness::with_friends();
    assert_eq!(
        h.last_sent(FRIEND_GROUP_GET).body,
        json!({"From_Account": "u1", "LastSequence": 0, "NeedFriend": "Need_Friend_Type_Yes"})
    );
    assert_eq!(h.group_events(), [vec![group("g1", &["u2"])]]);
    h.clear_sent();
    assert_eq!(h.friend_groups(), [group("g1", &["u2"])]);
    assert!(
        h.take_sent().is_empty(),
        "served from what the login fetched"
    );
}

#[test]
fn friend_group_calls_apply_their_replies() {
    let mut h = Harness::with_friends();
    h.take_events();
    h.clear_sent();
    // Create, with one user the server refuses.
    let id = h
        .client
        .create_friend_group(h.now, "g2", &ids(&["u2", "u3", "u9"]))
        .unwrap();
    h.drain();
    assert_eq!(
        h.last_sent(GROUP_ADD).body,
        json!({"From_Account": "u1", "GroupName": ["g2"], "To_Account": ["u2", "u3", "u9"]})
    );
    h.drain();
    h.reply(
        GROUP_ADD,
        json!({"ResultItem": [{"To_Account": "u2", "ResultCode": 0}, {"To_Account": "u3", "ResultCode": 0},
            {"To_Account": "u9", "ResultCode": 30001, "ResultInfo": "not a friend"}]}),
    );
    let r = h.result(id).unwrap();
    assert_eq!(r.friend_group, group("g2", &["u2", "u3"]));
    assert_eq!(r.failure_user_id_list[0].user_id, "u9");
    assert_eq!(r.failure_user_id_list[0].code, 30001);
    assert_eq!(
        h.group_events(),
        [vec![group("g1", &["u2"]), group("g2", &["u2", "u3"])]]
    );
    assert_eq!(
        h.friends()[0].group_list,
        ["g1", "g2"],
        "the friend's groupList too"
    );
    // Local refusals send nothing.
    h.clear_sent();
    let err = h.client.create_friend_group(h.now, "g2", &[]).unwrap_err();
    assert_eq!(err.code, ErrorCode::FRIEND_GRP_EXISTED);
    let err = h
        .client
        .create_friend_group(h.now, &"n".repeat(31), &[])
        .unwrap_err();
    assert_eq!(err.code, ErrorCode::INVALID_OPERATION);
    let err = h.client.delete_friend_group(h.now, "nope").unwrap_err();
    assert_eq!(err.code, ErrorCode::FRIEND_GRP_NOT_EXIST);
    let err = h.client.rename_friend_group(h.now, "g2", "g1").unwrap_err();
    assert_eq!(err.code, ErrorCode::FRIEND_GRP_EXISTED);
    let err = h
        .client
        .add_to_friend_group(h.now, "nope", &ids(&["u2"]))
        .unwrap_err();
    assert_eq!(err.code, ErrorCode::FRIEND_GRP_NOT_EXIST);
    assert!(h.take_sent().is_empty());

    // Rename: a bare reply is enough; place and members kept.
    let id = h.client.rename_friend_group(h.now, "g2", "g3").unwrap();
    h.drain();
    assert_eq!(
        h.last_sent(GROUP_UPDATE).body,
        json!({"From_Account": "u1", "GroupOldName": "g2", "GroupNewName": "g3"})
    );
    h.drain();
    h.reply(GROUP_UPDATE, json!({}));
    assert_eq!(h.result(id).unwrap(), group("g3", &["u2", "u3"]));
    assert_eq!(
        h.group_events(),
        [vec![group("g1", &["u2"]), group("g3", &["u2", "u3"])]]
    );

    // Add: non-friends are not sent; only items echoing UpdateType count.
    let id = h
        .client
        .add_to_friend_group(h.now, "g1", &ids(&["u3", "u77"]))
        .unwrap();
    h.drain();
    assert_eq!(
        h.last_sent(GROUP_UPDATE).body,
        json!({"From_Account": "u1", "GroupOldName": "g1",
            "UpdateGroupItem": [{"To_Account": "u3", "UpdateType": "Update_Type_Add"}]})
    );
    h.drain();
    h.reply(
        GROUP_UPDATE,
        json!({"ResultItem": [{"To_Account": "u3", "ResultCode": 0, "UpdateType": "Update_Type_Add"}]}),
    );
    let r = h.result(id).unwrap();
    assert_eq!(r.friend_group, group("g1", &["u2", "u3"]));
    assert_eq!(r.failure_user_id_list[0].user_id, "u77");
    assert_eq!(r.failure_user_id_list[0].code, 2700);
    assert_eq!(h.group_events().len(), 1);
    // A reply without UpdateType changes nothing (as the official SDK).
    let id = h
        .client
        .remove_from_friend_group(h.now, "g1", &ids(&["u2"]))
        .unwrap();
    h.drain();
    h.reply(
        GROUP_UPDATE,
        json!({"ResultItem": [{"To_Account": "u2", "ResultCode": 0}]}),
    );
    assert_eq!(
        h.result(id).unwrap().friend_group,
        group("g1", &["u2", "u3"])
    );
    assert!(h.group_events().is_empty());
    let id = h
        .client
        .remove_from_friend_group(h.now, "g1", &ids(&["u2"]))
        .unwrap();
    h.drain();
    h.reply(
        GROUP_UPDATE,
        json!({"ResultItem": [{"To_Account": "u2", "ResultCode": 0, "UpdateType": "Update_Type_Delete"}]}),
    );
    assert_eq!(h.result(id).unwrap().friend_group, group("g1", &["u3"]));
    assert_eq!(h.group_events().len(), 1);

    // Delete: the group goes, its friends stay.
    let id = h.client.delete_friend_group(h.now, "g3").unwrap();
    h.drain();
    assert_eq!(
        h.last_sent(GROUP_DELETE).body,
        json!({"From_Account": "u1", "GroupName": ["g3"]})
    );
    h.drain();
    h.reply(GROUP_DELETE, json!({}));
    assert_eq!(h.result(id).unwrap(), group("g3", &["u2", "u3"]));
    assert_eq!(h.group_events(), [vec![group("g1", &["u3"])]]);
    assert_eq!(h.friends().len(), 2);
    assert!(h.friends()[0].group_list.is_empty());
}

#[test]
fn another_instance_s_change_is_fetched_and_a_deleted_friend_leaves_its_groups() {
    let mut h = Harness::with_friends();
    h.take_events();
    h.clear_sent();
    let changed =
        json!([{"Event": 3, "FriendListMod": [{"PushType": 9, "FriendGroupChanged": 1}]}]);
    h.push_events(changed.clone());
    assert_eq!(h.sent_of(FRIEND_GROUP_GET).len(), 1);
    // A second push while the fetch is out asks for one more, after it.
    h.push_events(changed);
    assert_eq!(h.sent_of(FRIEND_GROUP_GET).len(), 1);
    h.reply(
        FRIEND_GROUP_GET,
        json!({"ResultItem": [{"GroupName": "g1", "FriendNumber": 0, "To_Account": []},
            {"GroupName": "other", "FriendNumber": 2, "To_Account": ["u2", "u3"]}]}),
    );
    assert_eq!(
        h.group_events(),
        [vec![group("g1", &[]), group("other", &["u2", "u3"])]]
    );
    assert_eq!(h.sent_of(FRIEND_GROUP_GET).len(), 2);
    h.reply(
        FRIEND_GROUP_GET,
        json!({"ResultItem": [{"GroupName": "other", "FriendNumber": 2, "To_Account": ["u2", "u3"]}]}),
    );
    assert_eq!(h.group_events(), [vec![group("other", &["u2", "u3"])]]);
    assert_eq!(h.sent_of(FRIEND_GROUP_GET).len(), 2, "no third fetch");
    // Without FriendGroupChanged a PushType 9 is nothing.
    h.push_events(json!([{"Event": 3, "FriendListMod": [{"PushType": 9}]}]));
    assert_eq!(h.sent_of(FRIEND_GROUP_GET).len(), 2);

    h.push_events(
        json!([{"Event": 3, "FriendListMod": [{"PushType": 2, "FriendDel_Account": ["u3"]}]}]),
    );
    assert_eq!(h.group_events(), [vec![group("other", &["u2"])]]);

    // A friend added into a group brings it along.
    h.push_events(
        json!([{"Event": 3, "FriendListMod": [{"PushType": 1, "FriendAdd_Account": ["u4"]}]}]),
    );
    h.reply(
        SPECIFIED,
        json!({"InfoItem": [{"To_Account": "u4", "ResultCode": 0, "SnsProfileItem": [
            {"Tag": "Tag_SNS_IM_Group", "Value": ["fam"]}]}]}),
    );
    assert_eq!(
        h.group_events(),
        [vec![group("other", &["u2"]), group("fam", &["u4"])]]
    );
}

#[test]
fn conversations_carry_the_peers_nick_and_avatar_and_follow_profile_changes() {
    let mut h = Harness::with_friends();
    h.push_events(common::msgs(vec![
        common::wire_msg("u2", "u1", 1, 11, 1_795_630_100, "from a friend"),
        common::wire_msg("u9", "u1", 2, 12, 1_795_630_101, "from a stranger"),
    ]));
    let profile_of = |list: &[tcchat_core::model::Conversation], id: &str| {
        let c = list.iter().find(|c| c.conversation_id == id).unwrap();
        (
            c.user_profile.user_id.clone(),
            c.user_profile.nick.clone(),
            c.user_profile.avatar.clone(),
        )
    };
    let list = h.client.get_conversation_list(None).unwrap();
    assert_eq!(
        profile_of(&list, "C2Cu2"),
        ("u2".into(), "nick2".into(), String::new())
    );
    assert_eq!(
        profile_of(&list, "C2Cu9"),
        ("u9".into(), String::new(), String::new())
    );
    h.take_events();
    // The friend's new nick and avatar reach the conversation and are
    // announced.
    h.push_events(
        json!([{"Event": 7, "ProfileDataMod": [{"Profile_Account": "u2", "ProfileList": [
        {"Tag": "Tag_Profile_IM_Nick", "Value": "two"},
        {"Tag": "Tag_Profile_IM_Image", "Value": "https://example.invalid/2.png"}]}]}]),
    );
    let updated: Vec<_> = h
        .take_events()
        .into_iter()
        .filter_map(|e| match e {
            Event::ConversationListUpdated(l) => Some(l),
            _ => None,
        })
        .collect();
    assert_eq!(
        updated.len(),
        1,
        "CONVERSATION_LIST_UPDATED with the new profile"
    );
    assert_eq!(
        profile_of(&updated[0], "C2Cu2"),
        (
            "u2".into(),
            "two".into(),
            "https://example.invalid/2.png".into()
        )
    );
    // A stranger fetched with get_user_profile fills its conversation too.
    let id = h.client.get_user_profile(h.now, &["u9".into()]).unwrap();
    h.drain();
    h.reply(
        PORTRAIT_GET,
        json!({"UserProfileItem": [{"To_Account": "u9", "ProfileItem": [
            {"Tag": "Tag_Profile_IM_Nick", "Value": "nine"}]}]}),
    );
    h.result(id).unwrap();
    let list = h.client.get_conversation_list(None).unwrap();
    assert_eq!(profile_of(&list, "C2Cu9").1, "nine");
}
