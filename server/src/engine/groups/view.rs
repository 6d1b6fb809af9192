//! Store records as the wire shows them (PROTOCOL.md 8.1).

use tcchat_core::proto::group::{mute_all, AppDefinedItem, GroupItem, MemberInfo, SelfInfo};
use tcchat_core::proto::group_msg::MsgGroupInfo;

use crate::store::{GroupRecord, MemberRecord};

/// At most 64 bytes of a peer-controlled ID, for error texts and logs.
pub(super) fn bounded(id: &str) -> String {
    let mut end = id.len().min(64);
    while !id.is_char_boundary(end) {
        end -= 1;
    }
    format!("{:?}", &id[..end])
}

fn custom(items: &[(String, String)]) -> Vec<AppDefinedItem> {
    items
        .iter()
        .map(|(k, v)| AppDefinedItem {
            key: k.clone(),
            value: v.clone(),
        })
        .collect()
}

/// The group item of list and profile replies, without `SelfInfo`.
pub(super) fn item(g: &GroupRecord, member_num: u64) -> GroupItem {
    GroupItem {
        group_id: g.id.clone(),
        error_code: None,
        error_info: None,
        group_type: g.group_type.as_wire().to_owned(),
        name: g.name.clone(),
        face_url: g.face_url.clone(),
        owner_account: g.owner.clone(),
        create_time: g.create_time,
        info_seq: g.info_seq,
        last_info_time: g.last_info_time,
        last_msg_time: g.last_msg_time,
        member_num,
        max_member_num: g.max_members,
        apply_join_option: g.join_option.as_wire().to_owned(),
        invite_join_option: g.invite_option.as_wire().to_owned(),
        next_msg_seq: g.next_seq,
        shut_up_all_member: if g.mute_all {
            mute_all::ON
        } else {
            mute_all::OFF
        }
        .to_owned(),
        introduction: g.introduction.clone(),
        notification: g.notification.clone(),
        app_defined_data: custom(&g.custom),
        support_topic: u8::from(g.group_type == tcchat_core::proto::group::GroupType::Community),
        self_info: None,
        member_list: None,
    }
}

/// `SelfInfo` of `m`.
pub(super) fn self_info(m: &MemberRecord) -> SelfInfo {
    SelfInfo {
        role: m.role.as_wire().to_owned(),
        join_time: m.join_time,
        msg_flag: m.msg_flag.clone(),
        msg_seq: m.read_seq,
    }
}

/// A member entry of profile and member-list replies.
pub(super) fn member_info(m: &MemberRecord) -> MemberInfo {
    MemberInfo {
        member_account: m.user.clone(),
        role: m.role.as_wire().to_owned(),
        join_time: m.join_time,
        msg_flag: m.msg_flag.clone(),
        msg_seq: m.read_seq,
        name_card: m.name_card.clone(),
        shut_up_until: m.mute_until,
        last_send_msg_time: m.last_send_time,
        app_member_defined_data: custom(&m.custom),
        mark_list: m.marks.clone(),
    }
}

/// `GroupInfo` of tips and notices.
pub(super) fn tip_group_info(g: &GroupRecord) -> MsgGroupInfo {
    MsgGroupInfo {
        group_id: g.id.clone(),
        group_type: g.group_type.as_wire().to_owned(),
        group_name: g.name.clone(),
        ..MsgGroupInfo::default()
    }
}
