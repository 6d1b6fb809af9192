//! The public API: `Chat`, mirroring the official SDK's instance methods.

use std::any::TypeId;
use std::future::Future;
use std::marker::PhantomData;
use std::pin::Pin;
use std::sync::{Arc, Mutex};
use std::task::{Context as TaskContext, Poll};

use futures_channel::{mpsc, oneshot};
use tcchat_core::listener::{Context, Listeners, OffFilter};
use tcchat_core::model::{Conversation, ConversationGroupResult};
use tcchat_core::model::{
    CreateCustomMessageOptions, CreateTextMessageOptions, ExtensionResult, Message,
    MessageExtension, MessageListResult,
};
use tcchat_core::types::NetState;
use tcchat_core::{
    ChatError, Client, ErrorCode, Event, EventName, LoginInfo, Options, Output, PendingSend,
    RequestId,
};
use tracing::Instrument;

use crate::driver::drive;
use crate::listeners::ListenerHandle;
use crate::logs::instance_span;
use crate::plugin::{HttpUploader, UploadPlugin, UPLOAD_PLUGIN_NAME};
use crate::registry;
use crate::runtime::BoxFuture;
use crate::runtime::Runtime;
use crate::shared::{lock, os_seed, unix_ms, Handler, Shared, State};
use bytes::Bytes;
use tcchat_core::client::{CreateMediaMessageOptions, MediaData, MediaSource, MEDIA_HEAD_BYTES};

/// Arguments of `login`.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct LoginOptions {
    /// `userID`.
    pub user_id: String,
    /// `userSig`, made with the app's secret key (TLSSigAPIv2).
    pub user_sig: String,
}

impl LoginOptions {
    /// Log in `user_id` with `user_sig`.
    pub fn new(user_id: impl Into<String>, user_sig: impl Into<String>) -> LoginOptions {
        LoginOptions {
            user_id: user_id.into(),
            user_sig: user_sig.into(),
        }
    }
}

/// A chat instance on runtime `R`; cheap to clone (all clones are the same
/// instance). Each runtime crate has a concrete `Chat` that dereferences to
/// this type and documents the behaviour to rely on (events, network state,
/// queue limits, kicks).
pub struct Chat<R: Runtime> {
    pub(crate) shared: Arc<Shared>,
    _runtime: PhantomData<fn() -> R>,
}

impl<R: Runtime> Clone for Chat<R> {
    fn clone(&self) -> Self {
        Chat {
            shared: Arc::clone(&self.shared),
            _runtime: PhantomData,
        }
    }
}

impl<R: Runtime> std::fmt::Debug for Chat<R> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let state = lock(&self.shared.state);
        f.debug_struct("Chat")
            .field("sdk_app_id", &state.client.sdk_app_id())
            .field("ready", &state.client.is_ready())
            .finish()
    }
}

impl<R: Runtime + Default> Chat<R> {
    /// `TencentCloudChat.create(options)`: the same instance for the same
    /// SDKAppID until it is destroyed; a new instance connects at once.
    ///
    /// # Panics
    ///
    /// Where the runtime needs a context (tokio), when called outside it.
    pub fn create(options: Options) -> Chat<R> {
        Self::create_on(R::default(), options)
    }

    /// A separate instance (see [`Chat::create_independent_on`]).
    ///
    /// # Panics
    ///
    /// As [`Chat::create`].
    pub fn create_independent(options: Options) -> Chat<R> {
        Self::create_independent_on(R::default(), options)
    }
}

impl<R: Runtime> Chat<R> {
    /// `TencentCloudChat.create(options)` on `runtime`: the same instance
    /// for the same SDKAppID until it is destroyed. Like the official SDK,
    /// a new instance connects at once. The runtime crates wrap this as
    /// `Chat::create(options)`.
    pub fn create_on(runtime: R, options: Options) -> Chat<R> {
        let sdk_app_id = options.sdk_app_id;
        registry::get_or_create(TypeId::of::<R>(), sdk_app_id, || {
            let chat = Self::build(runtime, options);
            (Arc::clone(&chat.shared), chat)
        })
    }

    /// A new instance that `create` does not hand out again: for processes
    /// that need several users of one SDKAppID at once (tests, tools,
    /// bridges). The official SDK has no such call; everything else about
    /// the instance is the same.
    pub fn create_independent_on(runtime: R, options: Options) -> Chat<R> {
        Self::build(runtime, options)
    }

    fn build(runtime: R, options: Options) -> Chat<R> {
        let (inbox, rx) = mpsc::unbounded();
        let span = instance_span(options.sdk_app_id);
        let client = Client::new(options, os_seed(), std::time::Instant::now(), unix_ms());
        let spawner = runtime.clone();
        let shared = Arc::new(Shared {
            state: Mutex::new(State {
                client,
                waiters: Default::default(),
                upload_plugin: None,
                default_uploader: Arc::new(HttpUploader::new(runtime.clone())),
                on_progress: std::collections::HashMap::new(),
            }),
            listeners: Mutex::new(Listeners::default()),
            streams: Mutex::new(Vec::new()),
            spawn: Box::new(move |task| spawner.spawn(task)),
            span: span.clone(),
            inbox,
        });
        let driver = drive(runtime.clone(), Arc::clone(&shared), rx).instrument(span);
        runtime.spawn(Box::pin(driver));
        Chat {
            shared,
            _runtime: PhantomData,
        }
    }

    /// Whether two handles are the same instance.
    pub fn same_instance(&self, other: &Chat<R>) -> bool {
        Arc::ptr_eq(&self.shared, &other.shared)
    }

    /// `setLogLevel(level)`: 0 debug (most logs), 1 release, 2 warnings,
    /// 3 errors, 4 none. Logs go through `tracing`; install a subscriber to
    /// see them.
    pub fn set_log_level(&self, level: u8) -> Result<(), ChatError> {
        lock(&self.shared.state).client.set_log_level(level)
    }

    /// `registerPlugin({'tim-upload-plugin': plugin})`. Only that name is
    /// accepted (2905 otherwise). See [`crate::plugin`].
    pub fn register_plugin(
        &self,
        name: &str,
        plugin: Arc<dyn UploadPlugin>,
    ) -> Result<(), ChatError> {
        if name != UPLOAD_PLUGIN_NAME {
            return Err(ChatError::new(
                ErrorCode::INVALID_OPERATION,
                format!("unknown plugin {name:?}; only {UPLOAD_PLUGIN_NAME:?} is supported"),
            ));
        }
        lock(&self.shared.state).upload_plugin = Some(plugin);
        Ok(())
    }

    /// Whether an upload plugin is registered.
    pub fn has_upload_plugin(&self) -> bool {
        lock(&self.shared.state).upload_plugin.is_some()
    }

    // ----- listeners ------------------------------------------------------

    fn add_listener(
        &self,
        event: EventName,
        handler: Handler,
        context: Option<Context>,
        once: bool,
    ) -> Result<ListenerHandle, ChatError> {
        let id = lock(&self.shared.listeners).add(event, handler, context, once)?;
        Ok(ListenerHandle::new(Arc::downgrade(&self.shared), event, id))
    }

    /// `on(eventName, handler)`. Handlers run on the SDK's driver task, in
    /// registration order; keep them short. Register before `login` to see
    /// every event. Fails with 2905 past 1,000 listeners for one event.
    pub fn on(
        &self,
        event: EventName,
        handler: impl Fn(&Event) + Send + Sync + 'static,
    ) -> Result<ListenerHandle, ChatError> {
        self.add_listener(event, Arc::new(handler), None, false)
    }

    /// `on(eventName, handler, context)`: the listener belongs to `context`,
    /// so `off` can remove a context's listeners together.
    pub fn on_with_context(
        &self,
        event: EventName,
        context: Context,
        handler: impl Fn(&Event) + Send + Sync + 'static,
    ) -> Result<ListenerHandle, ChatError> {
        self.add_listener(event, Arc::new(handler), Some(context), false)
    }

    /// `once(eventName, handler)`: removed after its first call.
    pub fn once(
        &self,
        event: EventName,
        handler: impl Fn(&Event) + Send + Sync + 'static,
    ) -> Result<ListenerHandle, ChatError> {
        self.add_listener(event, Arc::new(handler), None, true)
    }

    /// `off(eventName, handler, context, once)`: remove the listeners of
    /// `event` that match `filter` (see [`OffFilter`]); returns how many.
    pub fn off(&self, event: EventName, filter: &OffFilter) -> usize {
        lock(&self.shared.listeners).off(event, filter)
    }

    /// Remove one listener (same as `off` with its handler).
    pub fn off_listener(&self, handle: &ListenerHandle) -> bool {
        handle.remove()
    }

    /// Remove every listener of `context`, for all events.
    pub fn off_context(&self, context: &Context) -> usize {
        lock(&self.shared.listeners).off_context(context)
    }

    // ----- session ----------------------------------------------------------

    /// Run a command on the core and wait for its typed result: the one
    /// path every request method takes.
    pub(crate) fn submit<T: Output>(
        &self,
        f: impl FnOnce(&mut Client, std::time::Instant) -> Result<RequestId<T>, ChatError>,
    ) -> Reply<T> {
        let call = self
            .shared
            .with_client(|state, now| match f(&mut state.client, now) {
                Ok(id) if state.client.is_destroyed() => {
                    // The driver has stopped (or is stopping): nobody else will
                    // drain this completion, so take it here.
                    let mut result = None;
                    while let Some(c) = state.client.poll_completion() {
                        match c.take(id) {
                            Ok(r) => result = Some(r),
                            Err(c) => {
                                if let Some(waiter) = state.waiters.remove(&c.id()) {
                                    let _ = waiter.send(c);
                                }
                            }
                        }
                    }
                    Call::Done(Some(result.unwrap_or_else(|| {
                        Err(ChatError::new(
                            ErrorCode::LOGGED_OUT,
                            "the instance was destroyed",
                        ))
                    })))
                }
                Ok(id) => {
                    let (tx, rx) = oneshot::channel();
                    state.waiters.insert(id.erased(), tx);
                    Call::Waiting(id, rx)
                }
                Err(err) => Call::Done(Some(Err(err))),
            });
        Reply { call }
    }

    /// `login({userID, userSig})`. The request is sent when you call; the
    /// future resolves with the reply (SDK_READY has been emitted by then).
    pub fn login(&self, options: LoginOptions) -> Reply<LoginInfo> {
        self.shared.span.record("user", options.user_id.as_str());
        self.submit(|c, now| c.login(now, &options.user_id, &options.user_sig))
    }

    /// `logout()`. SDK_NOT_READY is emitted before the future resolves.
    pub fn logout(&self) -> Reply<()> {
        self.submit(|c, now| c.logout(now))
    }

    /// `destroy()`: log out, close the WebSocket, release. SDK_DESTROY is
    /// emitted before the future resolves, and no event follows it. A later
    /// `create` with the same SDKAppID makes a fresh instance.
    pub fn destroy(&self) -> Reply<()> {
        registry::forget(&self.shared);
        self.submit(|c, now| Ok(c.destroy(now)))
    }

    /// `isReady()`.
    pub fn is_ready(&self) -> bool {
        lock(&self.shared.state).client.is_ready()
    }

    /// `getLoginUser()`: the logged-in (or logging-in) user.
    pub fn get_login_user(&self) -> Option<String> {
        lock(&self.shared.state)
            .client
            .login_user()
            .map(str::to_owned)
    }

    /// `getServerTime()`: the server's time in Unix seconds, from the clock
    /// offset the last login measured (the local time before any login).
    /// Resolves at once; 3005 after `destroy`.
    pub fn get_server_time(&self) -> Reply<u64> {
        self.submit(|c, now| c.get_server_time(now))
    }

    /// The network state last reported with NET_STATE_CHANGE. Like the
    /// official SDK, an instance's first connection emits no
    /// NET_STATE_CHANGE (this reads `Connected` from the start); losing an
    /// established link reports `Connecting` (or `Disconnected` while
    /// nobody is logged in), and restoring it `Connected`.
    pub fn net_state(&self) -> NetState {
        lock(&self.shared.state).client.net_state()
    }

    // ----- messages ---------------------------------------------------------

    /// `createTextMessage({to, conversationType, payload: {text}})`.
    pub fn create_text_message(
        &self,
        options: &CreateTextMessageOptions,
    ) -> Result<Message, ChatError> {
        self.shared
            .with_client(|state, now| state.client.create_text_message(now, options))
    }

    /// `createImageMessage({to, conversationType, payload: {file}})`: the
    /// image's format and size are read from its header (PNG, JPEG, GIF,
    /// BMP, WebP; 2252 otherwise); over 20 MB: 2253. `send_message`
    /// uploads it first (docs/FILES.md).
    ///
    /// Each media `create*Message` takes bytes ([`MediaSource::new`]) or a
    /// path ([`MediaSource::path`]): a path's size and first 256 KiB are
    /// read here, and the send streams the file (a missing or unreadable
    /// file: 2251 for images, 2401 otherwise).
    pub fn create_image_message(
        &self,
        options: &CreateMediaMessageOptions,
    ) -> Result<Message, ChatError> {
        let options = look_at_files(options, ErrorCode::MSG_I_SELECT_F_FIRST)?;
        self.shared
            .with_client(|state, now| state.client.create_image_message(now, &options))
    }

    /// `createFileMessage({to, conversationType, payload: {file}})`; over
    /// 100 MB: 2402. `send_message` uploads it first.
    pub fn create_file_message(
        &self,
        options: &CreateMediaMessageOptions,
    ) -> Result<Message, ChatError> {
        let options = look_at_files(options, ErrorCode::MSG_F_SELECT_F_FIRST)?;
        self.shared
            .with_client(|state, now| state.client.create_file_message(now, &options))
    }

    /// `createAudioMessage({to, conversationType, payload: {file}})`, with
    /// its duration in `options.second`; over 20 MB: 2301.
    pub fn create_audio_message(
        &self,
        options: &CreateMediaMessageOptions,
    ) -> Result<Message, ChatError> {
        let options = look_at_files(options, ErrorCode::MSG_F_SELECT_F_FIRST)?;
        self.shared
            .with_client(|state, now| state.client.create_audio_message(now, &options))
    }

    /// `createVideoMessage({to, conversationType, payload: {file}})`, with
    /// its duration in `options.second`; over 100 MB: 2351. A snapshot in
    /// `options` (`with_snapshot`) is uploaded with the video.
    pub fn create_video_message(
        &self,
        options: &CreateMediaMessageOptions,
    ) -> Result<Message, ChatError> {
        let options = look_at_files(options, ErrorCode::MSG_F_SELECT_F_FIRST)?;
        self.shared
            .with_client(|state, now| state.client.create_video_message(now, &options))
    }

    /// `createFaceMessage({to, conversationType, payload: {index, data}})`.
    pub fn create_face_message(
        &self,
        to: &str,
        conversation_type: tcchat_core::types::ConversationType,
        face: tcchat_core::model::FacePayload,
    ) -> Result<Message, ChatError> {
        self.shared.with_client(|state, now| {
            state
                .client
                .create_face_message(now, to, conversation_type, face)
        })
    }

    /// `createLocationMessage({to, conversationType, payload: {description,
    /// longitude, latitude}})`; coordinates out of range: 2905.
    pub fn create_location_message(
        &self,
        to: &str,
        conversation_type: tcchat_core::types::ConversationType,
        location: tcchat_core::model::LocationPayload,
    ) -> Result<Message, ChatError> {
        self.shared.with_client(|state, now| {
            state
                .client
                .create_location_message(now, to, conversation_type, location)
        })
    }

    /// `createMergerMessage({to, conversationType, payload: {messageList,
    /// title, abstractList, compatibleText}})`: one message carrying
    /// several sent messages of one conversation. Bad input: 2450; merged
    /// messages over 1 MiB encoded: 80002. A large merger is stored on the
    /// server by `send_message` before the send (docs/FILES.md).
    pub fn create_merger_message(
        &self,
        options: &tcchat_core::model::CreateMergerMessageOptions,
    ) -> Result<Message, ChatError> {
        self.shared
            .with_client(|state, now| state.client.create_merger_message(now, options))
    }

    /// `downloadMergerMessage(message)`: the messages of a merger message,
    /// fetched from the server when they were stored there. 2450 not a
    /// merger, 2451 unusable key, 2452 refused by the server (not a
    /// participant, unknown key) or a malformed body.
    pub fn download_merger_message(
        &self,
        message: &Message,
    ) -> Reply<Vec<tcchat_core::model::MergedMessage>> {
        self.submit(|c, now| c.download_merger_message(now, message))
    }

    /// `createForwardMessage({to, conversationType, payload: message})`: a
    /// new message to `to` with the content of a sent or received message.
    /// 2453 when the message is not sent or is revoked, 2454 when its
    /// element cannot be forwarded (tips, notices, unknown elements).
    pub fn create_forward_message(
        &self,
        to: &str,
        conversation_type: tcchat_core::types::ConversationType,
        message: &Message,
    ) -> Result<Message, ChatError> {
        self.shared.with_client(|state, now| {
            state
                .client
                .create_forward_message(now, to, conversation_type, message)
        })
    }

    /// The official `onProgress` of the media `create*Message` calls:
    /// `on_progress(fraction)` (0 to 1) is called on the driver task while
    /// `message` uploads, until its send goes on or fails. Register it
    /// before `send_message`.
    pub fn on_upload_progress(
        &self,
        message: &Message,
        on_progress: impl Fn(f64) + Send + Sync + 'static,
    ) {
        lock(&self.shared.state)
            .on_progress
            .insert(message.id.clone(), Arc::new(on_progress));
    }

    /// Stop the upload of `message` (being sent): its send fails with 2400
    /// and nothing is sent. False when no upload of it is running (before
    /// the signature arrived, or after the upload ended).
    pub fn cancel_upload(&self, message: &Message) -> bool {
        self.shared
            .with_client(|state, now| state.client.cancel_upload(now, &message.id))
    }

    /// Download a file of a media message (its `file_url`, an image
    /// variant's `url`, …) through the upload plugin (the built-in one
    /// unless another is registered). Fails with 2400 when the server does
    /// not answer HTTP 200.
    pub fn download_file(&self, url: &str) -> BoxFuture<Result<Bytes, ChatError>> {
        let plugin = lock(&self.shared.state).uploader();
        let transfer = plugin.download(url.to_owned());
        Box::pin(async move {
            transfer.await.map_err(|why| {
                ChatError::new(
                    ErrorCode::MSG_F_UPLOAD_FAIL,
                    format!("download failed: {why}"),
                )
            })
        })
    }

    /// `sendMessage(message)`: resolves with the message as sent.
    pub fn send_message(&self, message: &Message) -> Reply<Message> {
        self.submit(|c, now| c.send_message(now, message))
    }

    /// The sends the server has not confirmed yet, oldest first: those
    /// waiting out an outage (their futures resolve once the server has
    /// them, or fail with 2805 when `Tuning::offline_window` is spent) and
    /// those on the live link.
    pub fn pending_sends(&self) -> Vec<PendingSend> {
        lock(&self.shared.state).client.pending_sends()
    }

    /// Cancel the pending send of message `message_id`: its `send_message`
    /// future fails with 2100 ("cancelled") and it is never sent
    /// afterwards. Fails with 2905 when no such send is pending and 2109
    /// while it is out on the live link (the server is answering it).
    pub fn cancel_pending_send(&self, message_id: &str) -> Result<(), ChatError> {
        self.shared
            .with_client(|state, now| state.client.cancel_pending_send(now, message_id))
    }

    /// `findMessage(messageID)`: a message this instance holds for the
    /// current user (sent, received, or loaded by `get_message_list`).
    pub fn find_message(&self, id: &str) -> Option<Message> {
        lock(&self.shared.state).client.find_message(id).cloned()
    }

    /// `createCustomMessage({to, conversationType, payload: {data,
    /// description, extension}})`.
    pub fn create_custom_message(
        &self,
        options: &CreateCustomMessageOptions,
    ) -> Result<Message, ChatError> {
        self.shared
            .with_client(|state, now| state.client.create_custom_message(now, options))
    }

    /// `revokeMessage(message)`: resolves with the message, `is_revoked`
    /// set. The peer and the user's other instances get MESSAGE_REVOKED.
    pub fn revoke_message(&self, message: &Message) -> Reply<Message> {
        self.submit(|c, now| c.revoke_message(now, message))
    }

    /// `modifyMessage(message)`: store `message`'s payload and
    /// `cloud_custom_data` as its new version; resolves with the message as
    /// the server now holds it (MESSAGE_MODIFIED fires here too). A version
    /// conflict fails with 2480, the server's version in
    /// [`ChatError::data_message`].
    pub fn modify_message(&self, message: &Message) -> Reply<Message> {
        self.submit(|c, now| c.modify_message(now, message))
    }

    /// `deleteMessage(messageList)`: delete messages of one conversation
    /// from this user's history; resolves with them, `is_deleted` set.
    pub fn delete_message(&self, messages: &[Message]) -> Reply<Vec<Message>> {
        self.submit(|c, now| c.delete_message(now, messages))
    }

    /// `setMessageRead({conversationID})`: report a C2C conversation read;
    /// the peer gets MESSAGE_READ_BY_PEER, the user's other instances mark
    /// it read.
    pub fn set_message_read(&self, conversation_id: &str) -> Reply<()> {
        self.submit(|c, now| c.set_message_read(now, conversation_id))
    }

    /// `sendMessageReadReceipt(messageList)`: read receipts for incoming
    /// messages sent with `need_read_receipt` (2114 when none is); the
    /// sender gets MESSAGE_READ_RECEIPT_RECEIVED.
    pub fn send_message_read_receipt(&self, messages: &[Message]) -> Reply<()> {
        self.submit(|c, now| c.send_message_read_receipt(now, messages))
    }

    /// `getMessageReadReceiptList(messageList)`: the held copies of
    /// messages of one conversation with their `read_receipt_info`. C2C:
    /// `is_peer_read`, answered locally. Group: `read_count` and
    /// `unread_count` of your messages sent with `need_read_receipt`,
    /// asked from the server.
    ///
    /// Errors: 2105 a message not held here, 2106 another conversation
    /// type, 2905 messages of more than one group (or group and C2C mixed).
    pub fn get_message_read_receipt_list(&self, messages: &[Message]) -> Reply<Vec<Message>> {
        self.submit(|c, now| c.get_message_read_receipt_list(now, messages))
    }

    /// `setMessageExtensions(message, extensions)`: resolves with one result
    /// per key. Needs purchase bit 13 and a message sent with
    /// `is_support_extension`.
    pub fn set_message_extensions(
        &self,
        message: &Message,
        extensions: &[MessageExtension],
    ) -> Reply<Vec<ExtensionResult>> {
        self.submit(|c, now| c.set_message_extensions(now, message, extensions))
    }

    /// `getMessageExtensions(message)`: the message's extensions.
    pub fn get_message_extensions(&self, message: &Message) -> Reply<Vec<MessageExtension>> {
        self.submit(|c, now| c.get_message_extensions(now, message))
    }

    /// `deleteMessageExtensions(message, keyList)`: delete `keys`, or every
    /// key when `None`.
    pub fn delete_message_extensions(
        &self,
        message: &Message,
        keys: Option<&[String]>,
    ) -> Reply<Vec<ExtensionResult>> {
        self.submit(|c, now| c.delete_message_extensions(now, message, keys))
    }

    /// `getMessageList({conversationID, nextReqMessageID})`: a page of a
    /// conversation, oldest first; pass the result's
    /// `next_req_message_id` for the page before it. A `GROUP<id>` of an
    /// `AVChatRoom` has no server history: its pages are the messages this
    /// instance holds (docs/GROUPS.md, "AVChatRoom").
    pub fn get_message_list(
        &self,
        conversation_id: &str,
        next_req_message_id: Option<&str>,
    ) -> Reply<MessageListResult> {
        self.submit(|c, now| c.get_message_list(now, conversation_id, next_req_message_id))
    }
}

/// Conversations, unread counts and conversation groups.
impl<R: Runtime> Chat<R> {
    /// `getConversationList()`: the conversations, pinned first, then by
    /// last message time (newest first); with `conversation_ids`, only
    /// those. Local.
    pub fn get_conversation_list(
        &self,
        conversation_ids: Option<&[String]>,
    ) -> Result<Vec<Conversation>, ChatError> {
        self.shared
            .with_client(|state, _| state.client.get_conversation_list(conversation_ids))
    }

    /// `getConversationProfile(conversationID)`: the conversation (an empty
    /// one for a C2C conversation without messages yet). Local.
    pub fn get_conversation_profile(
        &self,
        conversation_id: &str,
    ) -> Result<Conversation, ChatError> {
        self.shared
            .with_client(|state, _| state.client.get_conversation_profile(conversation_id))
    }

    /// `getTotalUnreadMessageCount()`. Local.
    pub fn get_total_unread_message_count(&self) -> Result<u64, ChatError> {
        self.shared
            .with_client(|state, _| state.client.get_total_unread_message_count())
    }

    /// `setConversationDraft({conversationID, draftText})`: kept on this
    /// instance only; returns the conversation (CONVERSATION_LIST_UPDATED
    /// follows).
    pub fn set_conversation_draft(
        &self,
        conversation_id: &str,
        draft_text: &str,
    ) -> Result<Conversation, ChatError> {
        self.shared.with_client(|state, _| {
            state
                .client
                .set_conversation_draft(conversation_id, draft_text)
        })
    }

    /// `deleteConversation(conversationID)`: deletes it and its history on
    /// the server; resolves with its ID. The user's other instances get the
    /// change by push.
    pub fn delete_conversation(&self, conversation_id: &str) -> Reply<String> {
        self.submit(|c, now| c.delete_conversation(now, conversation_id))
    }

    /// `pinConversation({conversationID, isPinned})`: resolves with its ID.
    pub fn pin_conversation(&self, conversation_id: &str, is_pinned: bool) -> Reply<String> {
        self.submit(|c, now| c.pin_conversation(now, conversation_id, is_pinned))
    }

    /// `createConversationGroup({groupName, conversationIDList})`. Needs
    /// purchase bit 10 (3122 otherwise).
    pub fn create_conversation_group(
        &self,
        group_name: &str,
        conversation_ids: &[String],
    ) -> Reply<ConversationGroupResult> {
        self.submit(|c, now| c.create_conversation_group(now, group_name, conversation_ids))
    }

    /// `deleteConversationGroup(groupName)`.
    pub fn delete_conversation_group(&self, group_name: &str) -> Reply<()> {
        self.submit(|c, now| c.delete_conversation_group(now, group_name))
    }

    /// `renameConversationGroup({oldName, newName})`.
    pub fn rename_conversation_group(&self, old_name: &str, new_name: &str) -> Reply<()> {
        self.submit(|c, now| c.rename_conversation_group(now, old_name, new_name))
    }

    /// `addConversationsToGroup({groupName, conversationIDList})`.
    pub fn add_conversations_to_group(
        &self,
        group_name: &str,
        conversation_ids: &[String],
    ) -> Reply<ConversationGroupResult> {
        self.submit(|c, now| c.add_conversations_to_group(now, group_name, conversation_ids))
    }

    /// `deleteConversationsFromGroup({groupName, conversationIDList})`.
    pub fn delete_conversations_from_group(
        &self,
        group_name: &str,
        conversation_ids: &[String],
    ) -> Reply<ConversationGroupResult> {
        self.submit(|c, now| c.delete_conversations_from_group(now, group_name, conversation_ids))
    }

    /// `getConversationGroupList()`: the group names. Local; needs purchase
    /// bit 10.
    pub fn get_conversation_group_list(&self) -> Result<Vec<String>, ChatError> {
        self.shared
            .with_client(|state, _| state.client.get_conversation_group_list())
    }
}

/// A call whose result comes later.
enum Call<T> {
    Done(Option<Result<T, ChatError>>),
    Waiting(RequestId<T>, oneshot::Receiver<tcchat_core::Completion>),
}

/// The result of an API call that needs the server. The request was already
/// submitted when the method returned; awaiting only waits for the outcome,
/// and dropping it does not cancel the request.
#[must_use = "the request is already sent; await the Reply to learn its outcome"]
pub struct Reply<T> {
    call: Call<T>,
}

impl<T> Unpin for Reply<T> {}

impl<T: Output> Future for Reply<T> {
    type Output = Result<T, ChatError>;

    fn poll(mut self: Pin<&mut Self>, cx: &mut TaskContext<'_>) -> Poll<Self::Output> {
        Poll::Ready(match &mut self.call {
            Call::Done(result) => result.take().unwrap_or_else(|| {
                Err(ChatError::new(
                    ErrorCode::INVALID_OPERATION,
                    "Reply polled after completion",
                ))
            }),
            Call::Waiting(id, rx) => match Pin::new(rx).poll(cx) {
                Poll::Pending => return Poll::Pending,
                // The driver hands each waiter the completion of its own ID.
                Poll::Ready(Ok(completion)) => completion
                    .take(*id)
                    .expect("the driver routes a completion to the waiter of its ID"),
                // The instance went away with the request unanswered.
                Poll::Ready(Err(oneshot::Canceled)) => Err(ChatError::new(
                    ErrorCode::LOGGED_OUT,
                    "the instance was destroyed",
                )),
            },
        })
    }
}

/// Read the size and first bytes of every path in `options` (the file and
/// a video's snapshot); a missing or unreadable file is refused with `code`.
fn look_at_files(
    options: &CreateMediaMessageOptions,
    code: ErrorCode,
) -> Result<std::borrow::Cow<'_, CreateMediaMessageOptions>, ChatError> {
    use std::borrow::Cow;
    let is_path = |s: &MediaSource| matches!(s.data, MediaData::Path(_));
    if !is_path(&options.file) && !options.snapshot.as_ref().is_some_and(is_path) {
        return Ok(Cow::Borrowed(options));
    }
    let mut options = options.clone();
    look_at_file(&mut options.file, code)?;
    if let Some(snapshot) = &mut options.snapshot {
        look_at_file(snapshot, code)?;
    }
    Ok(Cow::Owned(options))
}

/// A [`MediaData::Path`] source as [`MediaData::File`]: its size and its
/// first [`MEDIA_HEAD_BYTES`].
fn look_at_file(source: &mut MediaSource, code: ErrorCode) -> Result<(), ChatError> {
    use std::io::Read;
    let MediaData::Path(path) = &source.data else {
        return Ok(());
    };
    let shown: String = path.display().to_string().chars().take(200).collect();
    let refused = |why: String| ChatError::new(code, format!("cannot read {shown}: {why}"));
    let file = std::fs::File::open(path).map_err(|e| refused(e.to_string()))?;
    let meta = file.metadata().map_err(|e| refused(e.to_string()))?;
    if !meta.is_file() {
        return Err(refused("not a regular file".to_owned()));
    }
    let mut head = Vec::with_capacity(MEDIA_HEAD_BYTES.min(meta.len() as usize));
    file.take(MEDIA_HEAD_BYTES as u64)
        .read_to_end(&mut head)
        .map_err(|e| refused(e.to_string()))?;
    source.data = MediaData::File {
        path: path.clone(),
        size: meta.len(),
        head: Bytes::from(head),
    };
    Ok(())
}
