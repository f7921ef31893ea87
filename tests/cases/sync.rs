//! Sync with a Fever service: a fake one on loopback (protocol, paging, id sets, the outbox,
//! failures, a kill -9 mid-push) built on the test server.

use std::collections::BTreeSet;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use crate::server::{RecordedRequest, Route, TestServer};
use crate::Sandbox;

/// md5("me@example.org:pw-one"), as `md5sum` prints it.
const KEY: &str = "692d4f2e39e3a7cb923b988bda14e30d";

#[derive(Debug, Clone)]
pub struct FakeItem {
    pub id: i64,
    pub feed_id: i64,
    pub title: String,
}

/// A Fever server's state.
#[derive(Debug, Default)]
pub struct Fever {
    pub key: String,
    pub items: Vec<FakeItem>,
    pub unread: BTreeSet<i64>,
    pub saved: BTreeSet<i64>,
    /// Every `mark` request, as (as, id).
    pub marks: Vec<(String, i64)>,
    /// Answer every request with this status instead.
    pub fail_with: Option<u16>,
    /// Answer `mark` requests with HTTP 500.
    pub fail_marks: bool,
    /// Delay `mark` answers by this much.
    pub mark_delay: Duration,
    /// `with_ids` requests seen.
    pub with_ids_calls: usize,
}

fn form(body: &[u8]) -> Vec<(String, String)> {
    url::form_urlencoded::parse(body).into_owned().collect()
}

fn ids(set: &BTreeSet<i64>) -> String {
    set.iter().map(i64::to_string).collect::<Vec<_>>().join(",")
}

fn item_json(f: &Fever, i: &FakeItem) -> serde_json::Value {
    serde_json::json!({
        "id": i.id, "feed_id": i.feed_id, "title": i.title, "author": "A. Writer",
        "html": format!("<p>{} {}</p>", i.title, "body text of a complete article. ".repeat(40)),
        "url": format!("https://fever.example/item/{}", i.id),
        "is_saved": i32::from(f.saved.contains(&i.id)),
        "is_read": i32::from(!f.unread.contains(&i.id)),
        "created_on_time": 1_700_000_000 + i.id,
    })
}

fn answer(f: &mut Fever, req: &RecordedRequest) -> Route {
    if let Some(code) = f.fail_with {
        return Route {
            status: code,
            ..Route::ok("down", "text/plain")
        };
    }
    let query: Vec<String> = req
        .path
        .split_once('?')
        .map(|(_, q)| q.split('&').map(str::to_string).collect())
        .unwrap_or_default();
    let has = |k: &str| {
        query
            .iter()
            .any(|q| q == k || q.starts_with(&format!("{k}=")))
    };
    let value = |k: &str| {
        query
            .iter()
            .find_map(|q| q.strip_prefix(&format!("{k}=")).map(str::to_string))
    };
    let body = form(&req.body);
    let field = |k: &str| body.iter().find(|(n, _)| n == k).map(|(_, v)| v.clone());
    let mut out = serde_json::json!({"api_version": 3, "auth": 0});
    if req.method != "POST" || !has("api") || field("api_key").as_deref() != Some(&f.key) {
        return Route::ok(out.to_string(), "application/json");
    }
    out["auth"] = 1.into();
    let mut delay = Duration::ZERO;
    if field("mark").as_deref() == Some("item") {
        if f.fail_marks {
            return Route {
                status: 500,
                ..Route::ok("no", "text/plain")
            };
        }
        let id: i64 = field("id").and_then(|i| i.parse().ok()).unwrap_or(-1);
        let how = field("as").unwrap_or_default();
        match how.as_str() {
            "read" => {
                f.unread.remove(&id);
            }
            "unread" => {
                f.unread.insert(id);
            }
            "saved" => {
                f.saved.insert(id);
            }
            "unsaved" => {
                f.saved.remove(&id);
            }
            _ => {}
        }
        f.marks.push((how, id));
        delay = f.mark_delay;
    }
    if has("groups") {
        out["groups"] =
            serde_json::json!([{"id": 1, "title": "World"}, {"id": 2, "title": "Tech"}]);
        out["feeds_groups"] = serde_json::json!([{"group_id": 1, "feed_ids": "10"}, {"group_id": 2, "feed_ids": "20"}]);
    }
    if has("feeds") {
        out["feeds"] = serde_json::json!([
            {"id": 10, "title": "Remote World Desk", "url": "https://w.example/feed"},
            {"id": 20, "title": "Remote Tech Desk", "url": "https://t.example/feed"},
            {"id": 30, "title": "Ungrouped Desk", "url": "https://u.example/feed"},
        ]);
        out["feeds_groups"] = serde_json::json!([{"group_id": 1, "feed_ids": "10"}, {"group_id": 2, "feed_ids": "20"}]);
    }
    if has("items") {
        let mut chosen: Vec<&FakeItem> = if let Some(list) = value("with_ids") {
            f.with_ids_calls += 1;
            let wanted: BTreeSet<i64> = list.split(',').filter_map(|s| s.parse().ok()).collect();
            f.items.iter().filter(|i| wanted.contains(&i.id)).collect()
        } else {
            let since: i64 = value("since_id").and_then(|s| s.parse().ok()).unwrap_or(0);
            f.items.iter().filter(|i| i.id > since).collect()
        };
        chosen.sort_by_key(|i| i.id);
        chosen.truncate(50);
        out["items"] = chosen.iter().map(|i| item_json(f, i)).collect();
        out["total_items"] = f.items.len().into();
    }
    if has("unread_item_ids") {
        out["unread_item_ids"] = ids(&f.unread).into();
    }
    if has("saved_item_ids") {
        out["saved_item_ids"] = ids(&f.saved).into();
    }
    Route {
        delay,
        ..Route::ok(out.to_string(), "application/json")
    }
}

/// A fake Fever service with `n` items (ids 101.., feeds 10, 20 and 30 in turn), all unread.
pub fn start(n: i64) -> (TestServer, Arc<Mutex<Fever>>) {
    let server = TestServer::start_blocking();
    let state = Arc::new(Mutex::new(Fever {
        key: KEY.into(),
        ..Fever::default()
    }));
    {
        let mut f = state.lock().unwrap();
        for k in 0..n {
            let id = 101 + k;
            f.items.push(FakeItem {
                id,
                feed_id: [10, 20, 30][(k % 3) as usize],
                title: format!("Remote story {id}"),
            });
            f.unread.insert(id);
        }
    }
    let shared = state.clone();
    server.handle("/fever/", move |req| {
        answer(&mut shared.lock().unwrap(), req)
    });
    (server, state)
}

/// A sandbox with tabs World and Tech (and Pakistan, with a local feed route) and one Fever
/// account whose password comes from a program that counts its runs in `runs`.
pub fn sandbox(server: &TestServer) -> Sandbox {
    let sb = Sandbox::new();
    let runs = sb.dir.path().join("runs");
    let counter = format!(
        "echo run >> '{}'; echo pw-one",
        runs.display().to_string().replace('\'', "")
    );
    sb.write_config(&format!(
        "{}{}[[accounts]]\nname = \"home\"\nkind = \"fever\"\nurl = \"{}\"\nuser = \"me@example.org\"\n\
         password_command = [\"sh\", \"-c\", {counter:?}]\ntab = \"world\"\n",
        crate::tab("world", "World", &[]),
        crate::tab("tech", "Tech", &[]),
        server.url("/fever/"),
    ));
    sb
}

fn db(sb: &Sandbox) -> rusqlite::Connection {
    rusqlite::Connection::open(sb.data_dir().join("khabar.db")).unwrap()
}

/// The article of remote item `id`.
pub fn article_of(sb: &Sandbox, id: i64) -> i64 {
    db(sb)
        .query_row(
            "SELECT article_id FROM sync_items WHERE account = 'home' AND remote_id = ?1",
            [id.to_string()],
            |r| r.get(0),
        )
        .unwrap()
}

/// The remote ids khabar holds unread and saved.
pub fn local_sets(sb: &Sandbox) -> (BTreeSet<i64>, BTreeSet<i64>) {
    let conn = db(sb);
    let mut stmt = conn
        .prepare(
            "SELECT s.remote_id, a.read, a.saved_at IS NOT NULL FROM sync_items s
             JOIN articles a ON a.id = s.article_id WHERE s.account = 'home'",
        )
        .unwrap();
    let rows: Vec<(String, bool, bool)> = stmt
        .query_map([], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)))
        .unwrap()
        .collect::<Result<_, _>>()
        .unwrap();
    let (mut unread, mut saved) = (BTreeSet::new(), BTreeSet::new());
    for (id, read, is_saved) in rows {
        let id: i64 = id.parse().unwrap();
        if !read {
            unread.insert(id);
        }
        if is_saved {
            saved.insert(id);
        }
    }
    (unread, saved)
}

fn pending(sb: &Sandbox) -> i64 {
    db(sb)
        .query_row("SELECT COUNT(*) FROM sync_outbox", [], |r| r.get(0))
        .unwrap()
}

fn sync(sb: &Sandbox) -> (i32, String, String) {
    let out = sb.cmd().arg("sync").output().unwrap();
    (
        out.status.code().unwrap_or(-1),
        String::from_utf8_lossy(&out.stdout).into_owned(),
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}

#[test]
fn the_first_sync_pulls_every_page_into_the_folders_tabs_with_the_servers_state() {
    let (server, fever) = start(120);
    {
        let mut f = fever.lock().unwrap();
        for id in [101, 150, 219] {
            f.unread.remove(&id);
        }
        f.saved.insert(150);
    }
    let sb = sandbox(&server);
    let (code, out, err) = sync(&sb);
    assert_eq!(code, 0, "{out}{err}");
    assert!(out.contains("home: 120 new items"), "{out}");
    // Three pages of 50, then the empty page that ends.
    for since in [0, 150, 200, 220] {
        let path = format!("/fever/?api&items&since_id={since}");
        assert_eq!(server.hits(&path), 1, "{path}");
    }
    let (unread, saved) = local_sets(&sb);
    assert_eq!(unread, fever.lock().unwrap().unread);
    assert_eq!(saved, [150].into());
    // Folder World → the World tab; folder Tech → the Tech tab; no folder → the account's.
    let world =
        String::from_utf8(sb.stdout_of(&["list", "--tab", "world", "--limit", "500"])).unwrap();
    let tech =
        String::from_utf8(sb.stdout_of(&["list", "--tab", "tech", "--limit", "500"])).unwrap();
    assert!(
        world.contains("Remote World Desk") && world.contains("Ungrouped Desk"),
        "{world}"
    );
    assert!(!world.contains("Remote Tech Desk"), "{world}");
    assert_eq!(tech.matches("Remote Tech Desk").count(), 40, "{tech}");
    // The starred item is saved with its text, as a Markdown file.
    let saved_list = String::from_utf8(sb.stdout_of(&["saved", "list", "--json"])).unwrap();
    let saved_json: serde_json::Value = serde_json::from_str(&saved_list).unwrap();
    let file = saved_json[0]["file"].as_str().unwrap();
    assert!(std::fs::read_to_string(file)
        .unwrap()
        .contains("body text of a complete article"));
    assert_eq!(
        pending(&sb),
        0,
        "a copy of a starred item pushes nothing back"
    );
    // A second sync asks only for what is new and changes nothing.
    server.reset_counters();
    let (code, out, _) = sync(&sb);
    assert_eq!(code, 0);
    assert!(
        out.contains("home: 0 new items, 0 pushed, 0 pulled"),
        "{out}"
    );
    assert_eq!(server.hits("/fever/?api&items&since_id=220"), 1);
    assert_eq!(server.hits("/fever/?api&items&since_id=0"), 0);
}

#[test]
fn local_changes_wait_in_the_outbox_while_the_service_is_down_and_win_over_its_state() {
    let (server, fever) = start(6);
    let sb = sandbox(&server);
    assert_eq!(sync(&sb).0, 0);
    let (a, b, c) = (
        article_of(&sb, 101),
        article_of(&sb, 102),
        article_of(&sb, 103),
    );
    fever.lock().unwrap().fail_with = Some(503);
    // Offline: read one, star one, mark one read then unread again.
    sb.stdout_of(&["mark-read", "--id", &a.to_string()]);
    sb.stdout_of(&["saved", "add", &b.to_string()]);
    sb.stdout_of(&["mark-read", "--id", &c.to_string()]);
    sb.stdout_of(&["mark-read", "--id", &c.to_string(), "--unread"]);
    assert_eq!(
        pending(&sb),
        3,
        "one entry per item and field: the last change"
    );
    let (code, out, _) = sync(&sb);
    assert_eq!(code, 3, "{out}");
    assert!(out.contains("home: failed: HTTP 503"), "{out}");
    assert!(out.contains("3 changes wait"), "{out}");
    // Meanwhile another device marks 104 read on the service.
    {
        let mut f = fever.lock().unwrap();
        f.fail_with = None;
        f.unread.remove(&104);
    }
    let (code, out, _) = sync(&sb);
    assert_eq!(code, 0, "{out}");
    assert!(out.contains("3 pushed"), "{out}");
    let f = fever.lock().unwrap();
    let mut marks = f.marks.clone();
    marks.sort();
    assert_eq!(
        marks,
        [
            ("read".to_string(), 101),
            ("saved".to_string(), 102),
            ("unread".to_string(), 103)
        ]
    );
    let (unread, saved) = local_sets(&sb);
    assert_eq!(unread, f.unread, "both sides agree");
    assert_eq!(saved, f.saved);
    assert!(!unread.contains(&104), "the other device's read arrived");
    assert_eq!(pending(&sb), 0);
}

#[test]
fn a_local_change_not_yet_pushed_is_not_reverted_by_the_servers_state() {
    let (server, fever) = start(3);
    let sb = sandbox(&server);
    assert_eq!(sync(&sb).0, 0);
    let a = article_of(&sb, 101);
    sb.stdout_of(&["mark-read", "--id", &a.to_string()]);
    // Pushing fails (the service takes no marks) but reading works: the pull must not revert
    // the local read, and the failure is reported.
    fever.lock().unwrap().fail_marks = true;
    let (code, out, _) = sync(&sb);
    assert_eq!(code, 3, "{out}");
    assert!(
        out.contains("HTTP 500") && out.contains("1 change waits"),
        "{out}"
    );
    let (unread, _) = local_sets(&sb);
    assert!(!unread.contains(&101), "still read here");
    assert!(fever.lock().unwrap().unread.contains(&101));
    fever.lock().unwrap().fail_marks = false;
    assert_eq!(sync(&sb).0, 0);
    assert!(!fever.lock().unwrap().unread.contains(&101));
    assert_eq!(local_sets(&sb).0, fever.lock().unwrap().unread);
}

#[test]
fn items_outside_the_pulled_window_still_arrive_through_the_id_sets() {
    let (server, fever) = start(4);
    let sb = sandbox(&server);
    assert_eq!(sync(&sb).0, 0);
    // An old item (below the high-water mark) is starred on the service, another is unread.
    {
        let mut f = fever.lock().unwrap();
        for id in [7, 8] {
            f.items.push(FakeItem {
                id,
                feed_id: 10,
                title: format!("Old story {id}"),
            });
        }
        f.saved.insert(7);
        f.unread.insert(8);
    }
    let (code, out, _) = sync(&sb);
    assert_eq!(code, 0, "{out}");
    assert!(out.contains("home: 2 new items"), "{out}");
    assert_eq!(fever.lock().unwrap().with_ids_calls, 1);
    let (unread, saved) = local_sets(&sb);
    assert!(
        unread.contains(&8) && saved.contains(&7),
        "{unread:?} {saved:?}"
    );
}

#[test]
fn unstarring_on_either_side_unsaves_on_both() {
    let (server, fever) = start(3);
    fever.lock().unwrap().saved.extend([101, 102]);
    let sb = sandbox(&server);
    assert_eq!(sync(&sb).0, 0);
    assert_eq!(local_sets(&sb).1, [101, 102].into());
    // Unstarred on the service: unsaved here, its Markdown file gone.
    let files =
        || -> usize { std::fs::read_dir(sb.data_dir().join("saved")).map_or(0, |d| d.count()) };
    assert_eq!(files(), 2);
    fever.lock().unwrap().saved.remove(&101);
    assert_eq!(sync(&sb).0, 0);
    assert_eq!(local_sets(&sb).1, [102].into());
    assert_eq!(files(), 1);
    // Unsaved here: unstarred there.
    sb.stdout_of(&["saved", "remove", &article_of(&sb, 102).to_string()]);
    assert_eq!(sync(&sb).0, 0);
    assert!(fever.lock().unwrap().saved.is_empty());
    assert!(local_sets(&sb).1.is_empty());
}

#[test]
fn the_key_is_kept_private_the_password_program_runs_once_and_nothing_secret_is_logged() {
    let (server, _fever) = start(2);
    let sb = sandbox(&server);
    assert_eq!(sync(&sb).0, 0);
    assert_eq!(sync(&sb).0, 0);
    let runs = std::fs::read_to_string(sb.dir.path().join("runs")).unwrap();
    assert_eq!(
        runs.lines().count(),
        1,
        "the kept key was used the second time"
    );
    let token = sb.data_dir().join("sync/home.token");
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        let mode = std::fs::metadata(&token).unwrap().permissions().mode();
        assert_eq!(mode & 0o777, 0o600);
    }
    assert!(std::fs::read_to_string(&token).unwrap().contains(KEY));
    // A refused key is forgotten and a new one made from the password.
    std::fs::write(
        &token,
        std::fs::read_to_string(&token)
            .unwrap()
            .replace(KEY, "0000"),
    )
    .unwrap();
    let log_env = [("KHABAR_LOG", "debug")];
    let out = sb.cmd().arg("sync").envs(log_env).output().unwrap();
    assert!(out.status.success());
    assert_eq!(
        std::fs::read_to_string(sb.dir.path().join("runs"))
            .unwrap()
            .lines()
            .count(),
        2
    );
    let log = std::fs::read_to_string(sb.data_dir().join("khabar.log")).unwrap_or_default();
    assert!(!log.contains(KEY) && !log.contains("pw-one"), "{log}");
    // A wrong password is an error that says so.
    let config = std::fs::read_to_string(sb.config_path()).unwrap();
    std::fs::write(
        sb.config_path(),
        config.replace("echo pw-one", "echo wrong"),
    )
    .unwrap();
    std::fs::remove_file(&token).unwrap();
    let (code, out, _) = sync(&sb);
    assert_eq!(code, 3);
    assert!(out.contains("home: failed: login refused"), "{out}");
}

#[test]
fn a_change_survives_kill_9_in_the_middle_of_its_push() {
    let (server, fever) = start(3);
    let sb = sandbox(&server);
    assert_eq!(sync(&sb).0, 0);
    let a = article_of(&sb, 101);
    sb.stdout_of(&["mark-read", "--id", &a.to_string()]);
    fever.lock().unwrap().mark_delay = Duration::from_secs(30);
    let bin = assert_cmd::cargo::cargo_bin("khabar");
    let mut child = std::process::Command::new(bin)
        .arg("sync")
        .env("KHABAR_CONFIG", sb.config_path())
        .env("KHABAR_DATA", sb.data_dir())
        .env("HOME", sb.dir.path())
        .stdout(std::process::Stdio::null())
        .stderr(std::process::Stdio::null())
        .spawn()
        .unwrap();
    let started = std::time::Instant::now();
    while fever.lock().unwrap().marks.is_empty() && started.elapsed() < Duration::from_secs(20) {
        std::thread::sleep(Duration::from_millis(20));
    }
    // The service got the mark but khabar never heard back: kill -9 there.
    child.kill().unwrap();
    child.wait().unwrap();
    assert_eq!(pending(&sb), 1, "the change is still queued");
    // The service forgets it (say it crashed too): the next sync pushes it again.
    {
        let mut f = fever.lock().unwrap();
        f.mark_delay = Duration::ZERO;
        f.unread.insert(101);
        f.marks.clear();
    }
    let (code, out, _) = sync(&sb);
    assert_eq!(code, 0, "{out}");
    assert_eq!(fever.lock().unwrap().marks, [("read".to_string(), 101)]);
    assert!(!fever.lock().unwrap().unread.contains(&101));
    assert_eq!(pending(&sb), 0);
}

#[test]
fn khabar_config_warns_about_a_password_in_clear_without_printing_it() {
    let (server, _fever) = start(1);
    let sb = sandbox(&server);
    let config = std::fs::read_to_string(sb.config_path()).unwrap();
    let start = config.find("password_command").unwrap();
    let end = start + config[start..].find('\n').unwrap();
    let clear = format!(
        "{}password = \"hunter2-secret\"{}",
        &config[..start],
        &config[end..]
    );
    std::fs::write(sb.config_path(), &clear).unwrap();
    let line = clear[..start].matches('\n').count() + 1;
    let out = sb.cmd().arg("config").output().unwrap();
    assert!(out.status.success());
    let err = String::from_utf8_lossy(&out.stderr);
    let expected = format!("config.toml:{line}:1: account `home` keeps its password in clear");
    assert!(
        err.contains("warning: ") && err.contains(&expected),
        "{err}"
    );
    assert!(!err.contains("hunter2"), "{err}");
    // And it still syncs with it (the fake takes pw-one only: refused, said so).
    let (code, out, _) = sync(&sb);
    assert_eq!(code, 3);
    assert!(out.contains("login refused"), "{out}");
}

#[test]
fn sync_names_an_unknown_account_and_a_config_without_accounts() {
    let (server, _fever) = start(1);
    let sb = sandbox(&server);
    let out = sb
        .cmd()
        .args(["sync", "--account", "work"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    assert!(
        String::from_utf8_lossy(&out.stderr).contains("no account named `work` (accounts: home)")
    );
    sb.write_config(&crate::tab("world", "World", &[]));
    let out = sb.cmd().arg("sync").output().unwrap();
    assert_eq!(out.status.code(), Some(2));
    let out = sb
        .cmd()
        .args(["mark-read", "--id", "999"])
        .output()
        .unwrap();
    assert!(!out.status.success());
    assert!(String::from_utf8_lossy(&out.stderr).contains("no article with id 999"));
}

/// `cargo test --release --test cli -- --ignored sync_benchmark --nocapture`: a first sync of
/// 10,000 items, then 2,000 local changes pushed and 2,000 changed on the service pulled.
#[test]
#[ignore = "benchmark"]
fn sync_benchmark() {
    let (server, fever) = start(10_000);
    let sb = sandbox(&server);
    let t = std::time::Instant::now();
    let (code, out, _) = sync(&sb);
    let first = t.elapsed();
    assert_eq!(code, 0, "{out}");
    assert!(out.contains("home: 10000 new items"), "{out}");
    let articles: Vec<khabar::model::ArticleId> = (101..2101)
        .map(|id| khabar::model::ArticleId(article_of(&sb, id)))
        .collect();
    let mut store = khabar::store::Store::open(&sb.data_dir().join("khabar.db")).unwrap();
    let t = std::time::Instant::now();
    store.set_read_many(&articles, true).unwrap();
    let queue = t.elapsed();
    drop(store);
    {
        let mut f = fever.lock().unwrap();
        for id in 5101..7101 {
            f.unread.remove(&id);
        }
    }
    let requests = server.total_hits();
    let t = std::time::Instant::now();
    let (code, out, _) = sync(&sb);
    let changes = t.elapsed();
    assert_eq!(code, 0, "{out}");
    assert!(out.contains("2000 pushed, 2000 pulled"), "{out}");
    let (unread, _) = local_sets(&sb);
    assert_eq!(unread, fever.lock().unwrap().unread);
    println!(
        "first sync of 10,000 items: {first:?}; queuing 2,000 changes: {queue:?}; \
         sync of 2,000 pushed + 2,000 pulled: {changes:?} ({} requests)",
        server.total_hits() - requests
    );
}
