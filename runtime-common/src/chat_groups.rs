//! The group methods of [`Chat`](crate::Chat): the group list and profiles and the
//! group lifecycle (docs/GROUPS.md describes each: request, result, error
//! codes, events).

use tcchat_core::model::{CreateTextMessageOptions, Group, Message};
use tcchat_core::ChatError;
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
}
