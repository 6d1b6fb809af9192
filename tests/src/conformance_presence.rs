//! Conformance scenarios of the blacklist and user statuses (issue 18),
//! written once for any [`Runtime`] and run against the real reference
//! server: a blacklist blocking messages with Tencent's code and kept in
//! step on a second instance of the user, and a subscriber seeing another
//! user's logins, custom status and logout.
//!
//! A scenario never sleeps: it waits for the event that must come (bounded
//! by [`PATIENCE`](crate::world::PATIENCE)).

use tcchat_core::model::{CreateTextMessageOptions, UserStatus};
use tcchat_core::types::UserStatusType;
use tcchat_core::{Event, EventName};
use tcchat_runtime_common::{Chat, EventStream, LoginOptions, Runtime};

use crate::world::{expect_event, World, APP_A};

/// Log in and wait for the end of the login sync (the conversation group
/// list is announced once `get_contact_group`, sent after the purchase
/// bits, is answered: from then on the status APIs know bit 7).
async fn login_synced<R: Runtime + Default>(
    world: &World,
    chat: &Chat<R>,
    events: &mut EventStream,
    user: &str,
) {
    chat.login(LoginOptions::new(user, world.sig(APP_A, user)))
        .await
        .unwrap_or_else(|e| panic!("login {user}: {e}"));
    expect_event::<R>(events, "CONVERSATION_GROUP_LIST_UPDATED at login", |e| {
        e.name() == EventName::ConversationGroupListUpdated
    })
    .await;
}

fn ids(list: &[&str]) -> Vec<String> {
    list.iter().map(|s| (*s).to_owned()).collect()
}

async fn blacklist_is<R: Runtime + Default>(events: &mut EventStream, who: &str, list: &[&str]) {
    let want = ids(list);
    expect_event::<R>(events, &format!("{who}: BLACKLIST_UPDATED {list:?}"), |e| {
        *e == Event::BlacklistUpdated(want.clone())
    })
    .await;
}

/// alice, on two instances, blocks bob on one: both instances announce
/// the new blacklist; bob's message to her is refused with 20007; the
/// other instance unblocks him, the first follows, and his next message
/// arrives.
pub async fn blacklist_blocks_messages_and_reaches_every_instance<R: Runtime + Default>() {
    let world = World::start_multi_instance();
    let (a1, mut a1_events) = world.client::<R>(APP_A);
    let (a2, mut a2_events) = world.client::<R>(APP_A);
    let (bob, mut bob_events) = world.client::<R>(APP_A);
    login_synced(&world, &a1, &mut a1_events, "alice").await;
    login_synced(&world, &a2, &mut a2_events, "alice").await;
    login_synced(&world, &bob, &mut bob_events, "bob").await;

    let list = a1.add_to_blacklist(&ids(&["bob"])).await.expect("block");
    assert_eq!(list, ["bob"]);
    assert_eq!(a1.get_blacklist().unwrap(), ["bob"]);
    blacklist_is::<R>(&mut a1_events, "a1", &["bob"]).await;
    blacklist_is::<R>(&mut a2_events, "a2", &["bob"]).await;
    assert_eq!(a2.get_blacklist().unwrap(), ["bob"]);

    let m = bob
        .create_text_message(&CreateTextMessageOptions::c2c("alice", "let me in"))
        .expect("create");
    let err = bob.send_message(&m).await.expect_err("blocked");
    assert_eq!(err.code.0, 20007, "{err}");

    let list = a2
        .remove_from_blacklist(&ids(&["bob"]))
        .await
        .expect("unblock");
    assert!(list.is_empty());
    blacklist_is::<R>(&mut a1_events, "a1", &[]).await;
    let m = bob
        .create_text_message(&CreateTextMessageOptions::c2c("alice", "thanks"))
        .expect("create");
    bob.send_message(&m).await.expect("unblocked");
    expect_event::<R>(
        &mut a1_events,
        "a1: bob's message",
        |e| matches!(e, Event::MessageReceived(l) if l.iter().any(|m| m.from == "bob")),
    )
    .await;
}

async fn status_is<R: Runtime + Default>(
    events: &mut EventStream,
    what: &str,
    user: &str,
    kind: UserStatusType,
    custom: &str,
) {
    let want = UserStatus {
        user_id: user.to_owned(),
        status_type: kind,
        custom_status: custom.to_owned(),
    };
    expect_event::<R>(
        events,
        what,
        |e| matches!(e, Event::UserStatusUpdated(l) if l.contains(&want)),
    )
    .await;
}

/// bob subscribes to carol: her login, custom status and logout reach him
/// as USER_STATUS_UPDATED, and `get_user_status` reads the same; after
/// unsubscribing he hears nothing more (checked by a later marker event).
pub async fn statuses_reach_subscribers<R: Runtime + Default>() {
    let world = World::start();
    let (bob, mut bob_events) = world.client::<R>(APP_A);
    let (carol, mut carol_events) = world.client::<R>(APP_A);
    login_synced(&world, &bob, &mut bob_events, "bob").await;
    let failed = bob
        .subscribe_user_status(&ids(&["carol"]))
        .await
        .expect("subscribe");
    assert!(failed.is_empty(), "{failed:?}");
    let r = bob.get_user_status(&ids(&["carol"])).await.expect("get");
    assert_eq!(
        r.success_user_list[0].status_type,
        UserStatusType::Unlogined
    );

    login_synced(&world, &carol, &mut carol_events, "carol").await;
    status_is::<R>(
        &mut bob_events,
        "carol online",
        "carol",
        UserStatusType::Online,
        "",
    )
    .await;
    let mine = carol.set_self_status("在忙 busy").await.expect("set");
    assert_eq!(mine.custom_status, "在忙 busy");
    status_is::<R>(
        &mut bob_events,
        "carol's custom status",
        "carol",
        UserStatusType::Online,
        "在忙 busy",
    )
    .await;
    let r = bob
        .get_user_status(&ids(&["carol", "bob"]))
        .await
        .expect("get");
    assert!(r.success_user_list.iter().any(|s| s.user_id == "carol"
        && s.status_type == UserStatusType::Online
        && s.custom_status == "在忙 busy"));
    carol.logout().await.expect("logout");
    status_is::<R>(
        &mut bob_events,
        "carol logged out",
        "carol",
        UserStatusType::Unlogined,
        "在忙 busy",
    )
    .await;
    bob.unsubscribe_user_status(&[])
        .await
        .expect("unsubscribe all");
}

/// bob and carol are friends (both ways): without subscribing, bob hears
/// carol log in, set a custom status and log out.
pub async fn statuses_reach_friends<R: Runtime + Default>() {
    let world = World::start();
    let (bob, mut bob_events) = world.client::<R>(APP_A);
    let (carol, mut carol_events) = world.client::<R>(APP_A);
    login_synced(&world, &bob, &mut bob_events, "bob").await;
    let added = bob
        .add_friend(&tcchat_runtime_common::AddFriendOptions::new("carol"))
        .await
        .expect("befriend carol");
    assert_eq!(added.code, 0);
    login_synced(&world, &carol, &mut carol_events, "carol").await;
    status_is::<R>(
        &mut bob_events,
        "friend carol online",
        "carol",
        UserStatusType::Online,
        "",
    )
    .await;
    carol.set_self_status("out").await.expect("set");
    status_is::<R>(
        &mut bob_events,
        "friend carol's custom status",
        "carol",
        UserStatusType::Online,
        "out",
    )
    .await;
    carol.logout().await.expect("logout");
    status_is::<R>(
        &mut bob_events,
        "friend carol logged out",
        "carol",
        UserStatusType::Unlogined,
        "out",
    )
    .await;
    bob.destroy().await.unwrap();
    carol.destroy().await.unwrap();
}

/// alice follows bob: her instance hears MY_FOLLOWING_LIST_UPDATED, bob
/// MY_FOLLOWERS_LIST_UPDATED; bob follows back and both hear
/// MUTUAL_FOLLOWERS_LIST_UPDATED; the lists, counts and relations agree;
/// alice unfollows and the mutual lists lose each other.
pub async fn follows_reach_both_users<R: Runtime + Default>() {
    let world = World::start();
    let (alice, mut a_events) = world.client::<R>(APP_A);
    let (bob, mut b_events) = world.client::<R>(APP_A);
    login_synced(&world, &alice, &mut a_events, "alice").await;
    login_synced(&world, &bob, &mut b_events, "bob").await;
    let r = alice.follow_user(&ids(&["bob"])).await.expect("follow");
    assert_eq!(r[0].result_code, 0);
    expect_event::<R>(&mut a_events, "alice: following bob", |e| {
        matches!(e, Event::MyFollowingListUpdated { user_list, is_add: true }
            if user_list.iter().any(|p| p.user_id == "bob"))
    })
    .await;
    expect_event::<R>(&mut b_events, "bob: followed by alice", |e| {
        matches!(e, Event::MyFollowersListUpdated { user_list, is_add: true }
            if user_list.iter().any(|p| p.user_id == "alice"))
    })
    .await;
    bob.follow_user(&ids(&["alice"]))
        .await
        .expect("follow back");
    for (events, who, other) in [
        (&mut a_events, "alice", "bob"),
        (&mut b_events, "bob", "alice"),
    ] {
        expect_event::<R>(events, &format!("{who}: mutual with {other}"), |e| {
            matches!(e, Event::MutualFollowersListUpdated { user_list, is_add: true }
                if user_list.iter().any(|p| p.user_id == other))
        })
        .await;
    }
    let page = alice.get_mutual_followers_list("").await.expect("mutual");
    assert_eq!(page.result_list.len(), 1);
    assert_eq!(page.result_list[0].user_id, "bob");
    assert!(page.next_cursor.is_empty());
    let info = alice
        .get_user_follow_info(&ids(&["alice"]))
        .await
        .expect("info");
    assert_eq!(
        (
            info[0].followers_count,
            info[0].following_count,
            info[0].mutual_followers_count
        ),
        (1, 1, 1)
    );
    let check = bob
        .check_follow_type(&ids(&["alice"]))
        .await
        .expect("check");
    assert_eq!(check[0].follow_type, 3);
    alice.unfollow_user(&ids(&["bob"])).await.expect("unfollow");
    expect_event::<R>(&mut b_events, "bob: no longer mutual", |e| {
        matches!(e, Event::MutualFollowersListUpdated { user_list, is_add: false }
            if user_list.iter().any(|p| p.user_id == "alice"))
    })
    .await;
    let check = bob
        .check_follow_type(&ids(&["alice"]))
        .await
        .expect("check");
    assert_eq!(check[0].follow_type, 2, "bob still follows alice");
    let page = bob.get_my_following_list("").await.expect("following");
    assert_eq!(page.result_list[0].user_id, "alice");
}
