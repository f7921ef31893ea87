use ratatui::backend::TestBackend;
use ratatui::Terminal;

use super::*;
use crate::config::Config;
use crate::model::{ArticleId, ArticleRow, FeedId, FeedStatus};
use crate::refresh::{FeedReport, FeedResult};
use crate::tui::app::{Event, RefreshProgress};
use crate::tui::worker::WorkerEvent;

const NOW: i64 = 1_795_514_400; // Tue 24 Nov 2026 10:00 UTC

fn app() -> App {
    let mut a = App::new(&Config::embedded_default().unwrap(), NOW, 0);
    // As the event loop does: the first tab's load goes out as generation 1.
    a.startup_effects();
    a
}

fn row(id: i64, title: &str, outlet: &str, age_secs: i64, read: bool) -> ArticleRow {
    ArticleRow {
        id: ArticleId(id),
        feed_id: FeedId(1),
        title: title.into(),
        outlet: outlet.into(),
        url: None,
        published: NOW - age_secs,
        read,
        saved: false,
        summary: None,
        tags: None,
        lang: None,
        matched: Vec::new(),
        ignored: false,
    }
}

fn draw(app: &mut App, width: u16, height: u16) -> String {
    let mut terminal = Terminal::new(TestBackend::new(width, height)).unwrap();
    terminal.draw(|f| view(app, f)).unwrap();
    terminal.backend().to_string()
}

fn loaded(app: &mut App) {
    let rows = vec![
        row(
            1,
            "Pakistan, Afghanistan agree to reopen Torkham crossing",
            "Dawn",
            3 * 3600,
            false,
        ),
        row(
            2,
            "Rain lashes Quetta as cold wave grips Balochistan",
            "The Express Tribune",
            5 * 3600,
            false,
        ),
        row(
            3,
            "پشاور میں شدید بارش، کئی سڑکیں بند",
            "BBC Urdu",
            26 * 3600,
            true,
        ),
        row(
            4,
            "Tehran Times says talks will resume",
            "Tehran Times",
            40,
            false,
        ),
    ];
    app.update(Event::Worker(WorkerEvent::TabLoaded {
        tab: 0,
        generation: 1,
        rows,
    }));
    // Unread by tab index: Pakistan, Balochistan, Khyber Pakhtunkhwa, Afghanistan, Iran,
    // Middle East, ...
    app.update(Event::Worker(WorkerEvent::Counts(vec![
        15, 3, 0, 0, 0, 40, 0, 0, 0,
    ])));
}

#[test]
fn headlines_with_tab_bar_sub_tabs_and_status() {
    let mut a = app();
    loaded(&mut a);
    insta::assert_snapshot!(draw(&mut a, 100, 10));
}

#[test]
fn empty_store_before_and_after_loading() {
    let mut a = app();
    insta::assert_snapshot!("before_loading", draw(&mut a, 80, 6));
    a.update(Event::Worker(WorkerEvent::TabLoaded {
        tab: 0,
        generation: 1,
        rows: vec![],
    }));
    insta::assert_snapshot!("empty", draw(&mut a, 80, 6));
}

#[test]
fn refresh_progress_with_failures_in_the_status_line() {
    let mut a = app();
    loaded(&mut a);
    a.refresh = Some(RefreshProgress {
        total: 120,
        done: 37,
        failed: 2,
        new: 5,
    });
    insta::assert_snapshot!(draw(&mut a, 100, 8));
    a.update(Event::Worker(WorkerEvent::FeedRefreshed(FeedReport {
        url: "u".into(),
        outlet: "Geo".into(),
        result: FeedResult::Failed {
            error: "HTTP 500".into(),
        },
    })));
    a.update(Event::Worker(WorkerEvent::RefreshFinished));
    let screen = draw(&mut a, 100, 8);
    assert!(
        screen.contains("refreshed 120 feeds: 5 new, 3 failed (F for details)"),
        "{screen}"
    );
}

#[test]
fn feed_status_lists_errors() {
    let mut a = app();
    a.screen = Screen::FeedStatus;
    let status = |id, outlet: &str, error: Option<&str>| FeedStatus {
        id: FeedId(id),
        url: format!("https://{outlet}.example/feed"),
        outlet: outlet.into(),
        last_fetch: Some(NOW - 600),
        last_success: error.is_none().then_some(NOW - 600),
        items: 30,
        unread: 12,
        last_error: error.map(String::from),
        note: None,
        failures: u32::from(error.is_some()),
        next_attempt: error.map(|_| NOW + 1800),
    };
    a.update(Event::Worker(WorkerEvent::FeedStatus(vec![
        status(1, "dawn", None),
        status(2, "geo", Some("HTTP 500")),
        status(3, "tribune", Some("timed out")),
    ])));
    insta::assert_snapshot!(draw(&mut a, 100, 8));
}

#[test]
fn feed_status_shows_the_repair_a_feed_needed_and_nothing_for_a_clean_one() {
    let mut a = app();
    a.screen = Screen::FeedStatus;
    let status = |id, outlet: &str, note: Option<&str>| FeedStatus {
        id: FeedId(id),
        url: format!("https://{outlet}.example/feed"),
        outlet: outlet.into(),
        last_fetch: Some(NOW - 600),
        last_success: Some(NOW - 600),
        items: 30,
        unread: 12,
        last_error: None,
        note: note.map(String::from),
        failures: 0,
        next_attempt: None,
    };
    a.update(Event::Worker(WorkerEvent::FeedStatus(vec![
        status(1, "dawn", None),
        status(2, "geo", Some("invalid UTF-8 repaired: 1 byte replaced")),
    ])));
    let screen = draw(&mut a, 160, 6);
    let row = |outlet: &str| {
        screen
            .lines()
            .find(|l| l.starts_with(&format!("\"{outlet} ")))
            .unwrap_or_else(|| panic!("no {outlet} row in {screen}"))
            .trim_matches('"')
    };
    assert!(
        row("geo").contains("ok · invalid UTF-8 repaired: 1 byte replaced"),
        "{screen}"
    );
    assert!(row("dawn").trim_end().ends_with(" ok"), "{screen}");
    assert!(screen.contains("2 feeds, 0 failing"), "{screen}");
}

#[test]
fn feed_status_cuts_the_error_not_the_retry_time_and_says_never() {
    let mut a = app();
    a.screen = Screen::FeedStatus;
    a.update(Event::Worker(WorkerEvent::FeedStatus(vec![FeedStatus {
        id: FeedId(1),
        url: "https://www.afintl.example/en/rss/latest-news-and-analysis.xml".into(),
        outlet: "Afghanistan International".into(),
        last_fetch: Some(NOW - 5),
        last_success: None,
        items: 0,
        unread: 0,
        last_error: Some(
            "fetching failed: error sending request: dns error: failed to lookup address \
             information: Name or service not known"
                .into(),
        ),
        note: None,
        failures: 3,
        next_attempt: Some(NOW + 1200),
    }])));
    let screen = draw(&mut a, 80, 6);
    let row = screen.lines().nth(3).unwrap();
    assert!(row.contains("Afghanistan Int…"), "{screen}");
    assert!(row.contains("www.afintl.example/en…"), "{screen}");
    assert!(screen.contains("1 feed, 1 failing"), "{screen}");
    assert!(row.contains(" never "), "{screen}");
    assert!(row.contains("✗ fetc"), "{screen}");
    assert!(row.contains("… · retry in 20m"), "{screen}");
}

#[test]
fn at_80_columns_the_status_line_keeps_whole_words() {
    let mut a = app();
    loaded(&mut a);
    a.message = Some("refreshed 64 feeds: 0 new, 64 failed (F for details)".into());
    let screen = draw(&mut a, 80, 8);
    let status = screen.lines().last().unwrap();
    assert!(
        status.contains(" refreshed 64 feeds: 0 new, 64 failed…  "),
        "{screen}"
    );
    assert!(status.contains("Dawn ·"), "{screen}");
    a.message = Some(format!("{} end", "word ".repeat(30)));
    let screen = draw(&mut a, 80, 8);
    let status = screen.lines().last().unwrap();
    assert!(status.contains(" word…"), "{screen}");
}

#[test]
fn many_tabs_scroll_around_the_selected_one_instead_of_shrinking() {
    let mut text = String::new();
    for n in 1..=12 {
        text.push_str(&format!(
            "[[tabs]]\nid = \"t{n}\"\ntitle = \"Tab number {n}\"\n"
        ));
    }
    let config = Config::parse(&text, "t.toml").unwrap();
    let mut a = App::new(&config, NOW, 0);
    a.startup_effects();
    let bar = |a: &mut App| draw(a, 80, 4).lines().next().unwrap().to_string();
    let first = bar(&mut a);
    assert!(first.contains("1:Tab number 1 "), "{first}");
    assert!(first.contains("2:Tab number 2 "), "{first}");
    assert!(!first.contains("…"), "{first}");
    assert!(first.trim_end_matches(['"', ' ']).ends_with('›'), "{first}");
    // Walk to the tenth tab: the bar follows it.
    use ratatui::crossterm::event::{KeyCode, KeyEvent, KeyModifiers};
    for _ in 0..9 {
        a.update(Event::Key(KeyEvent::new(KeyCode::Tab, KeyModifiers::NONE)));
    }
    assert_eq!(a.tabs[a.current].title, "Tab number 10");
    let tenth = bar(&mut a);
    assert!(tenth.contains("10:Tab number 10 "), "{tenth}");
    assert!(tenth.contains('‹'), "{tenth}");
    assert!(!tenth.contains("1:Tab number 1 "), "{tenth}");
    assert!(!tenth.contains("…"), "{tenth}");
}

#[test]
fn without_colour_the_selected_row_is_reversed_and_unread_rows_bold() {
    let mut a = app();
    a.no_color = true;
    loaded(&mut a);
    let mut terminal = Terminal::new(TestBackend::new(80, 8)).unwrap();
    terminal.draw(|f| view(&mut a, f)).unwrap();
    let buf = terminal.backend().buffer();
    // Row 2 is the selected (first, unread) headline; row 4 the read Urdu one.
    for x in [0, 10, 70] {
        assert!(
            buf[(x, 2)].modifier.contains(Modifier::REVERSED),
            "selected row at x={x}"
        );
    }
    for x in [0, 10, 70, 78] {
        assert!(
            buf[(x, 3)].modifier.contains(Modifier::BOLD),
            "unread row at x={x}"
        );
    }
    assert!(!buf[(70, 4)].modifier.contains(Modifier::BOLD), "read row");
    a.no_color = false;
    terminal.draw(|f| view(&mut a, f)).unwrap();
    assert!(!terminal.backend().buffer()[(10, 2)]
        .modifier
        .contains(Modifier::REVERSED));
}

#[test]
fn help_overlay_is_generated_from_the_keymap() {
    let mut a = app();
    loaded(&mut a);
    a.show_help = true;
    let screen = draw(&mut a, 100, 40);
    assert!(screen.contains("shift-tab"), "{screen}");
    assert!(screen.contains("refresh all"), "{screen}");
    insta::assert_snapshot!(screen);
}

#[test]
fn tiny_terminals_do_not_panic() {
    let mut a = app();
    loaded(&mut a);
    for (w, h) in [(1, 1), (10, 3), (20, 2), (3, 1)] {
        draw(&mut a, w, h);
        a.show_help = !a.show_help;
    }
}

fn open_reader(a: &mut App, width: u16) {
    use ratatui::crossterm::event::{KeyCode, KeyEvent, KeyModifiers};
    loaded(a);
    a.update(Event::Resize { width, height: 24 });
    a.update(Event::Key(KeyEvent::new(
        KeyCode::Enter,
        KeyModifiers::NONE,
    )));
    let generation = a.reader.as_ref().unwrap().generation;
    let html = "<h2>Talks resume</h2><p>Officials from <a href=\"https://dawn.example/a\">both sides</a> met in \
        Islamabad on Monday to discuss the reopening of the Torkham crossing, which has been closed for five days.</p>\
        <blockquote><p>We want trade to flow again.</p></blockquote>\
        <ul><li>Trucks stranded: 5,000</li><li>Losses: $2m a day</li></ul>\
        <p>Read the <a href=\"https://dawn.example/b\">full statement</a>.</p>";
    let rendered = crate::render::render(html, usize::from(a.reader_width()));
    a.update(Event::Worker(WorkerEvent::ArticleOpened {
        generation,
        authors: Some("Staff Reporter".into()),
        feed: crate::model::ArticleText {
            html: html.into(),
            words: 58,
            ..crate::model::ArticleText::default()
        },
        cached: None,
        rendered,
        source: crate::model::TextSource::Feed,
        extracting: true,
        enclosures: Vec::new(),
    }));
}

#[test]
fn reader_at_60_columns() {
    let mut a = app();
    open_reader(&mut a, 60);
    insta::assert_snapshot!(draw(&mut a, 60, 24));
}

#[test]
fn the_reader_lists_enclosures_as_numbered_links() {
    let mut a = app();
    open_reader(&mut a, 80);
    a.reader.as_mut().unwrap().enclosures = vec![crate::model::Enclosure {
        url: "https://dawn.example/podcast/12.mp3".into(),
        mime: Some("audio/mpeg".into()),
        length: Some(32_640_000),
        duration: Some(2041),
    }];
    use ratatui::crossterm::event::{KeyCode, KeyEvent, KeyModifiers};
    a.update(Event::Key(KeyEvent::new(
        KeyCode::Char('G'),
        KeyModifiers::NONE,
    )));
    let screen = draw(&mut a, 80, 24);
    assert!(screen.contains("[2] https://dawn.example/b"), "{screen}");
    assert!(
        screen.contains("[3] [audio: 34 min, mp3] https://dawn.example/podcast/12.mp3"),
        "{screen}"
    );
}

#[test]
fn reader_at_120_columns_is_centred_with_a_max_width() {
    let mut a = app();
    a.max_width = 70;
    open_reader(&mut a, 120);
    insta::assert_snapshot!(draw(&mut a, 120, 24));
}

#[test]
fn the_status_hint_follows_the_live_keymap() {
    let config = Config::parse("[keys.list]\nq = \"noop\"\nx = \"quit\"\n", "k.toml").unwrap();
    let mut a = App::new(&config, NOW, 0);
    a.startup_effects();
    let screen = draw(&mut a, 60, 6);
    assert!(screen.contains("? help  x quit"), "{screen}");
    assert!(!screen.contains("q quit"), "{screen}");
    let mut default = app();
    assert!(draw(&mut default, 60, 6).contains("? help  q quit"));
}

const URDU_ARTICLE: &str = "<p>ٹی ٹی پی (TTP) کے حملے میں اضافے کے بعد خیبر پختونخوا میں سیکیورٹی سخت کر دی گئی۔</p>\
    <p>محکمہ موسمیات کے مطابق لاہور، کراچی اور راولپنڈی میں 2025-11-14 کو بارش کا امکان ہے، \
    اور شہریوں کو احتیاط کی ہدایت کی گئی ہے۔</p><p>اللّٰہ تعالیٰ کا شکر ہے کہ کوئی جانی نقصان نہیں ہوا۔</p>";

/// Opens the Urdu headline (the third row) with an Urdu article.
fn open_urdu_reader(a: &mut App, width: u16) {
    use ratatui::crossterm::event::{KeyCode, KeyEvent, KeyModifiers};
    loaded(a);
    a.update(Event::Resize { width, height: 20 });
    for code in [KeyCode::Char('j'), KeyCode::Char('j'), KeyCode::Enter] {
        a.update(Event::Key(KeyEvent::new(code, KeyModifiers::NONE)));
    }
    let generation = a.reader.as_ref().unwrap().generation;
    let rendered = crate::render::render(URDU_ARTICLE, usize::from(a.reader_width()));
    a.update(Event::Worker(WorkerEvent::ArticleOpened {
        generation,
        authors: None,
        feed: crate::model::ArticleText {
            html: URDU_ARTICLE.into(),
            words: 60,
            ..crate::model::ArticleText::default()
        },
        cached: None,
        rendered,
        source: crate::model::TextSource::Feed,
        extracting: false,
        enclosures: Vec::new(),
    }));
}

/// The screen's rows as strings of cells (wide characters take their cells).
fn rows_of(screen: &str) -> Vec<String> {
    screen
        .lines()
        .map(|l| l.trim_matches('"').to_string())
        .collect()
}

#[test]
fn urdu_reader_in_visual_order_right_aligned_at_two_widths() {
    for width in [60u16, 100] {
        let mut a = app();
        open_urdu_reader(&mut a, width);
        let screen = draw(&mut a, width, 20);
        // Brackets around a Latin acronym read the right way round after mirroring.
        assert!(screen.contains("(TTP)"), "{screen}");
        // The logical order is gone: the first words of the headline are at the right.
        assert!(!screen.contains("ٹی ٹی پی (TTP)"), "{screen}");
        // Right-to-left body lines end at the text column's right edge.
        let column = a.reader_width().min(width);
        let right_edge = usize::from((width - column) / 2 + column);
        for row in rows_of(&screen).iter().skip(4).take(6) {
            if row.contains('ک') || row.contains('ہ') {
                // Cells up to the last letter (marks take none); at most two cells short of
                // the edge, which is where the status of a line ends when it fills the column.
                let last = crate::render::cell_width(row.trim_end());
                assert!(last <= right_edge && last + 2 >= right_edge, "{row:?}");
            }
        }
        insta::assert_snapshot!(format!("urdu_reader_{width}"), screen);
    }
}

#[test]
fn with_bidi_off_text_stays_in_logical_order() {
    let config = Config::parse("[display]\nbidi = false\n", "d.toml").unwrap();
    let mut a = App::new(&config, NOW, 0);
    a.startup_effects();
    open_urdu_reader(&mut a, 100);
    let screen = draw(&mut a, 100, 20);
    assert!(screen.contains("ٹی ٹی پی (TTP) کے حملے"), "{screen}");
}

#[test]
fn rtl_paragraphs_wrap_in_cells_without_splitting_words() {
    for width in [20usize, 33, 40, 60] {
        let r = crate::render::render(URDU_ARTICLE, width);
        for line in &r.lines {
            assert!(
                crate::render::cell_width(&line.text) <= width,
                "{width}: {line:?}"
            );
        }
        let all: Vec<&str> = r.lines.iter().flat_map(|l| l.text.split(' ')).collect();
        for word in ["لاہور،", "کراچی", "اور", "راولپنڈی", "2025-11-14"] {
            assert!(all.contains(&word), "{width}: {word} split");
        }
        assert!(r.lines.iter().filter(|l| !l.text.is_empty()).all(|l| l.rtl));
    }
}

#[test]
fn a_save_message_replaces_an_earlier_extraction_failure() {
    let mut a = app();
    open_reader(&mut a, 80);
    let generation = a.reader.as_ref().unwrap().generation;
    a.update(Event::Worker(WorkerEvent::ArticleExtracted {
        generation,
        byline: None,
        result: Err(crate::articles::ArticleError::NotModified),
    }));
    assert!(draw(&mut a, 80, 24).contains("showing the feed text"));
    a.update(Event::Worker(WorkerEvent::Saved {
        id: ArticleId(1),
        result: Ok(crate::articles::SavedFile {
            file: "/d/a.md".into(),
            method: crate::model::ExtractMethod::Feed,
        }),
    }));
    let screen = draw(&mut a, 80, 24);
    assert!(screen.contains("saved (feed) to /d/a.md"), "{screen}");
}

#[test]
fn the_reader_header_says_why_a_routed_item_is_in_the_tab() {
    let mut a = app();
    open_reader(&mut a, 80);
    let plain = draw(&mut a, 80, 24);
    assert!(!plain.contains("matched:"), "{plain}");
    let mut a = app();
    loaded(&mut a);
    a.lists.get_mut(&0).unwrap().rows[0].matched = vec!["Torkham".into(), "کوئٹہ".into()];
    a.update(Event::Resize {
        width: 80,
        height: 24,
    });
    a.update(Event::Key(ratatui::crossterm::event::KeyEvent::new(
        ratatui::crossterm::event::KeyCode::Enter,
        ratatui::crossterm::event::KeyModifiers::NONE,
    )));
    let screen = draw(&mut a, 80, 24);
    // The Urdu name is drawn in visual order: its letters reversed.
    assert!(screen.contains("matched: Torkham, ہٹئوک"), "{screen}");
}

#[test]
fn times_show_in_the_tab_zone_with_the_solar_hijri_date_for_iran() {
    let mut a = app();
    let iran = a.tabs.iter().position(|t| t.id == "iran").unwrap();
    a.current = iran;
    a.lists.insert(
        iran,
        crate::tui::app::TabList {
            rows: vec![row(9, "Majlis passes budget", "Radio Farda", 3600, false)],
            loaded: true,
            ..Default::default()
        },
    );
    a.lists.get_mut(&iran).unwrap().state.select(Some(0));
    let screen = draw(&mut a, 100, 8);
    // 09:00 UTC is 12:30 in Tehran; 24 Nov 2026 is 3 Azar 1405.
    assert!(
        screen.contains("Tue 24 Nov 12:30 +0330 · 1405-09-03"),
        "{screen}"
    );
    // The World tab has no zone of its own: the local zone (UTC here), Gregorian only.
    let world = a.tabs.iter().position(|t| t.id == "world").unwrap();
    a.current = world;
    let rows = a.lists.remove(&iran).unwrap();
    a.lists.insert(world, rows);
    let screen = draw(&mut a, 100, 8);
    assert!(screen.contains("Tue 24 Nov 09:00 UTC ("), "{screen}");
}

#[test]
fn the_search_tab_highlights_the_words_searched_for() {
    use ratatui::crossterm::event::{KeyCode, KeyEvent, KeyModifiers};
    let mut a = app();
    a.update(Event::Key(KeyEvent::new(
        KeyCode::Char('f'),
        KeyModifiers::CONTROL,
    )));
    for c in "quetta".chars() {
        a.update(Event::Key(KeyEvent::new(
            KeyCode::Char(c),
            KeyModifiers::NONE,
        )));
    }
    a.update(Event::Key(KeyEvent::new(
        KeyCode::Enter,
        KeyModifiers::NONE,
    )));
    let tab = a.search_tab().unwrap();
    let generation = a.requested_generation(tab).unwrap();
    a.update(Event::Worker(WorkerEvent::TabLoaded {
        tab,
        generation,
        rows: vec![row(
            2,
            "Rain lashes Quetta as cold wave grips",
            "Dawn",
            60,
            false,
        )],
    }));
    let mut terminal = Terminal::new(TestBackend::new(80, 6)).unwrap();
    terminal.draw(|f| view(&mut a, f)).unwrap();
    let buffer = terminal.backend().buffer().clone();
    let screen = terminal.backend().to_string();
    insta::assert_snapshot!("search_tab", screen);
    assert!(screen.contains("Search"), "{screen}");
    let y = (0..6u16)
        .find(|&y| {
            (0..80u16)
                .map(|x| buffer[(x, y)].symbol())
                .collect::<String>()
                .contains("Quetta")
        })
        .unwrap();
    let reversed: String = (0..80u16)
        .filter(|&x| buffer[(x, y)].modifier.contains(Modifier::REVERSED))
        .map(|x| buffer[(x, y)].symbol())
        .collect();
    assert_eq!(reversed, "Quetta");
}

#[test]
fn the_mouse_clicks_tabs_and_headlines_and_the_wheel_scrolls() {
    use ratatui::crossterm::event::{KeyModifiers, MouseButton, MouseEvent, MouseEventKind};
    let mouse = |kind, column, row| {
        Event::Mouse(MouseEvent {
            kind,
            column,
            row,
            modifiers: KeyModifiers::NONE,
        })
    };
    let mut a = app();
    loaded(&mut a);
    a.update(Event::Resize {
        width: 100,
        height: 12,
    });
    let screen = draw(&mut a, 100, 12);
    // Headlines start on the third row (tab bar, sub-tab bar): click the second one.
    a.update(mouse(MouseEventKind::Down(MouseButton::Left), 10, 3));
    assert_eq!(a.current_list().unwrap().state.selected(), Some(1));
    // Clicking the selected headline opens it.
    let fx = a.update(mouse(MouseEventKind::Down(MouseButton::Left), 10, 3));
    assert!(
        fx.iter().any(|e| matches!(
            e,
            crate::tui::app::Effect::Job(crate::tui::worker::Job::OpenArticle { .. })
        )),
        "{fx:?}"
    );
    a.update(Event::Key(ratatui::crossterm::event::KeyEvent::new(
        ratatui::crossterm::event::KeyCode::Esc,
        KeyModifiers::NONE,
    )));
    // The wheel moves the selection three rows (here to the last of four).
    draw(&mut a, 100, 12);
    a.update(mouse(MouseEventKind::ScrollDown, 10, 5));
    assert_eq!(a.current_list().unwrap().state.selected(), Some(3));
    // A click on a tab label opens that tab.
    let first_row = screen.lines().next().unwrap();
    let column = first_row.find("3:Iran").unwrap();
    let column = u16::try_from(first_row[..column].chars().count()).unwrap();
    a.update(mouse(
        MouseEventKind::Down(MouseButton::Left),
        column + 2,
        0,
    ));
    assert_eq!(a.tabs[a.current].id, "iran");
}

#[test]
fn an_empty_tab_says_why_it_is_empty() {
    let text = "[[tabs]]\nid = \"a\"\ntitle = \"A\"\n[[tabs.outlets]]\nname = \"X\"\nfeeds = [\"https://x.example/f\"]\n\
                [[tabs]]\nid = \"b\"\ntitle = \"B\"\n";
    let config = Config::parse(text, "c.toml").unwrap();
    let mut a = App::new(&config, NOW, 0);
    a.config_file = Some("/home/me/.config/khabar/config.toml".into());
    a.startup_effects();
    let empty = |a: &mut App, tab: usize| {
        let generation = a.requested_generation(tab).unwrap_or(1);
        a.update(Event::Worker(WorkerEvent::TabLoaded {
            tab,
            generation,
            rows: vec![],
        }));
        draw(a, 100, 8)
            .replace(['"', '\n'], " ")
            .split_whitespace()
            .collect::<Vec<_>>()
            .join(" ")
    };
    // Still loading while the first refresh runs.
    a.update(Event::Worker(WorkerEvent::RefreshStarted { total: 1 }));
    assert!(empty(&mut a, 0).contains("Loading… fetching feeds (0 of 1 done)."));
    // Every feed of the tab failed to resolve: the tab and the status line say so.
    a.update(Event::Worker(WorkerEvent::FeedRefreshed(FeedReport {
        url: "https://x.example/f".into(),
        outlet: "X".into(),
        result: FeedResult::Failed {
            error: "network error: failed to lookup address information".into(),
        },
    })));
    a.update(Event::Worker(WorkerEvent::RefreshFinished));
    let screen = empty(&mut a, 0);
    assert!(
        screen.contains("Every feed of this tab failed: network error: failed to lookup"),
        "{screen}"
    );
    assert!(screen.contains("the network looks unreachable"), "{screen}");
    // A tab without outlets says where to add one.
    a.update(Event::Key(ratatui::crossterm::event::KeyEvent::new(
        ratatui::crossterm::event::KeyCode::Char('2'),
        ratatui::crossterm::event::KeyModifiers::NONE,
    )));
    let screen = empty(&mut a, 1);
    assert!(
        screen.contains(
            "This tab has no outlets yet. Add one in /home/me/.config/khabar/config.toml"
        ),
        "{screen}"
    );
}

#[test]
fn the_help_overlay_fits_80_by_24_with_every_binding() {
    let mut a = app();
    a.show_help = true;
    let screen = draw(&mut a, 80, 24);
    insta::assert_snapshot!("help_80x24", screen);
    let rows: Vec<&str> = screen.lines().collect();
    // The box is whole: both top corners and the bottom border are on screen.
    assert!(
        rows.iter().any(|r| r.contains('┌') && r.contains('┐')),
        "{screen}"
    );
    assert!(
        rows.iter().any(|r| r.contains('└') && r.contains('┘')),
        "{screen}"
    );
    // Every action of the list has its line (descriptions may be cut with an ellipsis).
    let bindings = a.keymap.bindings(Context::List);
    for (action, _) in &bindings {
        let d = action.describe();
        // Whole, or cut with an ellipsis, never cut off by the box edge.
        let whole = screen.contains(d);
        let cut = (6..d.chars().count()).any(|n| {
            let prefix: String = d.chars().take(n).collect();
            screen.contains(&format!("{}…", prefix.trim_end()))
        });
        assert!(whole || cut, "{d}\n{screen}");
    }
}

#[test]
fn a_wide_terminal_shows_the_list_and_the_article_side_by_side() {
    use ratatui::crossterm::event::{KeyCode, KeyEvent, KeyModifiers};
    let key = |c| Event::Key(KeyEvent::new(c, KeyModifiers::NONE));
    let mut a = app();
    loaded(&mut a);
    a.update(Event::Resize {
        width: 160,
        height: 12,
    });
    assert!(a.is_split());
    // Moving in the list previews the article on the right without marking it read.
    let fx = a.update(key(KeyCode::Char('j')));
    let Some(crate::tui::app::Effect::Job(crate::tui::worker::Job::OpenArticle {
        id, width, ..
    })) = fx.first()
    else {
        panic!("{fx:?}")
    };
    assert_eq!(*id, ArticleId(2));
    assert!(*width <= 96 - 4, "{width}");
    assert!(!a.current_list().unwrap().rows[1].read);
    assert_eq!(a.screen, crate::tui::app::Screen::Headlines);
    let generation = a.reader.as_ref().unwrap().generation;
    let html = "<p>Snow closed the Lak Pass road for a second day.</p>";
    a.update(Event::Worker(WorkerEvent::ArticleOpened {
        generation,
        authors: None,
        feed: crate::model::ArticleText {
            html: html.into(),
            words: 9,
            ..crate::model::ArticleText::default()
        },
        cached: None,
        rendered: crate::render::render(html, 90),
        source: crate::model::TextSource::Feed,
        extracting: false,
        enclosures: Vec::new(),
    }));
    let screen = draw(&mut a, 160, 12);
    insta::assert_snapshot!("split_view_160", screen);
    let row = screen.lines().find(|l| l.contains("Snow closed")).unwrap();
    // The headlines are on the same screen, to the left of the article.
    assert!(screen.contains("Rain lashes Quetta"), "{screen}");
    assert!(row.find("Snow closed").unwrap() > 60, "{row}");
    // Enter moves into the article (and marks it read); Esc comes back to the list.
    a.update(key(KeyCode::Enter));
    assert_eq!(a.screen, crate::tui::app::Screen::Reader);
    assert!(a.current_list().unwrap().rows[1].read);
    a.update(key(KeyCode::Esc));
    assert_eq!(a.screen, crate::tui::app::Screen::Headlines);
    // Tab moves focus too, both ways.
    a.update(key(KeyCode::Tab));
    assert_eq!(a.screen, crate::tui::app::Screen::Reader);
    a.update(key(KeyCode::Tab));
    assert_eq!(a.screen, crate::tui::app::Screen::Headlines);
    assert_eq!(a.current, 0);
    // A narrower terminal keeps separate screens.
    a.update(Event::Resize {
        width: 120,
        height: 12,
    });
    assert!(!a.is_split());
    assert!(a.update(key(KeyCode::Char('j'))).is_empty());
}

#[test]
fn themes_colour_by_role_and_no_color_draws_no_colour_at_all() {
    let config = Config::parse(
        "[theme]\nname = \"light\"\nunread = \"#ff8800\"\n",
        "t.toml",
    )
    .unwrap();
    let mut a = App::new(&config, NOW, 0);
    a.startup_effects();
    loaded(&mut a);
    let mut terminal = Terminal::new(TestBackend::new(100, 8)).unwrap();
    terminal.draw(|f| view(&mut a, f)).unwrap();
    let buffer = terminal.backend().buffer().clone();
    // The second headline is unread and not selected: drawn in the configured colour.
    let unread_fg = (0..100u16)
        .map(|x| buffer[(x, 3)].fg)
        .find(|c| *c == ratatui::style::Color::Rgb(0xff, 0x88, 0x00));
    assert!(unread_fg.is_some());
    // NO_COLOR: not one cell has a colour; the selected row is in reverse video.
    a.no_color = true;
    a.theme = crate::tui::theme::Theme::new(&config.theme, true);
    terminal.draw(|f| view(&mut a, f)).unwrap();
    insta::assert_snapshot!("no_color", terminal.backend().to_string());
    let buffer = terminal.backend().buffer().clone();
    assert!(buffer
        .content
        .iter()
        .all(|c| c.fg == ratatui::style::Color::Reset && c.bg == ratatui::style::Color::Reset));
    assert!((0..100u16).any(|x| buffer[(x, 2)].modifier.contains(Modifier::REVERSED)));
    // A colour that is not one is a config error at its line.
    let err = Config::parse("[theme]\nread = \"blurple\"\n", "t.toml")
        .unwrap_err()
        .to_string();
    assert!(err.starts_with("t.toml:2:"), "{err}");
}

#[test]
fn clicking_a_link_marker_in_the_reader_opens_it() {
    use ratatui::crossterm::event::{KeyModifiers, MouseButton, MouseEvent, MouseEventKind};
    let mut a = app();
    open_reader(&mut a, 80);
    let screen = draw(&mut a, 80, 24);
    let (y, line) = screen
        .lines()
        .enumerate()
        .find(|(_, l)| l.contains("[2]"))
        .unwrap();
    let x = line[..line.find("[2]").unwrap()].chars().count() - 1; // the quote TestBackend adds
    let fx = a.update(Event::Mouse(MouseEvent {
        kind: MouseEventKind::Down(MouseButton::Left),
        column: u16::try_from(x + 1).unwrap(),
        row: u16::try_from(y).unwrap(),
        modifiers: KeyModifiers::NONE,
    }));
    assert!(
        matches!(&fx[..], [crate::tui::app::Effect::OpenUrl(u)] if u == "https://dawn.example/b"),
        "{fx:?}"
    );
}

#[test]
fn the_unread_only_list() {
    use ratatui::crossterm::event::{KeyCode, KeyEvent, KeyModifiers};
    let mut a = app();
    loaded(&mut a);
    a.update(Event::Key(KeyEvent::new(
        KeyCode::Char('u'),
        KeyModifiers::NONE,
    )));
    assert!(a.tabs[0].query.unread_only);
    // What the store answers for an unread-only tab: the read Urdu row is gone.
    let generation = a.requested_generation(0).unwrap();
    let rows: Vec<ArticleRow> = a.lists[&0]
        .rows
        .iter()
        .filter(|r| !r.read)
        .cloned()
        .collect();
    a.update(Event::Worker(WorkerEvent::TabLoaded {
        tab: 0,
        generation,
        rows,
    }));
    let screen = draw(&mut a, 100, 8);
    assert!(!screen.contains("BBC Urdu"), "{screen}");
    assert!(screen.contains("unread only (u shows all)"), "{screen}");
    insta::assert_snapshot!("unread_only", screen);
}

#[test]
fn only_the_rows_on_screen_are_laid_out_and_the_window_follows_the_selection() {
    use ratatui::crossterm::event::{KeyCode, KeyEvent, KeyModifiers};
    // As ratatui's table: the offset is kept while the selection is inside it.
    assert_eq!(visible_window(0, Some(0), 1000, 20), (0, 20));
    assert_eq!(visible_window(5, Some(10), 1000, 20), (5, 25));
    // Past the bottom, the window ends at the selection; above the top, starts at it.
    assert_eq!(visible_window(0, Some(20), 1000, 20), (1, 21));
    assert_eq!(visible_window(30, Some(12), 1000, 20), (12, 32));
    // A list shorter than the screen; an offset past a list that shrank; nothing selected.
    assert_eq!(visible_window(0, Some(3), 5, 20), (0, 5));
    assert_eq!(visible_window(900, Some(2), 10, 20), (2, 10));
    assert_eq!(visible_window(7, None, 1000, 20), (7, 27));
    assert_eq!(visible_window(0, Some(0), 10, 0), (0, 0));

    // Drawn: the selected row far down a long list is on screen, highlighted, with its
    // neighbours above it, and the offset is remembered for the mouse and the next frame.
    let mut a = app();
    let rows: Vec<ArticleRow> = (0..1000)
        .map(|i| row(i, &format!("Headline number {i}"), "Dawn", i * 60, false))
        .collect();
    a.update(Event::Worker(WorkerEvent::TabLoaded {
        tab: 0,
        generation: 1,
        rows,
    }));
    for _ in 0..700 {
        a.update(Event::Key(KeyEvent::new(KeyCode::Down, KeyModifiers::NONE)));
    }
    let mut terminal = Terminal::new(TestBackend::new(100, 24)).unwrap();
    terminal.draw(|f| view(&mut a, f)).unwrap();
    let screen: String = terminal
        .backend()
        .buffer()
        .content()
        .iter()
        .map(|c| c.symbol())
        .collect();
    let selected = a.lists[&0].state.selected().unwrap();
    assert!(selected >= 600, "{selected}");
    assert!(
        screen.contains(&format!("Headline number {selected} ")),
        "{screen}"
    );
    assert!(screen.contains(&format!("Headline number {} ", selected - 1)));
    assert!(!screen.contains("Headline number 0 "));
    let offset = a.lists[&0].state.offset();
    assert!(
        offset <= selected && selected - offset < 24,
        "{offset} {selected}"
    );
}
