//! Communities and topics in the client core, against a scripted server
//! in virtual time. The requests, replies and pushes are those recorded
//! with the official SDK 3.6.6 (`frames/community_topics.json`): the five
//! topic APIs, TOPIC_CREATED / TOPIC_DELETED from Event 5 notices (not
//! system messages), the tip 8 as a message of `GROUP<topicID>` plus
//! TOPIC_UPDATED, and topic messages with their own conversation, unread
//! count, history and read report.

use serde_json::{json, Value};

use tcchat_core::client::{CreateTopicOptions, UpdateTopicOptions};
use tcchat_core::model::{CreateTextMessageOptions, Topic};
use tcchat_core::{ErrorCode, Event};

mod common;

use common::{received, Harness, GROUP_MSG_GET, GROUP_SEND};

const GET_TOPIC: &str = "million_group_open_http_svc.get_topic";
const CREATE_TOPIC: &str = "million_group_open_http_svc.create_topic";
const MODIFY_TOPIC: &str = "million_group_open_http_svc.modify_topic";
const DESTROY_TOPIC: &str = "million_group_open_http_svc.destroy_topic";
const COMMUNITIES: &str = "million_group_open_http_svc.get_joined_group_list";
const READ_REPORT: &str = "group_open_http_svc.msg_read_report";
const COM: &str = "@TGS#_com1";
const T1: &str = "@TGS#_com1@TOPIC#_t1";
const T2: &str = "@TGS#_com1@TOPIC#_t2";

/// A `get_topic` item as recorded (frame reply to the first `get_topic`).
fn topic_item(id: &str, name: &str, next: u64, read: u64) -> Value {
    json!({"TopicInfo": {"GroupID": COM, "TopicId": id, "TopicName": name, "FaceUrl": "", "Introduction": "i", "Notification": "n", "CustomString": "cd", "ShutUpAllFlag": 0, "LastMsgTime": 0, "NextMsgSeq": next}, "SelfInfo": {"MsgFlag": "AcceptAndNotify", "MsgSeq": read}, "ErrorCode": 0, "ErrorInfo": ""})
}

/// The recorded TOPIC_UPDATED tip (Event 4, OpType 8) for `topic`.
fn topic_tip(topic: &str) -> Value {
    json!({"EventArray": [{"Event": 4, "GroupTips": [{"From_Account": "u2", "ToGroupId": COM, "MsgSeq": 2, "MsgRandom": 9002, "MsgTimeStamp": 1795629696, "MsgClientTime": 1795629696, "TinyId": "144115000000000002", "GroupInfo": {"GroupId": COM, "GroupType": "Community", "MillionGroupFlag": 2, "TopicId": topic}, "MsgBody": {"OpType": 8, "Operator_Account": "u2", "MsgTopicNewInfo": {"TopicName": "Topic 2 pushed", "TopicIntroduction": "new intro"}}}]}]})
}

/// A text by u2 in `topic` at `seq` (its random differs per topic, so
/// that its message ID does).
fn topic_msg(topic: &str, seq: u64, text: &str) -> Value {
    let random = 7000 + seq + if topic == T2 { 500 } else { 0 };
    json!({"From_Account": "u2", "ToGroupId": COM, "MsgSeq": seq, "MsgRandom": random, "MsgTimeStamp": 1795629700 + seq, "MsgClientTime": 1795629700 + seq, "ClientSeq": seq, "TinyId": "144115000000000002", "MsgPriority": "Normal", "GroupInfo": {"GroupId": COM, "GroupType": "Community", "MillionGroupFlag": 2, "TopicId": topic}, "MsgBody": [{"MsgType": "TIMTextElem", "MsgContent": {"Text": text}}]})
}

fn topic_events(events: &[Event]) -> Vec<Event> {
    events
        .iter()
        .filter(|e| {
            matches!(
                e,
                Event::TopicCreated { .. }
                    | Event::TopicDeleted { .. }
                    | Event::TopicUpdated { .. }
            )
        })
        .cloned()
        .collect()
}

fn code<T>(r: Result<T, tcchat_core::ChatError>) -> ErrorCode {
    r.map(|_| ()).unwrap_err().code
}

impl Harness {
    fn new() -> Harness {
        Harness::build(17, |_| {})
    }

    /// `getTopicList` of the community answered with t1 (read 0 of 0) and
    /// t2 (next 5, read 1).
    fn list_topics(&mut self) -> Vec<Topic> {
        let id = self.client.get_topic_list(self.now, COM, &[]).unwrap();
        self.drain();
        self.reply(
            GET_TOPIC,
            json!({"TopicAndSelfInfo": [topic_item(T1, "Topic 1", 1, 0), topic_item(T2, "Topic 2", 5, 1)]}),
        );
        self.result(id).unwrap().success_topic_list
    }
}

#[test]
fn the_topic_apis_send_the_official_requests_and_read_the_replies() {
    let mut h = Harness::logged_in();
    // getJoinedCommunityList: the million_group list with SupportTopic 1.
    let id = h.client.get_joined_community_list(h.now).unwrap();
    h.drain();
    let body = h.last_sent(COMMUNITIES).body;
    assert_eq!(body["SupportTopic"], 1);
    assert_eq!(body["Member_Account"], "u1");
    h.reply(
        COMMUNITIES,
        json!({"TotalCount": 1, "GroupIdList": [{"GroupId": COM, "Type": "Community", "Name": "Community 1", "Owner_Account": "u2", "NextMsgSeq": 5, "SelfInfo": {"Role": "Member", "MsgFlag": "AcceptAndNotify", "MsgSeq": 4}, "SupportTopic": 1}]}),
    );
    let list = h.result(id).unwrap();
    assert_eq!(list.len(), 1);
    assert_eq!(list[0].group_id, COM);
    assert!(list[0].is_support_topic);

    // getTopicList: the recorded request; unread = next - 1 - read.
    let topics = h.list_topics();
    assert_eq!(
        h.last_sent(GET_TOPIC).body,
        json!({"GroupId": COM, "TopicIdList": [], "MemberInfoFilter": ["NoUnreadSeqList"]})
    );
    assert_eq!(topics.len(), 2);
    assert_eq!(topics[0].topic_id, T1);
    assert_eq!(topics[0].custom_data, "cd");
    assert_eq!(topics[1].unread_count, 3);
    assert_eq!(topics[1].self_info.readed_sequence, 1);
    // A failed item is in the failure list with its code.
    let id = h
        .client
        .get_topic_list(h.now, COM, &[format!("{COM}@TOPIC#_gone")])
        .unwrap();
    h.drain();
    h.reply(
        GET_TOPIC,
        json!({"TopicAndSelfInfo": [{"TopicInfo": {"GroupID": COM, "TopicId": format!("{COM}@TOPIC#_gone")}, "ErrorCode": 10010, "ErrorInfo": "no such topic"}]}),
    );
    let r = h.result(id).unwrap();
    assert!(r.success_topic_list.is_empty());
    assert_eq!(r.failure_topic_list[0].code, 10010);

    // createTopicInCommunity: {GroupId, TopicName}; resolves with TopicId.
    let options = CreateTopicOptions {
        topic_name: "New Topic".into(),
        ..CreateTopicOptions::default()
    };
    let id = h
        .client
        .create_topic_in_community(h.now, COM, &options)
        .unwrap();
    h.drain();
    assert_eq!(
        h.last_sent(CREATE_TOPIC).body,
        json!({"GroupId": COM, "TopicName": "New Topic"})
    );
    h.reply(CREATE_TOPIC, json!({"TopicId": "@TGS#_com1@TOPIC#_new1"}));
    assert_eq!(h.result(id).unwrap(), "@TGS#_com1@TOPIC#_new1");

    // updateTopicProfile: {GroupId, TopicId, TopicName}; the held topic
    // with the change.
    let options = UpdateTopicOptions {
        topic_id: T1.into(),
        topic_name: Some("Topic 1 renamed".into()),
        ..UpdateTopicOptions::default()
    };
    let id = h.client.update_topic_profile(h.now, COM, &options).unwrap();
    h.drain();
    assert_eq!(
        h.last_sent(MODIFY_TOPIC).body,
        json!({"GroupId": COM, "TopicId": T1, "TopicName": "Topic 1 renamed"})
    );
    h.reply(MODIFY_TOPIC, json!({}));
    let topic = h.result(id).unwrap();
    assert_eq!(topic.topic_name, "Topic 1 renamed");
    assert_eq!(topic.introduction, "i", "the held fields stay");

    // deleteTopicFromCommunity: per-item results.
    let id = h
        .client
        .delete_topic_from_community(h.now, COM, &["@TGS#_com1@TOPIC#_new1".into(), T2.into()])
        .unwrap();
    h.drain();
    assert_eq!(
        h.last_sent(DESTROY_TOPIC).body,
        json!({"GroupId": COM, "TopicIdList": ["@TGS#_com1@TOPIC#_new1", T2]})
    );
    h.reply(
        DESTROY_TOPIC,
        json!({"DestroyResultItem": [{"TopicId": "@TGS#_com1@TOPIC#_new1", "ErrorCode": 0, "ErrorInfo": ""}, {"TopicId": T2, "ErrorCode": 10007, "ErrorInfo": "no"}]}),
    );
    let r = h.result(id).unwrap();
    assert_eq!(r.success_topic_list, ["@TGS#_com1@TOPIC#_new1"]);
    assert_eq!(r.failure_topic_list[0].topic_id, T2);
    assert_eq!(r.failure_topic_list[0].code, 10007);
}

#[test]
fn bad_topic_arguments_fail_locally_with_their_codes() {
    let mut h = Harness::logged_in();
    assert_eq!(
        code(h.client.get_topic_list(h.now, "", &[])),
        ErrorCode::ILLEGAL_GRP_ID
    );
    assert_eq!(
        code(
            h.client
                .get_topic_list(h.now, COM, &["@TGS#_other@TOPIC#_x".into()])
        ),
        ErrorCode::ILLEGAL_TOPIC_ID
    );
    assert_eq!(
        code(h.client.delete_topic_from_community(h.now, COM, &[])),
        ErrorCode::INVALID_OPERATION
    );
    assert_eq!(
        code(
            h.client
                .create_topic_in_community(h.now, COM, &CreateTopicOptions::default())
        ),
        ErrorCode::INVALID_OPERATION
    );
    let bare = UpdateTopicOptions {
        topic_id: format!("{COM}@TOPIC#_"),
        ..UpdateTopicOptions::default()
    };
    assert_eq!(
        code(h.client.update_topic_profile(h.now, COM, &bare)),
        ErrorCode::ILLEGAL_TOPIC_ID
    );
    h.drain();
    assert!(h.sent_of(GET_TOPIC).is_empty());
}

#[test]
fn topic_pushes_fire_the_topic_events() {
    let mut h = Harness::logged_in();
    h.list_topics();
    h.take_events();
    // Event 5 OpType 17 (recorded): TOPIC_CREATED, no system message.
    h.push(json!({"EventArray": [{"Event": 5, "GroupTips": [{"From_Account": "@TIM#SYSTEM", "ToGroupId": COM, "MsgSeq": 1, "MsgRandom": 9001, "MsgTimeStamp": 1795629696, "GroupInfo": {"GroupId": COM, "GroupType": "Community", "MillionGroupFlag": 2, "TopicId": "@TGS#_com1@TOPIC#_t9"}, "MsgBody": {"OpType": 17, "Operator_Account": "u2"}}]}]}));
    let events = h.take_events();
    assert_eq!(
        topic_events(&events),
        [Event::TopicCreated {
            group_id: COM.into(),
            topic_id: "@TGS#_com1@TOPIC#_t9".into()
        }]
    );
    assert!(received(&events).is_empty(), "not a system message");

    // Event 4 OpType 8 (recorded): a tip in GROUP<topic> and TOPIC_UPDATED
    // with the held topic changed.
    h.push(topic_tip(T2));
    let events = h.take_events();
    let got = received(&events);
    assert_eq!(got.len(), 1);
    assert_eq!(got[0].conversation_id, format!("GROUP{T2}"));
    assert_eq!(got[0].to, T2);
    assert_eq!(got[0].msg_type, "TIMGroupTipElem");
    let updated = topic_events(&events);
    let [Event::TopicUpdated { group_id, topic }] = updated.as_slice() else {
        panic!("one TOPIC_UPDATED: {updated:?}");
    };
    assert_eq!(group_id, COM);
    assert_eq!(topic.topic_id, T2);
    assert_eq!(topic.topic_name, "Topic 2 pushed");
    assert_eq!(topic.introduction, "new intro");
    assert_eq!(topic.notification, "n", "unchanged fields stay");
    // A topic never listed: the tip is a message, but no TOPIC_UPDATED.
    let mut other = topic_tip("@TGS#_com1@TOPIC#_unseen");
    other["EventArray"][0]["GroupTips"][0]["MsgSeq"] = json!(3);
    h.push(other);
    let events = h.take_events();
    assert_eq!(received(&events).len(), 1);
    assert!(topic_events(&events).is_empty());

    // Event 5 OpType 18 (recorded): TOPIC_DELETED; the topic is no longer
    // held, so a later tip fires nothing.
    h.push(json!({"EventArray": [{"Event": 5, "GroupTips": [{"From_Account": "@TIM#SYSTEM", "ToGroupId": COM, "MsgSeq": 3, "MsgRandom": 9003, "MsgTimeStamp": 1795629696, "GroupInfo": {"GroupId": COM, "GroupType": "Community", "MillionGroupFlag": 2}, "MsgBody": {"OpType": 18, "Operator_Account": "u2", "TopicIdArray": [T2]}}]}]}));
    let events = h.take_events();
    assert_eq!(
        topic_events(&events),
        [Event::TopicDeleted {
            group_id: COM.into(),
            topic_id_list: vec![T2.into()]
        }]
    );
    let mut late = topic_tip(T2);
    late["EventArray"][0]["GroupTips"][0]["MsgSeq"] = json!(4);
    h.push(late);
    assert!(topic_events(&h.take_events()).is_empty());
}

#[test]
fn topic_messages_have_their_own_conversation_unread_history_and_reads() {
    let mut h = Harness::logged_in();
    h.push(json!({"EventArray": [{"Event": 3, "GroupMsgArray": [topic_msg(T1, 1, "one"), topic_msg(T1, 2, "two"), topic_msg(T2, 1, "other")]}]}));
    let got = received(&h.take_events());
    assert_eq!(
        got.len(),
        3,
        "the same sequence in two topics is two messages"
    );
    assert_eq!(got[0].conversation_id, format!("GROUP{T1}"));
    assert_eq!(got[2].conversation_id, format!("GROUP{T2}"));
    let unread = |h: &mut Harness, conv: &str| {
        h.client
            .get_conversation_list(None)
            .unwrap()
            .into_iter()
            .find(|c| c.conversation_id == conv)
            .map(|c| c.unread_count)
    };
    assert_eq!(unread(&mut h, &format!("GROUP{T1}")), Some(2));
    assert_eq!(unread(&mut h, &format!("GROUP{T2}")), Some(1));

    // Send: GroupId is the community, TopicId the topic.
    let m = h
        .client
        .create_text_message(h.now, &CreateTextMessageOptions::group(T1, "mine"))
        .unwrap();
    assert_eq!(m.conversation_id, format!("GROUP{T1}"));
    let id = h.client.send_message(h.now, &m).unwrap();
    h.drain();
    let body = h.last_sent(GROUP_SEND).body;
    assert_eq!(
        (body["GroupId"].as_str(), body["TopicId"].as_str()),
        (Some(COM), Some(T1))
    );
    h.reply(GROUP_SEND, json!({"MsgSeq": 3, "MsgTime": 1795629710}));
    let sent = h.result(id).unwrap();
    assert_eq!((sent.sequence, sent.to.as_str()), (3, T1));

    // History: group_msg_get with the TopicId; items land in GROUP<topic>.
    let id = h
        .client
        .get_message_list(h.now, &format!("GROUP{T1}"), None)
        .unwrap();
    h.drain();
    let body = h.last_sent(GROUP_MSG_GET).body;
    assert_eq!(
        (body["GroupId"].as_str(), body["TopicId"].as_str()),
        (Some(COM), Some(T1))
    );
    h.reply(
        GROUP_MSG_GET,
        json!({"GroupId": COM, "IsFinished": 1, "RspMsgList": [topic_msg(T1, 2, "two"), topic_msg(T1, 1, "one")], "RspTipList": []}),
    );
    let page = h.result(id).unwrap();
    let convs: Vec<&str> = page
        .message_list
        .iter()
        .map(|m| m.conversation_id.as_str())
        .collect();
    assert!(
        convs.iter().all(|c| *c == format!("GROUP{T1}")),
        "{convs:?}"
    );
    assert!(page.message_list.len() >= 2);

    // Read: msg_read_report with the TopicId; the topic's unread goes to 0,
    // the other topic keeps its own.
    let id = h
        .client
        .set_message_read(h.now, &format!("GROUP{T1}"))
        .unwrap();
    h.drain();
    let body = h.last_sent(READ_REPORT).body;
    assert_eq!(body["GroupId"], COM);
    assert_eq!(body["TopicId"], T1);
    assert_eq!(body["MsgReadedSeq"], 3);
    h.reply(READ_REPORT, json!({}));
    h.result(id).unwrap();
    assert_eq!(unread(&mut h, &format!("GROUP{T1}")), Some(0));
    assert_eq!(unread(&mut h, &format!("GROUP{T2}")), Some(1));
}
