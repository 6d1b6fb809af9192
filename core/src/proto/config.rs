//! Bodies of the SDK configuration commands (`im_sdk_config_mgr.*`) that
//! tcchat uses: the application's purchase (feature) bits.
//! Facts: protocol-facts.md §1, messages-facts.md §0.

use serde::{Deserialize, Serialize};

use super::BaseReply;

/// Body of `im_sdk_config_mgr.fetch_config` (the cloud config,
/// protocol-facts §1).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct FetchConfigRequest {
    /// The application.
    #[serde(default)]
    pub uint32_sdkappid: u64,
    /// The config version held (0: none).
    #[serde(default)]
    pub uint64_version: u64,
}

/// Reply to `fetch_config`.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct FetchConfigReply {
    /// Status and error.
    #[serde(flatten)]
    pub base: BaseReply,
    /// 0 on success.
    #[serde(default)]
    pub int32_error_code: i64,
    /// Why not.
    #[serde(default)]
    pub str_error_message: String,
    /// The config's version (0: none).
    #[serde(default)]
    pub uint64_version: u64,
    /// How long it stays valid, seconds.
    #[serde(default)]
    pub uint32_expired_time: u64,
    /// The config, a JSON object as a string (for example
    /// `{"simple_cos":"0"}`), or empty.
    #[serde(default)]
    pub str_json_config: String,
}

/// Body of `im_sdk_config_mgr.fetch_imsdk_purchase_bitsv2`.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct PurchaseBitsRequest {
    /// The application.
    #[serde(rename = "uint32_sdkappid", default)]
    pub uint32_sdkappid: u64,
}

/// Reply to `fetch_imsdk_purchase_bitsv2`.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct PurchaseBitsReply {
    /// Status and error.
    #[serde(flatten)]
    pub base: BaseReply,
    /// 0 on success.
    #[serde(rename = "int32_error_code", default)]
    pub int32_error_code: i64,
    /// Why not.
    #[serde(rename = "str_error_message", default)]
    pub str_error_message: String,
    /// The bits as a string of `0`/`1`, 1 to 64 characters, the rightmost
    /// being bit 0 (for example `"10011000000000"`: bits 13, 10 and 9).
    #[serde(rename = "str_purchase_bits", default)]
    pub str_purchase_bits: String,
    /// How long the bits stay valid, seconds.
    #[serde(rename = "uint32_expired_time", default)]
    pub uint32_expired_time: u64,
}

impl PurchaseBitsReply {
    /// The bits as a number, or `None` when `str_purchase_bits` is not a
    /// string of 1 to 64 `0`/`1` characters (the official SDK then warns
    /// and enables nothing).
    pub fn bits(&self) -> Option<u64> {
        parse_bit_string(&self.str_purchase_bits)
    }
}

/// A string of 1 to 64 `0`/`1` characters as a number, the rightmost
/// character being bit 0 (purchase bits, conversation `StandardMark`);
/// `None` for anything else.
pub fn parse_bit_string(s: &str) -> Option<u64> {
    if s.is_empty() || s.len() > 64 || !s.bytes().all(|b| b == b'0' || b == b'1') {
        return None;
    }
    u64::from_str_radix(s, 2).ok()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn reply(bits: &str) -> PurchaseBitsReply {
        PurchaseBitsReply {
            str_purchase_bits: bits.to_owned(),
            ..Default::default()
        }
    }

    #[test]
    fn the_rightmost_character_is_bit_0() {
        let bits = reply("10011000000000").bits().unwrap();
        assert_eq!(bits, (1 << 13) | (1 << 10) | (1 << 9));
        assert_eq!(reply("0").bits(), Some(0));
        assert_eq!(reply(&"1".repeat(64)).bits(), Some(u64::MAX));
    }

    #[test]
    fn anything_else_is_no_bits() {
        for bad in ["", "2", "10a", " 1", &"1".repeat(65)] {
            assert_eq!(reply(bad).bits(), None, "{bad:?}");
        }
    }
}
