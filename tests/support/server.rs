//! Minimal loopback HTTP/1.1 server for tests and benchmarks.
//!
//! Self-contained (tokio only, no HTTP crates) so it can be pulled in with
//! `#[path = "support/server.rs"] mod server;` from an integration test or
//! `#[path = "../tests/support/server.rs"] mod server;` from a bench.
//!
//! * binds `127.0.0.1:0` (or one port on each of `127.0.0.1`, `127.0.0.2`, ... with
//!   [`TestServer::start_blocking_hosts`], all serving the same routes: distinct hosts for
//!   clients with per-host limits), HTTP/1.1 keep-alive with `Content-Length` framing,
//!   `Connection: close` honoured, request bodies (`Content-Length` or chunked) read;
//! * unknown path -> 404; the query string is part of the path key;
//! * conditional GET: `If-None-Match` against the route's `ETag` (weak comparison),
//!   else `If-Modified-Since` equal (string) to the route's `Last-Modified` -> 304;
//! * per-route delay plus a server-wide default delay, slept asynchronously; a route may also
//!   drip its response one byte at a time ([`Route::with_drip`]);
//! * counters: hits per path, total hits, peak concurrent in-flight requests (overall and on
//!   any one host), responses by status, bytes of bodies sent, accepted connections, and
//!   recorded requests (header names lowercased).
//!
//! Async test (server runs on the test's runtime):
//! ```ignore
//! let srv = TestServer::start().await;
//! srv.route("/feed.xml", Route::ok(xml, "application/rss+xml").with_etag("v1"));
//! let body = reqwest::get(srv.url("/feed.xml")).await?.text().await?;
//! assert_eq!(srv.hits("/feed.xml"), 1);
//! ```
//! Sync test / `assert_cmd` (server has its own runtime on a background thread):
//! ```ignore
//! let srv = TestServer::start_blocking();
//! srv.route("/feed.xml", Route::ok(xml, "application/rss+xml"));
//! Command::cargo_bin("khabar")?.arg(srv.url("/feed.xml")).assert().success();
//! ```
//! Use `start_blocking()` whenever the test thread itself blocks (runs a child process,
//! `std::thread::sleep`, blocking I/O) inside an async test: a `start()` server lives on
//! that runtime and, on a `current_thread` runtime, would not be polled while it blocks.
#![allow(dead_code)]

use std::collections::HashMap;
use std::io;
use std::net::{Ipv4Addr, SocketAddr};
use std::sync::atomic::{AtomicU64, AtomicUsize, Ordering};
use std::sync::{Arc, Mutex, MutexGuard, PoisonError};
use std::time::Duration;

use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::{TcpListener, TcpSocket, TcpStream};
use tokio::sync::watch;

/// Largest accepted request head (request line + headers).
const MAX_HEAD: usize = 64 * 1024;
/// Largest accepted request body.
const MAX_BODY: usize = 16 * 1024 * 1024;

/// What the server answers for one path.
#[derive(Clone, Debug)]
pub struct Route {
    pub status: u16,
    /// Extra response headers (`Content-Length`, `Connection` and
    /// `Transfer-Encoding` given here are ignored: the server does the framing).
    pub headers: Vec<(String, String)>,
    pub body: Vec<u8>,
    /// Slept (asynchronously) before answering, on top of the default delay.
    pub delay: Duration,
    /// Sent as `ETag` (quoted automatically if given bare, e.g. `v1` -> `"v1"`).
    pub etag: Option<String>,
    /// Sent verbatim as `Last-Modified`.
    pub last_modified: Option<String>,
    /// When set, the whole response (head and body) is written one byte at a time, this long
    /// apart: a slow-drip server.
    pub drip: Option<Duration>,
}

impl Route {
    /// 200 with `body` and `Content-Type: content_type`.
    pub fn ok(body: impl Into<Vec<u8>>, content_type: &str) -> Self {
        Self {
            status: 200,
            headers: vec![("Content-Type".to_owned(), content_type.to_owned())],
            body: body.into(),
            delay: Duration::ZERO,
            etag: None,
            last_modified: None,
            drip: None,
        }
    }

    /// Bare status with an empty body (e.g. `Route::status(500)`).
    pub const fn status(code: u16) -> Self {
        Self {
            status: code,
            headers: Vec::new(),
            body: Vec::new(),
            delay: Duration::ZERO,
            etag: None,
            last_modified: None,
            drip: None,
        }
    }

    /// 301 with `Location: to` (`to` may be absolute or a path).
    pub fn redirect(to: &str) -> Self {
        Self::status(301).with_header("Location", to)
    }

    #[must_use]
    pub const fn with_status(mut self, code: u16) -> Self {
        self.status = code;
        self
    }

    #[must_use]
    pub fn with_etag(mut self, etag: &str) -> Self {
        let etag = etag.trim();
        let etag = if etag.starts_with('"') || etag.starts_with("W/") {
            etag.to_owned()
        } else {
            format!("\"{etag}\"")
        };
        self.etag = Some(etag);
        self
    }

    #[must_use]
    pub fn with_last_modified(mut self, last_modified: &str) -> Self {
        self.last_modified = Some(last_modified.to_owned());
        self
    }

    #[must_use]
    pub const fn with_delay(mut self, delay: Duration) -> Self {
        self.delay = delay;
        self
    }

    /// Writes the response one byte every `interval` (see [`Route::drip`]).
    #[must_use]
    pub const fn with_drip(mut self, interval: Duration) -> Self {
        self.drip = Some(interval);
        self
    }

    /// Adds a header; replaces an existing one of the same name (case-insensitive).
    #[must_use]
    pub fn with_header(mut self, name: impl Into<String>, value: impl Into<String>) -> Self {
        let name = name.into();
        self.headers.retain(|(k, _)| !k.eq_ignore_ascii_case(&name));
        self.headers.push((name, value.into()));
        self
    }
}

/// One request as the server saw it.
#[derive(Clone, Debug)]
pub struct RecordedRequest {
    pub method: String,
    /// Request target including the query string, e.g. `/feed.xml?page=2`.
    pub path: String,
    /// Header names lowercased, values trimmed, in arrival order.
    pub headers: Vec<(String, String)>,
    pub body: Vec<u8>,
}

impl RecordedRequest {
    /// First value of header `name` (case-insensitive).
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|(k, _)| k.eq_ignore_ascii_case(name))
            .map(|(_, v)| v.as_str())
    }
}

/// Answers every request for one path (any query string) from what the request says: a fake
/// API with state of its own.
pub type Handler = Arc<dyn Fn(&RecordedRequest) -> Route + Send + Sync>;

#[derive(Default)]
struct State {
    routes: Mutex<HashMap<String, Route>>,
    handlers: Mutex<HashMap<String, Handler>>,
    requests: Mutex<HashMap<String, Vec<RecordedRequest>>>,
    total: AtomicUsize,
    in_flight: AtomicUsize,
    peak: AtomicUsize,
    /// In flight now and at most, by host (listener) index.
    host_in_flight: Mutex<HashMap<usize, (usize, usize)>>,
    statuses: Mutex<HashMap<u16, usize>>,
    body_bytes: AtomicU64,
    connections: AtomicUsize,
    default_delay_nanos: AtomicU64,
}

fn lock<T>(m: &Mutex<T>) -> MutexGuard<'_, T> {
    m.lock().unwrap_or_else(PoisonError::into_inner)
}

/// A running loopback server; stops when dropped (or via [`TestServer::stop`]).
pub struct TestServer {
    addr: SocketAddr,
    /// Every bound address; `addrs[0] == addr`.
    addrs: Vec<SocketAddr>,
    state: Arc<State>,
    shutdown: Option<watch::Sender<()>>,
    task: Option<tokio::task::JoinHandle<()>>,
    thread: Option<std::thread::JoinHandle<()>>,
}

impl TestServer {
    /// Binds `127.0.0.1:0` and spawns the accept loop on the current tokio runtime.
    ///
    /// # Panics
    /// If the socket cannot be bound, or when called outside a tokio runtime.
    #[allow(clippy::unused_async)] // async on purpose: documents "needs a runtime"
    pub async fn start() -> Self {
        let listener = bind().unwrap_or_else(|e| panic!("test server: bind 127.0.0.1:0: {e}"));
        let addr = listener
            .local_addr()
            .unwrap_or_else(|e| panic!("test server: local_addr: {e}"));
        let state = Arc::new(State::default());
        let (tx, rx) = watch::channel(());
        let task = tokio::spawn(accept_loop(listener, 0, Arc::clone(&state), rx));
        Self {
            addr,
            addrs: vec![addr],
            state,
            shutdown: Some(tx),
            task: Some(task),
            thread: None,
        }
    }

    /// Same as [`TestServer::start`] but runs its own 2-worker tokio runtime on a
    /// background std thread; usable from plain `#[test]`s (and from async code).
    ///
    /// # Panics
    /// If the thread or runtime cannot be created or the socket cannot be bound.
    pub fn start_blocking() -> Self {
        Self::start_blocking_hosts(1)
    }

    /// As [`TestServer::start_blocking`], listening on `hosts` loopback addresses
    /// (`127.0.0.1`, `127.0.0.2`, ...; all of `127.0.0.0/8` is loopback on Linux), each on its
    /// own port, all serving the same routes and counting into the same counters.
    ///
    /// # Panics
    /// As [`TestServer::start_blocking`]; also if `hosts` is 0 or over 254.
    pub fn start_blocking_hosts(hosts: usize) -> Self {
        assert!((1..=254).contains(&hosts), "test server: 1 to 254 hosts");
        let state = Arc::new(State::default());
        let (tx, rx) = watch::channel(());
        let (addr_tx, addr_rx) = std::sync::mpsc::channel::<io::Result<Vec<SocketAddr>>>();
        let thread_state = Arc::clone(&state);
        let thread = std::thread::Builder::new()
            .name("test-http-server".to_owned())
            .spawn(move || {
                let rt = match tokio::runtime::Builder::new_multi_thread()
                    .worker_threads(2)
                    .thread_name("test-http-worker")
                    .enable_all()
                    .build()
                {
                    Ok(rt) => rt,
                    Err(e) => {
                        let _ = addr_tx.send(Err(e));
                        return;
                    }
                };
                rt.block_on(async move {
                    let mut listeners = Vec::with_capacity(hosts);
                    for host in 0..hosts {
                        // `hosts` <= 254 was checked above.
                        let ip = Ipv4Addr::new(127, 0, 0, u8::try_from(host + 1).unwrap_or(1));
                        match bind_on(ip).and_then(|l| Ok((l.local_addr()?, l))) {
                            Ok(bound) => listeners.push(bound),
                            Err(e) => {
                                let _ = addr_tx.send(Err(e));
                                return;
                            }
                        }
                    }
                    let _ = addr_tx.send(Ok(listeners.iter().map(|(a, _)| *a).collect()));
                    let loops = listeners.into_iter().enumerate().map(|(host, (_, l))| {
                        accept_loop(l, host, Arc::clone(&thread_state), rx.clone())
                    });
                    futures_join_all(loops).await;
                });
                // Dropping `rt` here cancels any connection tasks still alive.
                rt.shutdown_timeout(Duration::from_secs(1));
            })
            .unwrap_or_else(|e| panic!("test server: spawn thread: {e}"));
        let addrs = match addr_rx.recv() {
            Ok(Ok(addrs)) => addrs,
            Ok(Err(e)) => panic!("test server: runtime/bind failed: {e}"),
            Err(e) => panic!("test server: server thread died during start-up: {e}"),
        };
        Self {
            addr: addrs[0],
            addrs,
            state,
            shutdown: Some(tx),
            task: None,
            thread: Some(thread),
        }
    }

    pub const fn addr(&self) -> SocketAddr {
        self.addr
    }

    /// Every address listened on, `127.0.0.1`'s first.
    pub fn addrs(&self) -> &[SocketAddr] {
        &self.addrs
    }

    /// `http://127.0.0.N:PORT/path` on the host of index `host` (0 is `127.0.0.1`).
    ///
    /// # Panics
    /// If the server does not listen on that many hosts.
    pub fn host_url(&self, host: usize, path: &str) -> String {
        format!(
            "http://{}/{}",
            self.addrs[host],
            path.trim_start_matches('/')
        )
    }

    /// `http://127.0.0.1:PORT`
    pub fn base_url(&self) -> String {
        format!("http://{}", self.addr)
    }

    /// `http://127.0.0.1:PORT/path` (a missing leading `/` is added).
    pub fn url(&self, path: &str) -> String {
        if path.starts_with('/') {
            format!("http://{}{path}", self.addr)
        } else {
            format!("http://{}/{path}", self.addr)
        }
    }

    /// Adds or replaces the route for `path` (query string included in the key).
    pub fn route(&self, path: &str, route: Route) {
        lock(&self.state.routes).insert(normalize(path), route);
    }

    /// Answers requests for `path` (whatever their query string) with `handler`, unless a
    /// route matches the full target.
    pub fn handle(
        &self,
        path: &str,
        handler: impl Fn(&RecordedRequest) -> Route + Send + Sync + 'static,
    ) {
        lock(&self.state.handlers).insert(normalize(path), Arc::new(handler));
    }

    pub fn remove_route(&self, path: &str) {
        lock(&self.state.routes).remove(&normalize(path));
    }

    /// Requests received for `path` (counted when the request head arrives, so a
    /// request whose client timed out during the delay still counts).
    pub fn hits(&self, path: &str) -> usize {
        lock(&self.state.requests)
            .get(&normalize(path))
            .map_or(0, Vec::len)
    }

    pub fn total_hits(&self) -> usize {
        self.state.total.load(Ordering::SeqCst)
    }

    /// Highest number of requests in flight at once (head received, response not yet written).
    pub fn peak_concurrency(&self) -> usize {
        self.state.peak.load(Ordering::SeqCst)
    }

    /// Highest number of requests in flight at once to any one host.
    pub fn peak_host_concurrency(&self) -> usize {
        lock(&self.state.host_in_flight)
            .values()
            .map(|(_, peak)| *peak)
            .max()
            .unwrap_or(0)
    }

    /// Responses sent with status `code` (304s included).
    pub fn responses_with(&self, code: u16) -> usize {
        lock(&self.state.statuses).get(&code).copied().unwrap_or(0)
    }

    /// Bytes of response bodies sent.
    pub fn body_bytes(&self) -> u64 {
        self.state.body_bytes.load(Ordering::SeqCst)
    }

    /// Forgets the counters (hits, statuses, peaks, bytes, recorded requests), not the routes.
    pub fn reset_counters(&self) {
        lock(&self.state.requests).clear();
        lock(&self.state.statuses).clear();
        lock(&self.state.host_in_flight).clear();
        self.state.total.store(0, Ordering::SeqCst);
        self.state.peak.store(0, Ordering::SeqCst);
        self.state.body_bytes.store(0, Ordering::SeqCst);
        self.state.connections.store(0, Ordering::SeqCst);
    }

    /// TCP connections accepted so far (keep-alive reuse shows as connections < hits).
    pub fn connections(&self) -> usize {
        self.state.connections.load(Ordering::SeqCst)
    }

    pub fn requests(&self, path: &str) -> Vec<RecordedRequest> {
        lock(&self.state.requests)
            .get(&normalize(path))
            .cloned()
            .unwrap_or_default()
    }

    /// Latency added to every response (on top of each route's own delay).
    pub fn set_default_delay(&self, delay: Duration) {
        let nanos = u64::try_from(delay.as_nanos()).unwrap_or(u64::MAX);
        self.state
            .default_delay_nanos
            .store(nanos, Ordering::SeqCst);
    }

    /// Stops accepting, closes open connections (same as dropping).
    pub fn stop(self) {
        drop(self);
    }
}

impl Drop for TestServer {
    fn drop(&mut self) {
        // Dropping the sender wakes every task waiting on `changed()`.
        drop(self.shutdown.take());
        if let Some(task) = self.task.take() {
            task.abort();
        }
        if let Some(thread) = self.thread.take() {
            let _ = thread.join();
        }
    }
}

fn normalize(path: &str) -> String {
    if path.starts_with('/') {
        path.to_owned()
    } else {
        format!("/{path}")
    }
}

fn bind() -> io::Result<TcpListener> {
    bind_on(Ipv4Addr::LOCALHOST)
}

fn bind_on(ip: Ipv4Addr) -> io::Result<TcpListener> {
    let socket = TcpSocket::new_v4()?;
    socket.set_reuseaddr(true)?;
    socket.bind(SocketAddr::from((ip, 0)))?;
    socket.listen(1024)
}

/// Polls every future to completion (the server depends on tokio only, not `futures`).
async fn futures_join_all<F: std::future::Future<Output = ()> + Send + 'static>(
    futures: impl IntoIterator<Item = F>,
) {
    let tasks: Vec<_> = futures.into_iter().map(tokio::spawn).collect();
    for task in tasks {
        let _ = task.await;
    }
}

async fn accept_loop(
    listener: TcpListener,
    host: usize,
    state: Arc<State>,
    mut shutdown: watch::Receiver<()>,
) {
    loop {
        let accepted = tokio::select! {
            r = listener.accept() => r,
            _ = shutdown.changed() => return,
        };
        match accepted {
            Ok((stream, _)) => {
                state.connections.fetch_add(1, Ordering::SeqCst);
                let state = Arc::clone(&state);
                let mut shutdown = shutdown.clone();
                tokio::spawn(async move {
                    tokio::select! {
                        () = serve_connection(stream, host, state) => {}
                        _ = shutdown.changed() => {}
                    }
                });
            }
            // EMFILE and friends: back off briefly instead of spinning.
            Err(_) => tokio::time::sleep(Duration::from_millis(5)).await,
        }
    }
}

struct Request {
    method: String,
    target: String,
    headers: Vec<(String, String)>,
    body: Vec<u8>,
    keep_alive: bool,
}

impl Request {
    fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|(k, _)| k == name)
            .map(|(_, v)| v.as_str())
    }
}

/// Decrements the in-flight counters even if the task is cancelled mid-response.
struct InFlight<'a>(&'a State, usize);

impl<'a> InFlight<'a> {
    fn enter(state: &'a State, host: usize) -> Self {
        let now = state.in_flight.fetch_add(1, Ordering::SeqCst) + 1;
        state.peak.fetch_max(now, Ordering::SeqCst);
        let mut hosts = lock(&state.host_in_flight);
        let (now, peak) = hosts.entry(host).or_default();
        *now += 1;
        *peak = (*peak).max(*now);
        InFlight(state, host)
    }
}

impl Drop for InFlight<'_> {
    fn drop(&mut self) {
        self.0.in_flight.fetch_sub(1, Ordering::SeqCst);
        if let Some((now, _)) = lock(&self.0.host_in_flight).get_mut(&self.1) {
            *now = now.saturating_sub(1);
        }
    }
}

async fn serve_connection(mut stream: TcpStream, host: usize, state: Arc<State>) {
    let _ = stream.set_nodelay(true);
    let mut buf: Vec<u8> = Vec::with_capacity(4096);
    loop {
        let req = match read_request(&mut stream, &mut buf).await {
            Ok(Some(req)) => req,
            Ok(None) => return,
            Err(e) => {
                // Malformed request: answer 400 if the socket still works, then close.
                if e.kind() == io::ErrorKind::InvalidData {
                    let _ = stream
                        .write_all(b"HTTP/1.1 400 Bad Request\r\nContent-Length: 0\r\nConnection: close\r\n\r\n")
                        .await;
                }
                return;
            }
        };
        let _guard = InFlight::enter(&state, host);
        state.total.fetch_add(1, Ordering::SeqCst);
        lock(&state.requests)
            .entry(req.target.clone())
            .or_default()
            .push(RecordedRequest {
                method: req.method.clone(),
                path: req.target.clone(),
                headers: req.headers.clone(),
                body: req.body.clone(),
            });
        let mut route = lock(&state.routes).get(&req.target).cloned();
        if route.is_none() {
            let path = req.target.split('?').next().unwrap_or_default().to_owned();
            let handler = lock(&state.handlers).get(&path).cloned();
            if let Some(handler) = handler {
                route = Some(handler(&RecordedRequest {
                    method: req.method.clone(),
                    path: req.target.clone(),
                    headers: req.headers.clone(),
                    body: req.body.clone(),
                }));
            }
        }
        let default_delay = Duration::from_nanos(state.default_delay_nanos.load(Ordering::SeqCst));
        let delay = default_delay + route.as_ref().map_or(Duration::ZERO, |r| r.delay);
        if !delay.is_zero() {
            tokio::time::sleep(delay).await;
        }
        let (response, status, body_len) = build_response(&req, route.as_ref());
        *lock(&state.statuses).entry(status).or_default() += 1;
        state
            .body_bytes
            .fetch_add(body_len as u64, Ordering::SeqCst);
        if let Some(interval) = route.as_ref().and_then(|r| r.drip) {
            for byte in response.chunks(1) {
                if stream.write_all(byte).await.is_err() {
                    return;
                }
                tokio::time::sleep(interval).await;
            }
        } else if stream.write_all(&response).await.is_err() {
            return;
        }
        if !req.keep_alive {
            let _ = stream.shutdown().await;
            return;
        }
    }
}

fn find_subslice(hay: &[u8], needle: &[u8]) -> Option<usize> {
    hay.windows(needle.len()).position(|w| w == needle)
}

/// Makes sure `buf` holds at least `n` bytes; `Ok(false)` on clean EOF before that.
async fn fill(stream: &mut TcpStream, buf: &mut Vec<u8>, n: usize) -> io::Result<bool> {
    while buf.len() < n {
        if read_more(stream, buf).await? == 0 {
            return Ok(false);
        }
    }
    Ok(true)
}

/// Appends whatever is available (up to 16 KiB) to `buf`; 0 means EOF.
async fn read_more(stream: &mut TcpStream, buf: &mut Vec<u8>) -> io::Result<usize> {
    buf.reserve(16 * 1024);
    stream.read_buf(buf).await
}

fn invalid(msg: &str) -> io::Error {
    io::Error::new(io::ErrorKind::InvalidData, msg.to_owned())
}

/// Reads one request (head + body) from `stream`, keeping pipelined leftovers in `buf`.
async fn read_request(stream: &mut TcpStream, buf: &mut Vec<u8>) -> io::Result<Option<Request>> {
    let mut searched: usize = 0;
    let head_end = loop {
        // Tolerate stray CRLFs between requests (RFC 9112 §2.2).
        while buf.starts_with(b"\r\n") {
            buf.drain(..2);
            searched = 0;
        }
        if let Some(pos) = find_subslice(&buf[searched.saturating_sub(3)..], b"\r\n\r\n") {
            break searched.saturating_sub(3) + pos;
        }
        searched = buf.len();
        if buf.len() > MAX_HEAD {
            return Err(invalid("request head too large"));
        }
        if read_more(stream, buf).await? == 0 {
            return Ok(None); // client closed (possibly mid-request)
        }
    };
    let head = String::from_utf8_lossy(&buf[..head_end]).into_owned();
    buf.drain(..head_end + 4);

    let mut lines = head.split("\r\n");
    let request_line = lines.next().unwrap_or_default();
    let mut parts = request_line.split_ascii_whitespace();
    let (Some(method), Some(target), version) = (parts.next(), parts.next(), parts.next()) else {
        return Err(invalid("bad request line"));
    };
    let http10 = version == Some("HTTP/1.0");
    let mut headers = Vec::new();
    for line in lines {
        if let Some((k, v)) = line.split_once(':') {
            headers.push((k.trim().to_ascii_lowercase(), v.trim().to_owned()));
        }
    }
    // absolute-form (proxy style) -> origin-form
    let target = match target.strip_prefix("http://") {
        Some(rest) => rest
            .find('/')
            .map_or_else(|| "/".to_owned(), |i| rest[i..].to_owned()),
        None => target.to_owned(),
    };
    let mut req = Request {
        method: method.to_owned(),
        target,
        headers,
        body: Vec::new(),
        keep_alive: true,
    };

    let connection = req
        .header("connection")
        .map(str::to_ascii_lowercase)
        .unwrap_or_default();
    req.keep_alive = if http10 {
        connection.split(',').any(|t| t.trim() == "keep-alive")
    } else {
        !connection.split(',').any(|t| t.trim() == "close")
    };

    let chunked = req
        .header("transfer-encoding")
        .is_some_and(|te| te.to_ascii_lowercase().contains("chunked"));
    if chunked {
        req.body = read_chunked(stream, buf).await?;
    } else if let Some(len) = req.header("content-length") {
        let len: usize = len.parse().map_err(|_| invalid("bad content-length"))?;
        if len > MAX_BODY {
            return Err(invalid("body too large"));
        }
        if !fill(stream, buf, len).await? {
            return Ok(None);
        }
        req.body = buf.drain(..len).collect();
    }
    Ok(Some(req))
}

async fn read_chunked(stream: &mut TcpStream, buf: &mut Vec<u8>) -> io::Result<Vec<u8>> {
    let eof = || io::Error::new(io::ErrorKind::UnexpectedEof, "eof in chunked body");
    let mut body = Vec::new();
    loop {
        let line_end = loop {
            if let Some(p) = find_subslice(buf, b"\r\n") {
                break p;
            }
            if buf.len() > MAX_HEAD {
                return Err(invalid("chunk size line too long"));
            }
            let want = buf.len() + 1;
            if !fill(stream, buf, want).await? {
                return Err(eof());
            }
        };
        let line = String::from_utf8_lossy(&buf[..line_end]).into_owned();
        buf.drain(..line_end + 2);
        let size_str = line.split(';').next().unwrap_or_default().trim();
        let size = usize::from_str_radix(size_str, 16).map_err(|_| invalid("bad chunk size"))?;
        if size == 0 {
            // Skip trailers up to the empty line.
            loop {
                let end = loop {
                    if let Some(p) = find_subslice(buf, b"\r\n") {
                        break p;
                    }
                    let want = buf.len() + 1;
                    if !fill(stream, buf, want).await? {
                        return Err(eof());
                    }
                };
                buf.drain(..end + 2);
                if end == 0 {
                    return Ok(body);
                }
            }
        }
        if body.len() + size > MAX_BODY {
            return Err(invalid("body too large"));
        }
        if !fill(stream, buf, size + 2).await? {
            return Err(eof());
        }
        body.extend_from_slice(&buf[..size]);
        buf.drain(..size + 2);
    }
}

/// Strips `W/` and quotes so `W/"x"`, `"x"` and `x` compare equal (weak comparison).
fn etag_core(tag: &str) -> &str {
    let tag = tag.trim();
    let tag = tag.strip_prefix("W/").unwrap_or(tag);
    tag.trim_matches('"')
}

fn not_modified(req: &Request, route: &Route) -> bool {
    if route.status != 200 || !(req.method == "GET" || req.method == "HEAD") {
        return false;
    }
    // RFC 9110 §13.2.2: If-None-Match takes precedence over If-Modified-Since.
    if let (Some(inm), Some(etag)) = (req.header("if-none-match"), route.etag.as_deref()) {
        let want = etag_core(etag);
        return inm
            .split(',')
            .any(|t| t.trim() == "*" || etag_core(t) == want);
    }
    if let (Some(ims), Some(lm)) = (
        req.header("if-modified-since"),
        route.last_modified.as_deref(),
    ) {
        return ims.trim() == lm.trim();
    }
    false
}

const fn reason(status: u16) -> &'static str {
    match status {
        200 => "OK",
        201 => "Created",
        204 => "No Content",
        206 => "Partial Content",
        301 => "Moved Permanently",
        302 => "Found",
        303 => "See Other",
        304 => "Not Modified",
        307 => "Temporary Redirect",
        308 => "Permanent Redirect",
        400 => "Bad Request",
        401 => "Unauthorized",
        403 => "Forbidden",
        404 => "Not Found",
        405 => "Method Not Allowed",
        408 => "Request Timeout",
        410 => "Gone",
        429 => "Too Many Requests",
        500 => "Internal Server Error",
        502 => "Bad Gateway",
        503 => "Service Unavailable",
        504 => "Gateway Timeout",
        _ => "Status",
    }
}

/// The response's bytes, its status and the length of the body sent.
fn build_response(req: &Request, route: Option<&Route>) -> (Vec<u8>, u16, usize) {
    use std::fmt::Write as _;

    let not_found;
    let route = if let Some(r) = route {
        r
    } else {
        not_found = Route::ok(&b"not found\n"[..], "text/plain; charset=utf-8").with_status(404);
        &not_found
    };
    let status = if not_modified(req, route) {
        304
    } else {
        route.status
    };
    // No body for 1xx/204/304; HEAD gets the length but no body.
    let bodyless_status = status == 304 || status == 204 || (100..200).contains(&status);
    let send_body = !bodyless_status && req.method != "HEAD";

    let mut head = String::with_capacity(256);
    let _ = write!(head, "HTTP/1.1 {status} {}\r\n", reason(status));
    for (k, v) in &route.headers {
        let lk = k.to_ascii_lowercase();
        if matches!(
            lk.as_str(),
            "content-length" | "connection" | "transfer-encoding"
        ) {
            continue;
        }
        if status == 304 && lk == "content-type" {
            continue;
        }
        let _ = write!(head, "{k}: {v}\r\n");
    }
    if let Some(etag) = &route.etag {
        let _ = write!(head, "ETag: {etag}\r\n");
    }
    if let Some(lm) = &route.last_modified {
        let _ = write!(head, "Last-Modified: {lm}\r\n");
    }
    if !bodyless_status {
        let _ = write!(head, "Content-Length: {}\r\n", route.body.len());
    }
    head.push_str(if req.keep_alive {
        "Connection: keep-alive\r\n\r\n"
    } else {
        "Connection: close\r\n\r\n"
    });

    let mut out = head.into_bytes();
    if send_body {
        out.extend_from_slice(&route.body);
    }
    (out, status, if send_body { route.body.len() } else { 0 })
}
