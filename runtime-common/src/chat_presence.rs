//! The blacklist, user-status and follow methods of [`Chat`](crate::Chat)
//! (docs/PRESENCE.md describes each: request, result, error codes,
//! events).

use tcchat_core::model::{
    FollowListResult, FollowResult, FollowTypeCheckResult, UserFollowInfo, UserStatus,
    UserStatusFailure, UserStatusResult,
};
use tcchat_core::ChatError;

use crate::chat::{Chat, Reply};
use crate::runtime::Runtime;

impl<R: Runtime> Chat<R> {
    /// `getBlacklist()`: the blocked users' IDs, as fetched at login and
    /// kept in step since (BLACKLIST_UPDATED announces each change). Local.
    pub fn get_blacklist(&self) -> Result<Vec<String>, ChatError> {
        self.shared
            .with_client(|state, _| state.client.get_blacklist())
    }

    /// `addToBlacklist({userIDList})`: resolves with the whole blacklist
    /// after the change; BLACKLIST_UPDATED fires on every instance of the
    /// user. The server then refuses those users' C2C messages to this user
    /// with 20007. 2742 when the list names the logged-in user.
    pub fn add_to_blacklist(&self, user_ids: &[String]) -> Reply<Vec<String>> {
        self.submit(|c, now| c.add_to_blacklist(now, user_ids))
    }

    /// `removeFromBlacklist({userIDList})`: resolves with the whole
    /// blacklist after the change; BLACKLIST_UPDATED fires on every
    /// instance of the user.
    pub fn remove_from_blacklist(&self, user_ids: &[String]) -> Reply<Vec<String>> {
        self.submit(|c, now| c.remove_from_blacklist(now, user_ids))
    }

    /// `setSelfStatus({customStatus})` (at most 100 bytes): resolves with
    /// the user's status; subscribers and the user's other instances get
    /// USER_STATUS_UPDATED.
    pub fn set_self_status(&self, custom_status: &str) -> Reply<UserStatus> {
        self.submit(|c, now| c.set_self_status(now, custom_status))
    }

    /// `getUserStatus({userIDList})`: `{successUserList, failureUserList}`;
    /// the user's own status is answered locally. Others need purchase
    /// bit 7 (3122 otherwise).
    pub fn get_user_status(&self, user_ids: &[String]) -> Reply<UserStatusResult> {
        self.submit(|c, now| c.get_user_status(now, user_ids))
    }

    /// `subscribeUserStatus({userIDList})` (1 to 100 users): resolves with
    /// the users it failed for; their status changes then arrive as
    /// USER_STATUS_UPDATED. Needs purchase bit 7 (3122 otherwise).
    pub fn subscribe_user_status(&self, user_ids: &[String]) -> Reply<Vec<UserStatusFailure>> {
        self.submit(|c, now| c.subscribe_user_status(now, user_ids))
    }

    /// `unsubscribeUserStatus({userIDList})`: an empty list stops every
    /// subscription. Resolves with the users it failed for. Needs purchase
    /// bit 7 (3122 otherwise).
    pub fn unsubscribe_user_status(&self, user_ids: &[String]) -> Reply<Vec<UserStatusFailure>> {
        self.submit(|c, now| c.unsubscribe_user_status(now, user_ids))
    }

    /// `followUser(userIDList)` (1 to 100 users): one result per user;
    /// MY_FOLLOWING_LIST_UPDATED on every instance of this user,
    /// MY_FOLLOWERS_LIST_UPDATED on theirs, MUTUAL_FOLLOWERS_LIST_UPDATED on
    /// both when it became mutual. The servcmd is tcchat's own (PROTOCOL.md
    /// 9.3).
    pub fn follow_user(&self, user_ids: &[String]) -> Reply<Vec<FollowResult>> {
        self.submit(|c, now| c.follow_user(now, user_ids))
    }

    /// `unfollowUser(userIDList)`: as `follow_user`, the events with
    /// `is_add` false.
    pub fn unfollow_user(&self, user_ids: &[String]) -> Reply<Vec<FollowResult>> {
        self.submit(|c, now| c.unfollow_user(now, user_ids))
    }

    /// `getMyFollowingList(nextCursor)`: a page of the users I follow;
    /// `""` first, then the result's `next_cursor` until it is empty.
    pub fn get_my_following_list(&self, next_cursor: &str) -> Reply<FollowListResult> {
        self.submit(|c, now| c.get_my_following_list(now, next_cursor))
    }

    /// `getMyFollowersList(nextCursor)`: a page of the users following me.
    pub fn get_my_followers_list(&self, next_cursor: &str) -> Reply<FollowListResult> {
        self.submit(|c, now| c.get_my_followers_list(now, next_cursor))
    }

    /// `getMutualFollowersList(nextCursor)`: a page of the users I follow
    /// who follow me.
    pub fn get_mutual_followers_list(&self, next_cursor: &str) -> Reply<FollowListResult> {
        self.submit(|c, now| c.get_mutual_followers_list(now, next_cursor))
    }

    /// `getUserFollowInfo(userIDList)`: follower, following and mutual
    /// counts per user.
    pub fn get_user_follow_info(&self, user_ids: &[String]) -> Reply<Vec<UserFollowInfo>> {
        self.submit(|c, now| c.get_user_follow_info(now, user_ids))
    }

    /// `checkFollowType(userIDList)`: 0 none, 1 they follow me, 2 I follow
    /// them, 3 both.
    pub fn check_follow_type(&self, user_ids: &[String]) -> Reply<Vec<FollowTypeCheckResult>> {
        self.submit(|c, now| c.check_follow_type(now, user_ids))
    }
}
