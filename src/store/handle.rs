//! [`StoreHandle`]: the async face of the store.

use std::path::Path;

use super::{Store, StoreError};

/// The async face of the store: a shared handle whose calls run on tokio's blocking pool.
/// The UI thread never calls it; the worker and the refresher do.
///
/// It may hold a second, read-only connection: long reads (tab loads, counts over hundreds of
/// thousands of articles) then run beside the writes of a refresh instead of queueing behind
/// them; SQLite's WAL mode lets readers and one writer work at once.
#[derive(Clone)]
pub struct StoreHandle {
    writer: std::sync::Arc<std::sync::Mutex<Store>>,
    reader: std::sync::Arc<std::sync::Mutex<Store>>,
}

impl StoreHandle {
    /// Wraps an open store; reads and writes share its one connection.
    pub fn new(store: Store) -> Self {
        let writer = std::sync::Arc::new(std::sync::Mutex::new(store));
        Self {
            reader: writer.clone(),
            writer,
        }
    }

    /// Opens the database at `path` with a writing and a reading connection.
    pub fn open(path: &Path) -> Result<Self, StoreError> {
        let writer = Store::open(path)?;
        let reader = Store::open(path)?;
        Ok(Self {
            writer: std::sync::Arc::new(std::sync::Mutex::new(writer)),
            reader: std::sync::Arc::new(std::sync::Mutex::new(reader)),
        })
    }

    async fn run<T, F>(conn: std::sync::Arc<std::sync::Mutex<Store>>, f: F) -> Result<T, StoreError>
    where
        T: Send + 'static,
        F: FnOnce(&mut Store) -> Result<T, StoreError> + Send + 'static,
    {
        tokio::task::spawn_blocking(move || {
            // A panic while holding the lock leaves SQLite itself consistent (transactions roll
            // back on drop), so a poisoned lock is safe to reuse.
            let mut store = conn
                .lock()
                .unwrap_or_else(std::sync::PoisonError::into_inner);
            f(&mut store)
        })
        .await
        .map_err(|e| StoreError::Background(e.to_string()))?
    }

    /// Runs `f` with exclusive access to the writing connection on a blocking thread.
    pub async fn call<T, F>(&self, f: F) -> Result<T, StoreError>
    where
        T: Send + 'static,
        F: FnOnce(&mut Store) -> Result<T, StoreError> + Send + 'static,
    {
        Self::run(self.writer.clone(), f).await
    }

    /// Runs a read-only `f` on the reading connection (the writing one if there is no other).
    pub async fn read<T, F>(&self, f: F) -> Result<T, StoreError>
    where
        T: Send + 'static,
        F: FnOnce(&mut Store) -> Result<T, StoreError> + Send + 'static,
    {
        Self::run(self.reader.clone(), f).await
    }
}
