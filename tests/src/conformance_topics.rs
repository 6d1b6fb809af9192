//! Conformance scenario of communities and topics (issue 17), written once
//! for any [`Runtime`] and run against the real reference server: every
//! topic API, the three TOPIC_* events seen by a second member, and topic
//! messages with their own conversation, unread count, history and read.
//!
//! A scenario never sleeps: it waits for the event that must come (bounded
//! by [`PATIENCE`](crate::world::PATIENCE)).

use tcchat_core::model::CreateTextMessageOptions;
use tcchat_core::types::{GroupType, JoinGroupStatus};
use tcchat_core::{ErrorCode, Event};
use tcchat_runtime_common::{
    Chat, CreateGroupOptions, CreateTopicOptions, LoginOptions, Runtime, UpdateTopicOptions,
};

use crate::world::{expect_event, World, APP_A};

async fn login<R: Runtime + Default>(world: &World, chat: &Chat<R>, user: &str) {
    chat.login(LoginOptions::new(user, world.sig(APP_A, user)))
        .await
        .unwrap_or_else(|e| panic!("login {user}: {e}"));
}

/// alice opens a community and bob joins it. alice creates a topic: both
/// bob gets TOPIC_CREATED (alice has the result) and lists it. alice renames it: bob gets the tip in
/// `GROUP<topicID>` and TOPIC_UPDATED. Texts each way land in the topic's
/// conversation with its own unread count, in its history, and a read
/// clears it (the server's topic list agrees). bob, a plain member, may
/// not create topics (10007). alice deletes the topic: bob gets
/// TOPIC_DELETED and the list is empty.
pub async fn topics_reach_every_member_of_a_community<R: Runtime + Default>() {
    let world = World::start();
    let (alice, mut alice_events) = world.client::<R>(APP_A);
    let (bob, mut bob_events) = world.client::<R>(APP_A);
    login(&world, &alice, "alice").await;
    login(&world, &bob, "bob").await;
    let community = alice
        .create_group(CreateGroupOptions::new(GroupType::Community, "Club"))
        .await
        .expect("create the community");
    let gid = community.group_id.clone();
    assert!(gid.starts_with("@TGS#_"), "{gid}");
    let joined = bob.join_group(&gid, "").await.expect("join");
    assert_eq!(joined.status, JoinGroupStatus::JoinedSuccess);
    let communities = bob.get_joined_community_list().await.expect("communities");
    assert_eq!(communities.len(), 1);
    assert_eq!(communities[0].group_id, gid);
    assert!(communities[0].is_support_topic);
    assert!(bob
        .get_topic_list(&gid, &[])
        .await
        .expect("no topics yet")
        .success_topic_list
        .is_empty());

    // Create: TOPIC_CREATED on both members.
    let options = CreateTopicOptions {
        topic_name: "General".into(),
        introduction: Some("talk here".into()),
        ..CreateTopicOptions::default()
    };
    let tid = alice
        .create_topic_in_community(&gid, &options)
        .await
        .expect("create a topic");
    assert!(tid.starts_with(&format!("{gid}@TOPIC#_")), "{tid}");
    expect_event::<R>(&mut bob_events, "TOPIC_CREATED on bob", |e| {
        matches!(e, Event::TopicCreated { group_id, topic_id } if *group_id == gid && *topic_id == tid)
    })
    .await;
    let listed = bob.get_topic_list(&gid, &[]).await.expect("list");
    assert_eq!(listed.success_topic_list.len(), 1);
    assert_eq!(listed.success_topic_list[0].topic_name, "General");
    assert_eq!(listed.success_topic_list[0].introduction, "talk here");

    // Update: the tip and TOPIC_UPDATED reach bob.
    let update = UpdateTopicOptions {
        topic_id: tid.clone(),
        topic_name: Some("General chat".into()),
        ..UpdateTopicOptions::default()
    };
    let topic = alice
        .update_topic_profile(&gid, &update)
        .await
        .expect("update");
    assert_eq!(topic.topic_name, "General chat");
    let conv = format!("GROUP{tid}");
    expect_event::<R>(&mut bob_events, "TOPIC_UPDATED on bob", |e| {
        matches!(e, Event::TopicUpdated { group_id, topic }
            if *group_id == gid && topic.topic_id == tid && topic.topic_name == "General chat"
                && topic.introduction == "talk here")
    })
    .await;

    // A text from alice: in bob's topic conversation, unread there.
    let m = alice
        .create_text_message(&CreateTextMessageOptions::group(&tid, "hello topic"))
        .expect("create");
    let sent = alice.send_message(&m).await.expect("send to the topic");
    assert_eq!(sent.conversation_id, conv);
    expect_event::<R>(&mut bob_events, "the topic text on bob", |e| {
        matches!(e, Event::MessageReceived(list)
            if list.iter().any(|m| m.id == sent.id && m.conversation_id == conv))
    })
    .await;
    let unread = |chat: &Chat<R>| {
        chat.get_conversation_list(None)
            .expect("conversations")
            .into_iter()
            .find(|c| c.conversation_id == conv)
            .map(|c| c.unread_count)
    };
    // The rename tip and the text.
    assert_eq!(unread(&bob), Some(2));
    let history = bob
        .get_message_list(&conv, None)
        .await
        .expect("topic history");
    assert!(history.message_list.iter().any(|m| m.id == sent.id));
    assert!(history
        .message_list
        .iter()
        .all(|m| m.conversation_id == conv));
    bob.set_message_read(&conv).await.expect("read the topic");
    assert_eq!(unread(&bob), Some(0));
    let listed = bob.get_topic_list(&gid, &[]).await.expect("list");
    assert_eq!(listed.success_topic_list[0].unread_count, 0);
    assert_eq!(listed.success_topic_list[0].next_message_seq, 3);

    // A text from bob reaches alice in the topic.
    let m = bob
        .create_text_message(&CreateTextMessageOptions::group(&tid, "hi back"))
        .expect("create");
    let back = bob.send_message(&m).await.expect("bob sends");
    expect_event::<R>(&mut alice_events, "bob's topic text on alice", |e| {
        matches!(e, Event::MessageReceived(list)
            if list.iter().any(|m| m.id == back.id && m.conversation_id == conv))
    })
    .await;

    // A plain member may not create topics.
    let refused = bob
        .create_topic_in_community(
            &gid,
            &CreateTopicOptions {
                topic_name: "mine".into(),
                ..CreateTopicOptions::default()
            },
        )
        .await
        .expect_err("bob is not an admin");
    assert_eq!(refused.code, ErrorCode::GROUP_NO_PERMISSION);

    // Delete: TOPIC_DELETED on bob, nothing left.
    let deleted = alice
        .delete_topic_from_community(&gid, std::slice::from_ref(&tid))
        .await
        .expect("delete");
    assert_eq!(deleted.success_topic_list, vec![tid.clone()]);
    expect_event::<R>(&mut bob_events, "TOPIC_DELETED on bob", |e| {
        matches!(e, Event::TopicDeleted { group_id, topic_id_list }
            if *group_id == gid && *topic_id_list == vec![tid.clone()])
    })
    .await;
    assert!(bob
        .get_topic_list(&gid, &[])
        .await
        .expect("list")
        .success_topic_list
        .is_empty());
}
