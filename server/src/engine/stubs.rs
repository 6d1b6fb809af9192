//! The "clean" replies of the official SDK's post-login sync requests for
//! features this server does not implement yet: empty lists and the
//! completion flags that stop the SDK's paging loops (protocol-facts §1).

use serde::{Deserialize, Serialize};
use tcchat_core::proto::BaseReply;
use tcchat_core::wire::Frame;

/// Most items echoed from a request list (peers).
const MAX_ECHOED: usize = 1000;

/// The feature bits of every application (`str_purchase_bits`, rightmost
/// character = bit 0): bit 7 user status, bit 9 conversation marks, bit 10
/// conversation groups, bit 13 message extensions, bit 15 group counters
/// (issue 17). Without them the official SDK
/// refuses those APIs with 3122 and sends no request (messages-facts §0).
pub(crate) const PURCHASE_BITS: &str = "1010011010000000";

/// A clean reply body.
#[derive(Debug, Serialize)]
#[serde(untagged)]
pub(crate) enum CleanReply {
    Bare(BaseReply),
    Config(ConfigReply),
    PurchaseBits(PurchaseBitsReply),
    Mute(MuteReply),
}

/// The clean reply for `servcmd`, or `None` when it is not one of the
/// stubbed commands. `simple_cos` is the cloud config's switch between
/// `simple_sig` and `pre_sig` ([`crate::FileConfig::simple_cos`]).
pub(crate) fn clean_reply(
    servcmd: &str,
    frame: &Frame,
    simple_cos: Option<bool>,
) -> Option<CleanReply> {
    let ok = BaseReply::ok;
    Some(match servcmd {
        // With no switch, version 0 and no config (the official SDK's
        // default); with one, version 1 and `{"simple_cos":"0"|"1"}`
        // (messages-facts §5.1).
        "im_sdk_config_mgr.fetch_config" => CleanReply::Config(ConfigReply {
            base: ok(),
            int32_error_code: 0,
            str_error_message: String::new(),
            uint64_version: u64::from(simple_cos.is_some()),
            uint32_expired_time: 3600,
            str_json_config: simple_cos
                .map(|simple| {
                    let value = if simple { "1" } else { "0" };
                    serde_json::json!({ "simple_cos": value }).to_string()
                })
                .unwrap_or_default(),
        }),
        "im_sdk_config_mgr.fetch_imsdk_purchase_bitsv2" => {
            CleanReply::PurchaseBits(PurchaseBitsReply {
                base: ok(),
                int32_error_code: 0,
                str_error_message: String::new(),
                str_purchase_bits: PURCHASE_BITS.to_owned(),
                uint32_expired_time: 3600,
            })
        }
        "openim.get_c2c_peer_mute_notifications" => {
            let req: MuteRequest = frame.body_as().unwrap_or_default();
            CleanReply::Mute(MuteReply {
                base: ok(),
                mute_notifications_list: req
                    .peer_account
                    .into_iter()
                    .take(MAX_ECHOED)
                    .map(|peer_account| MuteItem {
                        peer_account,
                        mute_notifications: 0,
                    })
                    .collect(),
            })
        }
        "recentcontact.search_contact_group" | "imopenstat.tim_web_report_v2" => {
            CleanReply::Bare(ok())
        }
        _ => return None,
    })
}

// ---- request bodies (only the fields the replies echo) ----

#[derive(Debug, Default, Deserialize)]
struct MuteRequest {
    #[serde(rename = "Peer_Account", default)]
    peer_account: Vec<String>,
}

// ---- reply bodies ----

#[derive(Debug, Serialize)]
pub(crate) struct ConfigReply {
    #[serde(flatten)]
    base: BaseReply,
    int32_error_code: i32,
    str_error_message: String,
    uint64_version: u64,
    uint32_expired_time: u32,
    str_json_config: String,
}

#[derive(Debug, Serialize)]
pub(crate) struct PurchaseBitsReply {
    #[serde(flatten)]
    base: BaseReply,
    int32_error_code: i32,
    str_error_message: String,
    str_purchase_bits: String,
    uint32_expired_time: u32,
}

#[derive(Debug, Serialize)]
#[serde(rename_all = "PascalCase")]
pub(crate) struct MuteReply {
    #[serde(flatten)]
    base: BaseReply,
    mute_notifications_list: Vec<MuteItem>,
}

#[derive(Debug, Serialize)]
struct MuteItem {
    #[serde(rename = "Peer_Account")]
    peer_account: String,
    #[serde(rename = "MuteNotifications")]
    mute_notifications: u8,
}
