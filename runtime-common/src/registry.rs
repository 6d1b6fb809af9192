//! `create` returns the same instance for the same SDKAppID while it lives.

use std::any::{Any, TypeId};
use std::collections::HashMap;
use std::sync::{Arc, Mutex, OnceLock, Weak};

use crate::shared::{lock, Shared};

type Key = (TypeId, u64);
type Entry = (Weak<Shared>, Arc<dyn Any + Send + Sync>);
type Table = Mutex<HashMap<Key, Entry>>;

fn table() -> &'static Table {
    static TABLE: OnceLock<Table> = OnceLock::new();
    TABLE.get_or_init(Default::default)
}

/// The live instance for `(runtime, sdk_app_id)`, or a new one from `make`.
/// `handle` is what callers get back (the runtime's `Chat`).
pub(crate) fn get_or_create<H: Any + Clone + Send + Sync>(
    runtime: TypeId,
    sdk_app_id: u64,
    make: impl FnOnce() -> (Arc<Shared>, H),
) -> H {
    let mut table = lock(table());
    if let Some((weak, handle)) = table.get(&(runtime, sdk_app_id)) {
        if weak.strong_count() > 0 {
            if let Some(h) = handle.downcast_ref::<H>() {
                return h.clone();
            }
        }
    }
    let (shared, handle) = make();
    table.insert(
        (runtime, sdk_app_id),
        (Arc::downgrade(&shared), Arc::new(handle.clone())),
    );
    handle
}

/// Forget the instance backed by `shared` (it was destroyed), so the next
/// `create` makes a fresh one.
pub(crate) fn forget(shared: &Arc<Shared>) {
    lock(table()).retain(|_, (weak, _)| !std::ptr::eq(weak.as_ptr(), Arc::as_ptr(shared)));
}
