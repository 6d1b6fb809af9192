//! The application's purchased features: `fetch_imsdk_purchase_bitsv2` at
//! every login and re-login, and the query the feature-gated APIs use.
//!
//! As in the official SDK, an API whose feature bit is not set fails with
//! 3122 (NO_USE) without sending anything; before the first reply of a
//! session no bit is known, so such calls fail the same way (the official
//! SDK even waits about a second before asking; tcchat asks at once).

use std::time::Instant;

use super::request::Request;
use super::Client;
use crate::error::{ChatError, ErrorCode};
use crate::proto::config::{PurchaseBitsReply, PurchaseBitsRequest};
use crate::wire::{servcmd, Frame};

/// A feature the server enables with a purchase bit.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub(crate) enum Feature {
    /// Bit 7: user status (other users' statuses and subscriptions).
    UserStatus,
    /// Bit 9: conversation marks.
    ConversationMark,
    /// Bit 10: conversation groups.
    ConversationGroup,
    /// Bit 13: message extensions.
    MessageExtension,
    /// Bit 15: group counters.
    GroupCounter,
}

impl Feature {
    /// Its bit in `str_purchase_bits` (bit 0 is the rightmost character).
    pub(crate) fn bit(self) -> u32 {
        match self {
            Feature::UserStatus => 7,
            Feature::ConversationMark => 9,
            Feature::ConversationGroup => 10,
            Feature::MessageExtension => 13,
            Feature::GroupCounter => 15,
        }
    }
}

/// The bits of the current session.
#[derive(Debug, Default)]
pub(crate) struct Features {
    /// `None` until this session's first usable reply.
    bits: Option<u64>,
}

impl Features {
    fn has(&self, feature: Feature) -> bool {
        self.bits.is_some_and(|b| b & (1u64 << feature.bit()) != 0)
    }
}

impl Client {
    /// Whether the application has `feature` (known from this session's
    /// purchase bits; false before they arrive).
    pub(crate) fn has_feature(&self, feature: Feature) -> bool {
        self.features.has(feature)
    }

    /// `Ok` when the application has `feature`; otherwise the official
    /// refusal, 3122, also reported as an ERROR event.
    pub(crate) fn require_feature(&mut self, feature: Feature, api: &str) -> Result<(), ChatError> {
        if self.has_feature(feature) {
            return Ok(());
        }
        let known = if self.features.bits.is_some() {
            "is not enabled for this application"
        } else {
            "is not known to be enabled yet (the purchase bits have not arrived)"
        };
        Err(self.api_error(
            ErrorCode::NO_USE,
            format!("{api}: purchase bit {} {known}", feature.bit()),
        ))
    }

    /// Ask for the purchase bits (at every login and re-login). One request
    /// at a time.
    pub(crate) fn fetch_features(&mut self, now: Instant) {
        if self.requests.has::<FetchPurchaseBits>() {
            return;
        }
        let body = PurchaseBitsRequest {
            uint32_sdkappid: self.ctx.sdk_app_id(),
        };
        let timeout = self.ctx.tuning().request_timeout;
        self.enqueue(
            now,
            servcmd::PURCHASE_BITS,
            &body,
            timeout,
            FetchPurchaseBits,
        );
    }

    /// The purchase-bits reply. A failed or unreadable reply keeps the bits
    /// known so far (none at the first login).
    pub(crate) fn on_purchase_bits_reply(
        &mut self,
        now: Instant,
        reply: Result<PurchaseBitsReply, ChatError>,
    ) {
        let bits = match reply {
            Ok(r) if r.int32_error_code == 0 => r.bits(),
            Ok(r) => {
                if self.log_enabled(2) {
                    tracing::warn!(
                        code = r.int32_error_code,
                        message = %r.str_error_message,
                        "purchase bits refused"
                    );
                }
                None
            }
            Err(err) => {
                if self.log_enabled(2) {
                    tracing::warn!(code = err.code.0, message = %err.message, "purchase bits failed");
                }
                None
            }
        };
        let Some(bits) = bits else {
            return;
        };
        self.features.bits = Some(bits);
        self.conv_features_known(now);
    }

    /// Forget the bits (the session ended).
    pub(crate) fn reset_features(&mut self) {
        self.features = Features::default();
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bits_are_counted_from_the_right() {
        let f = Features {
            bits: Some((1 << 13) | (1 << 10) | (1 << 9)),
        };
        assert!(f.has(Feature::ConversationMark));
        assert!(f.has(Feature::ConversationGroup));
        assert!(f.has(Feature::MessageExtension));
        let f = Features { bits: Some(1 << 9) };
        assert!(!f.has(Feature::ConversationGroup));
        assert!(!Features::default().has(Feature::ConversationMark));
    }
}

/// `fetch_imsdk_purchase_bitsv2` at login: the SDK's own request.
#[derive(Debug)]
pub(super) struct FetchPurchaseBits;

impl Request for FetchPurchaseBits {
    fn is_internal(&self) -> bool {
        true
    }

    fn is_login_sync(&self) -> bool {
        true
    }

    fn on_reply(
        self: Box<Self>,
        client: &mut Client,
        now: Instant,
        status: Result<(), ChatError>,
        frame: &Frame,
    ) {
        let reply = super::conv_api::parse_reply(status, frame);
        client.on_purchase_bits_reply(now, reply);
    }

    /// The bits known so far stay; the next login asks again.
    fn on_failed(self: Box<Self>, _client: &mut Client, _err: ChatError) {}
}
