//! [`GroupConfig`]: the group limits of the reference server.

use tcchat_core::proto::group::GroupType;

/// Group limits (PROTOCOL.md 8.1, 8.9). The member limits are the
/// defaults for a new group of each type and the most a creator may ask
/// for with `MaxMemberCount`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct GroupConfig {
    /// Members of a `Private` (Work) group.
    pub private_members: u64,
    /// Members of a `Public` group.
    pub public_members: u64,
    /// Members of a `ChatRoom` (Meeting) group.
    pub chat_room_members: u64,
    /// Members of an `AVChatRoom`.
    pub av_chat_room_members: u64,
    /// Members of a `Community`.
    pub community_members: u64,
    /// Groups one user may be a member of at once.
    pub max_joined_per_user: usize,
}

impl GroupConfig {
    /// The member limit of `group_type`.
    pub fn max_members(&self, group_type: GroupType) -> u64 {
        match group_type {
            GroupType::Private => self.private_members,
            GroupType::Public => self.public_members,
            GroupType::ChatRoom => self.chat_room_members,
            GroupType::AvChatRoom => self.av_chat_room_members,
            GroupType::Community => self.community_members,
        }
    }
}

impl Default for GroupConfig {
    fn default() -> Self {
        GroupConfig {
            private_members: 200,
            public_members: 2_000,
            chat_room_members: 10_000,
            av_chat_room_members: 100_000,
            community_members: 100_000,
            max_joined_per_user: 1_000,
        }
    }
}
