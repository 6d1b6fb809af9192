//! Conformance scenarios of live group state (issue 17), written once for
//! any [`Runtime`] and run against the real reference server: group
//! attributes in an `AVChatRoom` (the seat list of a live room) with the
//! race of two writers of the same state, group counters and pinned
//! messages in a Public group.
//!
//! A scenario never sleeps: it waits for the event that must come (bounded
//! by [`PATIENCE`](crate::world::PATIENCE)).

use std::collections::BTreeMap;

use futures_util::future::join;
use tcchat_core::model::CreateTextMessageOptions;
use tcchat_core::types::{GroupType, JoinGroupStatus};
use tcchat_core::{ErrorCode, Event};
use tcchat_runtime_common::{Chat, CreateGroupOptions, EventStream, LoginOptions, Runtime};

use crate::world::{expect_event, World, APP_A};

async fn login<R: Runtime + Default>(world: &World, chat: &Chat<R>, user: &str) {
    chat.login(LoginOptions::new(user, world.sig(APP_A, user)))
        .await
        .unwrap_or_else(|e| panic!("login {user}: {e}"));
}

fn attrs(pairs: &[(&str, &str)]) -> BTreeMap<String, String> {
    pairs
        .iter()
        .map(|(k, v)| ((*k).to_owned(), (*v).to_owned()))
        .collect()
}

/// Wait for GROUP_ATTRIBUTES_UPDATED of `gid` whose attributes are `want`;
/// its updated and deleted key lists.
async fn attributes_become<R: Runtime + Default>(
    events: &mut EventStream,
    who: &str,
    gid: &str,
    want: &BTreeMap<String, String>,
) -> (Vec<String>, Vec<String>) {
    let event = expect_event::<R>(events, who, |e| {
        matches!(e, Event::GroupAttributesUpdated { group_id, group_attributes, .. }
            if group_id == gid && group_attributes == want)
    })
    .await;
    let Event::GroupAttributesUpdated {
        updated_key_list,
        deleted_key_list,
        ..
    } = event
    else {
        unreachable!()
    };
    (updated_key_list, deleted_key_list)
}

/// Seats of a live room: alice opens an `AVChatRoom`, bob and carol join
/// and read its attributes. Every change reaches every member (the writer
/// at once), with the keys updated and deleted. Then bob and carol take
/// the same free seat at the same time, both against the state they read:
/// exactly one wins, the other is refused with 10056 and learns the
/// winner's value from the event, and its retry against the new state
/// goes through.
pub async fn group_attributes_reach_every_member_and_one_racer_wins<R: Runtime + Default>() {
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
        assert!(chat
            .get_group_attributes(&gid, &[])
            .await
            .expect("read")
            .is_empty());
    }

    let seats = attrs(&[("seat1", "alice"), ("seat2", "")]);
    let got = alice
        .init_group_attributes(&gid, &seats)
        .await
        .expect("init");
    assert_eq!(got, seats);
    let keys = vec!["seat1".to_owned(), "seat2".to_owned()];
    for (who, events) in [
        ("alice", &mut alice_events),
        ("bob", &mut bob_events),
        ("carol", &mut carol_events),
    ] {
        let (updated, deleted) = attributes_become::<R>(events, who, &gid, &seats).await;
        assert_eq!((updated, deleted), (keys.clone(), vec![]), "{who}");
    }

    // The race for seat2.
    let (b, c) = join(
        bob.set_group_attributes(&gid, &attrs(&[("seat2", "bob")])),
        carol.set_group_attributes(&gid, &attrs(&[("seat2", "carol")])),
    )
    .await;
    let (winner, loser_chat, loser_result) = match (&b, &c) {
        (Ok(_), Err(_)) => ("bob", &carol, c),
        (Err(_), Ok(_)) => ("carol", &bob, b),
        _ => panic!("exactly one writer must win: bob {b:?}, carol {c:?}"),
    };
    assert_eq!(
        loser_result.expect_err("the loser").code,
        ErrorCode::GROUP_ATTR_CONFLICT
    );
    let after = attrs(&[("seat1", "alice"), ("seat2", winner)]);
    for (who, events) in [
        ("alice", &mut alice_events),
        ("bob", &mut bob_events),
        ("carol", &mut carol_events),
    ] {
        let (updated, _) = attributes_become::<R>(events, who, &gid, &after).await;
        assert_eq!(updated, vec!["seat2".to_owned()], "{who}");
    }
    assert_eq!(
        alice.get_group_attributes(&gid, &[]).await.expect("read"),
        after
    );
    // The loser, now up to date, takes seat3.
    loser_chat
        .set_group_attributes(&gid, &attrs(&[("seat3", "late")]))
        .await
        .expect("the retry against the new state");
    // A writer must have seen the last change before it writes again (its
    // write goes out against the main sequence it holds).
    let three = attrs(&[("seat1", "alice"), ("seat2", winner), ("seat3", "late")]);
    for (who, events) in [
        ("alice", &mut alice_events),
        ("bob", &mut bob_events),
        ("carol", &mut carol_events),
    ] {
        attributes_become::<R>(events, who, &gid, &three).await;
    }

    // Deleting a key, then every key.
    bob.delete_group_attributes(&gid, &["seat1".to_owned()])
        .await
        .expect("delete");
    let left = attrs(&[("seat2", winner), ("seat3", "late")]);
    let (_, deleted) = attributes_become::<R>(&mut carol_events, "carol", &gid, &left).await;
    assert_eq!(deleted, vec!["seat1".to_owned()]);
    attributes_become::<R>(&mut alice_events, "alice", &gid, &left).await;
    alice
        .delete_group_attributes(&gid, &[])
        .await
        .expect("clear");
    let (_, deleted) = attributes_become::<R>(&mut bob_events, "bob", &gid, &BTreeMap::new()).await;
    assert_eq!(deleted, vec!["seat2".to_owned(), "seat3".to_owned()]);

    // Limits come back with their codes.
    let too_long = attrs(&[(&"k".repeat(33), "v")]);
    let err = alice
        .set_group_attributes(&gid, &too_long)
        .await
        .expect_err("a 33-byte key");
    assert_eq!(err.code, ErrorCode(10045));
}

/// Counters of a Public group: set, increase, decrease and get; every
/// other member gets GROUP_COUNTER_UPDATED per counter with its new value.
pub async fn group_counters_reach_every_member<R: Runtime + Default>() {
    let world = World::start();
    let (alice, _alice_events) = world.client::<R>(APP_A);
    let (bob, mut bob_events) = world.client::<R>(APP_A);
    login(&world, &alice, "alice").await;
    login(&world, &bob, "bob").await;
    let group = alice
        .create_group(CreateGroupOptions::new(GroupType::Public, "Likes").with_members(["bob"]))
        .await
        .expect("create");
    let gid = group.group_id.clone();
    let counter = |key: &'static str, value: i64| {
        let gid = gid.clone();
        move |e: &Event| {
            matches!(e, Event::GroupCounterUpdated { group_id, key: k, value: v }
                if *group_id == gid && k == key && *v == value)
        }
    };

    let set: BTreeMap<String, i64> = [("likes".to_owned(), 10), ("gifts".to_owned(), 0)]
        .into_iter()
        .collect();
    assert_eq!(
        alice.set_group_counters(&gid, &set).await.expect("set"),
        set
    );
    // One event per counter, in the order of the request (by key here).
    expect_event::<R>(&mut bob_events, "gifts = 0", counter("gifts", 0)).await;
    expect_event::<R>(&mut bob_events, "likes = 10", counter("likes", 10)).await;
    let up = alice
        .increase_group_counter(&gid, "likes", 5)
        .await
        .expect("increase");
    assert_eq!(up.get("likes"), Some(&15));
    expect_event::<R>(&mut bob_events, "likes = 15", counter("likes", 15)).await;
    let down = alice
        .decrease_group_counter(&gid, "gifts", 2)
        .await
        .expect("decrease");
    assert_eq!(down.get("gifts"), Some(&-2));
    expect_event::<R>(&mut bob_events, "gifts = -2", counter("gifts", -2)).await;
    let all = bob.get_group_counters(&gid, &[]).await.expect("get");
    assert_eq!(
        all,
        [("gifts".to_owned(), -2), ("likes".to_owned(), 15)]
            .into_iter()
            .collect()
    );
    let one = bob
        .get_group_counters(&gid, &["likes".to_owned()])
        .await
        .expect("get one");
    assert_eq!(one.len(), 1);
}

/// Pinned messages of a Public group: the owner pins bob's message, every
/// member (the owner too) gets PINNED_GROUP_MESSAGE_UPDATED with the
/// pinned list, a plain member may not pin (10007), and an unpin empties
/// the list.
pub async fn pinned_group_messages_reach_every_member<R: Runtime + Default>() {
    let world = World::start();
    let (alice, mut alice_events) = world.client::<R>(APP_A);
    let (bob, mut bob_events) = world.client::<R>(APP_A);
    login(&world, &alice, "alice").await;
    login(&world, &bob, "bob").await;
    let group = alice
        .create_group(CreateGroupOptions::new(GroupType::Public, "Pins").with_members(["bob"]))
        .await
        .expect("create");
    let gid = group.group_id.clone();
    let m = bob
        .create_text_message(&CreateTextMessageOptions::group(&gid, "read the rules"))
        .expect("create");
    let sent = bob.send_message(&m).await.expect("send");
    let pins_are = |ids: Vec<String>, op: u32| {
        let gid = gid.clone();
        move |e: &Event| {
            matches!(e, Event::PinnedGroupMessageUpdated { group_id, message_list, operation_type }
                if *group_id == gid && *operation_type == op
                    && message_list.iter().map(|m| m.id.clone()).collect::<Vec<_>>() == ids)
        }
    };

    alice.pin_group_message(&sent, true).await.expect("pin");
    for (who, events) in [("alice", &mut alice_events), ("bob", &mut bob_events)] {
        expect_event::<R>(events, who, pins_are(vec![sent.id.clone()], 1)).await;
    }
    let list = bob.get_pinned_group_message_list(&gid).await.expect("list");
    assert_eq!(list.len(), 1);
    assert_eq!(list[0].id, sent.id);
    let err = bob
        .pin_group_message(&sent, false)
        .await
        .expect_err("a plain member");
    assert_eq!(err.code, ErrorCode(10007));
    alice.pin_group_message(&sent, false).await.expect("unpin");
    expect_event::<R>(&mut bob_events, "bob: unpinned", pins_are(vec![], 2)).await;
    assert!(alice
        .get_pinned_group_message_list(&gid)
        .await
        .expect("list")
        .is_empty());
}
