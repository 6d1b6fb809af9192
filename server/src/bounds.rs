//! The size limits the server enforces on message operations,
//! extensions, history and conversations (issue 8). Requests over a limit
//! are refused with the code named at each constant; lists the server
//! builds are cut at the limit and the cut is documented.
//!
//! The message limits themselves (elements, bytes) are in [`crate::codes`].

/// Longest user ID, bytes, at every entry point: `wslogin`'s identifier,
/// `To_Account` and every peer ID of a request, REST `UserID`s. Longer or
/// empty: 20003 (REST: 70402).
pub const MAX_USER_ID_LEN: usize = 256;
/// Most messages in one `openim.getroammsg` page; a larger `MaxCnt` is
/// cut to this (a `MaxCnt` of 0 means [`DEFAULT_ROAM_PAGE`]).
pub const MAX_ROAM_PAGE: usize = 100;
/// `MaxCnt` used when a getroammsg request has none (the official SDK
/// sends 15).
pub const DEFAULT_ROAM_PAGE: usize = 15;
/// Most JSON bytes of messages in one getroammsg page (always at least one
/// message): a page stays far below the clients' 1 MiB frame limit.
pub const ROAM_PAGE_BYTES: usize = 256 * 1024;
/// Most read reports in one `openim.msgreaded`, messages in one
/// `openim.c2c_msg_read_receipt`, keys in one
/// `openim.delete_c2c_msg_ramble`, conversations in one
/// `recentcontact.top` / `batch_delete`. More: 10005 (peers in
/// `openim.get_peer_read_time`: [`MAX_PEERS_PER_QUERY`]; conversations in
/// a group creation or update: [`MAX_GROUP_ITEMS_PER_REQUEST`]).
pub const MAX_ITEMS_PER_REQUEST: usize = 100;
/// Most conversations in one conversation-group creation or update: as
/// many as all groups may hold together, so one call can fill a group
/// (tcchat's client allows up to 1,000 per call). More: 10005.
pub const MAX_GROUP_ITEMS_PER_REQUEST: usize = MAX_GROUPED_CONVERSATIONS;
/// Most extension keys set or deleted in one `set_key_values` (Tencent's
/// and the official SDK's limit). More: 10005.
pub const MAX_EXTENSIONS_PER_CALL: usize = 20;
/// Most extension keys one message holds (deleted keys count until a
/// clear). Tencent's limit. More: per-key 23002.
pub const MAX_EXTENSION_KEYS: usize = 300;
/// Longest extension key, bytes. Longer or empty: 10004.
pub const MAX_EXTENSION_KEY_BYTES: usize = 100;
/// Longest extension value, bytes. Longer: 10004.
pub const MAX_EXTENSION_VALUE_BYTES: usize = 1024;
/// Most keys in one `get_key_values` page (`CompleteFlag` 0 when more
/// follow).
pub const EXTENSIONS_PAGE: usize = 100;
/// Most conversations in one `recentcontact.page_get` page (`CompleteFlag`
/// 0 when more follow).
pub const CONVERSATIONS_PAGE: usize = 100;
/// Most entries of getmsg's `C2CPairUnreadCount` (conversations with
/// unread messages, in peer order; the rest are left out).
pub const MAX_PAIR_UNREAD: usize = 2000;
/// Most pinned conversations per user. More: 51012.
pub const MAX_PINNED: usize = 100;
/// Most conversation groups per user (Tencent's limit). More: 51010.
pub const MAX_CONTACT_GROUPS: usize = 20;
/// Longest conversation group name, bytes (Tencent's limit). Longer:
/// 51011; empty: 50002.
pub const MAX_GROUP_NAME_BYTES: usize = 32;
/// Most conversation memberships in all of a user's groups together
/// (Tencent's limit). More: 51008.
pub const MAX_GROUPED_CONVERSATIONS: usize = 1000;
/// Most peers in one `openim.get_peer_read_time`. More: 10005.
/// (`openim.get_c2c_peer_mute_notifications`, a stub, refuses no list: it
/// answers only the first 1,000 peers, `MAX_ECHOED` in `engine/stubs.rs`.)
pub const MAX_PEERS_PER_QUERY: usize = 1000;
/// Most friends in one user's list. Past it: 30010.
pub const MAX_FRIENDS: usize = 3000;
/// Friends per `sns.friend_get` page.
pub const FRIENDS_PAGE: usize = 100;
/// Most friend groups of one user (ours).
pub const MAX_FRIEND_GROUPS: usize = 32;
/// Most bytes of a friend group name (ours; the client refuses longer
/// names too).
pub const MAX_FRIEND_GROUP_NAME_BYTES: usize = 30;
/// Most users in one `profile.portrait_get_all` or
/// `sns.friend_get_specified` (the official SDK sends batches of 100).
/// More: 10005.
pub const MAX_PROFILES_PER_QUERY: usize = 100;
/// Most bytes of a profile text value (nick, avatar URL, signature,
/// custom values). More: 40001.
pub const MAX_PROFILE_TEXT_BYTES: usize = 500;
/// Most custom profile tags (`Tag_Profile_Custom_*`) a user has. More:
/// 40001.
pub const MAX_PROFILE_CUSTOM_TAGS: usize = 20;
/// Most bytes of a profile or friend tag name.
pub const MAX_TAG_BYTES: usize = 64;
/// Most bytes of a friend remark.
pub const MAX_REMARK_BYTES: usize = 96;
/// Most bytes of friend request words, an add source, or a custom friend
/// field value.
pub const MAX_WORDING_BYTES: usize = 256;
/// Most custom friend fields (`Tag_SNS_Custom_*`) per friend.
pub const MAX_FRIEND_CUSTOM_FIELDS: usize = 20;

/// Users on one blacklist (ours; also the most one `black_list_add` or
/// `black_list_get` page takes).
pub const MAX_BLACKLIST: usize = 1000;

/// Longest custom status, in bytes (ours).
pub const MAX_CUSTOM_STATUS_BYTES: usize = 100;

/// Users one `ws_get_user_status` asks about (the official SDK's limit,
/// relationship-facts §6).
pub const MAX_STATUS_QUERY: usize = 500;

/// Users one `ws_status_subscribe` or `ws_status_unsubscribe` names (the
/// official SDK's limit).
pub const MAX_STATUS_SUBSCRIBE: usize = 100;

/// Users whose status one user may follow (ours).
pub const MAX_STATUS_SUBSCRIPTIONS: usize = 1000;

/// Users one follow request names (`follow_add`, `follow_delete`,
/// `follow_get_info`, `follow_check`; ours).
pub const MAX_FOLLOW_PER_REQUEST: usize = 100;

/// Users one user may follow (ours).
pub const MAX_FOLLOWING: usize = 5000;
