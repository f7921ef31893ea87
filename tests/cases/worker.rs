//! The TUI's background worker on its own: one refresh at a time, a second request answered
//! with `RefreshBusy`, and answers that echo the request's generation so the app can drop
//! stale ones.

use std::time::Duration;

use khabar::feeds::fetch::Fetcher;
use khabar::refresh::{FeedJob, RefreshMode};
use khabar::store::{Store, StoreHandle};
use khabar::tabs::TabQuery;
use khabar::tui::worker::{spawn_worker, Job, Worker, WorkerEvent, WorkerSettings};

use crate::server::{Route, TestServer};
use crate::{fixture, Sandbox};

async fn worker(sb: &Sandbox) -> (Worker, StoreHandle) {
    let store = StoreHandle::new(Store::open(&sb.data_dir().join("khabar.db")).unwrap());
    let config = khabar::config::Config::embedded_default().unwrap();
    let fetcher = Fetcher::new(&config.fetch).unwrap();
    let settings = WorkerSettings {
        parallel: 4,
        saving: khabar::articles::SaveSettings {
            saved_dir: sb.data_dir().join("saved"),
            teaser_words: 150,
            rules: std::sync::Arc::new(khabar::rules::Rules::default()),
        },
        routing: None,
        sync: None,
    };
    (spawn_worker(store.clone(), fetcher, settings), store)
}

fn job(url: String) -> FeedJob {
    FeedJob {
        url,
        outlet: "Dawn".into(),
        user_agent: None,
        item_limit: 100,
        refresh_minutes: 30,
        lang: None,
    }
}

async fn next(worker: &mut Worker) -> WorkerEvent {
    tokio::time::timeout(Duration::from_secs(20), worker.events.recv())
        .await
        .expect("the worker answers")
        .expect("the worker is running")
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn one_refresh_at_a_time_and_a_second_request_is_answered_busy() {
    let srv = TestServer::start().await;
    srv.route(
        "/f.xml",
        Route::ok(fixture("rss20.xml"), "application/rss+xml"),
    );
    // Slow enough that the second request arrives while the first refresh runs.
    srv.set_default_delay(Duration::from_millis(500));
    let sb = Sandbox::new();
    std::fs::create_dir_all(sb.data_dir()).unwrap();
    let (mut w, store) = worker(&sb).await;
    let feeds = vec![job(srv.url("/f.xml"))];
    khabar::refresh::sync_config(&store, &feeds).await.unwrap();
    let refresh = || Job::Refresh {
        feeds: feeds.clone(),
        mode: RefreshMode::Force,
    };
    w.jobs.send(refresh()).unwrap();
    w.jobs.send(refresh()).unwrap();
    let mut seen = Vec::new();
    loop {
        let event = next(&mut w).await;
        let done = matches!(event, WorkerEvent::RefreshFinished);
        seen.push(event);
        if done {
            break;
        }
    }
    let started = seen
        .iter()
        .filter(|e| matches!(e, WorkerEvent::RefreshStarted { .. }))
        .count();
    assert_eq!(started, 1, "{seen:?}");
    assert!(
        seen.iter().any(|e| matches!(e, WorkerEvent::RefreshBusy)),
        "{seen:?}"
    );
    assert_eq!(srv.hits("/f.xml"), 1);
    // Once it is over, the next request runs.
    w.jobs.send(refresh()).unwrap();
    assert!(matches!(
        next(&mut w).await,
        WorkerEvent::RefreshStarted { total: 1 }
    ));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn tab_loads_echo_their_tab_and_generation() {
    let srv = TestServer::start().await;
    srv.route(
        "/f.xml",
        Route::ok(fixture("rss20.xml"), "application/rss+xml"),
    );
    let sb = Sandbox::new();
    std::fs::create_dir_all(sb.data_dir()).unwrap();
    let (mut w, store) = worker(&sb).await;
    let feeds = vec![job(srv.url("/f.xml"))];
    khabar::refresh::sync_config(&store, &feeds).await.unwrap();
    let query = TabQuery {
        feeds: vec![srv.url("/f.xml")],
        limit: 100,
        ..TabQuery::default()
    };
    // Before any refresh the tab is empty; after one it has the feed's items.
    w.jobs
        .send(Job::LoadTab {
            tab: 3,
            query: query.clone(),
            generation: 7,
        })
        .unwrap();
    match next(&mut w).await {
        WorkerEvent::TabLoaded {
            tab,
            generation,
            rows,
        } => assert_eq!((tab, generation, rows.len()), (3, 7, 0)),
        other => panic!("{other:?}"),
    }
    w.jobs
        .send(Job::Refresh {
            feeds,
            mode: RefreshMode::Force,
        })
        .unwrap();
    while !matches!(next(&mut w).await, WorkerEvent::RefreshFinished) {}
    w.jobs
        .send(Job::LoadTab {
            tab: 3,
            query,
            generation: 8,
        })
        .unwrap();
    match next(&mut w).await {
        WorkerEvent::TabLoaded {
            generation, rows, ..
        } => {
            assert_eq!(generation, 8);
            assert!(!rows.is_empty());
        }
        other => panic!("{other:?}"),
    }
}
