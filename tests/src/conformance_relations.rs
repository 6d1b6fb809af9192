//! Conformance scenarios of profiles and friends (issue 18), written once
//! for any [`Runtime`] and run against the real reference server: a
//! friendship made by `add_friend` appears on every instance of both
//! users, a profile change reaches the user's other instance and friends,
//! the peer's AllowType decides a request, and friend changes and
//! deletions reach every instance.
//!
//! A scenario never sleeps: it waits for the event that must come (bounded
//! by [`PATIENCE`](crate::world::PATIENCE)).

use tcchat_core::model::{CustomField, Friend, FriendApplication, FriendGroup};
use tcchat_core::types::SnsApplicationType;
use tcchat_core::{ErrorCode, Event, EventName};
use tcchat_runtime_common::{
    AddFriendOptions, Chat, EventStream, LoginOptions, Runtime, UpdateProfileOptions,
};

use crate::world::{expect_event, World, APP_A};

/// Log in and wait for the login's friend list.
async fn login_synced<R: Runtime + Default>(
    world: &World,
    chat: &Chat<R>,
    events: &mut EventStream,
    user: &str,
) {
    chat.login(LoginOptions::new(user, world.sig(APP_A, user)))
        .await
        .unwrap_or_else(|e| panic!("login {user}: {e}"));
    expect_event::<R>(events, "FRIEND_LIST_UPDATED at login", |e| {
        e.name() == EventName::FriendListUpdated
    })
    .await;
}

/// Wait for FRIEND_LIST_UPDATED whose list satisfies `pred`.
async fn friends_where<R: Runtime + Default>(
    events: &mut EventStream,
    what: &str,
    pred: impl Fn(&[Friend]) -> bool,
) {
    expect_event::<R>(events, what, |e| match e {
        Event::FriendListUpdated(l) => pred(l),
        _ => false,
    })
    .await;
}

fn has(list: &[Friend], user: &str) -> bool {
    list.iter().any(|f| f.user_id == user)
}

/// alice (two instances) befriends bob: the friendship appears on all
/// three instances; alice's new nick reaches her other instance and bob
/// (PROFILE_UPDATED, and bob's friend list), and a stranger reads it with
/// `get_user_profile`.
pub async fn friends_see_each_others_profile_changes<R: Runtime + Default>() {
    let world = World::start_multi_instance();
    let (a1, mut a1_events) = world.client::<R>(APP_A);
    let (a2, mut a2_events) = world.client::<R>(APP_A);
    let (bob, mut bob_events) = world.client::<R>(APP_A);
    let (carol, mut carol_events) = world.client::<R>(APP_A);
    login_synced(&world, &a1, &mut a1_events, "alice").await;
    login_synced(&world, &a2, &mut a2_events, "alice").await;
    login_synced(&world, &bob, &mut bob_events, "bob").await;
    login_synced(&world, &carol, &mut carol_events, "carol").await;

    let added = a1
        .add_friend(&AddFriendOptions::new("bob").with_wording("hi bob"))
        .await
        .expect("add bob");
    assert_eq!(added.code, 0);
    for (events, who) in [
        (&mut a1_events, "bob"),
        (&mut a2_events, "bob"),
        (&mut bob_events, "alice"),
    ] {
        friends_where::<R>(events, "the new friend", |l| has(l, who)).await;
    }
    assert!(has(&bob.get_friend_list().await.unwrap(), "alice"));

    let me = a1
        .update_my_profile(&UpdateProfileOptions {
            nick: Some("Alice".into()),
            avatar: Some("https://example.invalid/a.png".into()),
            ..UpdateProfileOptions::default()
        })
        .await
        .expect("update my profile");
    assert_eq!(me.nick, "Alice");
    for (events, what) in [
        (&mut a1_events, "PROFILE_UPDATED here"),
        (&mut a2_events, "PROFILE_UPDATED on my other instance"),
        (&mut bob_events, "PROFILE_UPDATED at the friend"),
    ] {
        expect_event::<R>(events, what, |e| match e {
            Event::ProfileUpdated(l) => l.iter().any(|p| p.user_id == "alice" && p.nick == "Alice"),
            _ => false,
        })
        .await;
    }
    friends_where::<R>(&mut bob_events, "the friend's new nick in the list", |l| {
        l.iter()
            .any(|f| f.user_id == "alice" && f.profile.nick == "Alice")
    })
    .await;
    assert_eq!(a2.get_my_profile().await.unwrap().nick, "Alice");
    let seen = carol
        .get_user_profile(&["alice".into()])
        .await
        .expect("a stranger reads the profile");
    assert_eq!(seen[0].avatar, "https://example.invalid/a.png");
    for chat in [a1, a2, bob, carol] {
        chat.destroy().await.unwrap();
    }
}

/// AllowType decides a request (DenyAny 30516, NeedConfirm 30539); a
/// remark set on one instance reaches the other; check_friend tells the
/// relation; a two-way delete empties both lists on every instance.
pub async fn friend_requests_follow_allow_type_and_changes_reach_every_instance<
    R: Runtime + Default,
>() {
    let world = World::start_multi_instance();
    let (a1, mut a1_events) = world.client::<R>(APP_A);
    let (a2, mut a2_events) = world.client::<R>(APP_A);
    let (bob, mut bob_events) = world.client::<R>(APP_A);
    let (dave, mut dave_events) = world.client::<R>(APP_A);
    let (erin, mut erin_events) = world.client::<R>(APP_A);
    login_synced(&world, &a1, &mut a1_events, "alice").await;
    login_synced(&world, &a2, &mut a2_events, "alice").await;
    login_synced(&world, &bob, &mut bob_events, "bob").await;
    login_synced(&world, &dave, &mut dave_events, "dave").await;
    login_synced(&world, &erin, &mut erin_events, "erin").await;
    for (chat, allow) in [
        (&dave, "AllowType_Type_DenyAny"),
        (&erin, "AllowType_Type_NeedConfirm"),
    ] {
        chat.update_my_profile(&UpdateProfileOptions {
            allow_type: Some(allow.into()),
            ..UpdateProfileOptions::default()
        })
        .await
        .expect("set AllowType");
    }
    let err = a1
        .add_friend(&AddFriendOptions::new("dave"))
        .await
        .expect_err("dave refuses every request");
    assert_eq!(err.code, ErrorCode::FRIEND_DENY_ANY);
    let pending = a1
        .add_friend(&AddFriendOptions::new("erin"))
        .await
        .expect("a request waiting for erin resolves");
    assert_eq!(pending.code, ErrorCode::FRIEND_NEED_CONFIRM.0);

    a1.add_friend(&AddFriendOptions::new("bob"))
        .await
        .expect("add bob");
    friends_where::<R>(&mut a1_events, "bob added", |l| has(l, "bob")).await;
    friends_where::<R>(&mut a2_events, "bob added there too", |l| has(l, "bob")).await;
    friends_where::<R>(&mut bob_events, "alice added", |l| has(l, "alice")).await;
    let checked = a1
        .check_friend(&["bob".into(), "erin".into()], true)
        .await
        .unwrap();
    let relations: Vec<&str> = checked
        .success_user_id_list
        .iter()
        .map(|r| r.relation.as_str())
        .collect();
    assert_eq!(
        relations,
        ["CheckResult_Type_BothWay", "CheckResult_Type_NoRelation"]
    );

    let custom = [CustomField {
        key: "Tag_SNS_Custom_Level".into(),
        value: "gold".into(),
    }];
    let f = a1
        .update_friend("bob", Some("Bobby"), &custom)
        .await
        .expect("update bob");
    assert_eq!(f.remark, "Bobby");
    friends_where::<R>(&mut a2_events, "the remark on the other instance", |l| {
        l.iter()
            .any(|f| f.user_id == "bob" && f.remark == "Bobby" && f.friend_custom_field.len() == 1)
    })
    .await;
    let err = a1
        .update_friend("erin", Some("x"), &[])
        .await
        .expect_err("not a friend");
    assert_eq!(err.code, ErrorCode::NOT_MY_FRIEND);

    let deleted = a2
        .delete_friend(&["bob".into(), "zed".into()], true)
        .await
        .unwrap();
    assert_eq!(deleted.success_user_id_list[0].user_id, "bob");
    assert_eq!(deleted.failure_user_id_list[0].code, 2700);
    for (events, who) in [
        (&mut a1_events, "bob"),
        (&mut a2_events, "bob"),
        (&mut bob_events, "alice"),
    ] {
        friends_where::<R>(events, "the friend deleted", |l| !has(l, who)).await;
    }
    for chat in [a1, a2, bob, dave, erin] {
        chat.destroy().await.unwrap();
    }
}

/// Wait for FRIEND_APPLICATION_LIST_UPDATED satisfying `pred` (list,
/// unread count).
async fn applications_where<R: Runtime + Default>(
    events: &mut EventStream,
    what: &str,
    pred: impl Fn(&[FriendApplication], u64) -> bool,
) {
    expect_event::<R>(events, what, |e| match e {
        Event::FriendApplicationListUpdated {
            friend_application_list,
            unread_count,
        } => pred(friend_application_list, *unread_count),
        _ => false,
    })
    .await;
}

/// alice asks nora, who confirms requests: both of nora's instances see
/// the application (unread 1) and alice's shows it sent; nora reads it
/// on one instance (the other goes to 0) and accepts on the other: both
/// become friends everywhere and the application is gone. carol's request
/// is refused and then nothing is left on either side.
pub async fn a_friend_request_waits_for_confirmation<R: Runtime + Default>() {
    let world = World::start_multi_instance();
    let (alice, mut alice_events) = world.client::<R>(APP_A);
    let (n1, mut n1_events) = world.client::<R>(APP_A);
    let (n2, mut n2_events) = world.client::<R>(APP_A);
    let (carol, mut carol_events) = world.client::<R>(APP_A);
    login_synced(&world, &alice, &mut alice_events, "alice").await;
    login_synced(&world, &n1, &mut n1_events, "nora").await;
    login_synced(&world, &n2, &mut n2_events, "nora").await;
    login_synced(&world, &carol, &mut carol_events, "carol").await;
    n1.update_my_profile(&UpdateProfileOptions {
        allow_type: Some("AllowType_Type_NeedConfirm".into()),
        ..UpdateProfileOptions::default()
    })
    .await
    .expect("NeedConfirm");

    let r = alice
        .add_friend(&AddFriendOptions::new("nora").with_wording("hi nora"))
        .await
        .expect("the request waits");
    assert_eq!(r.code, ErrorCode::FRIEND_NEED_CONFIRM.0);
    for events in [&mut n1_events, &mut n2_events] {
        applications_where::<R>(events, "the application arrives", |l, unread| {
            unread == 1
                && l.iter().any(|a| {
                    a.user_id == "alice"
                        && a.kind == SnsApplicationType::SentToMe
                        && a.wording == "hi nora"
                })
        })
        .await;
    }
    applications_where::<R>(&mut alice_events, "sent by me", |l, _| {
        l.iter()
            .any(|a| a.user_id == "nora" && a.kind == SnsApplicationType::SentByMe)
    })
    .await;

    n1.set_friend_application_read().await.expect("read");
    applications_where::<R>(&mut n2_events, "read on the other instance", |_, unread| {
        unread == 0
    })
    .await;
    assert_eq!(
        n1.get_friend_application_list().await.unwrap().unread_count,
        0
    );

    n2.accept_friend_application("alice", "Al", true)
        .await
        .expect("accept");
    for (events, who) in [
        (&mut alice_events, "nora"),
        (&mut n1_events, "alice"),
        (&mut n2_events, "alice"),
    ] {
        friends_where::<R>(events, "friends after the acceptance", |l| has(l, who)).await;
    }
    applications_where::<R>(&mut n1_events, "the application is gone", |l, _| {
        l.iter().all(|a| a.user_id != "alice")
    })
    .await;

    carol
        .add_friend(&AddFriendOptions::new("nora"))
        .await
        .expect("the request waits");
    applications_where::<R>(&mut n1_events, "carol's application", |l, _| {
        l.iter().any(|a| a.user_id == "carol")
    })
    .await;
    n1.refuse_friend_application("carol").await.expect("refuse");
    applications_where::<R>(&mut carol_events, "carol's request is gone", |l, _| {
        l.iter().all(|a| a.user_id != "nora")
    })
    .await;
    applications_where::<R>(&mut n1_events, "carol's application is gone", |l, _| {
        l.iter().all(|a| a.user_id != "carol")
    })
    .await;
    let err = n1
        .delete_friend_application("carol", SnsApplicationType::SentToMe)
        .await
        .expect_err("nothing left to delete");
    assert_eq!(err.code, ErrorCode::FRIEND_APPLICATION_NOT_EXIST);
    for chat in [alice, n1, n2, carol] {
        chat.destroy().await.unwrap();
    }
}

/// Wait for FRIEND_GROUP_LIST_UPDATED whose list satisfies `pred`.
async fn groups_where<R: Runtime + Default>(
    events: &mut EventStream,
    what: &str,
    pred: impl Fn(&[FriendGroup]) -> bool,
) {
    expect_event::<R>(events, what, |e| match e {
        Event::FriendGroupListUpdated(l) => pred(l),
        _ => false,
    })
    .await;
}

fn group_is(list: &[FriendGroup], name: &str, members: &[&str]) -> bool {
    list.iter()
        .any(|g| g.name == name && g.user_id_list == members && g.count == members.len() as u64)
}

/// alice (two instances) groups her friends bob and carol: every create,
/// add, remove, rename and delete made on one instance raises
/// FRIEND_GROUP_LIST_UPDATED there and on the other (tcchat's own push),
/// the friend list's `group_list` follows, a deleted friend leaves its
/// groups, and a new login fetches the same list.
pub async fn friend_groups_reach_every_instance<R: Runtime + Default>() {
    let world = World::start_multi_instance();
    let (a1, mut a1_events) = world.client::<R>(APP_A);
    let (a2, mut a2_events) = world.client::<R>(APP_A);
    let (bob, mut bob_events) = world.client::<R>(APP_A);
    login_synced(&world, &a1, &mut a1_events, "alice").await;
    login_synced(&world, &a2, &mut a2_events, "alice").await;
    login_synced(&world, &bob, &mut bob_events, "bob").await;
    for peer in ["bob", "carol"] {
        a1.add_friend(&AddFriendOptions::new(peer))
            .await
            .expect("befriend");
    }
    for events in [&mut a1_events, &mut a2_events] {
        friends_where::<R>(events, "both friends", |l| has(l, "bob") && has(l, "carol")).await;
    }

    let created = a1
        .create_friend_group("close", &["bob".into(), "nobody".into()])
        .await
        .expect("create");
    assert_eq!(created.friend_group.user_id_list, ["bob"]);
    assert_eq!(created.failure_user_id_list[0].user_id, "nobody");
    for events in [&mut a1_events, &mut a2_events] {
        groups_where::<R>(events, "the new group", |l| group_is(l, "close", &["bob"])).await;
    }
    let err = a2.create_friend_group("close", &[]).await.unwrap_err();
    assert_eq!(err.code, ErrorCode::FRIEND_GRP_EXISTED);

    a2.add_to_friend_group("close", &["carol".into()])
        .await
        .expect("add carol");
    for events in [&mut a1_events, &mut a2_events] {
        groups_where::<R>(events, "carol in the group", |l| {
            group_is(l, "close", &["bob", "carol"])
        })
        .await;
    }
    let bob_entry = a1.get_friend_profile(&["bob".into()]).await.unwrap();
    assert_eq!(bob_entry.friend_list[0].group_list, ["close"]);

    a1.remove_from_friend_group("close", &["bob".into()])
        .await
        .expect("remove bob");
    a1.rename_friend_group("close", "dear")
        .await
        .expect("rename");
    for events in [&mut a1_events, &mut a2_events] {
        groups_where::<R>(events, "renamed, without bob", |l| {
            l.len() == 1 && group_is(l, "dear", &["carol"])
        })
        .await;
    }

    // A friend deleted leaves the group on both instances.
    a2.delete_friend(&["carol".into()], true)
        .await
        .expect("delete carol");
    for events in [&mut a1_events, &mut a2_events] {
        groups_where::<R>(events, "carol gone from the group", |l| {
            group_is(l, "dear", &[])
        })
        .await;
    }

    // A new login fetches what the server holds.
    let (a3, mut a3_events) = world.client::<R>(APP_A);
    a3.login(LoginOptions::new("alice", world.sig(APP_A, "alice")))
        .await
        .expect("login a3");
    groups_where::<R>(&mut a3_events, "the login's groups", |l| {
        group_is(l, "dear", &[])
    })
    .await;

    a2.delete_friend_group("dear").await.expect("delete");
    for events in [&mut a1_events, &mut a2_events, &mut a3_events] {
        groups_where::<R>(events, "no group left", |l| l.is_empty()).await;
    }
    assert!(a1.get_friend_group_list().await.unwrap().is_empty());
    let err = a1.delete_friend_group("dear").await.unwrap_err();
    assert_eq!(err.code, ErrorCode::FRIEND_GRP_NOT_EXIST);
    for chat in [a1, a2, a3, bob] {
        chat.destroy().await.unwrap();
    }
}
