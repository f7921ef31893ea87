//! [`StoreHandle`]: the async face of the store.

use std::path::{Path, PathBuf};
use std::sync::{Arc, Condvar, Mutex, PoisonError};

use super::{Store, StoreError};

/// Most reading connections a handle opens: a tab load, a recount and a search can then run at
/// once, on different cores, beside a refresh's writes.
const MAX_READERS: usize = 3;

/// The async face of the store: a shared handle whose calls run on tokio's blocking pool.
/// The UI thread never calls it; the worker and the refresher do.
///
/// It may hold reading connections beside the writing one: long reads (counts over hundreds of
/// thousands of articles) then run beside a refresh's writes and beside each other, so a
/// recount never holds up the tab the user is looking at; SQLite's WAL mode lets readers and
/// one writer work at once.
#[derive(Clone)]
pub struct StoreHandle {
    writer: Arc<Mutex<Store>>,
    readers: Readers,
}

#[derive(Clone)]
enum Readers {
    /// Reads share the writing connection.
    Writer,
    /// Reads take a connection from a pool that opens more on demand.
    Pool(Arc<ReaderPool>),
}

/// Reading connections: idle ones wait in `idle`; a read that finds none opens another, up
/// to [`MAX_READERS`], and past that waits for one to come back.
struct ReaderPool {
    path: PathBuf,
    state: Mutex<PoolState>,
    returned: Condvar,
}

struct PoolState {
    idle: Vec<Store>,
    opened: usize,
}

impl ReaderPool {
    fn take(&self) -> Result<Store, StoreError> {
        // A panic while holding the lock leaves the list of idle connections intact.
        let mut state = self.state.lock().unwrap_or_else(PoisonError::into_inner);
        loop {
            if let Some(store) = state.idle.pop() {
                return Ok(store);
            }
            if state.opened < MAX_READERS {
                state.opened += 1;
                drop(state);
                return Store::open(&self.path).inspect_err(|_| {
                    let mut state = self.state.lock().unwrap_or_else(PoisonError::into_inner);
                    state.opened -= 1;
                });
            }
            state = self
                .returned
                .wait(state)
                .unwrap_or_else(PoisonError::into_inner);
        }
    }

    fn give_back(&self, store: Store) {
        let mut state = self.state.lock().unwrap_or_else(PoisonError::into_inner);
        state.idle.push(store);
        drop(state);
        self.returned.notify_one();
    }
}

impl StoreHandle {
    /// Wraps an open store; reads and writes share its one connection.
    pub fn new(store: Store) -> Self {
        Self {
            writer: Arc::new(Mutex::new(store)),
            readers: Readers::Writer,
        }
    }

    /// Opens the database at `path` with a writing connection and one reading connection,
    /// opening more reading connections when reads overlap.
    pub fn open(path: &Path) -> Result<Self, StoreError> {
        let writer = Store::open(path)?;
        let reader = Store::open(path)?;
        let pool = ReaderPool {
            path: path.to_path_buf(),
            state: Mutex::new(PoolState {
                idle: vec![reader],
                opened: 1,
            }),
            returned: Condvar::new(),
        };
        Ok(Self {
            writer: Arc::new(Mutex::new(writer)),
            readers: Readers::Pool(Arc::new(pool)),
        })
    }

    async fn blocking<T, F>(f: F) -> Result<T, StoreError>
    where
        T: Send + 'static,
        F: FnOnce() -> Result<T, StoreError> + Send + 'static,
    {
        tokio::task::spawn_blocking(f)
            .await
            .map_err(|e| StoreError::Background(e.to_string()))?
    }

    fn with_writer<T>(
        writer: &Mutex<Store>,
        f: impl FnOnce(&mut Store) -> Result<T, StoreError>,
    ) -> Result<T, StoreError> {
        // A panic while holding the lock leaves SQLite itself consistent (transactions roll
        // back on drop), so a poisoned lock is safe to reuse.
        let mut store = writer.lock().unwrap_or_else(PoisonError::into_inner);
        f(&mut store)
    }

    /// Runs `f` with exclusive access to the writing connection on a blocking thread.
    pub async fn call<T, F>(&self, f: F) -> Result<T, StoreError>
    where
        T: Send + 'static,
        F: FnOnce(&mut Store) -> Result<T, StoreError> + Send + 'static,
    {
        let writer = self.writer.clone();
        Self::blocking(move || Self::with_writer(&writer, f)).await
    }

    /// Runs a read-only `f` on a reading connection (the writing one if there is no other).
    pub async fn read<T, F>(&self, f: F) -> Result<T, StoreError>
    where
        T: Send + 'static,
        F: FnOnce(&mut Store) -> Result<T, StoreError> + Send + 'static,
    {
        match &self.readers {
            Readers::Writer => self.call(f).await,
            Readers::Pool(pool) => {
                let pool = pool.clone();
                Self::blocking(move || {
                    let mut store = pool.take()?;
                    // Dropped, not returned, if `f` panics: the pool then opens a new one.
                    let result = f(&mut store);
                    pool.give_back(store);
                    result
                })
                .await
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Two reads that each wait for the other can only finish if they run at once.
    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn overlapping_reads_run_on_separate_connections() {
        let dir = tempfile::tempdir().unwrap();
        let handle = StoreHandle::open(&dir.path().join("khabar.db")).unwrap();
        let barrier = Arc::new(std::sync::Barrier::new(2));
        let read = |barrier: Arc<std::sync::Barrier>| {
            let handle = handle.clone();
            async move {
                handle
                    .read(move |_| {
                        barrier.wait();
                        Ok(())
                    })
                    .await
            }
        };
        let both = async { tokio::join!(read(barrier.clone()), read(barrier.clone())) };
        let (a, b) = tokio::time::timeout(std::time::Duration::from_secs(10), both)
            .await
            .expect("the second read waited for the first");
        a.unwrap();
        b.unwrap();
    }

    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn reads_beyond_the_pool_wait_for_a_connection() {
        let dir = tempfile::tempdir().unwrap();
        let handle = StoreHandle::open(&dir.path().join("khabar.db")).unwrap();
        let reads = (0..MAX_READERS * 4).map(|n| {
            let handle = handle.clone();
            async move {
                handle
                    .read(move |s| {
                        std::thread::sleep(std::time::Duration::from_millis(5));
                        Ok(s.connection()
                            .query_row("SELECT ?1", [n as i64], |r| r.get::<_, i64>(0))?)
                    })
                    .await
            }
        });
        let got = futures::future::join_all(reads).await;
        let got: Vec<i64> = got.into_iter().map(Result::unwrap).collect();
        assert_eq!(got, (0..MAX_READERS as i64 * 4).collect::<Vec<_>>());
        let Readers::Pool(pool) = &handle.readers else {
            panic!("a handle opened on a path has a pool");
        };
        let state = pool.state.lock().unwrap();
        assert!(state.opened <= MAX_READERS, "{} opened", state.opened);
        assert_eq!(state.idle.len(), state.opened);
    }
}
