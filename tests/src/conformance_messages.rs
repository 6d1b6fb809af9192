//! Conformance scenarios of the message operations (issue 8), written once
//! for any [`Runtime`] and run against the real reference server: what two
//! users see (revoke, modify, read, read receipts, extensions, history
//! paging), and what one user's two instances see of each other.
//!
//! A scenario never sleeps: it waits for the event that must come (bounded
//! by [`PATIENCE`](crate::world::PATIENCE)), and proves that an event did
//! *not* come by a later marker that must arrive after it would have.

use futures_util::future::join;
use tcchat_core::model::{
    CreateCustomMessageOptions, CreateTextMessageOptions, Message, MessageExtension,
};
use tcchat_core::types::Flow;
use tcchat_core::{ErrorCode, Event, EventName};
use tcchat_runtime_common::{Chat, EventStream, LoginOptions, Payload, Runtime};

use crate::world::{events_until, expect_event, World, APP_A};

async fn login<R: Runtime + Default>(world: &World, chat: &Chat<R>, user: &str) {
    chat.login(LoginOptions::new(user, world.sig(APP_A, user)))
        .await
        .unwrap_or_else(|e| panic!("login {user}: {e}"));
}

/// A round trip on `chat`'s connection. The server answers one connection
/// in order, so afterwards every reply to the login-time requests (the
/// purchase bits among them) has arrived.
async fn settle<R: Runtime + Default>(chat: &Chat<R>) {
    chat.get_message_list("C2Csettle-probe", None)
        .await
        .expect("a history round trip");
}

async fn send<R: Runtime + Default>(chat: &Chat<R>, opts: CreateTextMessageOptions) -> Message {
    let m = chat.create_text_message(&opts).expect("create");
    chat.send_message(&m).await.expect("send")
}

fn text(m: &Message) -> &str {
    match &m.payload {
        Payload::Text { text } => text,
        _ => "",
    }
}

/// Wait for MESSAGE_RECEIVED with a message whose text is `what`.
async fn received<R: Runtime + Default>(events: &mut EventStream, what: &str) -> Message {
    let event = expect_event::<R>(
        events,
        what,
        |e| matches!(e, Event::MessageReceived(l) if l.iter().any(|m| text(m) == what)),
    )
    .await;
    let Event::MessageReceived(list) = event else {
        unreachable!()
    };
    list.into_iter()
        .find(|m| text(m) == what)
        .expect("matched above")
}

/// Every event up to the MESSAGE_RECEIVED of `marker`.
async fn until_received<R: Runtime + Default>(
    events: &mut EventStream,
    marker: &str,
) -> Vec<Event> {
    events_until::<R>(
        events,
        marker,
        |e| matches!(e, Event::MessageReceived(l) if l.iter().any(|m| text(m) == marker)),
    )
    .await
}

fn ext(key: &str, value: &str) -> MessageExtension {
    MessageExtension {
        key: key.into(),
        value: value.into(),
    }
}

/// alice revokes a message: her call resolves with it revoked and she gets
/// no MESSAGE_REVOKED; bob gets MESSAGE_REVOKED naming alice as revoker.
pub async fn revoke_reaches_the_peer<R: Runtime + Default>() {
    let world = World::start();
    let (alice, mut alice_events) = world.client::<R>(APP_A);
    let (bob, mut bob_events) = world.client::<R>(APP_A);
    login(&world, &alice, "alice").await;
    login(&world, &bob, "bob").await;
    let sent = send(&alice, CreateTextMessageOptions::c2c("bob", "oops")).await;
    let got = received::<R>(&mut bob_events, "oops").await;
    assert_eq!(got.id, sent.id);

    let revoked = alice.revoke_message(&sent).await.expect("revoke");
    assert!(revoked.is_revoked);
    assert!(alice.find_message(&sent.id).unwrap().is_revoked);
    let event = expect_event::<R>(&mut bob_events, "MESSAGE_REVOKED", |e| {
        e.name() == EventName::MessageRevoked
    })
    .await;
    let Event::MessageRevoked(list) = event else {
        unreachable!()
    };
    assert_eq!(list.len(), 1);
    assert_eq!(list[0].id, sent.id);
    assert!(list[0].is_revoked);
    assert_eq!(list[0].revoker, "alice");
    assert!(bob.find_message(&sent.id).unwrap().is_revoked);

    // A revoke of someone else's message is refused by the server.
    let err = bob.revoke_message(&got).await.unwrap_err();
    assert_ne!(err.code.0, 0);

    send(&bob, CreateTextMessageOptions::c2c("alice", "marker")).await;
    let seen = until_received::<R>(&mut alice_events, "marker").await;
    assert!(
        !seen.iter().any(|e| e.name() == EventName::MessageRevoked),
        "no MESSAGE_REVOKED for the revoker: {seen:?}"
    );
    alice.destroy().await.unwrap();
    bob.destroy().await.unwrap();
}

/// alice modifies a message: MESSAGE_MODIFIED on her own instance and on
/// bob's, version 1, the new text; a second modification goes to version 2.
pub async fn modify_reaches_the_peer<R: Runtime + Default>() {
    let world = World::start();
    let (alice, mut alice_events) = world.client::<R>(APP_A);
    let (bob, mut bob_events) = world.client::<R>(APP_A);
    login(&world, &alice, "alice").await;
    login(&world, &bob, "bob").await;
    let sent = send(&alice, CreateTextMessageOptions::c2c("bob", "m1")).await;
    received::<R>(&mut bob_events, "m1").await;

    let mut edited = sent.clone();
    edited.payload = Payload::Text {
        text: "m1 edited".into(),
    };
    edited.cloud_custom_data = "cc".into();
    let done = alice.modify_message(&edited).await.expect("modify");
    assert_eq!(text(&done), "m1 edited");
    assert_eq!(done.version, 1);
    assert!(done.is_modified);
    assert_eq!(done.cloud_custom_data, "cc");
    let mine = expect_event::<R>(&mut alice_events, "own MESSAGE_MODIFIED", |e| {
        e.name() == EventName::MessageModified
    })
    .await;
    assert_eq!(mine, Event::MessageModified(vec![done.clone()]));
    let theirs = expect_event::<R>(&mut bob_events, "MESSAGE_MODIFIED", |e| {
        e.name() == EventName::MessageModified
    })
    .await;
    let Event::MessageModified(list) = theirs else {
        unreachable!()
    };
    assert_eq!(list[0].id, sent.id);
    assert_eq!(text(&list[0]), "m1 edited");
    assert_eq!(list[0].version, 1);
    assert_eq!(list[0].flow, Flow::In);

    let mut again = done.clone();
    again.payload = Payload::Text { text: "v2".into() };
    let v2 = alice.modify_message(&again).await.expect("modify again");
    assert_eq!(v2.version, 2);
    expect_event::<R>(
        &mut bob_events,
        "MESSAGE_MODIFIED v2",
        |e| matches!(e, Event::MessageModified(l) if l[0].version == 2 && text(&l[0]) == "v2"),
    )
    .await;
    assert_eq!(bob.find_message(&sent.id).map(|m| m.version), Some(2));
    alice.destroy().await.unwrap();
    bob.destroy().await.unwrap();
}

/// bob reads the conversation: alice gets MESSAGE_READ_BY_PEER with each of
/// her messages, `is_peer_read` set.
pub async fn read_report_reaches_the_peer<R: Runtime + Default>() {
    let world = World::start();
    let (alice, mut alice_events) = world.client::<R>(APP_A);
    let (bob, mut bob_events) = world.client::<R>(APP_A);
    login(&world, &alice, "alice").await;
    login(&world, &bob, "bob").await;
    let m1 = send(&alice, CreateTextMessageOptions::c2c("bob", "r1")).await;
    let m2 = send(&alice, CreateTextMessageOptions::c2c("bob", "r2")).await;
    received::<R>(&mut bob_events, "r1").await;
    let got2 = received::<R>(&mut bob_events, "r2").await;
    assert!(!got2.is_read);

    bob.set_message_read("C2Calice").await.expect("read");
    assert!(bob.find_message(&got2.id).unwrap().is_read);
    // One MESSAGE_READ_BY_PEER, or several, naming both messages.
    let mut read: Vec<Message> = Vec::new();
    while !(read.iter().any(|m| m.id == m1.id) && read.iter().any(|m| m.id == m2.id)) {
        let event = expect_event::<R>(&mut alice_events, "MESSAGE_READ_BY_PEER", |e| {
            e.name() == EventName::MessageReadByPeer
        })
        .await;
        if let Event::MessageReadByPeer(list) = event {
            read.extend(list);
        }
    }
    assert_eq!(read.len(), 2, "each message once");
    assert!(read.iter().all(|m| m.is_peer_read && m.flow == Flow::Out));
    assert!(
        matches!(
            bob.set_message_read("@TIM#SYSTEM").await,
            Err(e) if e.code == ErrorCode::MSG_INVALID_CONV_TYPE
        ),
        "only C2C"
    );
    alice.destroy().await.unwrap();
    bob.destroy().await.unwrap();
}

/// alice asks for a read receipt; bob sends it; alice gets
/// MESSAGE_READ_RECEIPT_RECEIVED and her message's `read_receipt_info`.
pub async fn read_receipts_reach_the_sender<R: Runtime + Default>() {
    let world = World::start();
    let (alice, mut alice_events) = world.client::<R>(APP_A);
    let (bob, mut bob_events) = world.client::<R>(APP_A);
    login(&world, &alice, "alice").await;
    login(&world, &bob, "bob").await;
    let sent = send(
        &alice,
        CreateTextMessageOptions::c2c("bob", "please ack").with_read_receipt(),
    )
    .await;
    assert!(sent.need_read_receipt);
    let plain = send(&alice, CreateTextMessageOptions::c2c("bob", "no ack")).await;
    let got = received::<R>(&mut bob_events, "please ack").await;
    assert!(got.need_read_receipt, "IsNeedReadReceipt travels");
    let got_plain = received::<R>(&mut bob_events, "no ack").await;
    let err = bob
        .send_message_read_receipt(std::slice::from_ref(&got_plain))
        .await
        .unwrap_err();
    assert_eq!(err.code, ErrorCode::READ_RECEIPT_MSG_LIST_EMPTY);

    bob.send_message_read_receipt(&[got, got_plain])
        .await
        .expect("receipt");
    let event = expect_event::<R>(&mut alice_events, "MESSAGE_READ_RECEIPT_RECEIVED", |e| {
        e.name() == EventName::MessageReadReceiptReceived
    })
    .await;
    let Event::MessageReadReceiptReceived(list) = event else {
        unreachable!()
    };
    assert_eq!(list.len(), 1);
    assert_eq!(list[0].message_id, sent.id);
    assert_eq!(list[0].user_id, "bob");
    assert!(list[0].is_peer_read);
    assert!(list[0].timestamp > 0);
    let state = alice
        .get_message_read_receipt_list(&[sent.clone(), plain.clone()])
        .await
        .unwrap();
    assert!(state[0].read_receipt_info.is_peer_read);
    assert!(!state[1].read_receipt_info.is_peer_read);
    alice.destroy().await.unwrap();
    bob.destroy().await.unwrap();
}

/// Extensions set, deleted and cleared by one party reach the other as
/// MESSAGE_EXTENSIONS_UPDATED / _DELETED; the operator gets no event.
pub async fn extensions_reach_the_other_party<R: Runtime + Default>() {
    let world = World::start();
    let (alice, mut alice_events) = world.client::<R>(APP_A);
    let (bob, mut bob_events) = world.client::<R>(APP_A);
    login(&world, &alice, "alice").await;
    login(&world, &bob, "bob").await;
    settle(&bob).await;
    let opts = CreateCustomMessageOptions::c2c("bob", "vote").with_extension_support();
    let created = alice.create_custom_message(&opts).unwrap();
    let sent = alice.send_message(&created).await.expect("send");
    assert!(sent.is_support_extension);
    let got = expect_event::<R>(
        &mut bob_events,
        "the custom message",
        |e| matches!(e, Event::MessageReceived(l) if l.iter().any(|m| m.id == sent.id)),
    )
    .await;
    let Event::MessageReceived(list) = got else {
        unreachable!()
    };
    assert!(list[0].is_support_extension);

    let set = alice
        .set_message_extensions(&sent, &[ext("a", "1"), ext("b", "2")])
        .await
        .expect("set");
    assert_eq!(set.len(), 2);
    assert!(set.iter().all(|r| r.code == 0));
    let updated = expect_event::<R>(&mut bob_events, "MESSAGE_EXTENSIONS_UPDATED", |e| {
        e.name() == EventName::MessageExtensionsUpdated
    })
    .await;
    assert_eq!(
        updated,
        Event::MessageExtensionsUpdated {
            message_id: sent.id.clone(),
            extensions: vec![ext("a", "1"), ext("b", "2")]
        }
    );
    let all = bob.get_message_extensions(&list[0]).await.expect("get");
    assert_eq!(all, vec![ext("a", "1"), ext("b", "2")]);

    // bob sets one: alice hears.
    bob.set_message_extensions(&list[0], &[ext("c", "3")])
        .await
        .expect("bob sets");
    let seen = events_until::<R>(&mut alice_events, "alice's UPDATED", |e| {
        e.name() == EventName::MessageExtensionsUpdated
    })
    .await;
    assert_eq!(
        seen.last(),
        Some(&Event::MessageExtensionsUpdated {
            message_id: sent.id.clone(),
            extensions: vec![ext("c", "3")]
        })
    );

    alice
        .delete_message_extensions(&sent, Some(&["a".to_string()]))
        .await
        .expect("delete a");
    let deleted = expect_event::<R>(&mut bob_events, "DELETED a", |e| {
        e.name() == EventName::MessageExtensionsDeleted
    })
    .await;
    assert_eq!(
        deleted,
        Event::MessageExtensionsDeleted {
            message_id: sent.id.clone(),
            key_list: vec!["a".into()]
        }
    );
    alice
        .delete_message_extensions(&sent, None)
        .await
        .expect("clear");
    let cleared = expect_event::<R>(&mut bob_events, "DELETED all", |e| {
        e.name() == EventName::MessageExtensionsDeleted
    })
    .await;
    let Event::MessageExtensionsDeleted { mut key_list, .. } = cleared else {
        unreachable!()
    };
    key_list.sort();
    assert_eq!(key_list, ["b", "c"]);
    assert_eq!(
        alice.get_message_extensions(&sent).await.expect("get"),
        vec![]
    );

    // The operator saw no event of its own operations.
    send(&bob, CreateTextMessageOptions::c2c("alice", "marker")).await;
    let seen = until_received::<R>(&mut alice_events, "marker").await;
    assert!(
        !seen
            .iter()
            .any(|e| e.name() == EventName::MessageExtensionsDeleted),
        "{seen:?}"
    );
    alice.destroy().await.unwrap();
    bob.destroy().await.unwrap();
}

/// A fresh instance pages through 20 messages of history: 15 newest, then
/// 5, oldest first, with the revoked one flagged; the first page again
/// comes from memory with the same result.
pub async fn history_pages_oldest_first<R: Runtime + Default>() {
    let world = World::start();
    let (alice, _alice_events) = world.client::<R>(APP_A);
    let (carol, _carol_events) = world.client::<R>(APP_A);
    login(&world, &alice, "alice").await;
    login(&world, &carol, "carol").await;
    let mut sent = Vec::new();
    for i in 1..=20 {
        let from = if i % 4 == 0 { &carol } else { &alice };
        let to = if i % 4 == 0 { "alice" } else { "carol" };
        sent.push(send(from, CreateTextMessageOptions::c2c(to, format!("h{i}"))).await);
    }
    alice.revoke_message(&sent[4]).await.expect("revoke h5");
    alice.destroy().await.unwrap();

    let (again, _e) = world.client::<R>(APP_A);
    login(&world, &again, "alice").await;
    let first = again
        .get_message_list("C2Ccarol", None)
        .await
        .expect("page 1");
    let texts: Vec<&str> = first.message_list.iter().map(text).collect();
    let want: Vec<String> = (6..=20).map(|i| format!("h{i}")).collect();
    assert_eq!(texts, want, "newest 15, oldest first");
    assert!(!first.is_completed);
    assert_eq!(first.next_req_message_id, first.message_list[0].id);
    assert_eq!(first.message_list[14].flow, Flow::In, "h20 is carol's");
    assert_eq!(first.message_list[13].flow, Flow::Out, "h19 is alice's");
    let second = again
        .get_message_list("C2Ccarol", Some(&first.next_req_message_id))
        .await
        .expect("page 2");
    let texts: Vec<&str> = second.message_list.iter().map(text).collect();
    assert_eq!(texts, ["h1", "h2", "h3", "h4", "h5"]);
    assert!(second.is_completed);
    assert_eq!(second.next_req_message_id, "");
    assert!(second.message_list[4].is_revoked, "h5 was revoked");
    assert_eq!(second.message_list[4].revoker, "alice");
    assert!(again.find_message(&sent[0].id).is_some(), "history is held");

    let repeat = again
        .get_message_list("C2Ccarol", None)
        .await
        .expect("page 1 again");
    assert_eq!(repeat.message_list, first.message_list);
    again.destroy().await.unwrap();
    carol.destroy().await.unwrap();
}

/// One user, two instances: what one does (read, revoke, modify, extensions)
/// reaches the other through pushes.
pub async fn one_user_two_instances_stay_in_step<R: Runtime + Default>() {
    let world = World::start_multi_instance();
    let (a1, mut a1_events) = world.client::<R>(APP_A);
    let (a2, mut a2_events) = world.client::<R>(APP_A);
    let (bob, mut bob_events) = world.client::<R>(APP_A);
    login(&world, &a1, "alice").await;
    login(&world, &a2, "alice").await;
    login(&world, &bob, "bob").await;
    join(settle(&a1), settle(&a2)).await;

    // bob writes; both instances receive; a1 reads; bob hears, a2 follows.
    send(&bob, CreateTextMessageOptions::c2c("alice", "hi both")).await;
    let on1 = received::<R>(&mut a1_events, "hi both").await;
    let on2 = received::<R>(&mut a2_events, "hi both").await;
    assert_eq!(on1.id, on2.id);
    a1.set_message_read("C2Cbob").await.expect("read");
    expect_event::<R>(
        &mut bob_events,
        "MESSAGE_READ_BY_PEER",
        |e| matches!(e, Event::MessageReadByPeer(l) if l.iter().any(|m| m.id == on1.id)),
    )
    .await;
    expect_event::<R>(&mut a2_events, "a2 unread 0", |_| {
        a2.find_message(&on2.id).is_some_and(|m| m.is_read)
    })
    .await;

    // a1 sends (a2 gets the sync copy), modifies, revokes.
    let mine = send(
        &a1,
        CreateTextMessageOptions::c2c("bob", "from a1").with_extension_support(),
    )
    .await;
    let copy = received::<R>(&mut a2_events, "from a1").await;
    assert_eq!(copy.id, mine.id);
    assert_eq!(copy.flow, Flow::Out);
    received::<R>(&mut bob_events, "from a1").await;

    let mut edited = mine.clone();
    edited.payload = Payload::Text {
        text: "edited on a1".into(),
    };
    a1.modify_message(&edited).await.expect("modify");
    expect_event::<R>(
        &mut a2_events,
        "a2 MESSAGE_MODIFIED",
        |e| matches!(e, Event::MessageModified(l) if l[0].id == mine.id && l[0].version == 1),
    )
    .await;

    a1.set_message_extensions(&mine, &[ext("k", "v")])
        .await
        .expect("ext");
    expect_event::<R>(&mut a2_events, "a2 EXTENSIONS_UPDATED", |e| {
        matches!(e, Event::MessageExtensionsUpdated { message_id, .. } if *message_id == mine.id)
    })
    .await;

    a1.revoke_message(&mine).await.expect("revoke");
    let event = expect_event::<R>(&mut a2_events, "a2 MESSAGE_REVOKED", |e| {
        e.name() == EventName::MessageRevoked
    })
    .await;
    assert!(matches!(event, Event::MessageRevoked(l) if l[0].id == mine.id && l[0].is_revoked));
    for chat in [a1, a2, bob] {
        chat.destroy().await.unwrap();
    }
}

/// Two instances of one user modify the same message at once: one wins,
/// the other fails with 2480 carrying the winner's version, and both end at
/// that version.
pub async fn concurrent_modifications_conflict<R: Runtime + Default>() {
    let world = World::start_multi_instance();
    let (a1, _a1_events) = world.client::<R>(APP_A);
    let (a2, mut a2_events) = world.client::<R>(APP_A);
    let (bob, mut bob_events) = world.client::<R>(APP_A);
    login(&world, &a1, "alice").await;
    login(&world, &a2, "alice").await;
    login(&world, &bob, "bob").await;
    let mine = send(&a1, CreateTextMessageOptions::c2c("bob", "base")).await;
    let copy = received::<R>(&mut a2_events, "base").await;
    received::<R>(&mut bob_events, "base").await;

    let mut e1 = mine.clone();
    e1.payload = Payload::Text { text: "one".into() };
    let mut e2 = copy.clone();
    e2.payload = Payload::Text { text: "two".into() };
    let (r1, r2) = join(a1.modify_message(&e1), a2.modify_message(&e2)).await;
    let (winner, loser) = match (r1, r2) {
        (Ok(w), Err(l)) | (Err(l), Ok(w)) => (w, l),
        other => panic!("exactly one modification wins: {other:?}"),
    };
    assert_eq!(winner.version, 1);
    assert_eq!(loser.code, ErrorCode::MSG_MODIFY_CONFLICT);
    let server = loser.data_message().expect("the server's version");
    assert_eq!(server.version, 1);
    assert_eq!(text(server), text(&winner));
    for chat in [&a1, &a2] {
        assert_eq!(
            chat.find_message(&mine.id).map(|m| m.version),
            Some(1),
            "both instances hold the winner's version"
        );
    }
    for chat in [a1, a2, bob] {
        chat.destroy().await.unwrap();
    }
}

/// Deleting removes a message from the store; a bad list is refused with a
/// code and sends nothing.
pub async fn delete_leaves_the_store<R: Runtime + Default>() {
    let world = World::start();
    let (alice, _e) = world.client::<R>(APP_A);
    login(&world, &alice, "alice").await;
    let m1 = send(&alice, CreateTextMessageOptions::c2c("bob", "keep")).await;
    let m2 = send(&alice, CreateTextMessageOptions::c2c("bob", "drop")).await;
    let gone = alice
        .delete_message(std::slice::from_ref(&m2))
        .await
        .expect("delete");
    assert!(gone[0].is_deleted);
    assert!(alice.find_message(&m2.id).is_none());
    assert!(alice.find_message(&m1.id).is_some());
    let err = alice.delete_message(&[]).await.unwrap_err();
    assert_eq!(err.code, ErrorCode::INVALID_OPERATION);
    // The server's history no longer has it for alice.
    alice.destroy().await.unwrap();
    let (again, _e) = world.client::<R>(APP_A);
    login(&world, &again, "alice").await;
    let page = again
        .get_message_list("C2Cbob", None)
        .await
        .expect("history");
    let texts: Vec<&str> = page.message_list.iter().map(text).collect();
    assert_eq!(texts, ["keep"]);
    again.destroy().await.unwrap();
}
