//! `update` tests for catching up and searching (no terminal, no worker).

use ratatui::crossterm::event::{KeyCode, KeyEvent, KeyModifiers};

use super::*;
use crate::model::{ArticleId, FeedId};

fn app() -> App {
    let config = Config::embedded_default().unwrap();
    let mut a = App::new(&config, 1_000_000, 0);
    a.startup_effects();
    a
}

fn press(a: &mut App, code: KeyCode, modifiers: KeyModifiers) -> Vec<Effect> {
    a.update(Event::Key(KeyEvent::new(code, modifiers)))
}

fn char_key(a: &mut App, c: char) -> Vec<Effect> {
    press(a, KeyCode::Char(c), KeyModifiers::NONE)
}

fn row(id: i64, read: bool) -> ArticleRow {
    ArticleRow {
        id: ArticleId(id),
        feed_id: FeedId(1),
        title: format!("story {id}"),
        outlet: "Dawn".into(),
        url: None,
        published: 1_000_000 - id * 60,
        read,
        saved: false,
        summary: None,
        tags: None,
        lang: None,
        matched: Vec::new(),
        ignored: false,
    }
}

fn load(a: &mut App, tab: usize, rows: Vec<ArticleRow>) {
    let generation = a.requested.get(&tab).copied().unwrap_or(1);
    a.update(Event::Worker(WorkerEvent::TabLoaded {
        tab,
        generation,
        rows,
    }));
}

#[test]
fn mark_all_read_marks_the_whole_tab_and_u_undoes_it() {
    let mut a = app();
    load(&mut a, 0, vec![row(1, false), row(2, true), row(3, false)]);
    let fx = char_key(&mut a, 'A');
    let Some(Effect::Job(Job::MarkTabRead { query, tabs })) = fx.first() else {
        panic!("{fx:?}")
    };
    // The whole tab's query (not the rows on screen), and every tab for the recount.
    assert_eq!(query.feeds, a.tabs[0].query.feeds);
    assert_eq!(tabs.len(), a.tabs.len());
    assert!(a.current_list().unwrap().rows.iter().all(|r| r.read));
    let fx = a.update(Event::Worker(WorkerEvent::MarkedRead {
        articles: vec![ArticleId(1), ArticleId(3)],
        counts: vec![0; a.tabs.len()],
    }));
    assert!(matches!(fx[0], Effect::Job(Job::LoadTab { tab: 0, .. })));
    assert_eq!(
        a.message.as_deref(),
        Some("marked 2 articles read (U undoes)")
    );
    let fx = char_key(&mut a, 'U');
    assert!(matches!(
        &fx[0],
        Effect::Job(Job::SetReadMany { articles, read: false, .. })
            if articles == &[ArticleId(1), ArticleId(3)]
    ));
    let rows = &a.current_list().unwrap().rows;
    assert!(!rows[0].read && rows[1].read && !rows[2].read);
    // Undo once only.
    assert!(char_key(&mut a, 'U').is_empty());
    assert_eq!(a.message.as_deref(), Some("nothing to undo"));
}

#[test]
fn unread_only_toggles_the_tab_query() {
    let mut a = app();
    let fx = char_key(&mut a, 'u');
    assert!(matches!(&fx[0], Effect::Job(Job::LoadTab { query, .. }) if query.unread_only));
    let fx = char_key(&mut a, 'u');
    assert!(matches!(&fx[0], Effect::Job(Job::LoadTab { query, .. }) if !query.unread_only));
}

#[test]
fn next_unread_walks_the_list_then_the_next_tab_with_unread_articles() {
    let mut a = app();
    load(&mut a, 0, vec![row(1, false), row(2, true), row(3, false)]);
    assert_eq!(a.current_list().unwrap().state.selected(), Some(0));
    char_key(&mut a, 'n');
    assert_eq!(a.current_list().unwrap().state.selected(), Some(2));
    // No more here: Iran (index 4) has unread articles; Afghanistan (3) has none.
    let mut counts = vec![0; a.tabs.len()];
    counts[4] = 2;
    a.update(Event::Worker(WorkerEvent::Counts(counts)));
    let fx = char_key(&mut a, 'n');
    assert_eq!(a.tabs[a.current].id, "iran");
    assert!(matches!(fx[0], Effect::Job(Job::LoadTab { tab: 4, .. })));
    load(&mut a, 4, vec![row(7, true), row(8, false)]);
    assert_eq!(a.current_list().unwrap().state.selected(), Some(1));
}

#[test]
fn ctrl_f_searches_into_a_search_tab_that_esc_closes() {
    let mut a = app();
    char_key(&mut a, '3'); // Iran
    let iran = a.current;
    press(&mut a, KeyCode::Char('f'), KeyModifiers::CONTROL);
    assert_eq!(a.prompt.as_ref().unwrap().kind, PromptKind::FullText);
    for c in "quetta since:2d".chars() {
        char_key(&mut a, c);
    }
    let fx = press(&mut a, KeyCode::Enter, KeyModifiers::NONE);
    let search = a.search_tab().unwrap();
    assert_eq!(search, a.tabs.len() - 1);
    assert_eq!(a.current, search);
    let Some(Effect::Job(Job::LoadTab { query, .. })) = fx.first() else {
        panic!("{fx:?}")
    };
    let ft = query.fulltext.as_ref().unwrap();
    assert_eq!(ft.query.since_secs, Some(2 * 86_400));
    assert_eq!(ft.query.highlights, ["quetta"]);
    // A second search reuses the tab.
    press(&mut a, KeyCode::Char('f'), KeyModifiers::CONTROL);
    assert_eq!(a.prompt.as_ref().unwrap().text, "quetta since:2d");
    press(&mut a, KeyCode::Enter, KeyModifiers::NONE);
    assert_eq!(a.tabs.iter().filter(|t| t.id == SEARCH_TAB_ID).count(), 1);
    // Esc closes it and goes back to Iran.
    press(&mut a, KeyCode::Esc, KeyModifiers::NONE);
    assert!(a.search_tab().is_none());
    assert_eq!(a.current, iran);
    // A query that cannot run says why and opens nothing.
    press(&mut a, KeyCode::Char('f'), KeyModifiers::CONTROL);
    for c in "since:soon x".chars() {
        char_key(&mut a, c);
    }
    press(&mut a, KeyCode::Enter, KeyModifiers::NONE);
    assert!(a.search_tab().is_none());
    assert!(
        a.message
            .as_deref()
            .unwrap()
            .starts_with("search: since:soon"),
        "{:?}",
        a.message
    );
}

#[test]
fn esc_in_the_list_clears_the_filter() {
    let mut a = app();
    char_key(&mut a, '/');
    for c in "swat".chars() {
        char_key(&mut a, c);
    }
    press(&mut a, KeyCode::Enter, KeyModifiers::NONE);
    assert_eq!(a.tabs[0].query.search.as_deref(), Some("swat"));
    let fx = press(&mut a, KeyCode::Esc, KeyModifiers::NONE);
    assert_eq!(a.tabs[0].query.search, None);
    assert!(matches!(&fx[0], Effect::Job(Job::LoadTab { query, .. }) if query.search.is_none()));
}

#[test]
fn i_shows_ignored_articles_in_every_tab_and_hides_them_again() {
    let mut a = app();
    let fx = char_key(&mut a, 'I');
    assert!(matches!(&fx[0], Effect::Job(Job::LoadTab { query, .. }) if query.show_ignored));
    assert!(a.tabs.iter().all(|t| t.query.show_ignored));
    char_key(&mut a, 'I');
    assert!(a.tabs.iter().all(|t| !t.query.show_ignored));
}

#[test]
fn y_copies_the_link_unless_copying_is_off() {
    let mut a = app();
    let mut r = row(1, false);
    r.url = Some("https://dawn.example/1".into());
    load(&mut a, 0, vec![r]);
    let fx = char_key(&mut a, 'y');
    assert!(
        matches!(&fx[0], Effect::Copy(t) if t == "https://dawn.example/1"),
        "{fx:?}"
    );
    a.update(Event::Copied(None));
    assert_eq!(
        a.message.as_deref(),
        Some("copied to the clipboard (OSC 52)")
    );
    a.osc52 = false;
    assert!(char_key(&mut a, 'y').is_empty());
    assert!(a.message.as_deref().unwrap().contains("osc52 = false"));
}

#[test]
fn the_filter_follows_typing_and_n_capital_n_walk_its_matches() {
    let mut a = app();
    load(&mut a, 0, vec![row(1, false), row(2, false), row(3, false)]);
    char_key(&mut a, '/');
    let fx = char_key(&mut a, 'q');
    assert!(
        matches!(&fx[0], Effect::Job(Job::LoadTab { query, .. }) if query.search.as_deref() == Some("q"))
    );
    let fx = press(&mut a, KeyCode::Backspace, KeyModifiers::NONE);
    assert!(matches!(&fx[0], Effect::Job(Job::LoadTab { query, .. }) if query.search.is_none()));
    char_key(&mut a, 's');
    press(&mut a, KeyCode::Enter, KeyModifiers::NONE);
    load(&mut a, 0, vec![row(1, true), row(2, true), row(3, false)]);
    char_key(&mut a, 'n');
    assert_eq!(a.current_list().unwrap().state.selected(), Some(1));
    char_key(&mut a, 'N');
    assert_eq!(a.current_list().unwrap().state.selected(), Some(0));
    // N did not toggle read while walking matches.
    assert!(a.current_list().unwrap().rows[0].read);
}

#[test]
fn next_unread_in_the_reader_opens_it() {
    let mut a = app();
    load(&mut a, 0, vec![row(1, false), row(2, true), row(3, false)]);
    press(&mut a, KeyCode::Enter, KeyModifiers::NONE);
    assert_eq!(a.reader.as_ref().unwrap().row.id, ArticleId(1));
    let fx = char_key(&mut a, 'N');
    assert!(
        fx.iter()
            .any(|e| matches!(e, Effect::Job(Job::OpenArticle { id, .. }) if *id == ArticleId(3))),
        "{fx:?}"
    );
    assert_eq!(a.reader.as_ref().unwrap().row.id, ArticleId(3));
}
