//! Conformance scenarios of the conversation list, unread counts and
//! conversation groups (issue 8), written once for any [`Runtime`] and run
//! against the real reference server: what two users see, and what one
//! user's second instance sees of the first one's conversation operations.
//!
//! A scenario never sleeps: it waits for the event that must come (bounded
//! by [`PATIENCE`](crate::world::PATIENCE)).

use tcchat_core::model::{Conversation, CreateTextMessageOptions, Message};
use tcchat_core::{ErrorCode, Event, EventName};
use tcchat_runtime_common::{Chat, EventStream, LoginOptions, Runtime};

use crate::world::{expect_event, World, APP_A};

async fn login<R: Runtime + Default>(world: &World, chat: &Chat<R>, user: &str) {
    chat.login(LoginOptions::new(user, world.sig(APP_A, user)))
        .await
        .unwrap_or_else(|e| panic!("login {user}: {e}"));
}

/// Log in and wait for the end of the login sync: the conversation group
/// list is announced once `get_contact_group` (sent after the purchase
/// bits) is answered, and the list once `page_get` is.
async fn login_synced<R: Runtime + Default>(
    world: &World,
    chat: &Chat<R>,
    events: &mut EventStream,
    user: &str,
) {
    login(world, chat, user).await;
    expect_event::<R>(events, "CONVERSATION_LIST_UPDATED at login", |e| {
        e.name() == EventName::ConversationListUpdated
    })
    .await;
    expect_event::<R>(events, "CONVERSATION_GROUP_LIST_UPDATED at login", |e| {
        e.name() == EventName::ConversationGroupListUpdated
    })
    .await;
}

async fn send<R: Runtime + Default>(chat: &Chat<R>, to: &str, text: &str) -> Message {
    let m = chat
        .create_text_message(&CreateTextMessageOptions::c2c(to, text))
        .expect("create");
    chat.send_message(&m).await.expect("send")
}

fn conv<'a>(list: &'a [Conversation], id: &str) -> Option<&'a Conversation> {
    list.iter().find(|c| c.conversation_id == id)
}

/// Wait for a CONVERSATION_LIST_UPDATED whose list satisfies `pred`.
async fn list_where<R: Runtime + Default>(
    events: &mut EventStream,
    what: &str,
    pred: impl Fn(&[Conversation]) -> bool,
) -> Vec<Conversation> {
    let event = expect_event::<R>(
        events,
        what,
        |e| matches!(e, Event::ConversationListUpdated(l) if pred(l)),
    )
    .await;
    let Event::ConversationListUpdated(list) = event else {
        unreachable!()
    };
    list
}

async fn total_is<R: Runtime + Default>(events: &mut EventStream, n: u64) {
    expect_event::<R>(
        events,
        &format!("TOTAL_UNREAD_MESSAGE_COUNT_UPDATED {n}"),
        |e| *e == Event::TotalUnreadMessageCountUpdated(n),
    )
    .await;
}

/// bob writes to alice: her list gets the conversation with its unread
/// count and last message, the total follows; bob revokes an unread
/// message and her count drops; she reads the conversation and both go to
/// 0; her own reply moves the last message without unread.
pub async fn unread_counts_follow_messages_and_reads<R: Runtime + Default>() {
    let world = World::start();
    let (alice, mut alice_events) = world.client::<R>(APP_A);
    let (bob, mut bob_events) = world.client::<R>(APP_A);
    login_synced(&world, &alice, &mut alice_events, "alice").await;
    login_synced(&world, &bob, &mut bob_events, "bob").await;

    send(&bob, "alice", "one").await;
    let two = send(&bob, "alice", "two").await;
    total_is::<R>(&mut alice_events, 2).await;
    let list = list_where::<R>(&mut alice_events, "C2Cbob with 2 unread", |l| {
        conv(l, "C2Cbob").is_some_and(|c| c.unread_count == 2)
    })
    .await;
    let c = conv(&list, "C2Cbob").unwrap();
    let last = c.last_message.as_ref().expect("a last message");
    assert_eq!(last.message_for_show, "two");
    assert_eq!(last.from_account, "bob");
    assert_eq!(alice.get_total_unread_message_count().unwrap(), 2);
    // The sender's own conversation has no unread.
    let bobs = list_where::<R>(&mut bob_events, "bob's C2Calice", |l| {
        conv(l, "C2Calice").is_some_and(|c| {
            c.last_message
                .as_ref()
                .is_some_and(|m| m.message_for_show == "two")
        })
    })
    .await;
    assert_eq!(conv(&bobs, "C2Calice").unwrap().unread_count, 0);

    // An unread message revoked by its sender no longer counts, and the
    // last message shows the revoke.
    bob.revoke_message(&two).await.expect("revoke");
    total_is::<R>(&mut alice_events, 1).await;
    let list = list_where::<R>(&mut alice_events, "revoked last message", |l| {
        conv(l, "C2Cbob").is_some_and(|c| c.last_message.as_ref().is_some_and(|m| m.is_revoked))
    })
    .await;
    assert_eq!(conv(&list, "C2Cbob").unwrap().unread_count, 1);

    alice.set_message_read("C2Cbob").await.expect("read");
    total_is::<R>(&mut alice_events, 0).await;
    assert_eq!(
        alice
            .get_conversation_profile("C2Cbob")
            .unwrap()
            .unread_count,
        0
    );

    let reply = send(&alice, "bob", "back").await;
    let list = list_where::<R>(&mut alice_events, "alice's reply last", |l| {
        conv(l, "C2Cbob").is_some_and(|c| {
            c.last_message
                .as_ref()
                .is_some_and(|m| m.message_for_show == "back")
        })
    })
    .await;
    let c = conv(&list, "C2Cbob").unwrap();
    assert_eq!(c.unread_count, 0);
    assert_eq!(c.last_message.as_ref().unwrap().last_time, reply.time);
    alice.destroy().await.unwrap();
    bob.destroy().await.unwrap();
}

/// Messages sent while alice is away: her next login shows the
/// conversations, last messages and unread counts the server holds.
pub async fn the_login_sync_brings_the_servers_list_and_unread<R: Runtime + Default>() {
    let world = World::start();
    let (bob, mut bob_events) = world.client::<R>(APP_A);
    let (carol, mut carol_events) = world.client::<R>(APP_A);
    login_synced(&world, &bob, &mut bob_events, "bob").await;
    login_synced(&world, &carol, &mut carol_events, "carol").await;
    send(&bob, "alice", "b1").await;
    send(&bob, "alice", "b2").await;
    send(&carol, "alice", "c1").await;

    let (alice, mut alice_events) = world.client::<R>(APP_A);
    login(&world, &alice, "alice").await;
    total_is::<R>(&mut alice_events, 3).await;
    let list = list_where::<R>(&mut alice_events, "both conversations", |l| {
        conv(l, "C2Cbob").is_some_and(|c| c.unread_count == 2)
            && conv(l, "C2Ccarol").is_some_and(|c| c.unread_count == 1)
    })
    .await;
    assert_eq!(list[0].conversation_id, "C2Ccarol", "newest first");
    assert_eq!(
        conv(&list, "C2Cbob")
            .unwrap()
            .last_message
            .as_ref()
            .unwrap()
            .message_for_show,
        "b2"
    );
    for chat in [alice, bob, carol] {
        chat.destroy().await.unwrap();
    }
}

/// alice deletes, pins and drafts: her own instance learns from the
/// replies.
pub async fn delete_pin_and_draft<R: Runtime + Default>() {
    let world = World::start();
    let (alice, mut alice_events) = world.client::<R>(APP_A);
    let (bob, mut bob_events) = world.client::<R>(APP_A);
    login_synced(&world, &alice, &mut alice_events, "alice").await;
    login_synced(&world, &bob, &mut bob_events, "bob").await;
    send(&alice, "bob", "to bob").await;
    send(&alice, "carol", "to carol").await;
    list_where::<R>(&mut alice_events, "two conversations", |l| l.len() == 2).await;

    assert_eq!(
        alice.pin_conversation("C2Cbob", true).await.unwrap(),
        "C2Cbob"
    );
    let list = list_where::<R>(&mut alice_events, "bob pinned first", |l| {
        l.first()
            .is_some_and(|c| c.conversation_id == "C2Cbob" && c.is_pinned)
    })
    .await;
    assert_eq!(list.len(), 2);

    let draft = alice
        .set_conversation_draft("C2Ccarol", "unsent")
        .expect("draft");
    assert_eq!(draft.draft_text, "unsent");
    list_where::<R>(&mut alice_events, "the draft", |l| {
        conv(l, "C2Ccarol").is_some_and(|c| c.draft_text == "unsent")
    })
    .await;

    assert_eq!(
        alice.delete_conversation("C2Ccarol").await.unwrap(),
        "C2Ccarol"
    );
    list_where::<R>(&mut alice_events, "carol gone", |l| {
        conv(l, "C2Ccarol").is_none()
    })
    .await;
    assert_eq!(
        alice
            .delete_conversation("C2Ccarol")
            .await
            .unwrap_err()
            .code,
        ErrorCode::CONV_NOT_FOUND
    );
    // Deleted on the server too: a new login does not bring it back.
    alice.logout().await.unwrap();
    login(&world, &alice, "alice").await;
    let list = list_where::<R>(&mut alice_events, "the list after a new login", |l| {
        conv(l, "C2Cbob").is_some()
    })
    .await;
    assert!(conv(&list, "C2Ccarol").is_none(), "{list:?}");
    assert!(conv(&list, "C2Cbob").unwrap().is_pinned);
    alice.destroy().await.unwrap();
    bob.destroy().await.unwrap();
}

/// One user, two instances: pins, deletions and every conversation-group
/// operation made on instance A reach instance B through the server's
/// pushes, with the events the official SDK fires.
pub async fn conversation_changes_reach_the_other_instance<R: Runtime + Default>() {
    let world = World::start_multi_instance();
    let (a, mut a_events) = world.client::<R>(APP_A);
    let (b, mut b_events) = world.client::<R>(APP_A);
    login_synced(&world, &a, &mut a_events, "alice").await;
    login_synced(&world, &b, &mut b_events, "alice").await;
    send(&a, "bob", "to bob").await;
    send(&a, "carol", "to carol").await;
    list_where::<R>(&mut b_events, "B has both (sync copies)", |l| {
        conv(l, "C2Cbob").is_some() && conv(l, "C2Ccarol").is_some()
    })
    .await;

    a.pin_conversation("C2Cbob", true).await.expect("pin");
    list_where::<R>(&mut b_events, "B sees the pin", |l| {
        l.first()
            .is_some_and(|c| c.conversation_id == "C2Cbob" && c.is_pinned)
    })
    .await;

    let created = a
        .create_conversation_group("Work", &["C2Cbob".to_owned()])
        .await
        .expect("create group");
    assert_eq!(created.success_conversation_id_list, ["C2Cbob"]);
    assert!(created.failure_conversation_id_list.is_empty());
    assert_eq!(a.get_conversation_group_list().unwrap(), ["Work"]);
    expect_event::<R>(&mut b_events, "B: group created", |e| {
        *e == Event::ConversationGroupListUpdated(vec!["Work".into()])
    })
    .await;
    list_where::<R>(&mut b_events, "B: bob in Work", |l| {
        conv(l, "C2Cbob").is_some_and(|c| c.conversation_group_list == ["Work"])
    })
    .await;

    a.add_conversations_to_group("Work", &["C2Ccarol".to_owned()])
        .await
        .expect("add");
    let event = expect_event::<R>(&mut b_events, "B: carol joins Work", |e| {
        matches!(e, Event::ConversationInGroupUpdated { group_name, conversation_list }
            if group_name == "Work" && conversation_list.len() == 2)
    })
    .await;
    let Event::ConversationInGroupUpdated {
        conversation_list, ..
    } = event
    else {
        unreachable!()
    };
    let mut ids: Vec<&str> = conversation_list
        .iter()
        .map(|c| c.conversation_id.as_str())
        .collect();
    ids.sort_unstable();
    assert_eq!(ids, ["C2Cbob", "C2Ccarol"]);

    a.rename_conversation_group("Work", "Home")
        .await
        .expect("rename");
    expect_event::<R>(&mut b_events, "B: renamed", |e| {
        *e == Event::ConversationGroupListUpdated(vec!["Home".into()])
    })
    .await;

    a.delete_conversations_from_group("Home", &["C2Cbob".to_owned()])
        .await
        .expect("remove");
    expect_event::<R>(&mut b_events, "B: bob leaves Home", |e| {
        matches!(e, Event::ConversationInGroupUpdated { group_name, conversation_list }
            if group_name == "Home"
                && conversation_list.len() == 1
                && conversation_list[0].conversation_id == "C2Ccarol")
    })
    .await;

    a.delete_conversation_group("Home")
        .await
        .expect("delete group");
    expect_event::<R>(&mut b_events, "B: group deleted", |e| {
        *e == Event::ConversationGroupListUpdated(vec![])
    })
    .await;
    assert_eq!(
        b.get_conversation_group_list().unwrap(),
        Vec::<String>::new()
    );

    a.delete_conversation("C2Ccarol").await.expect("delete");
    list_where::<R>(&mut b_events, "B: carol deleted", |l| {
        conv(l, "C2Ccarol").is_none() && conv(l, "C2Cbob").is_some()
    })
    .await;
    a.destroy().await.unwrap();
    b.destroy().await.unwrap();
}

/// One user, two instances: reading on A clears B's unread count.
pub async fn a_read_on_one_instance_clears_the_other<R: Runtime + Default>() {
    let world = World::start_multi_instance();
    let (a, mut a_events) = world.client::<R>(APP_A);
    let (b, mut b_events) = world.client::<R>(APP_A);
    let (bob, mut bob_events) = world.client::<R>(APP_A);
    login_synced(&world, &a, &mut a_events, "alice").await;
    login_synced(&world, &b, &mut b_events, "alice").await;
    login_synced(&world, &bob, &mut bob_events, "bob").await;
    send(&bob, "alice", "x").await;
    send(&bob, "alice", "y").await;
    total_is::<R>(&mut a_events, 2).await;
    total_is::<R>(&mut b_events, 2).await;
    a.set_message_read("C2Cbob").await.expect("read");
    total_is::<R>(&mut a_events, 0).await;
    total_is::<R>(&mut b_events, 0).await;
    assert_eq!(b.get_total_unread_message_count().unwrap(), 0);
    for chat in [a, b, bob] {
        chat.destroy().await.unwrap();
    }
}

/// Refusals with codes: bad IDs, unknown conversations, bad group names,
/// and calls before login.
pub async fn conversation_calls_refuse_bad_input<R: Runtime + Default>() {
    let world = World::start();
    let (alice, mut alice_events) = world.client::<R>(APP_A);
    assert_eq!(
        alice.get_conversation_list(None).unwrap_err().code,
        ErrorCode::USER_NOT_LOGGED_IN
    );
    login_synced(&world, &alice, &mut alice_events, "alice").await;
    assert_eq!(
        alice.pin_conversation("bob", true).await.unwrap_err().code,
        ErrorCode::INVALID_CONV_ID
    );
    assert_eq!(
        alice
            .delete_conversation("C2Cnobody")
            .await
            .unwrap_err()
            .code,
        ErrorCode::CONV_NOT_FOUND
    );
    assert_eq!(
        alice
            .create_conversation_group("", &["C2Cbob".to_owned()])
            .await
            .unwrap_err()
            .code,
        ErrorCode::INVALID_OPERATION
    );
    assert_eq!(
        alice
            .rename_conversation_group("none", "x")
            .await
            .unwrap_err()
            .code,
        ErrorCode::INVALID_OPERATION
    );
    let error =
        expect_event::<R>(&mut alice_events, "ERROR", |e| e.name() == EventName::Error).await;
    assert!(matches!(error, Event::Error { code, .. } if code == ErrorCode::INVALID_CONV_ID));
    alice.destroy().await.unwrap();
    assert_eq!(
        alice.get_total_unread_message_count().unwrap_err().code,
        ErrorCode::LOGGED_OUT
    );
}
