//! Group messages, tips and system notices as messages: how the pushed
//! (and history) wire items become [`Message`]s (docs/design/GROUPS_WIRE.md
//! §2.2–2.4).

use super::message::{payload_of, MessageReceipt};
use super::{
    GroupNoticeProfile, GroupSystemNoticePayload, GroupTipMember, GroupTipOperator,
    GroupTipPayload, GroupTipProfile, Message, Payload,
};
use crate::proto::group_msg::{GroupTip, GroupWireMessage};
use crate::types::{ConversationType, Flow, MessageStatus};

impl Message {
    /// The tiny ID the official SDK builds a system notice's ID with when
    /// the server sends none (observed: docs/design/GROUPS_WIRE.md §2.4).
    pub(crate) const SYSTEM_TINY_ID: &'static str = "144115198244471703";

    /// A group message pushed (`GroupMsgArray`) or read from history, seen
    /// by `me`: conversation `GROUP<ToGroupId>`, `sequence` the group's
    /// `MsgSeq`, nick, avatar and name card from `GroupInfo`.
    pub(crate) fn from_group_wire(item: &GroupWireMessage, me: &str) -> Message {
        let payload = payload_of(&item.msg_body);
        let flow = if item.from_account == me {
            Flow::Out
        } else {
            Flow::In
        };
        let info = &item.group_info;
        let mut m = Message::group_base(
            info.target(&item.to_group_id),
            &item.from_account,
            flow,
            payload,
            GroupStamp {
                seq: item.msg_seq,
                random: item.msg_random,
                time: item.msg_time_stamp,
                client_time: item.msg_client_time,
                tiny_id: &item.tiny_id,
            },
        );
        m.client_sequence = if item.client_seq == 0 {
            item.msg_seq
        } else {
            item.client_seq
        };
        m.nick = info.from_account_nick.clone();
        m.avatar = info.from_account_headurl.clone();
        m.name_card = info
            .msg_from_account_extra_info
            .as_ref()
            .map(|x| x.name_card.clone())
            .unwrap_or_default();
        m.cloud_custom_data = item.cloud_custom_data.clone();
        m.need_read_receipt = item.is_need_read_receipt == 1;
        m.is_support_extension = item.support_message_extension == 1;
        m.at_user_list = item
            .group_at_info
            .iter()
            .map(|a| {
                if a.group_at_all_flag == 1 {
                    Message::AT_ALL.to_owned()
                } else {
                    a.group_at_account.clone()
                }
            })
            .collect();
        // History carries what happened to the message since.
        if item.msg_flag_bits & crate::proto::WireMessage::FLAG_REVOKED != 0 {
            m.is_revoked = true;
            let who = item.revoker_info.as_ref();
            m.revoker = who
                .map(|r| r.revoker_account.clone())
                .filter(|r| !r.is_empty())
                .unwrap_or_else(|| item.from_account.clone());
            m.revoke_reason = who.map(|r| r.reason.clone()).unwrap_or_default();
        }
        if item.msg_version > 0 {
            m.version = item.msg_version;
            m.is_modified = true;
        }
        m
    }

    /// A group tip (`GroupTips`, Event 4): a `TIMGroupTipElem` message of
    /// `GROUP<ToGroupId>` at the group's sequence, from the operator.
    pub(crate) fn from_group_tip(item: &GroupTip, me: &str) -> Message {
        let body = &item.msg_body;
        let operator_nick = body
            .msg_operator_member_extra_info
            .as_ref()
            .map(|x| x.nick_name.clone());
        let tip = GroupTipPayload {
            operation_type: body.op_type,
            operator_id: body.operator_account.clone(),
            user_id_list: body.list_account.clone(),
            member_num: body.member_num.unwrap_or(0),
            member_count: body.member_num.unwrap_or(0),
            operator_info: operator_nick.clone().map(|nick| GroupTipOperator { nick }),
            member_list: body
                .msg_member_extra_info
                .iter()
                .map(|x| GroupTipMember {
                    user_id: x.user_account.clone(),
                    nick: x.nick_name.clone(),
                    avatar: x.image_url.clone(),
                })
                .collect(),
            group_profile: GroupTipProfile {
                group_id: item.group_info.group_id.clone(),
                group_name: item.group_info.group_name.clone(),
            },
        };
        let flow = if item.from_account == me {
            Flow::Out
        } else {
            Flow::In
        };
        let mut m = Message::group_base(
            item.group_info.target(&item.to_group_id),
            &item.from_account,
            flow,
            Payload::GroupTip(tip),
            GroupStamp {
                seq: item.msg_seq,
                random: item.msg_random,
                time: item.msg_time_stamp,
                client_time: item.msg_client_time,
                tiny_id: &item.tiny_id,
            },
        );
        m.nick = operator_nick.unwrap_or_default();
        m
    }

    /// A group system notice (`GroupTips`, Event 5): a
    /// `TIMGroupSystemNoticeElem` message of `@TIM#SYSTEM`, from
    /// `@TIM#SYSTEM` to the group.
    pub(crate) fn from_group_notice(item: &GroupTip) -> Message {
        let body = &item.msg_body;
        let notice = GroupSystemNoticePayload {
            operation_type: body.op_type,
            operator_id: body.operator_account.clone(),
            handle_message: body.remark_info.clone().unwrap_or_default(),
            group_profile: GroupNoticeProfile {
                group_id: item.group_info.group_id.clone(),
                group_type: item.group_info.group_type.clone(),
                name: item.group_info.group_name.clone(),
            },
        };
        let tiny_id = if item.tiny_id.is_empty() {
            Message::SYSTEM_TINY_ID
        } else {
            &item.tiny_id
        };
        let mut m = Message::group_base(
            &item.to_group_id,
            ConversationType::System.as_str(),
            Flow::In,
            Payload::GroupSystemNotice(notice),
            GroupStamp {
                seq: item.msg_seq,
                random: item.msg_random,
                time: item.msg_time_stamp,
                client_time: item.msg_client_time,
                tiny_id,
            },
        );
        m.conversation_id = ConversationType::System.as_str().to_owned();
        m.conversation_type = ConversationType::System;
        m.is_system_message = true;
        m
    }

    fn group_base(
        group_id: &str,
        from: &str,
        flow: Flow,
        payload: Payload,
        stamp: GroupStamp<'_>,
    ) -> Message {
        Message {
            id: Message::make_id(stamp.tiny_id, stamp.client_time, stamp.random),
            conversation_id: super::group_conversation_id(group_id),
            conversation_type: ConversationType::Group,
            from: from.to_owned(),
            to: group_id.to_owned(),
            flow,
            msg_type: payload.msg_type().to_owned(),
            payload,
            time: stamp.time,
            sequence: stamp.seq,
            client_sequence: stamp.seq,
            random: stamp.random,
            client_time: stamp.client_time,
            sender_tiny_id: stamp.tiny_id.to_owned(),
            status: MessageStatus::Success,
            is_read: flow == Flow::Out,
            is_peer_read: false,
            is_revoked: false,
            is_modified: false,
            version: 0,
            nick: String::new(),
            name_card: String::new(),
            avatar: String::new(),
            is_system_message: false,
            at_user_list: Vec::new(),
            cloud_custom_data: String::new(),
            need_read_receipt: false,
            read_receipt_info: MessageReceipt::default(),
            is_support_extension: false,
            is_deleted: false,
            revoker: String::new(),
            revoke_reason: String::new(),
        }
    }
}

/// The numbers that name a group message or tip.
struct GroupStamp<'a> {
    seq: u64,
    random: u64,
    time: u64,
    client_time: u64,
    tiny_id: &'a str,
}
