//! Conformance scenario of the `AVChatRoom` (live room) rules
//! (docs/GROUPS.md, "AVChatRoom"), written once for any [`Runtime`] and
//! run against the real reference server: members receive while online,
//! miss what is sent while they are away with no catch-up, lose the
//! membership when they log out or their socket goes, and the online
//! member count is exact.
//!
//! The scenario never sleeps: it waits for the event that must come
//! (bounded by [`PATIENCE`](crate::world::PATIENCE)).

use tcchat_core::model::{CreateTextMessageOptions, Message, Payload};
use tcchat_core::types::{GroupType, JoinGroupStatus};
use tcchat_core::Event;
use tcchat_runtime_common::{Chat, CreateGroupOptions, EventStream, LoginOptions, Runtime};

use crate::world::{events_until, expect_event, World, APP_A};

async fn login<R: Runtime + Default>(world: &World, chat: &Chat<R>, user: &str) {
    chat.login(LoginOptions::new(user, world.sig(APP_A, user)))
        .await
        .unwrap_or_else(|e| panic!("login {user}: {e}"));
}

fn text(m: &Message) -> &str {
    match &m.payload {
        Payload::Text { text } => text,
        _ => "",
    }
}

async fn say<R: Runtime + Default>(chat: &Chat<R>, group_id: &str, what: &str) -> Message {
    let m = chat
        .create_text_message(&CreateTextMessageOptions::group(group_id, what))
        .expect("create");
    chat.send_message(&m).await.expect("send to the room")
}

/// Every text received in `events` up to and including `until`.
async fn texts_until<R: Runtime + Default>(events: &mut EventStream, until: &str) -> Vec<String> {
    let seen = events_until::<R>(
        events,
        until,
        |e| matches!(e, Event::MessageReceived(l) if l.iter().any(|m| text(m) == until)),
    )
    .await;
    seen.iter()
        .filter_map(|e| match e {
            Event::MessageReceived(l) => Some(l),
            _ => None,
        })
        .flatten()
        .map(|m| text(m).to_owned())
        .filter(|t| !t.is_empty())
        .collect()
}

/// A quit tip (`OpType` 2) for `user` arrives in `events`.
async fn quit_tip_of<R: Runtime + Default>(events: &mut EventStream, user: &str) {
    expect_event::<R>(events, "the quit tip", |e| {
        matches!(e, Event::MessageReceived(l) if l.iter().any(|m| matches!(
            &m.payload,
            Payload::GroupTip(t) if t.operation_type == 2 && t.user_id_list.iter().any(|u| u == user)
        )))
    })
    .await;
}

/// alice's room: bob and carol join and receive; bob logs out and misses
/// a message, which his next login does not bring (and his room is not in
/// his list until he joins again); carol's socket goes and she is out;
/// the online count follows each step.
pub async fn av_chat_room_lives_only_while_online<R: Runtime + Default>() {
    let world = World::start();
    let (alice, mut alice_events) = world.client::<R>(APP_A);
    let (bob, mut bob_events) = world.client::<R>(APP_A);
    let (carol, mut carol_events) = world.client::<R>(APP_A);
    login(&world, &alice, "alice").await;
    login(&world, &bob, "bob").await;
    login(&world, &carol, "carol").await;

    let room = alice
        .create_group(CreateGroupOptions::new(GroupType::AvChatRoom, "Live"))
        .await
        .expect("create the room");
    let gid = room.group_id.clone();
    for chat in [&bob, &carol] {
        let joined = chat.join_group(&gid, "").await.expect("join");
        assert_eq!(joined.status, JoinGroupStatus::JoinedSuccess);
    }
    assert_eq!(alice.get_group_online_member_count(&gid).await.unwrap(), 3);

    say(&alice, &gid, "live 1").await;
    texts_until::<R>(&mut bob_events, "live 1").await;

    // bob logs out: out of the room (the count says so at once, as the
    // reply to the logout comes after the server ended his membership).
    bob.logout().await.expect("logout");
    assert_eq!(alice.get_group_online_member_count(&gid).await.unwrap(), 2);
    quit_tip_of::<R>(&mut alice_events, "bob").await;
    say(&alice, &gid, "live 2").await;
    texts_until::<R>(&mut carol_events, "live 2").await;

    // His next login brings neither the room nor what he missed.
    login(&world, &bob, "bob").await;
    let list = bob.get_group_list().await.expect("list");
    assert!(list.iter().all(|g| g.group_id != gid), "the room is gone");
    let joined = bob.join_group(&gid, "").await.expect("join again");
    assert_eq!(joined.status, JoinGroupStatus::JoinedSuccess);
    say(&alice, &gid, "live 3").await;
    let seen = texts_until::<R>(&mut bob_events, "live 3").await;
    assert!(
        !seen.iter().any(|t| t == "live 2"),
        "nothing sent while away is caught up: {seen:?}"
    );
    let page = bob
        .get_message_list(&format!("GROUP{gid}"), None)
        .await
        .expect("the held messages");
    assert!(page.is_completed);
    assert!(page.message_list.iter().all(|m| text(m) != "live 2"));
    assert!(page.message_list.iter().any(|m| text(m) == "live 3"));

    // carol's socket goes: she is out once the server saw it close.
    carol.destroy().await.unwrap();
    quit_tip_of::<R>(&mut alice_events, "carol").await;
    assert_eq!(alice.get_group_online_member_count(&gid).await.unwrap(), 2);
    for chat in [alice, bob] {
        chat.destroy().await.unwrap();
    }
}
