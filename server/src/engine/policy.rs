//! Who may stay online: platform classes, kick types and the
//! multi-instance policy.

use serde::{Deserialize, Serialize};

/// The platform class of a connection, from the `platform` parameter of its
/// connect URL. The multi-instance policy counts instances per class.
///
/// Tencent numbers platforms as the IM C SDK's `TIMPlatform` enum does
/// (`0` other, `1` Windows, `2` Android, `3` iOS, `4` Mac, `5` iOS
/// simulator); the Web SDK sends `7` (observed, `official-web-sdk.md` §2.1).
/// The classes group them the way multi-device policies usually do: every
/// browser tab is Web, phones are Mobile, computers are Desktop.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum PlatformClass {
    /// `platform=7`: the Web SDK (browsers, Node, mini programs).
    Web,
    /// `platform=2` (Android), `3` (iOS), `5` (iOS simulator).
    Mobile,
    /// `platform=1` (Windows), `4` (Mac).
    Desktop,
    /// `platform=0`, any other number, or no `platform` parameter.
    Other,
}

impl PlatformClass {
    /// The class of a URL's `platform` parameter.
    pub fn of(platform: Option<u32>) -> PlatformClass {
        match platform {
            Some(7) => PlatformClass::Web,
            Some(2 | 3 | 5) => PlatformClass::Mobile,
            Some(1 | 4) => PlatformClass::Desktop,
            _ => PlatformClass::Other,
        }
    }
}

/// Why a session was forced offline: the `KickType` of the
/// `im_open_status.stat_forceoffline` push (protocol-facts §4).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum KickType {
    /// 1, `multipleAccount`: a newer login of the same platform class.
    MultipleAccount,
    /// 2, `multipleDevice`: a newer login of another platform class.
    MultipleDevice,
    /// 3, `REST_API_Kick`: an administrator's `im_open_login_svc/kick`.
    RestApi,
}

impl KickType {
    /// The wire number.
    pub fn number(self) -> u32 {
        match self {
            KickType::MultipleAccount => 1,
            KickType::MultipleDevice => 2,
            KickType::RestApi => 3,
        }
    }

    /// The kick type with this wire number.
    pub fn from_number(n: u32) -> Option<KickType> {
        match n {
            1 => Some(KickType::MultipleAccount),
            2 => Some(KickType::MultipleDevice),
            3 => Some(KickType::RestApi),
            _ => None,
        }
    }

    /// The name the official SDK gives it in `KICKED_OUT`.
    pub fn sdk_name(self) -> &'static str {
        match self {
            KickType::MultipleAccount => "multipleAccount",
            KickType::MultipleDevice => "multipleDevice",
            KickType::RestApi => "REST_API_Kick",
        }
    }
}

/// How many sessions (instances) a user may have at once. A login that
/// would go over a limit kicks the user's oldest session(s) instead of
/// being refused: the newest login wins.
///
/// Sessions count from their login until their logout, expiry or kick,
/// whether or not their socket is connected at the moment (a client that
/// is reconnecting still holds its session).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct InstancePolicy {
    /// Sessions per user per [`PlatformClass`]; 0 means no limit. The
    /// oldest one of the class is kicked with `KickType` 1.
    pub per_class: usize,
    /// When true, a login also kicks every session of the user on the other
    /// platform classes (`KickType` 2): one class online at a time.
    pub kick_other_classes: bool,
    /// Sessions per user over all classes (at least 1); the oldest is
    /// kicked, with `KickType` 1 when it is of the new login's class, 2
    /// otherwise.
    pub max_per_user: usize,
}

impl InstancePolicy {
    /// One session per platform class, other classes untouched, at most
    /// 32 in all.
    pub const DEFAULT: InstancePolicy = InstancePolicy {
        per_class: 1,
        kick_other_classes: false,
        max_per_user: 32,
    };
}

impl Default for InstancePolicy {
    fn default() -> Self {
        InstancePolicy::DEFAULT
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn classes_and_kick_numbers() {
        assert_eq!(PlatformClass::of(Some(7)), PlatformClass::Web);
        assert_eq!(PlatformClass::of(Some(3)), PlatformClass::Mobile);
        assert_eq!(PlatformClass::of(Some(4)), PlatformClass::Desktop);
        assert_eq!(PlatformClass::of(Some(0)), PlatformClass::Other);
        assert_eq!(PlatformClass::of(None), PlatformClass::Other);
        for k in [
            KickType::MultipleAccount,
            KickType::MultipleDevice,
            KickType::RestApi,
        ] {
            assert_eq!(KickType::from_number(k.number()), Some(k));
        }
        assert_eq!(KickType::from_number(0), None);
    }
}
