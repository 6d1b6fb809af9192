//! The `head.servcmd` names tcchat sends or understands.
//!
//! Names are the official Web SDK's (`<service>.<cmd>`); `PROTOCOL.md` says
//! which of them were verified against the official SDK.

/// Log in (first login with UserSig, re-login with A2).
pub const LOGIN: &str = "im_open_status.wslogin";
/// Log out; `wslogout_type` 0 for a user logout, 1 after a kick.
pub const LOGOUT: &str = "im_open_status.wslogout";
/// Keep-alive sent every `HelloInterval` seconds while logged in.
pub const HELLO: &str = "im_open_status.wshello";
/// Server push: forced offline (kick-out).
pub const FORCE_OFFLINE: &str = "im_open_status.stat_forceoffline";
/// Heartbeat ping, also sent on every socket open.
pub const ALIVE: &str = "heartbeat.alive";
/// Send a one-to-one message.
pub const SEND_C2C: &str = "openim.sendmsg";
/// Sync messages that arrived while offline, paged by `Cookie`.
pub const GET_MSG: &str = "openim.getmsg";
/// Acknowledge a push that carried `NeedAck: 1`.
pub const PUSH_ACK: &str = "openim.ws_msg_push_ack";
/// Server push of messages and notifications.
pub const MSG_PUSH: &str = "im_open_push.msg_push";
/// Revoke a C2C message.
pub const MSG_WITHDRAW: &str = "openim.msgwithdraw";
/// Modify a C2C message (version-checked).
pub const MODIFY_C2C: &str = "openim.modify_c2c_msg";
/// Delete C2C messages from the caller's history.
pub const DELETE_C2C: &str = "openim.delete_c2c_msg_ramble";
/// Report a C2C conversation read up to a time.
pub const MSG_READED: &str = "openim.msgreaded";
/// Send read receipts for C2C messages sent with `IsNeedReadReceipt`.
pub const C2C_READ_RECEIPT: &str = "openim.c2c_msg_read_receipt";
/// C2C history, one page per request.
pub const GET_ROAM: &str = "openim.getroammsg";
/// When peers last read the caller's messages.
pub const GET_PEER_READ_TIME: &str = "openim.get_peer_read_time";
/// Set, delete or clear message extensions.
pub const EXT_SET: &str = "openim_msg_ext_http_svc.set_key_values";
/// Read message extensions.
pub const EXT_GET: &str = "openim_msg_ext_http_svc.get_key_values";
/// Set, delete or clear extensions of a group message.
pub const GROUP_EXT_SET: &str = "openim_msg_ext_http_svc.group_set_key_values";
/// Get extensions of a group message.
pub const GROUP_EXT_GET: &str = "openim_msg_ext_http_svc.group_get_key_values";
/// The conversation list, paged.
pub const CONV_PAGE_GET: &str = "recentcontact.page_get";
/// Pin or unpin conversations.
pub const CONV_TOP: &str = "recentcontact.top";
/// Delete conversations.
pub const CONV_DELETE: &str = "recentcontact.batch_delete";
/// Create a conversation group.
pub const CONV_GROUP_CREATE: &str = "recentcontact.create_contact_group";
/// Rename a conversation group or change its conversations.
pub const CONV_GROUP_UPDATE: &str = "recentcontact.update_contact_group";
/// Delete conversation groups.
pub const CONV_GROUP_DELETE: &str = "recentcontact.del_contact_group";
/// The conversation groups and their conversations, paged.
pub const CONV_GROUP_GET: &str = "recentcontact.get_contact_group";
/// The blacklist, paged (`StartIndex` until 0).
pub const BLACKLIST_GET: &str = "sns.black_list_get";
/// Add users to the blacklist.
pub const BLACKLIST_ADD: &str = "sns.black_list_add";
/// Remove users from the blacklist.
pub const BLACKLIST_DELETE: &str = "sns.black_list_delete";
/// Set this user's custom status.
pub const STATUS_SET: &str = "im_open_status.ws_set_custom_status";
/// Other users' statuses.
pub const STATUS_GET: &str = "im_open_status.ws_get_user_status";
/// Subscribe to users' statuses.
pub const STATUS_SUBSCRIBE: &str = "im_open_status.ws_status_subscribe";
/// Unsubscribe from users' statuses (or from all).
pub const STATUS_UNSUBSCRIBE: &str = "im_open_status.ws_status_unsubscribe";
/// Follow users (ours: no body observed).
pub const FOLLOW_ADD: &str = "follow.follow_add";
/// Unfollow users (ours).
pub const FOLLOW_DELETE: &str = "follow.follow_delete";
/// A follow list, paged (ours).
pub const FOLLOW_GET: &str = "follow.follow_get";
/// Users' follow counts (ours).
pub const FOLLOW_GET_INFO: &str = "follow.follow_get_info";
/// The follow relation with users (ours).
pub const FOLLOW_CHECK: &str = "follow.follow_check";
/// The cloud config (tcchat reads its `simple_cos`, before the first upload
/// of a session; messages-facts §5.1).
pub const FETCH_CONFIG: &str = "im_sdk_config_mgr.fetch_config";
/// The feature bits of the application.
pub const PURCHASE_BITS: &str = "im_sdk_config_mgr.fetch_imsdk_purchase_bitsv2";

/// A signed upload URL for each file (the default path; messages-facts §5.2).
pub const COS_SIMPLE_SIG: &str = "im_cos_msg.simple_sig";
/// A signed upload URL for one file (when the cloud config turns
/// `simple_cos` off, or in "private network" mode; messages-facts §5.3).
pub const COS_PRE_SIG: &str = "im_cos_msg.pre_sig";
/// The size and variants of an uploaded image (messages-facts §5.2).
pub const COS_IMAGE_INFO: &str = "im_cos_msg.get_imageinfo";
/// Store the messages of a large merger message (request observed from the
/// official SDK, tests/tests/interop_merger.rs).
pub const RELAY_SAVE: &str = "im_long_msg.save_relay_json_msg";
/// Fetch the messages of a stored merger message by key.
pub const RELAY_GET: &str = "im_long_msg.get_relay_json_msg";

/// The part of a servcmd after the dot: the official SDK picks its key maps
/// (and we our handlers) by it.
pub fn cmd_of(servcmd: &str) -> &str {
    servcmd.rsplit_once('.').map_or(servcmd, |(_, cmd)| cmd)
}

/// Whether frames of this servcmd carry `cs = 0` instead of a checksum, as
/// the official SDK does for login, logout and heartbeat.
pub fn has_zero_checksum(servcmd: &str) -> bool {
    matches!(servcmd, LOGIN | LOGOUT | ALIVE)
}
