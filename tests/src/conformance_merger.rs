//! Conformance scenario of merger and forward messages (issue 19), written
//! once for any [`Runtime`] and run against the real reference server: a
//! merger of received messages (inline, and one large enough to be stored
//! with `save_relay_json_msg`) reaches the other side, which downloads the
//! nested messages (the stored one with `get_relay_json_msg`); a received
//! text is forwarded into a group and reaches its member; a user outside
//! the conversation cannot download the stored body.
//!
//! A scenario never sleeps: it waits for the event that must come (bounded
//! by [`PATIENCE`](crate::world::PATIENCE)).

use tcchat_core::model::{CreateMergerMessageOptions, CreateTextMessageOptions, Message, Payload};
use tcchat_core::types::{ConversationType, GroupType};
use tcchat_core::{ErrorCode, Event};
use tcchat_runtime_common::{Chat, CreateGroupOptions, EventStream, LoginOptions, Runtime};

use crate::world::{expect_event, World, APP_A};

async fn login<R: Runtime + Default>(world: &World, chat: &Chat<R>, user: &str) {
    chat.login(LoginOptions::new(user, world.sig(APP_A, user)))
        .await
        .unwrap_or_else(|e| panic!("login {user}: {e}"));
}

/// Wait for MESSAGE_RECEIVED with a message that `wanted` accepts.
async fn received<R: Runtime + Default>(
    events: &mut EventStream,
    what: &str,
    wanted: impl Fn(&Message) -> bool,
) -> Message {
    let event = expect_event::<R>(
        events,
        what,
        |e| matches!(e, Event::MessageReceived(l) if l.iter().any(&wanted)),
    )
    .await;
    let Event::MessageReceived(list) = event else {
        unreachable!()
    };
    list.into_iter().find(wanted).expect("matched above")
}

fn key_of(m: &Message) -> String {
    match &m.payload {
        Payload::Merger(p) => p.download_key.clone(),
        other => panic!("not a merger: {other:?}"),
    }
}

/// alice writes to bob; bob merges what he received into one message to
/// carol (a short merger inline, a long one stored on the server) and
/// forwards one text into a group with carol. carol reads every merged
/// message; alice, outside bob and carol's conversation, may not.
pub async fn merger_and_forward_messages_reach_the_other_side<R: Runtime + Default>() {
    let world = World::start();
    let (alice, _alice_events) = world.client::<R>(APP_A);
    let (bob, mut bob_events) = world.client::<R>(APP_A);
    let (carol, mut carol_events) = world.client::<R>(APP_A);
    login(&world, &alice, "alice").await;
    login(&world, &bob, "bob").await;
    login(&world, &carol, "carol").await;

    let long = "l".repeat(4000);
    let texts = [
        "first",
        "second",
        long.as_str(),
        long.as_str(),
        long.as_str(),
    ];
    let mut got = Vec::new();
    for (i, text) in texts.iter().enumerate() {
        let m = alice
            .create_text_message(&CreateTextMessageOptions::c2c("bob", *text))
            .expect("create text");
        alice.send_message(&m).await.expect("send text");
        let what = format!("bob receives text {i}");
        got.push(received::<R>(&mut bob_events, &what, |m| m.payload.text() == Some(text)).await);
    }

    // A short merger travels inline.
    let options = |list: Vec<Message>| CreateMergerMessageOptions {
        to: "carol".into(),
        conversation_type: ConversationType::C2c,
        message_list: list,
        title: "alice and bob".into(),
        abstract_list: vec!["alice: first".into()],
        compatible_text: "[chat history]".into(),
    };
    let small = bob
        .create_merger_message(&options(got[..2].to_vec()))
        .expect("create small merger");
    bob.send_message(&small).await.expect("send small merger");
    let is_merger = |m: &Message| matches!(m.payload, Payload::Merger(_));
    let inline = received::<R>(
        &mut carol_events,
        "carol receives the small merger",
        is_merger,
    )
    .await;
    assert!(key_of(&inline).is_empty());
    let list = carol
        .download_merger_message(&inline)
        .await
        .expect("download small");
    let texts_of = |list: &[tcchat_core::model::MergedMessage]| -> Vec<String> {
        list.iter()
            .map(|m| m.message_body[0].text().unwrap_or_default().to_owned())
            .collect()
    };
    assert_eq!(texts_of(&list), ["first", "second"]);
    assert_eq!(list[0].from, "alice");

    // A large one is stored on the server and fetched by key.
    let large = bob
        .create_merger_message(&options(got.clone()))
        .expect("create large merger");
    let sent = bob.send_message(&large).await.expect("send large merger");
    let key = key_of(&sent);
    assert!(!key.is_empty(), "a large merger is stored on the server");
    let stored = received::<R>(
        &mut carol_events,
        "carol receives the large merger",
        |m| matches!(&m.payload, Payload::Merger(p) if !p.download_key.is_empty()),
    )
    .await;
    assert_eq!(key_of(&stored), key);
    let list = carol
        .download_merger_message(&stored)
        .await
        .expect("download large");
    assert_eq!(texts_of(&list), texts);

    // alice is no participant of bob and carol's conversation.
    let err = alice.download_merger_message(&stored).await.unwrap_err();
    assert_eq!(err.code, ErrorCode::MSG_MERGER_DOWNLOAD_FAIL);

    // bob forwards a text he received into a group with carol.
    let group = bob
        .create_group(CreateGroupOptions::new(GroupType::Public, "Fwd").with_members(["carol"]))
        .await
        .expect("create group");
    let fwd = bob
        .create_forward_message(&group.group_id, ConversationType::Group, &got[0])
        .expect("create forward");
    bob.send_message(&fwd).await.expect("send forward");
    let conv = format!("GROUP{}", group.group_id);
    let arrived = received::<R>(&mut carol_events, "carol receives the forward", |m| {
        m.conversation_id == conv && m.payload.text().is_some()
    })
    .await;
    assert_eq!(arrived.payload.text(), Some("first"));
    assert_eq!(arrived.from, "bob");

    alice.destroy().await.ok();
    bob.destroy().await.ok();
    carol.destroy().await.ok();
}
