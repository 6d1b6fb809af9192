//! The group methods of [`Chat`](crate::Chat): the group list and profiles and the
//! group lifecycle (docs/GROUPS.md describes each: request, result, error
//! codes, events).

use tcchat_core::model::{
    AddGroupMemberResult, CreateTextMessageOptions, Group, GroupApplication, GroupCustomField,
    GroupMember, GroupMemberListResult, MarkGroupMemberListResult, Message,
};
use tcchat_core::types::GroupRole;
use tcchat_core::{ChatError, GroupMessageReadMembers, UpdateGroupProfileOptions};
use tcchat_core::{CreateGroupOptions, JoinGroupResult};

use crate::chat::{Chat, Reply};
use crate::runtime::Runtime;

impl<R: Runtime> Chat<R> {
    /// `getGroupList()`: the groups the logged-in user belongs to, fetched
    /// from the server (all pages). The same list arrives with
    /// GROUP_LIST_UPDATED at every login and whenever it changes, so most
    /// applications only listen to that event.
    ///
    /// Errors: 2024 not logged in, 3000 logging in, 3005 destroyed; the
    /// server's code if it refuses.
    pub fn get_group_list(&self) -> Reply<Vec<Group>> {
        self.submit(|c, now| c.get_group_list(now))
    }

    /// `getGroupProfile({groupID})`: the group's profile with this user's
    /// role, name card and remind type. The group list takes it over
    /// (GROUP_LIST_UPDATED follows if it changed).
    ///
    /// Errors: 2602 empty or over-long `group_id`; 10010 no such group (or
    /// dismissed) and 10007 not a member, from the server (either also
    /// removes the group from the list).
    pub fn get_group_profile(&self, group_id: &str) -> Reply<Group> {
        self.submit(|c, now| c.get_group_profile(now, group_id))
    }

    /// `createGroup(options)`: create a group owned by the logged-in user,
    /// then fetch it; resolves with the group, which joins the group list.
    ///
    /// ```no_run
    /// # async fn demo<R: tcchat_runtime_common::Runtime>(chat: &tcchat_runtime_common::Chat<R>) -> Result<(), tcchat_runtime_common::ChatError> {
    /// use tcchat_runtime_common::types::GroupType;
    /// use tcchat_runtime_common::CreateGroupOptions;
    /// let group = chat
    ///     .create_group(CreateGroupOptions::new(GroupType::Public, "Hikers").with_members(["bob"]))
    ///     .await?;
    /// println!("created {}", group.group_id);
    /// # Ok(()) }
    /// ```
    ///
    /// Errors: 2905 empty name or bad member ID, 2602 over-long group ID;
    /// from the server, for example 10021 (group ID in use).
    pub fn create_group(&self, options: CreateGroupOptions) -> Reply<Group> {
        self.submit(move |c, now| c.create_group(now, options))
    }

    /// `joinGroup({groupID, applyMessage})`: join or apply to join.
    /// Resolves with `JoinedSuccess` and the group, `WaitAdminApproval`
    /// (an owner or admin decides; the group joins the list once accepted),
    /// or `AlreadyInGroup` (answered locally for a group in the list).
    ///
    /// Errors: 2602 bad ID, 2660 the server's reply had no status; from the
    /// server, for example 10010 (no such group).
    pub fn join_group(&self, group_id: &str, apply_message: &str) -> Reply<JoinGroupResult> {
        self.submit(|c, now| c.join_group(now, group_id, apply_message))
    }

    /// `quitGroup(groupID)`: leave a group; resolves with its ID. The group
    /// leaves the list and its conversation is deleted on this instance.
    ///
    /// Errors: 2602 bad ID; from the server, for example 10007 (not a
    /// member) or the owner's refusal.
    pub fn quit_group(&self, group_id: &str) -> Reply<String> {
        self.submit(|c, now| c.quit_group(now, group_id))
    }

    /// `dismissGroup(groupID)`: dismiss a group this user owns; resolves
    /// with its ID. The group leaves the list; the other members get a
    /// system notice (`TIMGroupSystemNoticeElem`, operation 5).
    ///
    /// Errors: 2681 not the owner (checked locally), 2602 bad ID; from the
    /// server, for example 10007.
    pub fn dismiss_group(&self, group_id: &str) -> Reply<String> {
        self.submit(|c, now| c.dismiss_group(now, group_id))
    }

    /// `createTextAtMessage({to, conversationType: GROUP, payload: {text,
    /// atUserList}})`: a group text message that @-mentions `at_user_list`
    /// ([`Message::AT_ALL`] mentions everyone). Send it with
    /// [`send_message`](Chat::send_message); the members' copies carry the
    /// list in `at_user_list`.
    ///
    /// Errors: 2106 for a conversation that is not a group, 2905 for an
    /// empty or over-long user ID, 80002 for a text over 12 KB.
    pub fn create_text_at_message(
        &self,
        options: &CreateTextMessageOptions,
        at_user_list: &[String],
    ) -> Result<Message, ChatError> {
        self.shared.with_client(|state, now| {
            state
                .client
                .create_text_at_message(now, options, at_user_list)
        })
    }

    /// `updateGroupProfile({groupID, …})`: change name, avatar,
    /// introduction, notification, mute-all, join/invite option, member
    /// limit or custom fields (owner or admin); resolves with the group as
    /// it is now. Every member gets a profile tip (`TIMGroupTipElem`,
    /// operation 6) and GROUP_LIST_UPDATED.
    ///
    /// Errors: 2905 nothing to change, 2602 bad ID; 10007 (not owner or
    /// admin), 10004 (a value out of range) from the server.
    pub fn update_group_profile(
        &self,
        group_id: &str,
        options: UpdateGroupProfileOptions,
    ) -> Reply<Group> {
        self.submit(move |c, now| c.update_group_profile(now, group_id, options))
    }

    /// `changeGroupOwner({groupID, newOwnerID})`: hand the group to another
    /// member (owner only); resolves with the group, where this user is now
    /// a plain member.
    ///
    /// Errors: 2621 the new owner is this user, 2620 an AVChatRoom; 10007
    /// (not the owner) or a non-member new owner from the server.
    pub fn change_group_owner(&self, group_id: &str, new_owner_id: &str) -> Reply<Group> {
        self.submit(|c, now| c.change_group_owner(now, group_id, new_owner_id))
    }

    /// `searchGroupByID(groupID)`: the public profile of any group, member
    /// or not (the group list is unchanged).
    ///
    /// Errors: 2602 bad ID; 10010 no such group.
    pub fn search_group_by_id(&self, group_id: &str) -> Reply<Group> {
        self.submit(|c, now| c.search_group_by_id(now, group_id))
    }

    /// `getGroupOnlineMemberCount(groupID)`: members with a logged-in
    /// instance, exact at the time of the call (in an `AVChatRoom` only
    /// online users are members; its owner counts while online).
    pub fn get_group_online_member_count(&self, group_id: &str) -> Reply<u64> {
        self.submit(|c, now| c.get_group_online_member_count(now, group_id))
    }

    /// `getGroupApplicationList()`: pending applications to the groups
    /// this user owns or administers, oldest first.
    pub fn get_group_application_list(&self) -> Reply<Vec<GroupApplication>> {
        self.submit(|c, now| c.get_group_application_list(now))
    }

    /// `handleGroupApplication(…)`: accept (`agree`) or refuse an
    /// application from [`get_group_application_list`](Chat::get_group_application_list);
    /// resolves with the group ID. The applicant gets a system notice
    /// (operation 2 or 3, `handleMessage` = `message`).
    ///
    /// Errors: 10004 no such pending application, 10007 not owner or admin.
    pub fn handle_group_application(
        &self,
        application: &GroupApplication,
        agree: bool,
        message: &str,
    ) -> Reply<String> {
        self.submit(|c, now| c.handle_group_application(now, application, agree, message))
    }

    /// `getGroupMemberList({groupID, count, offset, role})`: one page of
    /// members by join order (`count` 1–100); pass the result's `offset`
    /// back for the next page (0 after the last).
    pub fn get_group_member_list(
        &self,
        group_id: &str,
        count: u64,
        offset: u64,
        role: Option<GroupRole>,
    ) -> Reply<GroupMemberListResult> {
        self.submit(|c, now| c.get_group_member_list(now, group_id, count, offset, role))
    }

    /// `getGroupMemberProfile({groupID, userIDList})`: the named members
    /// (1–100; non-members are left out).
    pub fn get_group_member_profile(
        &self,
        group_id: &str,
        user_ids: &[String],
    ) -> Reply<Vec<GroupMember>> {
        self.submit(|c, now| c.get_group_member_profile(now, group_id, user_ids))
    }

    /// `addGroupMember({groupID, userIDList})`: add 1–100 users; resolves
    /// with who was added, who failed and who was already in. The added get
    /// a system notice (operation 7) and their group lists gain the group.
    ///
    /// Errors: 2905 bad user list; 10007 (not allowed by the invite
    /// option), 10014 (full) from the server.
    pub fn add_group_member(
        &self,
        group_id: &str,
        user_ids: &[String],
    ) -> Reply<AddGroupMemberResult> {
        self.submit(|c, now| c.add_group_member(now, group_id, user_ids))
    }

    /// `markGroupMemberList({groupID, userIDList, markType, enableMark})`:
    /// set (`enable_mark`) or remove the mark `mark_type` on 1–100 members
    /// of an AVChatRoom; resolves with who was marked and who was not (not
    /// a member). The marks show in `GroupMember::mark_list`. No event.
    ///
    /// Errors: 2905 bad user list; 10007 (not the owner, or not an
    /// AVChatRoom), 10010 (no such group) from the server.
    pub fn mark_group_member_list(
        &self,
        group_id: &str,
        user_ids: &[String],
        mark_type: u64,
        enable_mark: bool,
    ) -> Reply<MarkGroupMemberListResult> {
        self.submit(|c, now| {
            c.mark_group_member_list(now, group_id, user_ids, mark_type, enable_mark)
        })
    }

    /// `deleteGroupMember({groupID, userIDList, reason})`: remove 1–100
    /// members (owner or admin); resolves with their IDs. They get a
    /// system notice (operation 4) and lose the group.
    pub fn delete_group_member(
        &self,
        group_id: &str,
        user_ids: &[String],
        reason: &str,
    ) -> Reply<Vec<String>> {
        self.submit(|c, now| c.delete_group_member(now, group_id, user_ids, reason))
    }

    /// `setGroupMemberRole({groupID, userID, role})`: `Admin` or `Member`
    /// (owner only); resolves with the group ID.
    ///
    /// Errors: 2683 another role, 2684 oneself; 10007 from the server.
    pub fn set_group_member_role(
        &self,
        group_id: &str,
        user_id: &str,
        role: GroupRole,
    ) -> Reply<String> {
        self.submit(|c, now| c.set_group_member_role(now, group_id, user_id, role))
    }

    /// `setGroupMemberMuteTime({groupID, userID, muteTime})`: mute for
    /// `mute_time` seconds (0 unmutes; owner or admin). A muted member's
    /// sends fail with 10017.
    ///
    /// Errors: 2685 oneself; 10007 from the server.
    pub fn set_group_member_mute_time(
        &self,
        group_id: &str,
        user_id: &str,
        mute_time: u64,
    ) -> Reply<String> {
        self.submit(|c, now| c.set_group_member_mute_time(now, group_id, user_id, mute_time))
    }

    /// `setGroupMemberNameCard({groupID, userID, nameCard})`: one's own
    /// name card, or anyone's as owner or admin.
    pub fn set_group_member_name_card(
        &self,
        group_id: &str,
        user_id: &str,
        name_card: &str,
    ) -> Reply<String> {
        self.submit(|c, now| c.set_group_member_name_card(now, group_id, user_id, name_card))
    }

    /// `setGroupMemberCustomField({groupID, userID, memberCustomField})`.
    pub fn set_group_member_custom_field(
        &self,
        group_id: &str,
        user_id: &str,
        fields: &[GroupCustomField],
    ) -> Reply<String> {
        self.submit(|c, now| c.set_group_member_custom_field(now, group_id, user_id, fields))
    }

    /// `getGroupMessageReadMemberList({message, filter, cursor, count})`:
    /// one page (`count` 1–100) of who read (`read` true) or has not read a
    /// group message; start with an empty `cursor`, pass the result's back
    /// until `is_completed`. Read receipts are sent with
    /// [`send_message_read_receipt`](Chat::send_message_read_receipt) on
    /// group messages sent with `needReadReceipt`.
    ///
    /// Errors: 2106 not a sent group message, 2105 not held here.
    pub fn get_group_message_read_member_list(
        &self,
        message: &Message,
        read: bool,
        cursor: &str,
        count: u64,
    ) -> Reply<GroupMessageReadMembers> {
        self.submit(|c, now| {
            c.get_group_message_read_member_list(now, message, read, cursor, count)
        })
    }
}
