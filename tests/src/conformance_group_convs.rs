//! Conformance scenarios of `GROUP<id>` conversations (issue 16), written
//! once for any [`Runtime`] and run against the real reference server:
//! group unread counts across a user's instances and a re-login, and pin,
//! conversation groups, draft and delete of a group conversation.
//!
//! A scenario never sleeps: it waits for the event that must come (bounded
//! by [`PATIENCE`](crate::world::PATIENCE)).

use tcchat_core::model::{Conversation, CreateTextMessageOptions};
use tcchat_core::types::GroupType;
use tcchat_core::{Event, EventName};
use tcchat_runtime_common::{Chat, CreateGroupOptions, EventStream, LoginOptions, Runtime};

use crate::world::{expect_event, World, APP_A};

/// Log in and wait for the end of the login's conversation list.
async fn login_synced<R: Runtime + Default>(
    world: &World,
    chat: &Chat<R>,
    events: &mut EventStream,
    user: &str,
) {
    chat.login(LoginOptions::new(user, world.sig(APP_A, user)))
        .await
        .unwrap_or_else(|e| panic!("login {user}: {e}"));
    expect_event::<R>(events, "CONVERSATION_LIST_UPDATED at login", |e| {
        e.name() == EventName::ConversationListUpdated
    })
    .await;
}

async fn send_group<R: Runtime + Default>(chat: &Chat<R>, group_id: &str, what: &str) {
    let m = chat
        .create_text_message(&CreateTextMessageOptions::group(group_id, what))
        .expect("create");
    chat.send_message(&m).await.expect("send to the group");
}

/// Wait for CONVERSATION_LIST_UPDATED with `conversation_id` matching
/// `pred` (`None`: not in the list).
async fn conversation_where<R: Runtime + Default>(
    events: &mut EventStream,
    what: &str,
    conversation_id: &str,
    pred: impl Fn(Option<&Conversation>) -> bool,
) {
    expect_event::<R>(events, what, |e| match e {
        Event::ConversationListUpdated(l) => {
            pred(l.iter().find(|c| c.conversation_id == conversation_id))
        }
        _ => false,
    })
    .await;
}

/// bob, on two instances, gets three messages in alice's group: both count
/// 3 unread; a read on one instance takes the other to 0; after two more
/// messages a fresh login (a third instance) shows the server's 2, not 0.
pub async fn group_unread_follows_reads_across_instances<R: Runtime + Default>() {
    let world = World::start_multi_instance();
    let (alice, mut alice_events) = world.client::<R>(APP_A);
    let (b1, mut b1_events) = world.client::<R>(APP_A);
    let (b2, mut b2_events) = world.client::<R>(APP_A);
    login_synced(&world, &alice, &mut alice_events, "alice").await;
    login_synced(&world, &b1, &mut b1_events, "bob").await;
    login_synced(&world, &b2, &mut b2_events, "bob").await;
    let group = alice
        .create_group(CreateGroupOptions::new(GroupType::Private, "Team").with_members(["bob"]))
        .await
        .expect("create");
    let gid = group.group_id;
    let conv = format!("GROUP{gid}");
    for text in ["one", "two", "three"] {
        send_group(&alice, &gid, text).await;
    }
    for events in [&mut b1_events, &mut b2_events] {
        conversation_where::<R>(events, "3 unread", &conv, |c| {
            c.is_some_and(|c| c.unread_count == 3)
        })
        .await;
    }
    b1.set_message_read(&conv).await.expect("read");
    conversation_where::<R>(&mut b2_events, "the other instance reads too", &conv, |c| {
        c.is_some_and(|c| c.unread_count == 0)
    })
    .await;
    assert_eq!(b2.get_conversation_profile(&conv).unwrap().unread_count, 0);
    send_group(&alice, &gid, "four").await;
    send_group(&alice, &gid, "five").await;
    conversation_where::<R>(&mut b1_events, "2 unread", &conv, |c| {
        c.is_some_and(|c| c.unread_count == 2)
    })
    .await;
    b2.destroy().await.unwrap();
    let (b3, mut b3_events) = world.client::<R>(APP_A);
    b3.login(LoginOptions::new("bob", world.sig(APP_A, "bob")))
        .await
        .expect("login bob");
    // The login's page_get brings the server's count (before it, other
    // inputs may announce the list without the group).
    conversation_where::<R>(&mut b3_events, "the server's count at login", &conv, |c| {
        c.is_some_and(|c| c.unread_count == 2)
    })
    .await;
    assert!(b3.get_total_unread_message_count().unwrap() >= 2);
    for chat in [alice, b1, b3] {
        chat.destroy().await.unwrap();
    }
}

/// bob pins, groups, drafts and deletes a group conversation; his other
/// instance follows the pin, the conversation group and the delete, a
/// fresh login reads the conversation group from the server; the next
/// message brings it back with only itself unread.
pub async fn group_conversations_pin_draft_and_delete<R: Runtime + Default>() {
    let world = World::start_multi_instance();
    let (alice, mut alice_events) = world.client::<R>(APP_A);
    let (b1, mut b1_events) = world.client::<R>(APP_A);
    let (b2, mut b2_events) = world.client::<R>(APP_A);
    login_synced(&world, &alice, &mut alice_events, "alice").await;
    login_synced(&world, &b1, &mut b1_events, "bob").await;
    login_synced(&world, &b2, &mut b2_events, "bob").await;
    let group = alice
        .create_group(CreateGroupOptions::new(GroupType::Private, "Team").with_members(["bob"]))
        .await
        .expect("create");
    let gid = group.group_id;
    let conv = format!("GROUP{gid}");
    send_group(&alice, &gid, "hi").await;
    for events in [&mut b1_events, &mut b2_events] {
        conversation_where::<R>(events, "the conversation", &conv, |c| c.is_some()).await;
    }
    assert_eq!(b1.pin_conversation(&conv, true).await.expect("pin"), conv);
    conversation_where::<R>(&mut b2_events, "pinned on the other", &conv, |c| {
        c.is_some_and(|c| c.is_pinned)
    })
    .await;
    // A conversation group holds the group conversation; the other
    // instance follows, and a fresh login reads it from the server.
    let grouped = b1
        .create_conversation_group("Groups", std::slice::from_ref(&conv))
        .await
        .expect("conversation group");
    assert_eq!(
        grouped.success_conversation_id_list,
        std::slice::from_ref(&conv)
    );
    conversation_where::<R>(&mut b2_events, "grouped on the other", &conv, |c| {
        c.is_some_and(|c| c.conversation_group_list == ["Groups"])
    })
    .await;
    let (b3, mut b3_events) = world.client::<R>(APP_A);
    login_synced(&world, &b3, &mut b3_events, "bob").await;
    // The conversation groups come after the purchase bits, so after the
    // first list: wait for the conversation to show its group.
    conversation_where::<R>(&mut b3_events, "grouped after a login", &conv, |c| {
        c.is_some_and(|c| c.conversation_group_list == ["Groups"])
    })
    .await;
    assert_eq!(b3.get_conversation_group_list().unwrap(), ["Groups"]);
    b3.destroy().await.unwrap();
    let drafted = b1.set_conversation_draft(&conv, "later").expect("draft");
    assert_eq!(drafted.draft_text, "later");
    assert_eq!(b1.delete_conversation(&conv).await.expect("delete"), conv);
    assert!(b1
        .get_conversation_list(None)
        .unwrap()
        .iter()
        .all(|c| c.conversation_id != conv));
    conversation_where::<R>(&mut b2_events, "deleted on the other", &conv, |c| {
        c.is_none()
    })
    .await;
    send_group(&alice, &gid, "back").await;
    conversation_where::<R>(&mut b1_events, "back with one unread", &conv, |c| {
        c.is_some_and(|c| c.unread_count == 1 && !c.is_pinned)
    })
    .await;
    for chat in [alice, b1, b2] {
        chat.destroy().await.unwrap();
    }
}

/// alice owns an AVChatRoom bob joined: she marks him, the member list
/// shows the mark, she removes it; bob may not mark her (10007).
pub async fn the_avchatroom_owner_marks_members<R: Runtime + Default>() {
    let world = World::start();
    let (alice, mut alice_events) = world.client::<R>(APP_A);
    let (bob, mut bob_events) = world.client::<R>(APP_A);
    login_synced(&world, &alice, &mut alice_events, "alice").await;
    login_synced(&world, &bob, &mut bob_events, "bob").await;
    let group = alice
        .create_group(CreateGroupOptions::new(GroupType::AvChatRoom, "Live"))
        .await
        .expect("create");
    let gid = group.group_id;
    bob.join_group(&gid, "").await.expect("join");
    let bob_id = ["bob".to_owned()];
    let marked = alice
        .mark_group_member_list(&gid, &bob_id, 1001, true)
        .await
        .expect("mark");
    assert_eq!(marked.success_user_id_list, bob_id);
    assert!(marked.failure_user_id_list.is_empty());
    let marks = |list: tcchat_core::model::GroupMemberListResult| {
        list.member_list
            .into_iter()
            .find(|m| m.user_id == "bob")
            .map(|m| m.mark_list)
    };
    let list = alice
        .get_group_member_list(&gid, 100, 0, None)
        .await
        .expect("members");
    assert_eq!(marks(list), Some(vec![1001]));
    alice
        .mark_group_member_list(&gid, &bob_id, 1001, false)
        .await
        .expect("unmark");
    let list = alice
        .get_group_member_list(&gid, 100, 0, None)
        .await
        .expect("members");
    assert_eq!(marks(list), Some(vec![]));
    let refused = bob
        .mark_group_member_list(&gid, &["alice".to_owned()], 1, true)
        .await
        .unwrap_err();
    assert_eq!(refused.code.0, 10007);
    for chat in [alice, bob] {
        chat.destroy().await.unwrap();
    }
}
