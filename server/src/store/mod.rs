//! Storage behind the engine: a small synchronous [`Store`] trait with a
//! SQLite implementation ([`SqliteStore`], a file or `:memory:`) and a plain
//! in-memory one ([`MemoryStore`], for tests and deterministic simulation).
//!
//! Every key includes the SDKAppID: data never crosses applications.

mod error;
mod memory;
mod record;
mod sqlite;

pub use error::StoreError;
pub use memory::MemoryStore;
pub use record::{Account, Appended, NewMessage, SessionRecord, StoredMessage};
pub use sqlite::SqliteStore;

/// What the engine needs from storage.
///
/// Calls are synchronous and short; the engine calls them while handling an
/// input. Implementations must make [`append_message`](Store::append_message)
/// atomic: either the message, its inbox entry and its idempotency record
/// are all stored, or none is. A persistent implementation must also make
/// every write durable against a crash of the process by the time the call
/// returns: the engine replies to a `sendmsg` (and hands out an A2 key) right
/// after, and a reply is a promise that the data survives a restart.
pub trait Store {
    /// A value of the server's own metadata (for example the database
    /// epoch that cookies carry).
    fn meta(&mut self, key: &str) -> Result<Option<String>, StoreError>;

    /// Set a metadata value.
    fn set_meta(&mut self, key: &str, value: &str) -> Result<(), StoreError>;

    /// The account `user` of `app`, if it exists.
    fn account(&mut self, app: u64, user: &str) -> Result<Option<Account>, StoreError>;

    /// The account `user` of `app`, created (with the next tiny ID) if it
    /// does not exist yet.
    fn ensure_account(&mut self, app: u64, user: &str, now_ms: u64) -> Result<Account, StoreError>;

    /// Store a C2C message in the inbox of `msg.to`, unless a message from
    /// the same sender with the same `msg_seq` and `msg_random` was stored
    /// before, in which case nothing changes and the earlier result is
    /// returned. Creates the recipient's account if needed.
    fn append_message(&mut self, app: u64, msg: &NewMessage) -> Result<Appended, StoreError>;

    /// Up to `limit` inbox entries of `owner` with a sequence above
    /// `after`, in sequence order.
    fn inbox_after(
        &mut self,
        app: u64,
        owner: &str,
        after: u64,
        limit: usize,
    ) -> Result<Vec<StoredMessage>, StoreError>;

    /// The highest inbox sequence of `owner` (0 when the inbox is empty).
    fn inbox_head(&mut self, app: u64, owner: &str) -> Result<u64, StoreError>;

    /// `owner`'s delivered cursor: the inbox sequence up to which every
    /// message has been acknowledged or synced (0 at first).
    fn cursor(&mut self, app: u64, owner: &str) -> Result<u64, StoreError>;

    /// Move the delivered cursor forward to `to` (never backwards); returns
    /// the cursor after the call.
    fn advance_cursor(&mut self, app: u64, owner: &str, to: u64) -> Result<u64, StoreError>;

    /// Every stored session, oldest login first (including kicked ones and
    /// ones that may have expired since; the caller filters).
    fn sessions(&mut self) -> Result<Vec<SessionRecord>, StoreError>;

    /// Insert or replace the session with `record.a2_hash`. Must be durable
    /// when it returns (the A2 key is handed out right after).
    fn put_session(&mut self, record: &SessionRecord) -> Result<(), StoreError>;

    /// Forget the session with this A2 hash (a no-op if there is none).
    fn delete_session(&mut self, a2_hash: &str) -> Result<(), StoreError>;

    /// Forget every session whose `expires_ms` is at or before `now_ms`;
    /// returns how many went.
    fn delete_expired_sessions(&mut self, now_ms: u64) -> Result<usize, StoreError>;

    /// Make everything written so far durable (called on shutdown).
    fn flush(&mut self) -> Result<(), StoreError>;
}
