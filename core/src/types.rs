//! The `TencentCloudChat.TYPES` values the seed names, as Rust types that
//! carry the official string (or number) values.

use serde::{Deserialize, Serialize};

macro_rules! string_enum {
    (
        $(#[$meta:meta])*
        pub enum $name:ident {
            $( $(#[$vmeta:meta])* $variant:ident = $value:literal ),+ $(,)?
        }
    ) => {
        $(#[$meta])*
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
        pub enum $name {
            $( $(#[$vmeta])* #[serde(rename = $value)] $variant ),+
        }

        impl $name {
            /// Every value, in declaration order.
            pub const ALL: &'static [$name] = &[$($name::$variant),+];

            /// The official string value.
            pub fn as_str(self) -> &'static str {
                match self {
                    $($name::$variant => $value),+
                }
            }

            /// The variant with this official string value.
            pub fn from_official(value: &str) -> Option<$name> {
                match value {
                    $($value => Some($name::$variant),)+
                    _ => None,
                }
            }
        }

        impl std::fmt::Display for $name {
            fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                f.write_str(self.as_str())
            }
        }
    };
}

string_enum! {
    /// Conversation types (`TYPES.CONV_*`).
    pub enum ConversationType {
        /// `CONV_C2C`: one-to-one.
        C2c = "C2C",
        /// `CONV_GROUP`: group.
        Group = "GROUP",
        /// `CONV_TOPIC`: a topic of a community group.
        Topic = "TOPIC",
        /// `CONV_SYSTEM`: system notices.
        System = "@TIM#SYSTEM",
    }
}

string_enum! {
    /// Why the user was kicked out (`TYPES.KICKED_OUT_*`).
    pub enum KickedOutType {
        /// `KICKED_OUT_MULT_ACCOUNT`: another login on the same platform.
        MultipleAccount = "multipleAccount",
        /// `KICKED_OUT_MULT_DEVICE`: a login on another device or platform.
        MultipleDevice = "multipleDevice",
        /// `KICKED_OUT_USERSIG_EXPIRED`: the UserSig expired.
        UserSigExpired = "userSigExpired",
        /// `KICKED_OUT_REST_API`: an admin kicked the user through the REST API.
        RestApi = "REST_API_Kick",
    }
}

impl KickedOutType {
    /// The kick type for a server `KickType` (1, 2 or 3).
    pub fn from_kick_type(kick_type: u32) -> Option<KickedOutType> {
        match kick_type {
            1 => Some(KickedOutType::MultipleAccount),
            2 => Some(KickedOutType::MultipleDevice),
            3 => Some(KickedOutType::RestApi),
            _ => None,
        }
    }

    /// The server `KickType` for this kick, where one exists.
    pub fn kick_type(self) -> Option<u32> {
        match self {
            KickedOutType::MultipleAccount => Some(1),
            KickedOutType::MultipleDevice => Some(2),
            KickedOutType::RestApi => Some(3),
            KickedOutType::UserSigExpired => None,
        }
    }
}

string_enum! {
    /// Network states of NET_STATE_CHANGE (`TYPES.NET_STATE_*`).
    pub enum NetState {
        /// `NET_STATE_CONNECTED`.
        Connected = "connected",
        /// `NET_STATE_CONNECTING`: a reconnect is in progress.
        Connecting = "connecting",
        /// `NET_STATE_DISCONNECTED`: the SDK keeps trying to reconnect.
        Disconnected = "disconnected",
    }
}

string_enum! {
    /// Message element types (`TYPES.MSG_*`).
    pub enum MessageType {
        /// `MSG_TEXT`.
        Text = "TIMTextElem",
        /// `MSG_IMAGE`.
        Image = "TIMImageElem",
        /// `MSG_SOUND` / `MSG_AUDIO`.
        Sound = "TIMSoundElem",
        /// `MSG_FILE`.
        File = "TIMFileElem",
        /// `MSG_FACE`.
        Face = "TIMFaceElem",
        /// `MSG_VIDEO`.
        Video = "TIMVideoFileElem",
        /// `MSG_LOCATION` / `MSG_GEO`.
        Location = "TIMLocationElem",
        /// `MSG_GRP_TIP`.
        GroupTip = "TIMGroupTipElem",
        /// `MSG_GRP_SYS_NOTICE`.
        GroupSystemNotice = "TIMGroupSystemNoticeElem",
        /// `MSG_CUSTOM`.
        Custom = "TIMCustomElem",
        /// `MSG_MERGER`.
        Merger = "TIMRelayElem",
    }
}

string_enum! {
    /// Group types (`TYPES.GRP_*`), as the wire's `Type` spells them. The
    /// official SDK's Work and Private are one wire value (`GRP_WORK` =
    /// `GRP_PRIVATE` = `"Private"`), as are Meeting and ChatRoom.
    pub enum GroupType {
        /// `GRP_WORK` / `GRP_PRIVATE`: a work group; members invite others,
        /// nobody applies.
        Private = "Private",
        /// `GRP_PUBLIC`: a public group; users apply and an owner or admin
        /// approves.
        Public = "Public",
        /// `GRP_MEETING` / `GRP_CHATROOM`: a meeting group.
        ChatRoom = "ChatRoom",
        /// `GRP_AVCHATROOM`: a live-streaming group.
        AvChatRoom = "AVChatRoom",
        /// `GRP_COMMUNITY`: a community, which may hold topics.
        Community = "Community",
    }
}

string_enum! {
    /// A member's role in a group (`TYPES.GRP_MBR_ROLE_*`).
    pub enum GroupRole {
        /// `GRP_MBR_ROLE_OWNER`.
        Owner = "Owner",
        /// `GRP_MBR_ROLE_ADMIN`.
        Admin = "Admin",
        /// `GRP_MBR_ROLE_MEMBER`.
        Member = "Member",
        /// `GRP_MBR_ROLE_CUSTOM`: a role the application defined.
        Custom = "Custom",
    }
}

string_enum! {
    /// How users may join a group (`TYPES.JOIN_OPTIONS_*`; the wire's
    /// `ApplyJoinOption`, the official `joinOption`).
    pub enum GroupJoinOption {
        /// `JOIN_OPTIONS_FREE_ACCESS`: anyone joins at once.
        FreeAccess = "FreeAccess",
        /// `JOIN_OPTIONS_NEED_PERMISSION`: an owner or admin approves.
        NeedPermission = "NeedPermission",
        /// `JOIN_OPTIONS_DISABLE_APPLY`: nobody may apply.
        DisableApply = "DisableApply",
    }
}

string_enum! {
    /// How members may be invited (`TYPES.INVITE_OPTIONS_*`; the wire's
    /// `InviteJoinOption`, the official `inviteOption`).
    pub enum GroupInviteOption {
        /// `INVITE_OPTIONS_FREE_ACCESS`: invitees join at once.
        FreeAccess = "FreeAccess",
        /// `INVITE_OPTIONS_NEED_PERMISSION`: an owner or admin approves.
        NeedPermission = "NeedPermission",
        /// `INVITE_OPTIONS_DISABLE_INVITE`: nobody may invite.
        DisableInvite = "DisableInvite",
    }
}

string_enum! {
    /// How a group's new messages reach this user (`TYPES.MSG_REMIND_*`; the
    /// wire's `MsgFlag`, the official `selfInfo.messageRemindType`).
    pub enum GroupRemindType {
        /// `MSG_REMIND_ACPT_AND_NOTE`: receive and notify.
        AcceptAndNotify = "AcceptAndNotify",
        /// `MSG_REMIND_ACPT_NOT_NOTE`: receive without notification.
        AcceptNotNotify = "AcceptNotNotify",
        /// `MSG_REMIND_DISCARD`: do not receive.
        Discard = "Discard",
        /// Receive without notification, except messages that @ this user.
        AcceptNotNotifyExceptAt = "AcceptNotNotifyExceptAt",
        /// Receive nothing except messages that @ this user.
        NotReceiveMsgExceptAt = "NotReceiveMsgExceptAt",
    }
}

string_enum! {
    /// What `join_group` resolves with (`TYPES.JOIN_STATUS_*`).
    pub enum JoinGroupStatus {
        /// `JOIN_STATUS_SUCCESS`: joined.
        JoinedSuccess = "JoinedSuccess",
        /// `JOIN_STATUS_WAIT_APPROVAL`: the application waits for an owner
        /// or admin.
        WaitAdminApproval = "WaitAdminApproval",
        /// `JOIN_STATUS_ALREADY_IN_GROUP`: already a member (answered
        /// locally, nothing sent).
        AlreadyInGroup = "AlreadyInGroup",
    }
}

string_enum! {
    /// Friend application direction (`TYPES.SNS_APPLICATION_*`).
    pub enum SnsApplicationType {
        /// `SNS_APPLICATION_SENT_TO_ME`: others asked to befriend me.
        SentToMe = "Pendency_Type_ComeIn",
        /// `SNS_APPLICATION_SENT_BY_ME`: I asked to befriend others.
        SentByMe = "Pendency_Type_SendOut",
    }
}

/// User status (`TYPES.USER_STATUS_*`), numeric on the wire.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(into = "u8", try_from = "u8")]
pub enum UserStatusType {
    /// `USER_STATUS_UNKNOWN` (0).
    Unknown,
    /// `USER_STATUS_ONLINE` (1).
    Online,
    /// `USER_STATUS_OFFLINE` (2).
    Offline,
    /// `USER_STATUS_UNLOGINED` (3).
    Unlogined,
}

impl From<UserStatusType> for u8 {
    fn from(value: UserStatusType) -> u8 {
        match value {
            UserStatusType::Unknown => 0,
            UserStatusType::Online => 1,
            UserStatusType::Offline => 2,
            UserStatusType::Unlogined => 3,
        }
    }
}

impl TryFrom<u8> for UserStatusType {
    type Error = String;
    fn try_from(value: u8) -> Result<Self, Self::Error> {
        Ok(match value {
            0 => UserStatusType::Unknown,
            1 => UserStatusType::Online,
            2 => UserStatusType::Offline,
            3 => UserStatusType::Unlogined,
            other => return Err(format!("unknown user status {other}")),
        })
    }
}

string_enum! {
    /// Direction of a message relative to this user.
    pub enum Flow {
        /// Received.
        In = "in",
        /// Sent by this user (from this or another instance).
        Out = "out",
    }
}

string_enum! {
    /// Send status of a message.
    pub enum MessageStatus {
        /// Created, not sent yet.
        Unsent = "unSend",
        /// Being sent.
        Sending = "sending",
        /// Sent (or received).
        Success = "success",
        /// Sending failed.
        Fail = "fail",
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn official_values_round_trip() {
        assert_eq!(ConversationType::C2c.as_str(), "C2C");
        assert_eq!(KickedOutType::RestApi.as_str(), "REST_API_Kick");
        assert_eq!(NetState::ALL.len(), 3);
        for kind in KickedOutType::ALL {
            assert_eq!(KickedOutType::from_official(kind.as_str()), Some(*kind));
            if let Some(t) = kind.kick_type() {
                assert_eq!(KickedOutType::from_kick_type(t), Some(*kind));
            }
        }
        assert_eq!(
            serde_json::to_string(&UserStatusType::Unlogined).unwrap(),
            "3"
        );
    }
}
