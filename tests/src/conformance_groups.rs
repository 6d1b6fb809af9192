//! Conformance scenarios of groups (issue 16), written once for any
//! [`Runtime`] and run against the real reference server: the lifecycle
//! from creation to dismissal as each member sees it, the approval flow,
//! a muted member refused, @ mentions, and the catch-up of a member that
//! was away.
//!
//! A scenario never sleeps: it waits for the event that must come (bounded
//! by [`PATIENCE`](crate::world::PATIENCE)).

use tcchat_core::model::{CreateTextMessageOptions, Group, Message, MessageExtension, Payload};
use tcchat_core::types::{GroupJoinOption, GroupType, JoinGroupStatus};
use tcchat_core::{Event, EventName};
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

/// Wait for a GROUP_LIST_UPDATED whose list satisfies `pred`.
async fn group_list_where<R: Runtime + Default>(
    events: &mut EventStream,
    what: &str,
    pred: impl Fn(&[Group]) -> bool,
) -> Vec<Group> {
    let event = expect_event::<R>(
        events,
        what,
        |e| matches!(e, Event::GroupListUpdated(l) if pred(l)),
    )
    .await;
    let Event::GroupListUpdated(list) = event else {
        unreachable!()
    };
    list
}

/// Wait for MESSAGE_RECEIVED with a message matching `pred`.
async fn received_where<R: Runtime + Default>(
    events: &mut EventStream,
    what: &str,
    pred: impl Fn(&Message) -> bool,
) -> Message {
    let event = expect_event::<R>(
        events,
        what,
        |e| matches!(e, Event::MessageReceived(l) if l.iter().any(&pred)),
    )
    .await;
    let Event::MessageReceived(list) = event else {
        unreachable!()
    };
    list.into_iter().find(pred).expect("matched above")
}

fn tip_op(m: &Message) -> Option<u32> {
    match &m.payload {
        Payload::GroupTip(t) => Some(t.operation_type),
        _ => None,
    }
}

fn notice_op(m: &Message) -> Option<u32> {
    match &m.payload {
        Payload::GroupSystemNotice(n) => Some(n.operation_type),
        _ => None,
    }
}

async fn send_group<R: Runtime + Default>(chat: &Chat<R>, group_id: &str, what: &str) -> Message {
    let m = chat
        .create_text_message(&CreateTextMessageOptions::group(group_id, what))
        .expect("create");
    chat.send_message(&m).await.expect("send to the group")
}

/// alice creates a group with bob, adds carol, writes to it; carol quits;
/// alice dismisses it. bob sees the group arrive in his list, the message
/// in `GROUP<id>` with the sender's sequence, carol's join and quit tips,
/// and the dismissal notice that takes the group out of his list.
pub async fn group_lifecycle_as_each_member_sees_it<R: Runtime + Default>() {
    let world = World::start();
    let (alice, _alice_events) = world.client::<R>(APP_A);
    let (bob, mut bob_events) = world.client::<R>(APP_A);
    let (carol, mut carol_events) = world.client::<R>(APP_A);
    login(&world, &alice, "alice").await;
    login(&world, &bob, "bob").await;
    login(&world, &carol, "carol").await;

    let group = alice
        .create_group(CreateGroupOptions::new(GroupType::Private, "Team").with_members(["bob"]))
        .await
        .expect("create");
    assert_eq!(group.owner_id, "alice");
    assert_eq!(group.self_info.role.as_str(), "Owner");
    let gid = group.group_id.clone();
    let list = group_list_where::<R>(&mut bob_events, "bob's list gains the group", |l| {
        l.iter().any(|g| g.group_id == gid)
    })
    .await;
    let mine = list.iter().find(|g| g.group_id == gid).unwrap();
    assert_eq!(mine.self_info.role.as_str(), "Member");
    assert_eq!(mine.name, "Team");

    let added = alice
        .add_group_member(&gid, &["carol".to_owned()])
        .await
        .expect("add carol");
    assert_eq!(added.success_user_id_list, ["carol"]);
    let join = received_where::<R>(&mut bob_events, "carol's join tip", |m| {
        tip_op(m) == Some(1)
    })
    .await;
    assert_eq!(join.conversation_id, format!("GROUP{gid}"));
    group_list_where::<R>(&mut carol_events, "carol's list gains the group", |l| {
        l.iter().any(|g| g.group_id == gid)
    })
    .await;

    let sent = send_group(&alice, &gid, "hello team").await;
    assert!(sent.sequence > 0, "the reply's MsgSeq");
    let got = received_where::<R>(&mut bob_events, "hello team", |m| text(m) == "hello team").await;
    assert_eq!(got.id, sent.id);
    assert_eq!(got.sequence, sent.sequence);
    assert_eq!(got.conversation_id, format!("GROUP{gid}"));
    assert_eq!(got.from, "alice");
    received_where::<R>(&mut carol_events, "carol gets it too", |m| {
        text(m) == "hello team"
    })
    .await;

    carol.quit_group(&gid).await.expect("quit");
    let quit = received_where::<R>(&mut bob_events, "carol's quit tip", |m| {
        tip_op(m) == Some(2)
    })
    .await;
    assert!(
        quit.sequence > got.sequence,
        "tips share the group's sequence"
    );

    alice.dismiss_group(&gid).await.expect("dismiss");
    let notice = received_where::<R>(&mut bob_events, "the dismissal notice", |m| {
        notice_op(m) == Some(5)
    })
    .await;
    assert_eq!(notice.conversation_id, "@TIM#SYSTEM");
    assert!(notice.is_system_message);
    group_list_where::<R>(&mut bob_events, "bob's list loses the group", |l| {
        l.iter().all(|g| g.group_id != gid)
    })
    .await;
    for chat in [alice, bob, carol] {
        chat.destroy().await.unwrap();
    }
}

/// dave applies to a group that needs approval; alice lists the
/// application and accepts it; dave gets the acceptance notice and the
/// group in his list.
pub async fn applications_wait_for_the_owner<R: Runtime + Default>() {
    let world = World::start();
    let (alice, _alice_events) = world.client::<R>(APP_A);
    let (dave, mut dave_events) = world.client::<R>(APP_A);
    login(&world, &alice, "alice").await;
    login(&world, &dave, "dave").await;
    let group = alice
        .create_group(
            CreateGroupOptions::new(GroupType::Public, "Club")
                .with_join_option(GroupJoinOption::NeedPermission),
        )
        .await
        .expect("create");
    let gid = group.group_id.clone();

    let joined = dave.join_group(&gid, "let me in").await.expect("apply");
    assert_eq!(joined.status, JoinGroupStatus::WaitAdminApproval);
    assert!(joined.group.is_none());

    let apps = alice
        .get_group_application_list()
        .await
        .expect("applications");
    let app = apps
        .iter()
        .find(|a| a.group_id == gid && a.applicant == "dave")
        .expect("dave's application");
    assert_eq!(app.note, "let me in");
    alice
        .handle_group_application(app, true, "welcome")
        .await
        .expect("accept");
    let notice = received_where::<R>(&mut dave_events, "accepted notice", |m| {
        notice_op(m) == Some(2)
    })
    .await;
    assert_eq!(notice.to, gid);
    group_list_where::<R>(&mut dave_events, "dave's list gains the club", |l| {
        l.iter().any(|g| g.group_id == gid)
    })
    .await;
    let again = dave.join_group(&gid, "").await.expect("join again");
    assert_eq!(again.status, JoinGroupStatus::AlreadyInGroup);
    alice.destroy().await.unwrap();
    dave.destroy().await.unwrap();
}

/// alice mutes bob: bob's group message is refused with 10017 and nobody
/// gets it; unmuted, it goes through.
pub async fn a_muted_member_is_refused<R: Runtime + Default>() {
    let world = World::start();
    let (alice, mut alice_events) = world.client::<R>(APP_A);
    let (bob, _bob_events) = world.client::<R>(APP_A);
    login(&world, &alice, "alice").await;
    login(&world, &bob, "bob").await;
    let group = alice
        .create_group(CreateGroupOptions::new(GroupType::Public, "Quiet").with_members(["bob"]))
        .await
        .expect("create");
    let gid = group.group_id.clone();
    alice
        .set_group_member_mute_time(&gid, "bob", 600)
        .await
        .expect("mute");
    let m = bob
        .create_text_message(&CreateTextMessageOptions::group(&gid, "shh"))
        .unwrap();
    let err = bob.send_message(&m).await.unwrap_err();
    assert_eq!(err.code.0, 10017, "{err}");
    alice
        .set_group_member_mute_time(&gid, "bob", 0)
        .await
        .expect("unmute");
    send_group(&bob, &gid, "free again").await;
    let seen = events_until::<R>(
        &mut alice_events,
        "free again",
        |e| matches!(e, Event::MessageReceived(l) if l.iter().any(|m| text(m) == "free again")),
    )
    .await;
    let shh = seen
        .iter()
        .any(|e| matches!(e, Event::MessageReceived(l) if l.iter().any(|m| text(m) == "shh")));
    assert!(!shh, "the refused message never arrived");
    alice.destroy().await.unwrap();
    bob.destroy().await.unwrap();
}

/// bob @-mentions alice and everyone: alice's copy carries both in
/// `at_user_list`, and her next session lists the unread mention in the
/// conversation's `group_at_info_list`.
pub async fn at_mentions_reach_the_members<R: Runtime + Default>() {
    let world = World::start();
    let (alice, mut alice_events) = world.client::<R>(APP_A);
    let (bob, _bob_events) = world.client::<R>(APP_A);
    login(&world, &alice, "alice").await;
    login(&world, &bob, "bob").await;
    let group = alice
        .create_group(CreateGroupOptions::new(GroupType::Public, "At").with_members(["bob"]))
        .await
        .expect("create");
    let gid = group.group_id.clone();
    let m = bob
        .create_text_at_message(
            &CreateTextMessageOptions::group(&gid, "@alice @all look"),
            &["alice".to_owned(), Message::AT_ALL.to_owned()],
        )
        .expect("create");
    bob.send_message(&m).await.expect("send");
    let got = received_where::<R>(&mut alice_events, "the @ message", |m| {
        text(m) == "@alice @all look"
    })
    .await;
    assert_eq!(
        got.at_user_list,
        vec!["alice".to_owned(), Message::AT_ALL.to_owned()]
    );
    // A new session of alice learns the unread mention from the server's
    // conversation list (ours: PROTOCOL.md 7.7).
    alice.destroy().await.unwrap();
    let (again, mut again_events) = world.client::<R>(APP_A);
    login(&world, &again, "alice").await;
    let conv = format!("GROUP{gid}");
    expect_event::<R>(&mut again_events, "the mention in the list", |e| match e {
        Event::ConversationListUpdated(l) => l.iter().any(|c| {
            c.conversation_id == conv
                && c.group_at_info_list.len() == 1
                && c.group_at_info_list[0].at_type == 3
                && c.group_at_info_list[0].from == "bob"
        }),
        _ => false,
    })
    .await;
    again.destroy().await.unwrap();
    bob.destroy().await.unwrap();
}

/// bob is away while alice writes three messages; his next instance logs
/// in and catches up from the group's history: each message once, in
/// sequence order, nothing before his read sequence.
pub async fn a_member_away_catches_up_from_history<R: Runtime + Default>() {
    let world = World::start();
    let (alice, _alice_events) = world.client::<R>(APP_A);
    login(&world, &alice, "alice").await;
    let group = alice
        .create_group(CreateGroupOptions::new(GroupType::Private, "Log").with_members(["bob"]))
        .await
        .expect("create");
    let gid = group.group_id.clone();
    let mut sent = Vec::new();
    for i in 1..=3 {
        sent.push(send_group(&alice, &gid, &format!("while away {i}")).await);
    }
    let (bob, mut bob_events) = world.client::<R>(APP_A);
    login(&world, &bob, "bob").await;
    let mut got: Vec<Message> = Vec::new();
    while got
        .iter()
        .filter(|m| text(m).starts_with("while away"))
        .count()
        < 3
    {
        let event = expect_event::<R>(&mut bob_events, "the missed messages", |e| {
            e.name() == EventName::MessageReceived
        })
        .await;
        if let Event::MessageReceived(list) = event {
            got.extend(
                list.into_iter()
                    .filter(|m| m.conversation_id == format!("GROUP{gid}")),
            );
        }
    }
    let texts: Vec<&str> = got
        .iter()
        .map(text)
        .filter(|t| t.starts_with("while away"))
        .collect();
    assert_eq!(texts, ["while away 1", "while away 2", "while away 3"]);
    let seqs: Vec<u64> = got
        .iter()
        .filter(|m| text(m).starts_with("while away"))
        .map(|m| m.sequence)
        .collect();
    assert_eq!(seqs, sent.iter().map(|m| m.sequence).collect::<Vec<_>>());
    alice.destroy().await.unwrap();
    bob.destroy().await.unwrap();
}

/// alice writes 20 messages to a group; bob pages its history: the newest
/// 15 first, then the 5 before, oldest first within each page, then the
/// end.
pub async fn group_history_pages_oldest_first<R: Runtime + Default>() {
    let world = World::start();
    let (alice, _alice_events) = world.client::<R>(APP_A);
    let (bob, _bob_events) = world.client::<R>(APP_A);
    login(&world, &alice, "alice").await;
    login(&world, &bob, "bob").await;
    let group = alice
        .create_group(CreateGroupOptions::new(GroupType::Private, "Pages").with_members(["bob"]))
        .await
        .expect("create");
    let gid = group.group_id.clone();
    for i in 1..=20 {
        send_group(&alice, &gid, &format!("p{i}")).await;
    }
    let conv = format!("GROUP{gid}");
    let first = bob.get_message_list(&conv, None).await.expect("page 1");
    let texts: Vec<&str> = first.message_list.iter().map(text).collect();
    let want: Vec<String> = (6..=20).map(|i| format!("p{i}")).collect();
    assert_eq!(texts, want.iter().map(String::as_str).collect::<Vec<_>>());
    assert!(!first.is_completed);
    let second = bob
        .get_message_list(&conv, Some(&first.next_req_message_id))
        .await
        .expect("page 2");
    let texts: Vec<&str> = second.message_list.iter().map(text).collect();
    assert_eq!(texts, ["p1", "p2", "p3", "p4", "p5"]);
    assert!(second.is_completed);
    alice.destroy().await.unwrap();
    bob.destroy().await.unwrap();
}

/// alice asks for read receipts on a group message; bob sends one: alice
/// gets MESSAGE_READ_RECEIPT_RECEIVED with the group and the new totals,
/// and the read-member list names bob.
pub async fn group_read_receipts_reach_the_sender<R: Runtime + Default>() {
    let world = World::start();
    let (alice, mut alice_events) = world.client::<R>(APP_A);
    let (bob, mut bob_events) = world.client::<R>(APP_A);
    let (carol, _carol_events) = world.client::<R>(APP_A);
    login(&world, &alice, "alice").await;
    login(&world, &bob, "bob").await;
    login(&world, &carol, "carol").await;
    let group = alice
        .create_group(
            CreateGroupOptions::new(GroupType::Private, "Receipts").with_members(["bob", "carol"]),
        )
        .await
        .expect("create");
    let gid = group.group_id.clone();
    let m = alice
        .create_text_message(
            &CreateTextMessageOptions::group(&gid, "did you read").with_read_receipt(),
        )
        .unwrap();
    let sent = alice.send_message(&m).await.expect("send");
    let got = received_where::<R>(&mut bob_events, "did you read", |m| {
        text(m) == "did you read"
    })
    .await;
    assert!(got.need_read_receipt);
    bob.send_message_read_receipt(std::slice::from_ref(&got))
        .await
        .expect("receipt");
    let event = expect_event::<R>(&mut alice_events, "MESSAGE_READ_RECEIPT_RECEIVED", |e| {
        e.name() == EventName::MessageReadReceiptReceived
    })
    .await;
    let Event::MessageReadReceiptReceived(list) = event else {
        unreachable!()
    };
    let r = list
        .iter()
        .find(|r| r.message_id == sent.id)
        .expect("my message");
    assert_eq!(r.group_id, gid);
    assert_eq!((r.read_count, r.unread_count), (1, 1));
    let readers = alice
        .get_group_message_read_member_list(&sent, true, "", 30)
        .await
        .expect("readers");
    assert_eq!(readers.user_id_list, ["bob"]);
    // The totals, asked from the server (get_group_msg_receipt).
    let totals = alice
        .get_message_read_receipt_list(std::slice::from_ref(&sent))
        .await
        .expect("receipt list");
    assert_eq!(
        (
            totals[0].read_receipt_info.read_count,
            totals[0].read_receipt_info.unread_count
        ),
        (1, 1)
    );
    for chat in [alice, bob, carol] {
        chat.destroy().await.unwrap();
    }
}

/// bob writes two messages to a group with alice; he modifies the first
/// (alice gets MESSAGE_MODIFIED with version 1), alice as owner revokes
/// the second (bob gets MESSAGE_REVOKED naming her), then bob deletes the
/// first from his history: a later instance of bob pages the group's
/// history without it while alice still has it, and sees the revoked one
/// revoked. A plain member may not revoke the owner's message (10007).
pub async fn group_messages_are_modified_revoked_and_deleted<R: Runtime + Default>() {
    let world = World::start();
    let (alice, mut alice_events) = world.client::<R>(APP_A);
    let (bob, mut bob_events) = world.client::<R>(APP_A);
    login(&world, &alice, "alice").await;
    login(&world, &bob, "bob").await;
    let group = alice
        .create_group(CreateGroupOptions::new(GroupType::Public, "Ops").with_members(["bob"]))
        .await
        .expect("create");
    let gid = group.group_id.clone();
    let conv = format!("GROUP{gid}");
    let first = send_group(&bob, &gid, "first").await;
    let second = send_group(&bob, &gid, "second").await;
    let mine = send_group(&alice, &gid, "owner's").await;
    received_where::<R>(&mut alice_events, "bob's second", |m| text(m) == "second").await;
    received_where::<R>(&mut bob_events, "alice's message", |m| text(m) == "owner's").await;

    // bob edits his first message.
    let mut edit = first.clone();
    edit.payload = Payload::Text {
        text: "first, edited".into(),
    };
    let edited = bob.modify_message(&edit).await.expect("modify");
    assert_eq!((text(&edited), edited.version), ("first, edited", 1));
    let event = expect_event::<R>(
        &mut alice_events,
        "MESSAGE_MODIFIED",
        |e| matches!(e, Event::MessageModified(l) if l.iter().any(|m| m.id == first.id)),
    )
    .await;
    let Event::MessageModified(list) = event else {
        unreachable!()
    };
    let seen = list.iter().find(|m| m.id == first.id).unwrap();
    assert_eq!((text(seen), seen.version), ("first, edited", 1));

    // bob may not revoke the owner's message; the owner may revoke his.
    let err = bob.revoke_message(&mine).await.unwrap_err();
    assert_eq!(err.code.0, 10007, "{err}");
    let held = alice
        .get_message_list(&conv, None)
        .await
        .expect("alice's list")
        .message_list
        .into_iter()
        .find(|m| m.id == second.id)
        .expect("alice holds bob's second message");
    let revoked = alice.revoke_message(&held).await.expect("revoke");
    assert!(revoked.is_revoked);
    let event = expect_event::<R>(
        &mut bob_events,
        "MESSAGE_REVOKED",
        |e| matches!(e, Event::MessageRevoked(l) if l.iter().any(|m| m.id == second.id)),
    )
    .await;
    let Event::MessageRevoked(list) = event else {
        unreachable!()
    };
    let seen = list.iter().find(|m| m.id == second.id).unwrap();
    assert!(seen.is_revoked);
    assert_eq!(seen.revoker, "alice");

    // bob deletes his (edited) first message for himself.
    let gone = bob.delete_message(&[edited]).await.expect("delete");
    assert!(gone[0].is_deleted);
    bob.destroy().await.unwrap();
    let (bob2, _bob2_events) = world.client::<R>(APP_A);
    login(&world, &bob2, "bob").await;
    let page = bob2.get_message_list(&conv, None).await.expect("history");
    assert!(
        page.message_list.iter().all(|m| m.id != first.id),
        "the deleted message stays out of bob's history"
    );
    let again = page
        .message_list
        .iter()
        .find(|m| m.id == second.id)
        .expect("the revoked message is in the history");
    assert!(again.is_revoked);
    assert_eq!(again.revoker, "alice");
    let (alice2, _alice2_events) = world.client::<R>(APP_A);
    alice.destroy().await.unwrap();
    login(&world, &alice2, "alice").await;
    let page = alice2.get_message_list(&conv, None).await.expect("history");
    let kept = page
        .message_list
        .iter()
        .find(|m| m.id == first.id)
        .expect("alice keeps bob's first message");
    assert_eq!((text(kept), kept.version), ("first, edited", 1));
    alice2.destroy().await.unwrap();
    bob2.destroy().await.unwrap();
}

fn ext(key: &str, value: &str) -> MessageExtension {
    MessageExtension {
        key: key.into(),
        value: value.into(),
    }
}

/// bob sends a group message with extension support; alice sets two keys
/// (bob and carol get MESSAGE_EXTENSIONS_UPDATED naming bob's message),
/// carol reads them and deletes one (alice and bob get
/// MESSAGE_EXTENSIONS_DELETED), bob clears the rest (alice is told of
/// the key left). A message sent without extension support is refused by
/// the client (2905).
pub async fn group_message_extensions_reach_every_member<R: Runtime + Default>() {
    let world = World::start();
    let (alice, mut alice_events) = world.client::<R>(APP_A);
    let (bob, mut bob_events) = world.client::<R>(APP_A);
    let (carol, mut carol_events) = world.client::<R>(APP_A);
    login(&world, &alice, "alice").await;
    login(&world, &bob, "bob").await;
    login(&world, &carol, "carol").await;
    let group = alice
        .create_group(
            CreateGroupOptions::new(GroupType::Public, "Votes").with_members(["bob", "carol"]),
        )
        .await
        .expect("create");
    let gid = group.group_id.clone();
    let created = bob
        .create_text_message(
            &CreateTextMessageOptions::group(&gid, "vote here").with_extension_support(),
        )
        .expect("create");
    let sent = bob.send_message(&created).await.expect("send");
    assert!(sent.is_support_extension);
    let plain = send_group(&bob, &gid, "no votes").await;
    let at_alice = received_where::<R>(&mut alice_events, "bob's vote", |m| m.id == sent.id).await;
    assert!(at_alice.is_support_extension);
    let at_carol = received_where::<R>(&mut carol_events, "bob's vote", |m| m.id == sent.id).await;

    let set = alice
        .set_message_extensions(&at_alice, &[ext("a", "1"), ext("b", "2")])
        .await
        .expect("set");
    assert!(set.len() == 2 && set.iter().all(|r| r.code == 0), "{set:?}");
    let want = Event::MessageExtensionsUpdated {
        message_id: sent.id.clone(),
        extensions: vec![ext("a", "1"), ext("b", "2")],
    };
    for (who, events) in [("bob", &mut bob_events), ("carol", &mut carol_events)] {
        let got = expect_event::<R>(events, who, |e| {
            e.name() == EventName::MessageExtensionsUpdated
        })
        .await;
        assert_eq!(got, want, "{who}");
    }
    let all = carol.get_message_extensions(&at_carol).await.expect("get");
    assert_eq!(all, vec![ext("a", "1"), ext("b", "2")]);
    carol
        .delete_message_extensions(&at_carol, Some(&["a".to_string()]))
        .await
        .expect("delete a");
    let want = Event::MessageExtensionsDeleted {
        message_id: sent.id.clone(),
        key_list: vec!["a".into()],
    };
    for (who, events) in [("alice", &mut alice_events), ("bob", &mut bob_events)] {
        let got = expect_event::<R>(events, who, |e| {
            e.name() == EventName::MessageExtensionsDeleted
        })
        .await;
        assert_eq!(got, want, "{who}");
    }
    bob.delete_message_extensions(&sent, None)
        .await
        .expect("clear");
    let got = expect_event::<R>(&mut alice_events, "alice: cleared", |e| {
        e.name() == EventName::MessageExtensionsDeleted
    })
    .await;
    assert_eq!(
        got,
        Event::MessageExtensionsDeleted {
            message_id: sent.id.clone(),
            key_list: vec!["b".into()],
        }
    );
    assert_eq!(
        alice
            .get_message_extensions(&at_alice)
            .await
            .expect("get after clear"),
        vec![]
    );

    let err = bob
        .set_message_extensions(&plain, &[ext("a", "1")])
        .await
        .unwrap_err();
    assert_eq!(err.code.0, 2905, "{err}");
    bob.destroy().await.unwrap();
    carol.destroy().await.unwrap();
    alice.destroy().await.unwrap();
}
