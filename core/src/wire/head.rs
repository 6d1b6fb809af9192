use serde::{Deserialize, Serialize};

/// The `head` of a frame, with the fields the official Web SDK sends, in the
/// order it sends them.
///
/// Identity is either `identifier`/`usersig` (before login) or `a2`/`tinyid`
/// (after login); see [`HeadIdentity`]. Replies echo the request head, so a
/// decoded head may carry either.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Head {
    /// Protocol version, always `"v4"`.
    #[serde(default = "Head::default_ver")]
    pub ver: String,
    /// Platform code: 7 for Web / Node, which tcchat also uses.
    #[serde(default)]
    pub platform: u32,
    /// Constant app id of the Web SDK, 537048168.
    #[serde(default)]
    pub websdkappid: u64,
    /// Constant `"1.7.3"` (not the SDK version).
    #[serde(default)]
    pub websdkversion: String,
    /// Session key from the login reply (`A2Key`), after login.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub a2: Option<String>,
    /// User's `TinyId` from the login reply (a string), after login.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub tinyid: Option<String>,
    /// `InstId` from the login reply; 0 before login.
    #[serde(default)]
    pub status_instid: u64,
    /// The application's SDKAppID.
    #[serde(default)]
    pub sdkappid: u64,
    /// Always `"json"`.
    #[serde(default)]
    pub contenttype: String,
    /// Unix seconds when the request was first built; kept on resend.
    #[serde(default)]
    pub reqtime: u64,
    /// User ID, before login only.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub identifier: Option<String>,
    /// UserSig, before login only.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub usersig: Option<String>,
    /// Constant capability bits, 75689843.
    #[serde(default)]
    pub sdkability: u64,
    /// Always `""`.
    #[serde(default)]
    pub sdkability_ext: String,
    /// Always 0.
    #[serde(default)]
    pub cappid: u64,
    /// CRC-32 of the body bytes as sent; 0 for login, logout and heartbeat.
    #[serde(default)]
    pub cs: u32,
    /// The command, `<service>.<cmd>`.
    pub servcmd: String,
    /// Request sequence number; a reply carries its request's.
    #[serde(default)]
    pub seq: u64,
}

/// Who a request speaks for.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum HeadIdentity {
    /// Before login: the user ID and UserSig.
    UserSig {
        /// The user ID.
        identifier: String,
        /// The UserSig.
        usersig: String,
    },
    /// After login: the session key and tiny ID from the login reply.
    A2 {
        /// `A2Key`.
        a2: String,
        /// `TinyId`.
        tinyid: String,
        /// `InstId`.
        instid: u64,
    },
    /// Neither (for example a ping on a fresh socket with no login yet).
    Anonymous,
}

impl Head {
    /// Constant `websdkappid` of the official Web SDK.
    pub const WEBSDKAPPID: u64 = 537_048_168;
    /// Constant `websdkversion`.
    pub const WEBSDKVERSION: &'static str = "1.7.3";
    /// Constant `sdkability`.
    pub const SDKABILITY: u64 = 75_689_843;
    /// Platform code of the Web SDK.
    pub const PLATFORM_WEB: u32 = 7;

    fn default_ver() -> String {
        "v4".to_owned()
    }

    /// A request head as the official SDK builds it. `cs` is filled in by
    /// [`encode`](super::encode).
    pub fn request(
        sdkappid: u64,
        identity: &HeadIdentity,
        servcmd: &str,
        seq: u64,
        reqtime: u64,
    ) -> Head {
        let (a2, tinyid, instid, identifier, usersig) = match identity {
            HeadIdentity::UserSig {
                identifier,
                usersig,
            } => (
                None,
                None,
                0,
                Some(identifier.clone()),
                Some(usersig.clone()),
            ),
            HeadIdentity::A2 { a2, tinyid, instid } => {
                (Some(a2.clone()), Some(tinyid.clone()), *instid, None, None)
            }
            HeadIdentity::Anonymous => (None, None, 0, None, None),
        };
        Head {
            ver: Self::default_ver(),
            platform: Self::PLATFORM_WEB,
            websdkappid: Self::WEBSDKAPPID,
            websdkversion: Self::WEBSDKVERSION.to_owned(),
            a2,
            tinyid,
            status_instid: instid,
            sdkappid,
            contenttype: "json".to_owned(),
            reqtime,
            identifier,
            usersig,
            sdkability: Self::SDKABILITY,
            sdkability_ext: String::new(),
            cappid: 0,
            cs: 0,
            servcmd: servcmd.to_owned(),
            seq,
        }
    }

    /// A minimal head for a server push.
    pub fn push(servcmd: &str, seq: u64) -> Head {
        Head {
            ver: Self::default_ver(),
            platform: Self::PLATFORM_WEB,
            websdkappid: Self::WEBSDKAPPID,
            websdkversion: Self::WEBSDKVERSION.to_owned(),
            a2: None,
            tinyid: None,
            status_instid: 0,
            sdkappid: 0,
            contenttype: "json".to_owned(),
            reqtime: 0,
            identifier: None,
            usersig: None,
            sdkability: 0,
            sdkability_ext: String::new(),
            cappid: 0,
            cs: 0,
            servcmd: servcmd.to_owned(),
            seq,
        }
    }

    /// The identity this head speaks for.
    pub fn identity(&self) -> HeadIdentity {
        match (&self.a2, &self.tinyid, &self.identifier, &self.usersig) {
            (Some(a2), Some(tinyid), _, _) => HeadIdentity::A2 {
                a2: a2.clone(),
                tinyid: tinyid.clone(),
                instid: self.status_instid,
            },
            (_, _, Some(identifier), Some(usersig)) => HeadIdentity::UserSig {
                identifier: identifier.clone(),
                usersig: usersig.clone(),
            },
            _ => HeadIdentity::Anonymous,
        }
    }
}
