//! What each runtime crate exports, written once: the whole API, and a
//! concrete `Chat` type whose page lists every method.

/// Expands, in a runtime crate, to the public API of tcchat on runtime
/// `$runtime` (named `$name` in the docs): everything of this crate (its
/// runtime plumbing is hidden from the docs) and a concrete `Chat` that
/// dereferences to [`Chat<$runtime>`](crate::Chat), so that docs.rs shows
/// every method on the runtime crate's own `Chat` page.
#[doc(hidden)]
#[macro_export]
macro_rules! runtime_crate_api {
    ($runtime:ident, $name:literal) => {
        pub use $crate::*;

        #[doc = concat!("A chat instance on ", $name, ": `TencentCloudChat.create(options)`")]
        /// and everything you do with it. Cheap to clone; all clones are the
        /// same instance.
        ///
        /// Every method of the instance (login, send, conversations,
        /// listeners, streams) is listed below under *Methods from
        /// `Deref`*: this type dereferences to the runtime-generic
        /// [`tcchat_runtime_common::Chat`], where they are written once.
        ///
        /// Behaviour worth knowing before you build on it:
        /// - **Events.** Register listeners before `login` to miss none.
        ///   `listen`/`listen_async` take a marker of [`events`] and hand
        ///   the handler that event's own payload; `on`/`once`/`off` are the
        ///   official SDK's; `events(capacity)` is a stream that never loses
        ///   an event (see [`Overflow`]).
        /// - **Network state.** The first connection of an instance emits no
        ///   NET_STATE_CHANGE (as the official SDK); losing an established
        ///   link emits `connecting` (or `disconnected` while nobody is
        ///   logged in) and a restored one `connected`. The instance
        ///   reconnects by itself with exponential backoff (capped at 30 s,
        ///   [`Tuning`]), logs in again and resyncs, so each message reaches
        ///   MESSAGE_RECEIVED exactly once.
        /// - **Queues.** Requests made while offline wait and are resent;
        ///   at most [`Tuning::max_pending_requests`] (1,000) user requests
        ///   are queued or in flight at once, and more fail with 2996
        ///   ([`ErrorCode::OVER_FREQUENCY_LIMIT`]). Each request times out
        ///   after 15 s with 2801 ([`ErrorCode::NETWORK_TIMEOUT`]).
        /// - **Errors.** A call in the wrong state fails with the official
        ///   code and also fires ERROR. Nothing panics on network input.
        /// - **Kicks.** A kick ends the session with KICKED_OUT, then one
        ///   SDK_NOT_READY, and no automatic re-login.
        #[derive(Clone, Debug)]
        pub struct Chat($crate::Chat<$runtime>);

        impl Chat {
            /// `TencentCloudChat.create(options)`: the same instance for the
            /// same SDKAppID until it is destroyed; a new instance connects
            /// at once and logs from the start at `options.log_level`.
            ///
            /// # Panics
            ///
            /// Where the runtime needs a context (tokio), when called
            /// outside it.
            pub fn create(options: Options) -> Chat {
                Chat($crate::Chat::<$runtime>::create(options))
            }

            /// A new instance that `create` does not hand out again: for
            /// processes that need several users of one SDKAppID at once
            /// (tests, tools, bridges). The official SDK has no such call.
            ///
            /// # Panics
            ///
            /// As [`Chat::create`].
            pub fn create_independent(options: Options) -> Chat {
                Chat($crate::Chat::<$runtime>::create_independent(options))
            }

            /// The runtime-generic instance this is (for code written over
            /// any runtime).
            pub fn into_generic(self) -> $crate::Chat<$runtime> {
                self.0
            }
        }

        impl ::std::ops::Deref for Chat {
            type Target = $crate::Chat<$runtime>;

            fn deref(&self) -> &Self::Target {
                &self.0
            }
        }

        impl ::std::convert::From<$crate::Chat<$runtime>> for Chat {
            fn from(chat: $crate::Chat<$runtime>) -> Chat {
                Chat(chat)
            }
        }

        impl ::std::convert::From<Chat> for $crate::Chat<$runtime> {
            fn from(chat: Chat) -> $crate::Chat<$runtime> {
                chat.0
            }
        }
    };
}
