//! Edges of the SDK over a real link: the server clock, and (with a raw
//! listener instead of the reference server) a peer that stops reading.
//! Written once for any [`Runtime`].

use tcchat_core::ErrorCode;
use tcchat_runtime_common::{LoginOptions, Runtime};

use crate::world::{now_secs, World, APP_A};

/// `getServerTime()` on a real link: the reference server's `TimeStamp`
/// (the same machine's clock here), and 3005 after destroy.
pub async fn get_server_time_is_the_servers<R: Runtime + Default>() {
    let world = World::start();
    let (alice, _events) = world.client::<R>(APP_A);
    alice
        .login(LoginOptions::new("alice", world.sig(APP_A, "alice")))
        .await
        .expect("login");
    let before = now_secs();
    let server = alice.get_server_time().await.expect("getServerTime");
    let after = now_secs();
    // The estimate carries the login's round trip and the second the
    // server's TimeStamp truncates: within a second either way.
    assert!(
        (before.saturating_sub(1)..=after + 1).contains(&server),
        "server time {server} not within [{before}, {after}] ± 1"
    );
    alice.destroy().await.expect("destroy");
    let err = alice.get_server_time().await.unwrap_err();
    assert_eq!(err.code, ErrorCode::LOGGED_OUT);
}
