use ratatui::crossterm::event::{KeyCode, KeyEvent, KeyModifiers};

use super::*;
use crate::articles::ArticleError;
use crate::feeds::fetch::FetchError;
use crate::model::{ArticleId, FeedId};
use crate::model::{ExtractMethod, TextSource};
use crate::refresh::FeedReport;
use crate::tui::app::reader::ExtractState;
use crate::tui::worker::RenderedText;

fn app() -> App {
    let config = Config::embedded_default().unwrap();
    let mut a = App::new(&config, 1_000_000, 0);
    // As the event loop does: the first tab's load goes out as generation 1.
    a.startup_effects();
    a
}

fn key(c: char) -> Event {
    Event::Key(KeyEvent::new(KeyCode::Char(c), KeyModifiers::NONE))
}

fn row(id: i64, title: &str) -> ArticleRow {
    ArticleRow {
        id: ArticleId(id),
        feed_id: FeedId(1),
        title: title.into(),
        outlet: "Dawn".into(),
        url: Some(format!("https://x.example/{id}")),
        published: 1_000_000 - id * 60,
        read: false,
        saved: false,
        summary: None,
        tags: None,
        lang: None,
        matched: Vec::new(),
        ignored: false,
    }
}

#[test]
fn startup_loads_cache_first_then_refreshes() {
    let mut a = app();
    let effects = a.startup_effects();
    assert!(matches!(
        effects[0],
        Effect::Job(Job::LoadTab { tab: 0, .. })
    ));
    assert!(matches!(
        effects.last(),
        Some(Effect::Job(Job::Refresh {
            mode: RefreshMode::Due,
            ..
        }))
    ));
}

#[test]
fn tabs_follow_the_regional_navigation_with_saved_last() {
    let a = app();
    let tops: Vec<_> = a
        .top_tabs()
        .iter()
        .map(|i| a.tabs[*i].title.clone())
        .collect();
    assert_eq!(
        tops,
        [
            "Pakistan",
            "Afghanistan",
            "Iran",
            "Middle East",
            "World",
            "Opinions",
            "Saved"
        ]
    );
    let pk = &a.tabs[0];
    let kids: Vec<_> = pk
        .children
        .iter()
        .map(|i| a.tabs[*i].title.as_str())
        .collect();
    assert_eq!(kids, ["Balochistan", "Khyber Pakhtunkhwa"]);
    assert!(pk
        .query
        .feeds
        .contains(&"https://tribune.com.pk/feed/balochistan".to_string()));
}

#[test]
fn number_keys_and_tab_switch_top_level_tabs() {
    let mut a = app();
    let fx = a.update(key('3'));
    assert_eq!(a.tabs[a.current].title, "Iran");
    assert!(matches!(fx[0], Effect::Job(Job::LoadTab { .. })));
    a.update(Event::Key(KeyEvent::new(KeyCode::Tab, KeyModifiers::NONE)));
    assert_eq!(a.tabs[a.current].title, "Middle East");
    a.update(Event::Key(KeyEvent::new(
        KeyCode::BackTab,
        KeyModifiers::SHIFT,
    )));
    a.update(Event::Key(KeyEvent::new(
        KeyCode::BackTab,
        KeyModifiers::SHIFT,
    )));
    a.update(Event::Key(KeyEvent::new(
        KeyCode::BackTab,
        KeyModifiers::SHIFT,
    )));
    assert_eq!(a.tabs[a.current].title, "Pakistan");
    a.update(Event::Key(KeyEvent::new(
        KeyCode::BackTab,
        KeyModifiers::SHIFT,
    )));
    assert_eq!(a.tabs[a.current].title, "Saved");
}

#[test]
fn brackets_cycle_sub_tabs_of_the_current_tab() {
    let mut a = app();
    a.update(key(']'));
    assert_eq!(a.tabs[a.current].title, "Balochistan");
    a.update(key(']'));
    assert_eq!(a.tabs[a.current].title, "Khyber Pakhtunkhwa");
    a.update(key(']'));
    assert_eq!(a.tabs[a.current].title, "Pakistan");
    a.update(key('['));
    assert_eq!(a.tabs[a.current].title, "Khyber Pakhtunkhwa");
    a.update(key('2'));
    assert!(a.update(key(']')).is_empty(), "Afghanistan has no sub-tabs");
}

#[test]
fn movement_is_safe_on_empty_and_clamped_on_full_lists() {
    let mut a = app();
    for c in ['j', 'k', 'g', 'G'] {
        a.update(key(c));
    }
    a.update(Event::Worker(WorkerEvent::TabLoaded {
        tab: 0,
        generation: 1,
        rows: (1..=5).map(|i| row(i, "t")).collect(),
    }));
    assert_eq!(a.current_list().unwrap().state.selected(), Some(0));
    a.update(key('G'));
    assert_eq!(a.current_list().unwrap().state.selected(), Some(4));
    a.update(key('j'));
    assert_eq!(a.current_list().unwrap().state.selected(), Some(4));
    a.update(key('g'));
    a.update(key('k'));
    assert_eq!(a.current_list().unwrap().state.selected(), Some(0));
}

#[test]
fn a_second_refresh_while_one_runs_sends_nothing() {
    let mut a = app();
    assert!(matches!(
        a.update(key('R'))[0],
        Effect::Job(Job::Refresh {
            mode: RefreshMode::Force,
            ..
        })
    ));
    assert!(a.update(key('R')).is_empty());
    assert!(a.update(key('r')).is_empty());
}

#[test]
fn refresh_progress_counts_failures_and_reloads_at_the_end() {
    let mut a = app();
    a.update(key('R'));
    a.update(Event::Worker(WorkerEvent::RefreshStarted { total: 3 }));
    let ok = FeedReport {
        url: "u1".into(),
        outlet: "A".into(),
        result: FeedResult::Updated { new: 4 },
    };
    let bad = FeedReport {
        url: "u2".into(),
        outlet: "B".into(),
        result: FeedResult::Failed {
            error: "HTTP 500".into(),
        },
    };
    a.update(Event::Worker(WorkerEvent::FeedRefreshed(ok)));
    a.update(Event::Worker(WorkerEvent::FeedRefreshed(bad)));
    assert_eq!(
        a.refresh,
        Some(RefreshProgress {
            total: 3,
            done: 2,
            failed: 1,
            new: 4
        })
    );
    // The tick reloads the visible tab once while news is arriving, once no load is pending.
    assert!(
        a.update(Event::Tick).is_empty(),
        "the start-up load is still in flight"
    );
    a.update(Event::Worker(WorkerEvent::TabLoaded {
        tab: 0,
        generation: 1,
        rows: vec![],
    }));
    assert_eq!(a.update(Event::Tick).len(), 2);
    let fx = a.update(Event::Worker(WorkerEvent::RefreshFinished));
    assert!(fx
        .iter()
        .any(|e| matches!(e, Effect::Job(Job::LoadTab { .. }))));
    assert_eq!(
        a.message.as_deref(),
        Some("refreshed 3 feeds: 4 new, 1 failed (F for details)")
    );
    // One feed is one feed.
    a.update(key('R'));
    a.update(Event::Worker(WorkerEvent::RefreshStarted { total: 1 }));
    a.update(Event::Worker(WorkerEvent::RefreshFinished));
    assert_eq!(a.message.as_deref(), Some("refreshed 1 feed: 0 new"));
}

#[test]
fn reload_keeps_the_selected_article() {
    let mut a = app();
    a.update(Event::Worker(WorkerEvent::TabLoaded {
        tab: 0,
        generation: 1,
        rows: vec![row(1, "a"), row(2, "b")],
    }));
    a.update(key('j'));
    a.update(Event::Worker(WorkerEvent::TabLoaded {
        tab: 0,
        generation: 2,
        rows: vec![row(9, "new"), row(1, "a"), row(2, "b")],
    }));
    assert_eq!(a.selected_row().unwrap().id, ArticleId(2));
}

#[test]
fn enter_opens_the_reader_marks_read_and_q_goes_back_then_quits() {
    let mut a = app();
    a.update(Event::Worker(WorkerEvent::TabLoaded {
        tab: 0,
        generation: 1,
        rows: vec![row(1, "a"), row(2, "b")],
    }));
    let fx = a.update(Event::Key(KeyEvent::new(
        KeyCode::Enter,
        KeyModifiers::NONE,
    )));
    assert!(matches!(
        fx[0],
        Effect::Job(Job::OpenArticle {
            id: ArticleId(1),
            force_extract: false,
            ..
        })
    ));
    assert!(
        matches!(&fx[1], Effect::Job(Job::SetRead { article: ArticleId(1), read: true, tabs })
        if tabs.len() == a.tabs.len() && tabs[0].feeds.contains(&"https://www.dawn.com/feeds/home".to_string()))
    );
    assert_eq!(a.screen, Screen::Reader);
    assert!(a.lists[&0].rows[0].read);
    assert!(a.update(key('q')).is_empty());
    assert_eq!(a.screen, Screen::Headlines);
    assert_eq!(a.update(key('q')), vec![Effect::Quit]);
}

#[test]
fn ctrl_c_quits_and_ctrl_z_suspends_from_every_screen_and_prompt() {
    let ctrl = |c| Event::Key(KeyEvent::new(KeyCode::Char(c), KeyModifiers::CONTROL));
    let mut a = app();
    assert_eq!(a.update(ctrl('c')), vec![Effect::Quit]);
    assert_eq!(a.update(ctrl('z')), vec![Effect::Suspend]);
    // In the search prompt, where `c` and `z` are text.
    a.update(key('/'));
    assert!(a.prompt.is_some());
    assert_eq!(a.update(ctrl('z')), vec![Effect::Suspend]);
    assert_eq!(a.update(ctrl('c')), vec![Effect::Quit]);
    // In the reader.
    let mut a = app();
    open_first(&mut a);
    assert_eq!(a.screen, Screen::Reader);
    assert_eq!(a.update(ctrl('c')), vec![Effect::Quit]);
    assert_eq!(a.update(ctrl('z')), vec![Effect::Suspend]);
}

#[test]
fn the_status_line_names_the_browser_that_opened_a_link_or_why_none_did() {
    let mut a = app();
    a.update(Event::BrowserOpened("firefox".into()));
    assert_eq!(a.message.as_deref(), Some("opened in firefox"));
    a.update(Event::BrowserFailed(
        "w3m: No such file or directory".into(),
    ));
    assert_eq!(
        a.message.as_deref(),
        Some("could not open the browser: w3m: No such file or directory")
    );
}

fn open_first(a: &mut App) -> u64 {
    a.update(Event::Worker(WorkerEvent::TabLoaded {
        tab: 0,
        generation: 1,
        rows: vec![row(1, "a"), row(2, "b")],
    }));
    a.update(Event::Key(KeyEvent::new(
        KeyCode::Enter,
        KeyModifiers::NONE,
    )));
    a.reader.as_ref().unwrap().generation
}

fn text(words: usize, method: ExtractMethod) -> crate::model::ArticleText {
    crate::model::ArticleText {
        html: "<p>x</p>".into(),
        words,
        method,
        saved_copy: false,
    }
}

fn rendered(lines: usize, links: &[&str]) -> crate::render::Rendered {
    crate::render::Rendered {
        lines: (0..lines)
            .map(|i| crate::render::RenderedLine {
                text: format!("line {i}"),
                kind: crate::render::LineKind::Body,
                rtl: false,
                visual: None,
            })
            .collect(),
        links: links.iter().map(|l| (*l).to_string()).collect(),
    }
}

/// The worker's answer to opening an article: its feed text, rendered, with no cached extraction.
fn opened(
    generation: u64,
    feed: crate::model::ArticleText,
    rendered: crate::render::Rendered,
    extracting: bool,
) -> WorkerEvent {
    WorkerEvent::ArticleOpened {
        generation,
        authors: None,
        feed,
        cached: None,
        rendered,
        source: TextSource::Feed,
        extracting,
        enclosures: Vec::new(),
    }
}

#[test]
fn a_teaser_is_replaced_by_the_extracted_text_when_it_arrives() {
    let mut a = app();
    let generation = open_first(&mut a);
    a.update(Event::Worker(opened(
        generation,
        text(20, ExtractMethod::Feed),
        rendered(2, &[]),
        true,
    )));
    assert!(a.is_busy(), "the spinner runs while the page is fetched");
    let r = a.reader.as_ref().unwrap();
    assert_eq!(
        (r.source, &r.extract_state),
        (TextSource::Feed, &ExtractState::Running)
    );
    a.update(Event::Worker(WorkerEvent::ArticleExtracted {
        generation,
        result: Ok(RenderedText {
            text: text(900, ExtractMethod::General),
            rendered: rendered(40, &[]),
        }),
        byline: Some("Farhan Ali".into()),
    }));
    assert_eq!(
        a.reader.as_ref().unwrap().authors.as_deref(),
        Some("Farhan Ali")
    );
    let r = a.reader.as_ref().unwrap();
    assert_eq!(r.source, TextSource::Extracted);
    assert_eq!(r.showing().unwrap().method, ExtractMethod::General);
    // `e` toggles back to the feed's text and asks for it to be rendered.
    let fx = a.update(key('e'));
    assert!(matches!(
        fx[0],
        Effect::Job(Job::Render {
            source: TextSource::Feed,
            ..
        })
    ));
}

#[test]
fn stale_results_for_a_previous_article_are_ignored() {
    let mut a = app();
    let generation = open_first(&mut a);
    a.update(key('n'));
    assert_eq!(a.reader.as_ref().unwrap().row.id, ArticleId(2));
    a.update(Event::Worker(opened(
        generation,
        text(20, ExtractMethod::Feed),
        rendered(2, &[]),
        false,
    )));
    assert!(a.reader.as_ref().unwrap().feed.is_none());
}

#[test]
fn failed_extraction_keeps_the_feed_text() {
    let mut a = app();
    let generation = open_first(&mut a);
    a.update(Event::Worker(opened(
        generation,
        text(20, ExtractMethod::Feed),
        rendered(2, &[]),
        true,
    )));
    a.update(Event::Worker(WorkerEvent::ArticleExtracted {
        generation,
        byline: None,
        result: Err(ArticleError::Fetch(FetchError::Status {
            code: 403,
            retry_after: None,
        })),
    }));
    let r = a.reader.as_ref().unwrap();
    assert_eq!(r.source, TextSource::Feed);
    assert!(matches!(r.extract_state, ExtractState::Failed(_)));
}

#[test]
fn scrolling_is_clamped_and_number_then_enter_opens_a_link() {
    let mut a = app();
    a.update(Event::Resize {
        width: 80,
        height: 10,
    });
    let generation = open_first(&mut a);
    a.update(Event::Worker(opened(
        generation,
        text(500, ExtractMethod::Feed),
        rendered(30, &["https://a.example/1", "https://b.example/2"]),
        false,
    )));
    a.update(key('G'));
    let last = a.reader.as_ref().unwrap().line_count() - a.reader_rows();
    assert_eq!(a.reader.as_ref().unwrap().scroll, last);
    a.update(key(' '));
    assert_eq!(a.reader.as_ref().unwrap().scroll, last);
    a.update(key('g'));
    assert_eq!(a.reader.as_ref().unwrap().scroll, 0);
    a.update(key('2'));
    let fx = a.update(Event::Key(KeyEvent::new(
        KeyCode::Enter,
        KeyModifiers::NONE,
    )));
    assert_eq!(fx, vec![Effect::OpenUrl("https://b.example/2".into())]);
    // `f` then a digit opens at once when no longer number could be a link (2 links here).
    a.update(key('f'));
    assert_eq!(
        a.update(key('1')),
        vec![Effect::OpenUrl("https://a.example/1".into())]
    );
    a.update(key('f'));
    assert!(a.update(key('9')).is_empty());
    assert_eq!(a.message.as_deref(), Some("no link [9]"));
    assert_eq!(
        a.update(key('o')),
        vec![Effect::OpenUrl("https://x.example/1".into())]
    );
}

#[test]
fn enclosures_are_numbered_after_the_links_and_open_like_them() {
    let mut a = app();
    let generation = open_first(&mut a);
    let audio = crate::model::Enclosure {
        url: "https://p.example/12.mp3".into(),
        mime: Some("audio/mpeg".into()),
        length: None,
        duration: Some(2041),
    };
    let WorkerEvent::ArticleOpened {
        generation,
        authors,
        feed,
        cached,
        rendered,
        source,
        extracting,
        ..
    } = opened(
        generation,
        text(500, ExtractMethod::Feed),
        rendered(3, &["https://a.example/1", "https://b.example/2"]),
        false,
    )
    else {
        unreachable!()
    };
    a.update(Event::Worker(WorkerEvent::ArticleOpened {
        generation,
        authors,
        feed,
        cached,
        rendered,
        source,
        extracting,
        enclosures: vec![audio.clone()],
    }));
    let r = a.reader.as_ref().unwrap();
    assert_eq!(r.link_count(), 3);
    assert_eq!(
        r.line_count(),
        3 + 2 + 1 + 2,
        "lines, links, enclosure, heading"
    );
    a.update(key('f'));
    assert_eq!(
        a.update(key('3')),
        vec![Effect::OpenUrl("https://p.example/12.mp3".into())]
    );
    a.update(key('3'));
    assert_eq!(
        a.update(Event::Key(KeyEvent::new(
            KeyCode::Enter,
            KeyModifiers::NONE
        ))),
        vec![Effect::OpenUrl("https://p.example/12.mp3".into())]
    );
    // An episode without a page of its own: `o` opens the audio.
    a.reader.as_mut().unwrap().row.url = None;
    assert_eq!(
        a.update(key('o')),
        vec![Effect::OpenUrl("https://p.example/12.mp3".into())]
    );
}

#[test]
fn feed_status_screen_toggles_and_q_goes_back() {
    let mut a = app();
    assert_eq!(a.update(key('F')), vec![Effect::Job(Job::LoadFeedStatus)]);
    assert_eq!(a.screen, Screen::FeedStatus);
    assert!(a.update(key('q')).is_empty());
    assert_eq!(a.screen, Screen::Headlines);
}

#[test]
fn an_older_tab_load_finishing_last_is_ignored() {
    let mut a = app();
    let first = a.startup_effects();
    let Effect::Job(Job::LoadTab {
        generation: old, ..
    }) = first[0].clone()
    else {
        panic!()
    };
    // The user filters; a newer load goes out.
    a.update(key('/'));
    a.update(key('x'));
    let fx = a.update(Event::Key(KeyEvent::new(
        KeyCode::Enter,
        KeyModifiers::NONE,
    )));
    let Effect::Job(Job::LoadTab {
        generation: new, ..
    }) = fx[0].clone()
    else {
        panic!("{fx:?}")
    };
    a.update(Event::Worker(WorkerEvent::TabLoaded {
        tab: 0,
        generation: new,
        rows: vec![row(1, "x")],
    }));
    a.update(Event::Worker(WorkerEvent::TabLoaded {
        tab: 0,
        generation: old,
        rows: vec![row(1, "x"), row(2, "y")],
    }));
    assert_eq!(a.current_list().unwrap().rows.len(), 1);
}

fn saved_row(id: i64, title: &str) -> ArticleRow {
    ArticleRow {
        saved: true,
        ..row(id, title)
    }
}

#[test]
fn s_saves_and_s_again_asks_before_removing() {
    let mut a = app();
    a.update(Event::Worker(WorkerEvent::TabLoaded {
        tab: 0,
        generation: 1,
        rows: vec![row(1, "a")],
    }));
    assert_eq!(
        a.update(key('s')),
        vec![Effect::Job(Job::Save { id: ArticleId(1) })]
    );
    a.update(Event::Worker(WorkerEvent::Saved {
        id: ArticleId(1),
        result: Ok(SavedFile {
            file: "/d/a.md".into(),
            method: ExtractMethod::Feed,
        }),
    }));
    assert!(a.selected_row().unwrap().saved);
    // Unsaving asks; anything but y keeps it.
    assert!(a.update(key('s')).is_empty());
    assert!(matches!(
        a.prompt,
        Some(Prompt {
            kind: PromptKind::ConfirmUnsave(ArticleId(1)),
            ..
        })
    ));
    assert!(a.update(key('n')).is_empty());
    assert!(a.prompt.is_none());
    a.update(key('s'));
    assert_eq!(
        a.update(key('y')),
        vec![Effect::Job(Job::Unsave { id: ArticleId(1) })]
    );
    a.update(Event::Worker(WorkerEvent::Unsaved { id: ArticleId(1) }));
    assert!(!a.selected_row().unwrap().saved);
}

#[test]
fn d_in_the_saved_tab_asks_then_removes_and_reloads() {
    let mut a = app();
    let saved = a.tabs.len() - 1;
    a.update(key('7'));
    assert_eq!(a.current, saved);
    let Some(&generation) = a.requested.get(&saved) else {
        panic!("the Saved tab was loaded")
    };
    a.update(Event::Worker(WorkerEvent::TabLoaded {
        tab: saved,
        generation,
        rows: vec![saved_row(5, "kept")],
    }));
    a.update(key('d'));
    assert_eq!(
        a.update(key('y')),
        vec![Effect::Job(Job::Unsave { id: ArticleId(5) })]
    );
    let fx = a.update(Event::Worker(WorkerEvent::Unsaved { id: ArticleId(5) }));
    assert!(matches!(fx[0], Effect::Job(Job::LoadTab { tab, .. }) if tab == saved));
}

#[test]
fn t_edits_tags_of_saved_articles_only() {
    let mut a = app();
    a.update(Event::Worker(WorkerEvent::TabLoaded {
        tab: 0,
        generation: 1,
        rows: vec![row(1, "a"), saved_row(2, "b")],
    }));
    assert!(a.update(key('t')).is_empty());
    assert!(a.prompt.is_none(), "unsaved articles cannot be tagged");
    a.update(key('j'));
    a.update(key('t'));
    for c in "kp, security".chars() {
        a.update(key(c));
    }
    let fx = a.update(Event::Key(KeyEvent::new(
        KeyCode::Enter,
        KeyModifiers::NONE,
    )));
    assert_eq!(
        fx,
        vec![Effect::Job(Job::SetTags {
            id: ArticleId(2),
            tags: "kp, security".into()
        })]
    );
    a.update(Event::Worker(WorkerEvent::TagsSet {
        id: ArticleId(2),
        tags: Some("kp, security".into()),
    }));
    assert_eq!(
        a.selected_row().unwrap().tags.as_deref(),
        Some("kp, security")
    );
}

#[test]
fn slash_filters_the_tab_and_esc_clears_it() {
    let mut a = app();
    a.update(key('/'));
    for c in "quetta".chars() {
        a.update(key(c));
    }
    let fx = a.update(Event::Key(KeyEvent::new(
        KeyCode::Enter,
        KeyModifiers::NONE,
    )));
    assert!(
        matches!(&fx[0], Effect::Job(Job::LoadTab { query, .. }) if query.search.as_deref() == Some("quetta"))
    );
    a.update(key('/'));
    let fx = a.update(Event::Key(KeyEvent::new(KeyCode::Esc, KeyModifiers::NONE)));
    assert!(matches!(&fx[0], Effect::Job(Job::LoadTab { query, .. }) if query.search.is_none()));
}

fn app_with_account() -> App {
    let text = "[[tabs]]\nid = \"world\"\ntitle = \"World\"\n[[accounts]]\nname = \"home\"\n\
                kind = \"fever\"\nurl = \"http://127.0.0.1:1/fever/\"\nuser = \"me\"\n\
                password_env = \"X\"\ntab = \"world\"\n";
    let config = Config::parse(text, "c.toml").unwrap();
    App::new(&config, 1_000_000, 0)
}

#[test]
fn accounts_sync_at_start_and_with_refresh_all_one_sync_at_a_time() {
    let mut a = app_with_account();
    let effects = a.startup_effects();
    assert!(effects.iter().any(|e| matches!(e, Effect::Job(Job::Sync))));
    assert!(a.is_busy());
    // R while the sync runs starts no second one.
    let again = a.update(key('R'));
    assert!(!again.iter().any(|e| matches!(e, Effect::Job(Job::Sync))));
    a.update(Event::Worker(WorkerEvent::SyncFinished(vec![
        crate::sync::SyncSummary {
            account: "home".into(),
            new_items: 3,
            ..Default::default()
        },
    ])));
    assert!(!a.syncing);
    assert_eq!(
        a.message.as_deref(),
        Some("synced home: 3 new items, 0 pushed, 0 pulled")
    );
    let effects = a.update(key('R'));
    assert!(effects.iter().any(|e| matches!(e, Effect::Job(Job::Sync))));
    // Without accounts nothing syncs.
    let mut plain = app();
    assert!(!plain
        .startup_effects()
        .iter()
        .any(|e| matches!(e, Effect::Job(Job::Sync))));
}

#[test]
fn a_failed_sync_shows_in_the_status_line_and_the_lists_reload() {
    let mut a = app_with_account();
    a.startup_effects();
    let effects = a.update(Event::Worker(WorkerEvent::SyncFinished(vec![
        crate::sync::SyncSummary {
            account: "home".into(),
            pending: 2,
            error: Some("network error: connection refused".into()),
            ..Default::default()
        },
    ])));
    let message = a.message.clone().unwrap();
    assert!(
        message.starts_with("sync home: failed: network error: connection refused"),
        "{message}"
    );
    assert!(message.contains("2 changes wait"), "{message}");
    assert!(effects
        .iter()
        .any(|e| matches!(e, Effect::Job(Job::LoadTab { .. }))));
}
