//! The profile, friend and friend application methods of [`Chat`](crate::Chat)
//! (docs/RELATIONSHIPS.md describes each: request, result, error codes,
//! events).

use tcchat_core::model::{
    AddFriendResult, CustomField, Friend, FriendApplicationList, FriendGroup, FriendGroupResult,
    FriendOperationResult, FriendProfileResult, Profile,
};
use tcchat_core::types::SnsApplicationType;
use tcchat_core::{AddFriendOptions, UpdateProfileOptions};

use crate::chat::{Chat, Reply};
use crate::runtime::Runtime;

impl<R: Runtime> Chat<R> {
    /// `getMyProfile()`: my profile, served from what the SDK fetched at
    /// login (and keeps current from pushes).
    ///
    /// Errors: 2024 not logged in, 3000 logging in.
    pub fn get_my_profile(&self) -> Reply<Profile> {
        self.submit(|c, now| c.get_my_profile(now))
    }

    /// `getUserProfile({userIDList})`: the profiles of 1 to 100 users.
    /// Profiles the SDK holds (mine, friends', users asked before) are
    /// served locally; the others are fetched.
    ///
    /// Errors: 2905 an empty or too long list, or a bad user ID.
    pub fn get_user_profile(&self, user_ids: &[String]) -> Reply<Vec<Profile>> {
        self.submit(|c, now| c.get_user_profile(now, user_ids))
    }

    /// `updateMyProfile(options)`: change the fields given; resolves with my
    /// whole profile. PROFILE_UPDATED fires here, on my other instances and
    /// at my friends.
    ///
    /// Errors: 2721 an invalid field (text over 500 bytes, unknown
    /// enumerated value, custom key not starting with
    /// `Tag_Profile_Custom`), 2722 nothing to change.
    pub fn update_my_profile(&self, options: &UpdateProfileOptions) -> Reply<Profile> {
        self.submit(|c, now| c.update_my_profile(now, options))
    }

    /// `getFriendList()`: the friend list, served from what the SDK synced
    /// at login (and after every reconnect) and keeps current from pushes.
    pub fn get_friend_list(&self) -> Reply<Vec<Friend>> {
        self.submit(|c, now| c.get_friend_list(now))
    }

    /// `addFriend(options)`: resolves with code 0 (friends now) or 30539
    /// (the user must confirm). FRIEND_LIST_UPDATED follows when the
    /// friendship exists.
    ///
    /// Errors: 2905 a bad argument (yourself, a source not starting with
    /// `AddSource_Type_`, over-long words); 30516 the user refuses every
    /// request; 30001 already a friend.
    pub fn add_friend(&self, options: &AddFriendOptions) -> Reply<AddFriendResult> {
        self.submit(|c, now| c.add_friend(now, options))
    }

    /// `deleteFriend({userIDList, type})`: both ways (`both`) or from my
    /// list only; users not in the list fail with 2700 without a request.
    /// FRIEND_LIST_UPDATED follows.
    pub fn delete_friend(&self, user_ids: &[String], both: bool) -> Reply<FriendOperationResult> {
        self.submit(|c, now| c.delete_friend(now, user_ids, both))
    }

    /// `checkFriend({userIDList, type})`: each user's relation
    /// (`CheckResult_Type_NoRelation`, `_AWithB`, `_BWithA`, `_BothWay`).
    pub fn check_friend(&self, user_ids: &[String], both: bool) -> Reply<FriendOperationResult> {
        self.submit(|c, now| c.check_friend(now, user_ids, both))
    }

    /// `updateFriend({userID, remark, friendCustomField})`: resolves with
    /// the friend; FRIEND_LIST_UPDATED fires here and on my other
    /// instances.
    ///
    /// Errors: 2700 not a friend; 2905 nothing to change, a remark over 96
    /// bytes, a custom key not starting with `Tag_SNS_Custom`.
    pub fn update_friend(
        &self,
        user_id: &str,
        remark: Option<&str>,
        custom: &[CustomField],
    ) -> Reply<Friend> {
        self.submit(|c, now| c.update_friend(now, user_id, remark, custom))
    }

    /// `getFriendProfile({userIDList})`: the friends' entries with their
    /// profiles; users that are not friends are listed with 2700.
    pub fn get_friend_profile(&self, user_ids: &[String]) -> Reply<FriendProfileResult> {
        self.submit(|c, now| c.get_friend_profile(now, user_ids))
    }
}

impl<R: Runtime> Chat<R> {
    /// `getFriendApplicationList()`: the friend applications (both
    /// directions) and the unread count, fetched at login and kept by
    /// pushes.
    pub fn get_friend_application_list(&self) -> Reply<FriendApplicationList> {
        self.submit(|c, now| c.get_friend_application_list(now))
    }

    /// `acceptFriendApplication({userID, remark, type})`: both ways
    /// (`both`) or one way. FRIEND_LIST_UPDATED and
    /// FRIEND_APPLICATION_LIST_UPDATED follow.
    ///
    /// Errors: 30001 the user sent no application.
    pub fn accept_friend_application(&self, user_id: &str, remark: &str, both: bool) -> Reply<()> {
        self.submit(|c, now| c.accept_friend_application(now, user_id, remark, both))
    }

    /// `refuseFriendApplication({userID})`. FRIEND_APPLICATION_LIST_UPDATED
    /// follows.
    ///
    /// Errors: 30001 the user sent no application.
    pub fn refuse_friend_application(&self, user_id: &str) -> Reply<()> {
        self.submit(|c, now| c.refuse_friend_application(now, user_id))
    }

    /// `deleteFriendApplication({userID, type})`.
    /// FRIEND_APPLICATION_LIST_UPDATED follows.
    ///
    /// Errors: 2716 no such application in the list.
    pub fn delete_friend_application(&self, user_id: &str, kind: SnsApplicationType) -> Reply<()> {
        self.submit(|c, now| c.delete_friend_application(now, user_id, kind))
    }

    /// `setFriendApplicationRead()`: the unread count becomes 0 (no event
    /// here; the user's other instances get FRIEND_APPLICATION_LIST_UPDATED).
    pub fn set_friend_application_read(&self) -> Reply<()> {
        self.submit(|c, now| c.set_friend_application_read(now))
    }
}

impl<R: Runtime> Chat<R> {
    /// `getFriendGroupList()`: the friend groups (`{name, userIDList,
    /// count}`), fetched at login and after every reconnect and kept by
    /// this instance's changes and the push of the others'.
    pub fn get_friend_group_list(&self) -> Reply<Vec<FriendGroup>> {
        self.submit(|c, now| c.get_friend_group_list(now))
    }

    /// `createFriendGroup({name, userIDList})`: resolves with the group and
    /// the users who could not go in; FRIEND_GROUP_LIST_UPDATED fires here
    /// and on my other instances.
    ///
    /// Errors: 2710 the name exists; 2905 a name not 1 to 30 bytes, more
    /// than 100 users or a bad user ID.
    pub fn create_friend_group(&self, name: &str, user_ids: &[String]) -> Reply<FriendGroupResult> {
        self.submit(|c, now| c.create_friend_group(now, name, user_ids))
    }

    /// `deleteFriendGroup({name})`: resolves with the group as it was; its
    /// friends stay friends. FRIEND_GROUP_LIST_UPDATED fires here and on my
    /// other instances.
    ///
    /// Errors: 2711 no such group.
    pub fn delete_friend_group(&self, name: &str) -> Reply<FriendGroup> {
        self.submit(|c, now| c.delete_friend_group(now, name))
    }

    /// `renameFriendGroup({oldName, newName})`: resolves with the renamed
    /// group. FRIEND_GROUP_LIST_UPDATED fires here and on my other
    /// instances.
    ///
    /// Errors: 2711 no group `old_name`; 2710 a group `new_name` exists;
    /// 2905 a name not 1 to 30 bytes.
    pub fn rename_friend_group(&self, old_name: &str, new_name: &str) -> Reply<FriendGroup> {
        self.submit(|c, now| c.rename_friend_group(now, old_name, new_name))
    }

    /// `addToFriendGroup({name, userIDList})`: resolves with the group and
    /// the users who could not go in (2700 not a friend, not sent).
    /// FRIEND_GROUP_LIST_UPDATED fires here and on my other instances.
    ///
    /// Errors: 2711 no such group; 2905 no users, more than 100 or a bad ID.
    pub fn add_to_friend_group(&self, name: &str, user_ids: &[String]) -> Reply<FriendGroupResult> {
        self.submit(|c, now| c.add_to_friend_group(now, name, user_ids))
    }

    /// `removeFromFriendGroup({name, userIDList})`: as
    /// [`add_to_friend_group`](Self::add_to_friend_group), taking the
    /// friends out of the group.
    pub fn remove_from_friend_group(
        &self,
        name: &str,
        user_ids: &[String],
    ) -> Reply<FriendGroupResult> {
        self.submit(|c, now| c.remove_from_friend_group(now, name, user_ids))
    }
}
