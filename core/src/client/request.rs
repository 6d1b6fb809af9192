//! Requests: the typed IDs callers wait on, their completions, and the
//! requests in flight or queued (matched to replies by servcmd + seq).
//!
//! Each kind of request is a type implementing [`Request`], kept in the
//! module of its feature beside the API call that makes it: what it sends,
//! how its reply completes it and how it fails live in one place. The core
//! handles every pending request through the trait; nothing here names a
//! particular command (see `README.md` in this directory).

use std::any::Any;
use std::fmt;
use std::marker::PhantomData;
use std::time::{Duration, Instant};

use serde_json::value::RawValue;

use super::{Client, ConnId};
use crate::error::ChatError;
use crate::wire::Frame;

/// Identifies a user command whose result, a `T`, arrives later as a
/// [`Completion`]; [`Completion::take`] gives the `T` back.
pub struct RequestId<T> {
    raw: AnyRequestId,
    _output: PhantomData<fn() -> T>,
}

impl<T> RequestId<T> {
    pub(crate) fn new(raw: u64) -> RequestId<T> {
        RequestId {
            raw: AnyRequestId(raw),
            _output: PhantomData,
        }
    }

    /// The untyped ID, as [`Completion::id`] reports it.
    pub fn erased(self) -> AnyRequestId {
        self.raw
    }
}

impl<T> Clone for RequestId<T> {
    fn clone(&self) -> Self {
        *self
    }
}
impl<T> Copy for RequestId<T> {}
impl<T> PartialEq for RequestId<T> {
    fn eq(&self, other: &Self) -> bool {
        self.raw == other.raw
    }
}
impl<T> Eq for RequestId<T> {}
impl<T> PartialOrd for RequestId<T> {
    fn partial_cmp(&self, other: &Self) -> Option<std::cmp::Ordering> {
        Some(self.cmp(other))
    }
}
impl<T> Ord for RequestId<T> {
    fn cmp(&self, other: &Self) -> std::cmp::Ordering {
        self.raw.cmp(&other.raw)
    }
}
impl<T> std::hash::Hash for RequestId<T> {
    fn hash<H: std::hash::Hasher>(&self, state: &mut H) {
        self.raw.hash(state);
    }
}
impl<T> fmt::Debug for RequestId<T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        self.raw.fmt(f)
    }
}
impl<T> PartialEq<AnyRequestId> for RequestId<T> {
    fn eq(&self, other: &AnyRequestId) -> bool {
        self.raw == *other
    }
}
impl<T> PartialEq<RequestId<T>> for AnyRequestId {
    fn eq(&self, other: &RequestId<T>) -> bool {
        *self == other.raw
    }
}
impl<T> From<RequestId<T>> for AnyRequestId {
    fn from(id: RequestId<T>) -> AnyRequestId {
        id.raw
    }
}

/// A [`RequestId`] without its result type: what a driver keys its waiters
/// by, since one queue of completions serves every command.
#[derive(Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct AnyRequestId(u64);

impl fmt::Debug for AnyRequestId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "RequestId({})", self.0)
    }
}

/// A command's result value: any `Send + Debug` type (blanket
/// implemented). It lets one [`Completion`] queue carry every command's
/// result while [`Completion::take`] returns it typed.
pub trait Output: Any + Send + fmt::Debug {
    /// The value as `Any`, to check its type.
    fn as_any(&self) -> &dyn Any;
    /// The value as `Any`, to take it out.
    fn into_any(self: Box<Self>) -> Box<dyn Any>;
}

impl<T: Any + Send + fmt::Debug> Output for T {
    fn as_any(&self) -> &dyn Any {
        self
    }
    fn into_any(self: Box<Self>) -> Box<dyn Any> {
        self
    }
}

/// The result of a user command.
pub struct Completion {
    id: AnyRequestId,
    result: Result<Box<dyn Output>, ChatError>,
}

impl Completion {
    pub(crate) fn new<T: Output>(id: RequestId<T>, result: Result<T, ChatError>) -> Completion {
        Completion {
            id: id.raw,
            result: result.map(|v| Box::new(v) as Box<dyn Output>),
        }
    }

    /// The command, as returned when it was issued.
    pub fn id(&self) -> AnyRequestId {
        self.id
    }

    /// The outcome, untyped (for logging; [`take`](Completion::take) gives
    /// the typed value).
    pub fn result(&self) -> Result<&dyn Output, &ChatError> {
        self.result.as_deref()
    }

    /// The error, if the command failed.
    pub fn error(&self) -> Option<&ChatError> {
        self.result.as_ref().err()
    }

    /// The typed outcome of `id`, or the completion back when it belongs to
    /// another command. This is the one place a result is turned back into
    /// its type: a `RequestId<T>` is only ever completed with a `T`, so for
    /// the command's own ID the check always passes.
    pub fn take<T: Output>(self, id: RequestId<T>) -> Result<Result<T, ChatError>, Completion> {
        if self.id != id.raw {
            return Err(self);
        }
        match self.result {
            Err(err) => Ok(Err(err)),
            Ok(value) if Output::as_any(&*value).is::<T>() => {
                match value.into_any().downcast::<T>() {
                    Ok(value) => Ok(Ok(*value)),
                    Err(_) => unreachable!("the type was checked just above"),
                }
            }
            // Same number, other type: an ID of another client instance.
            Ok(value) => Err(Completion {
                id: self.id,
                result: Ok(value),
            }),
        }
    }
}

impl fmt::Debug for Completion {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Completion")
            .field("id", &self.id)
            .field("result", &self.result)
            .finish()
    }
}

/// Which login a request is, for the identity it goes out with and how its
/// errors are read.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum LoginKind {
    /// The user's `login`: signed with the UserSig being logged in.
    First,
    /// Re-login after a reconnect; `with_sig` when falling back to the
    /// UserSig because the A2 was refused.
    Again { with_sig: bool },
}

/// Any value as `Any` (blanket implemented), so the client can ask whether
/// a request of some kind is in flight (`is::<T>()`).
pub(crate) trait AsAny {
    fn as_any(&self) -> &dyn Any;
}

impl<T: Any> AsAny for T {
    fn as_any(&self) -> &dyn Any {
        self
    }
}

/// One kind of request: what its reply, its failure and its timeout do.
/// Implemented beside the API call that sends it.
pub(crate) trait Request: AsAny + fmt::Debug + Send + 'static {
    /// Whether the SDK sent it for itself (no user command waits on it):
    /// such requests do not count against `max_pending_requests`.
    fn is_internal(&self) -> bool {
        false
    }

    /// Whether it asks the server to change state the server keeps: when
    /// it times out after going out, the server may still apply it, so the
    /// client syncs to learn the outcome.
    fn is_change(&self) -> bool {
        false
    }

    /// Whether it is part of the sync a login starts (the conversation
    /// list, groups and purchase bits): one still pending from a dead link
    /// gets a whole timeout again when the next login goes live.
    fn is_login_sync(&self) -> bool {
        false
    }

    /// `Some` for a login; every other request needs a live session.
    fn login(&self) -> Option<LoginKind> {
        None
    }

    /// Whether it waits out an outage (see [`Hold`]): its request timeout
    /// runs only while a live session carries it, and only the offline
    /// window (`Tuning::offline_window`) fails it while no link is up. Every
    /// change a user asked for does; the SDK's own requests and queries do
    /// not (a query keeps the official behaviour: its timeout runs on).
    fn holds_through_outage(&self) -> bool {
        self.is_change() && !self.is_internal() && self.login().is_none()
    }

    /// The command and its message, when it is a `send_message` (listed
    /// by `pending_sends`, cancelled by `cancel_pending_send`).
    fn pending_send(&self) -> Option<(AnyRequestId, &crate::model::Message)> {
        None
    }

    /// The server answered. `status` is the reply's `ErrorCode` read as a
    /// result; `frame` holds the body.
    fn on_reply(
        self: Box<Self>,
        client: &mut Client,
        now: Instant,
        status: Result<(), ChatError>,
        frame: &Frame,
    );

    /// It failed without a reply: the session ended, the server's answer
    /// was a kick, or (by default) it timed out.
    fn on_failed(self: Box<Self>, client: &mut Client, err: ChatError);

    /// No reply came in time; `sent` when it went out on a link.
    fn on_timeout(self: Box<Self>, client: &mut Client, now: Instant, err: ChatError, sent: bool) {
        let change = sent && self.is_change();
        self.on_failed(client, err);
        if change {
            client.resync_after_late_change(now);
        }
    }
}

/// What a [`Call`] does with its reply: complete its command (or, for a
/// command of several requests, queue the next one with the same ID).
pub(crate) trait OnReply<T>:
    FnOnce(&mut Client, Instant, RequestId<T>, Result<(), ChatError>, &Frame) + Send + 'static
{
}

impl<T, F> OnReply<T> for F where
    F: FnOnce(&mut Client, Instant, RequestId<T>, Result<(), ChatError>, &Frame) + Send + 'static
{
}

/// The request of most user commands: a reply handler, and a failure
/// without a reply that completes the command with that error. A command
/// with other needs (internal requests, logins, a failure that must undo
/// local state) implements [`Request`] on a type of its own.
pub(crate) struct Call<T, F> {
    id: RequestId<T>,
    change: bool,
    on_reply: F,
}

impl<T: Output, F: OnReply<T>> Call<T, F> {
    /// A request that only reads what the server keeps.
    pub(crate) fn query(id: RequestId<T>, on_reply: F) -> Self {
        Call {
            id,
            change: false,
            on_reply,
        }
    }

    /// A request that changes what the server keeps ([`Request::is_change`]).
    pub(crate) fn change(id: RequestId<T>, on_reply: F) -> Self {
        Call {
            id,
            change: true,
            on_reply,
        }
    }
}

impl<T, F> fmt::Debug for Call<T, F> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Call")
            .field("id", &self.id)
            .field("change", &self.change)
            .finish_non_exhaustive()
    }
}

impl<T: Output, F: OnReply<T>> Request for Call<T, F> {
    fn is_change(&self) -> bool {
        self.change
    }

    fn on_reply(
        self: Box<Self>,
        client: &mut Client,
        now: Instant,
        status: Result<(), ChatError>,
        frame: &Frame,
    ) {
        (self.on_reply)(client, now, self.id, status, frame);
    }

    fn on_failed(self: Box<Self>, client: &mut Client, err: ChatError) {
        client.complete(self.id, Err(err));
    }
}

impl dyn Request {
    /// Whether this request is a `T`.
    pub(crate) fn is<T: Request>(&self) -> bool {
        self.as_any().is::<T>()
    }

    /// This request as a `T`, if it is one.
    pub(crate) fn downcast_ref<T: Request>(&self) -> Option<&T> {
        self.as_any().downcast_ref::<T>()
    }
}

/// How the time limits of a request that waits out outages
/// ([`Request::holds_through_outage`]) run. Two budgets: its request
/// timeout, spent only while a live session carries it, and the offline
/// window, spent only while none does. [`Pending::deadline`] is when the
/// budget now running ends.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Hold {
    /// Not such a request: `deadline` is its request timeout, running
    /// whatever the link does.
    No,
    /// Waiting for a live session: `deadline` ends the offline window;
    /// `timeout_left` is what its request timeout still has.
    Offline { timeout_left: Duration },
    /// Written on the live link at `since`: `deadline` is its request
    /// timeout; `window_left` is what the offline window still has.
    Live {
        window_left: Duration,
        since: Instant,
    },
}

#[derive(Debug)]
pub(crate) struct Pending {
    pub(crate) seq: u64,
    pub(crate) servcmd: &'static str,
    pub(crate) body: Box<RawValue>,
    pub(crate) reqtime: u64,
    pub(crate) deadline: Instant,
    /// How its deadline runs through outages.
    pub(crate) hold: Hold,
    /// When the command was made.
    pub(crate) queued_at: Instant,
    /// Whether it was ever written to a link (the server may have it).
    pub(crate) ever_sent: bool,
    /// Live links on which a held request's timeout passed unanswered.
    pub(crate) unanswered_links: u32,
    /// How long live links have carried a held request, unanswered, in all.
    pub(crate) live_spent: Duration,
    pub(crate) purpose: Box<dyn Request>,
    /// The link it was last written to; `None` while queued.
    pub(crate) sent_on: Option<ConnId>,
}

impl Pending {
    /// A request made at `now` that times out after `timeout`, or, when
    /// its kind is held through outages, spends `timeout` only while a
    /// live session carries it and `window` only while none does (it
    /// starts waiting for one: [`Pending::went_live`] starts its timeout).
    pub(crate) fn new(
        (seq, servcmd): (u64, &'static str),
        body: Box<RawValue>,
        reqtime: u64,
        (now, timeout, window): (Instant, Duration, Duration),
        purpose: Box<dyn Request>,
    ) -> Pending {
        let (deadline, hold) = if purpose.holds_through_outage() {
            (
                now + window,
                Hold::Offline {
                    timeout_left: timeout,
                },
            )
        } else {
            (now + timeout, Hold::No)
        };
        Pending {
            seq,
            servcmd,
            body,
            reqtime,
            deadline,
            hold,
            queued_at: now,
            ever_sent: false,
            unanswered_links: 0,
            live_spent: Duration::ZERO,
            purpose,
            sent_on: None,
        }
    }

    /// It is being written on a live session at `now`: its request timeout
    /// runs again.
    pub(crate) fn went_live(&mut self, now: Instant) {
        if let Hold::Offline { timeout_left } = self.hold {
            let window_left = self.deadline.saturating_duration_since(now);
            self.deadline = now + timeout_left;
            self.hold = Hold::Live {
                window_left,
                since: now,
            };
        }
        self.ever_sent = true;
    }

    /// The session carrying it is gone at `now`: the offline window runs
    /// again. The next link gets a whole `limits.timeout` (a link that
    /// died carried it for reasons of its own; the new one must not be
    /// abandoned for that), as long as live links have carried it
    /// unanswered for less than `limits.live_budget()` in all.
    pub(crate) fn went_offline(&mut self, now: Instant, limits: LiveLimits) {
        if let Hold::Live { window_left, since } = self.hold {
            self.live_spent += now.saturating_duration_since(since);
            self.deadline = now + window_left;
            self.hold = Hold::Offline {
                timeout_left: limits.next_timeout(self.live_spent),
            };
        }
    }

    /// Whether its deadline, when due, ends the offline window (rather
    /// than the request timeout).
    pub(crate) fn window_due(&self) -> bool {
        matches!(self.hold, Hold::Offline { .. })
    }
}

/// How long live links may carry a held request unanswered: `timeout` on
/// one link, and `links` whole timeouts in all (`Tuning::request_timeout`
/// and `Tuning::unanswered_links`).
#[derive(Debug, Clone, Copy)]
pub(crate) struct LiveLimits {
    pub(crate) timeout: Duration,
    pub(crate) links: u32,
}

impl LiveLimits {
    /// The timeout on the next link for a request that live links have
    /// carried for `spent`: a whole one, or what is left of the budget.
    fn next_timeout(self, spent: Duration) -> Duration {
        let budget = self.timeout.saturating_mul(self.links.max(1));
        self.timeout.min(budget.saturating_sub(spent))
    }
}

/// Pending requests in seq order of creation, and the counters that
/// number requests (the wire `seq`) and commands (`RequestId`).
#[derive(Debug)]
pub(crate) struct Requests {
    items: Vec<Pending>,
    /// The next wire `seq`.
    next_seq: u64,
    /// The next command ID.
    next_id: u64,
}

impl Requests {
    /// Highest request seq before it is re-randomized (as the official SDK).
    const SEQ_WRAP: u64 = 0x8FFF_FFFF;

    /// Requests numbered from `first_seq` (random, as the official SDK).
    pub(crate) fn new(first_seq: u64) -> Requests {
        Requests {
            items: Vec::new(),
            next_seq: first_seq,
            next_id: 1,
        }
    }

    /// A wire `seq` for a new frame; past [`Self::SEQ_WRAP`] it starts
    /// again from a random value, as the official SDK does.
    pub(crate) fn alloc_seq(&mut self, rng: &mut impl rand_core::RngCore) -> u64 {
        let seq = self.next_seq;
        self.next_seq += 1;
        if self.next_seq > Self::SEQ_WRAP {
            self.next_seq = rng.next_u64() % 100_000_000;
        }
        seq
    }

    /// The ID of a new command.
    pub(crate) fn next_id<T>(&mut self) -> RequestId<T> {
        let id = RequestId::new(self.next_id);
        self.next_id += 1;
        id
    }

    pub(crate) fn len(&self) -> usize {
        self.items.len()
    }

    pub(crate) fn push(&mut self, p: Pending) {
        self.items.push(p);
    }

    pub(crate) fn take(&mut self, servcmd: &str, seq: u64) -> Option<Pending> {
        let i = self
            .items
            .iter()
            .position(|p| p.seq == seq && p.servcmd == servcmd)?;
        Some(self.items.remove(i))
    }

    pub(crate) fn take_expired(&mut self, now: Instant) -> Option<Pending> {
        let i = self.items.iter().position(|p| p.deadline <= now)?;
        Some(self.items.remove(i))
    }

    /// Remove every request matching `pred`.
    pub(crate) fn drain_where(&mut self, mut pred: impl FnMut(&Pending) -> bool) -> Vec<Pending> {
        let mut out = Vec::new();
        let mut i = 0;
        while i < self.items.len() {
            if pred(&self.items[i]) {
                out.push(self.items.remove(i));
            } else {
                i += 1;
            }
        }
        out
    }

    pub(crate) fn next_deadline(&self) -> Option<Instant> {
        self.items.iter().map(|p| p.deadline).min()
    }

    pub(crate) fn iter_mut(&mut self) -> impl Iterator<Item = &mut Pending> {
        self.items.iter_mut()
    }

    /// How many requests match `pred`.
    pub(crate) fn count(&self, pred: impl Fn(&Pending) -> bool) -> usize {
        self.items.iter().filter(|p| pred(p)).count()
    }

    pub(crate) fn any(&self, pred: impl Fn(&Pending) -> bool) -> bool {
        self.items.iter().any(pred)
    }

    /// Whether a request of kind `T` is queued or in flight.
    pub(crate) fn has<T: Request>(&self) -> bool {
        self.any(|p| p.purpose.is::<T>())
    }

    /// Forget which link requests went out on (the link died at `now`):
    /// all will be resent, with their seq, on the next one, and those held
    /// through outages stop spending their request timeout.
    pub(crate) fn mark_unsent(&mut self, now: Instant, limits: LiveLimits) {
        for p in &mut self.items {
            p.sent_on = None;
            p.went_offline(now, limits);
        }
    }

    /// Held requests whose timeout passed on the live link unanswered,
    /// fewer than `limits.links` times so far: the link is suspect, so
    /// they wait for the next one with a whole timeout again (within the
    /// live budget; they are resent with their seq, and the server
    /// deduplicates changes). Returns how many there were.
    pub(crate) fn requeue_unanswered(&mut self, now: Instant, limits: LiveLimits) -> usize {
        let mut n = 0;
        for p in &mut self.items {
            let Hold::Live { window_left, since } = p.hold else {
                continue;
            };
            if p.deadline > now || p.unanswered_links + 1 >= limits.links {
                continue;
            }
            p.unanswered_links += 1;
            p.live_spent += now.saturating_duration_since(since);
            p.sent_on = None;
            p.deadline = now + window_left;
            p.hold = Hold::Offline {
                timeout_left: limits.next_timeout(p.live_spent),
            };
            n += 1;
        }
        n
    }

    pub(crate) fn iter(&self) -> impl Iterator<Item = &Pending> {
        self.items.iter()
    }
}
