//! The fixture feeds in Urdu, Persian, Arabic and Pashto (`tests/fixtures/feeds/rtl`), parsed by
//! the real parser and drawn by the real view: the headline list and the reader at two widths,
//! in visual order (checked against GNU FriBidi's answers) and with `display.bidi = false` in
//! logical order.

use ratatui::backend::TestBackend;
use ratatui::crossterm::event::{KeyCode, KeyEvent, KeyModifiers};
use ratatui::Terminal;

use super::*;
use crate::config::Config;
use crate::model::{ArticleId, ArticleRow, FeedId};
use crate::tui::app::Event;
use crate::tui::worker::WorkerEvent;

const NOW: i64 = 1_795_514_400; // Tue 24 Nov 2026 10:00 UTC

const FEEDS: [(&str, &str); 4] = [
    (
        "ur",
        include_str!("../../../tests/fixtures/feeds/rtl/ur.xml"),
    ),
    (
        "fa",
        include_str!("../../../tests/fixtures/feeds/rtl/fa.xml"),
    ),
    (
        "ar",
        include_str!("../../../tests/fixtures/feeds/rtl/ar.xml"),
    ),
    (
        "ps",
        include_str!("../../../tests/fixtures/feeds/rtl/ps.xml"),
    ),
];

/// GNU FriBidi's visual order of each fixture line, logical text to visual text.
fn fribidi(logical: &str) -> String {
    include_str!("../../../tests/fixtures/feeds/rtl/fribidi.tsv")
        .lines()
        .filter_map(|l| {
            let mut f = l.split('\t').skip(1);
            Some((f.next()?, f.next()?))
        })
        .find(|(l, _)| *l == logical)
        .map(|(_, v)| v.to_string())
        .unwrap_or_else(|| panic!("no FriBidi answer for {logical:?}"))
}

/// The parsed feed: its outlet name, its rows and the article HTML of each item.
fn parsed(xml: &str) -> (String, Vec<ArticleRow>, Vec<Option<String>>) {
    let feed = crate::feeds::parse::parse_feed(xml.as_bytes(), None).unwrap();
    let outlet = feed.title.clone().unwrap();
    let rows = feed
        .articles
        .iter()
        .enumerate()
        .map(|(i, a)| ArticleRow {
            id: ArticleId(i as i64 + 1),
            feed_id: FeedId(1),
            title: a.title.clone(),
            outlet: outlet.clone(),
            url: a.url.clone(),
            published: a.published.unwrap(),
            read: i == 2,
            saved: false,
            summary: a.summary.clone(),
            tags: None,
            lang: feed.language.clone(),
            matched: Vec::new(),
            ignored: false,
        })
        .collect();
    let bodies = feed
        .articles
        .iter()
        .map(|a| a.content_html.clone())
        .collect();
    (outlet, rows, bodies)
}

fn app_with(config: &Config, rows: Vec<ArticleRow>, width: u16) -> App {
    let mut a = App::new(config, NOW, 0);
    a.startup_effects();
    a.update(Event::Worker(WorkerEvent::TabLoaded {
        tab: 0,
        generation: 1,
        rows,
    }));
    a.update(Event::Resize { width, height: 16 });
    a
}

/// Opens the second headline (the one with an article body).
fn open_second(a: &mut App, html: &str) {
    for code in [KeyCode::Char('j'), KeyCode::Enter] {
        a.update(Event::Key(KeyEvent::new(code, KeyModifiers::NONE)));
    }
    let generation = a.reader.as_ref().unwrap().generation;
    let rendered = crate::render::render(html, usize::from(a.reader_width()));
    a.update(Event::Worker(WorkerEvent::ArticleOpened {
        generation,
        authors: None,
        feed: crate::model::ArticleText {
            html: html.into(),
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

fn draw(a: &mut App, width: u16) -> Vec<String> {
    let mut terminal = Terminal::new(TestBackend::new(width, 16)).unwrap();
    terminal.draw(|f| view(a, f)).unwrap();
    let buffer = terminal.backend().buffer();
    (0..buffer.area.height)
        .map(|y| {
            (0..buffer.area.width)
                .map(|x| buffer[(x, y)].symbol())
                .collect::<String>()
        })
        .collect()
}

#[test]
fn rtl_feeds_in_the_list_and_the_reader_at_two_widths() {
    let config = Config::embedded_default().unwrap();
    for (lang, xml) in FEEDS {
        let (outlet, rows, bodies) = parsed(xml);
        let html = bodies[1].clone().unwrap();
        for width in [60u16, 100] {
            let mut a = app_with(&config, rows.clone(), width);
            let list = draw(&mut a, width);
            if width == 100 {
                // Whole headlines fit: each is exactly FriBidi's visual order.
                for row in &rows {
                    let expected = fribidi(&row.title);
                    assert!(
                        list.iter().any(|l| l.contains(&expected)),
                        "{lang}: {expected}\n{}",
                        list.join("\n")
                    );
                }
                assert!(list.iter().any(|l| l.contains(&fribidi(&outlet))), "{lang}");
            }
            insta::assert_snapshot!(format!("rtl_list_{lang}_{width}"), list.join("\n"));

            open_second(&mut a, &html);
            let reader = draw(&mut a, width);
            let column = usize::from(a.reader_width().min(width));
            let right_edge = (usize::from(width) - column) / 2 + column;
            // The headline, then the body: every right-to-left line reaches the column's
            // right edge (within the one cell a line may leave free), none passes it.
            let body: Vec<&String> = reader
                .iter()
                .skip(3)
                .filter(|l| crate::render::bidi::has_rtl(l))
                .collect();
            assert!(body.len() >= 3, "{lang} {width}: {}", reader.join("\n"));
            for line in &body {
                let end = crate::render::cell_width(line.trim_end());
                assert!(
                    end <= right_edge && end + 2 >= right_edge,
                    "{lang} {width}: ends at {end}, edge {right_edge}: {line:?}"
                );
            }
            // No word is split: each right-to-left word of the article appears whole, in
            // visual order (numbers and Latin words take their order from their context).
            let text = crate::text::strip_tags(&html);
            let screen = reader.join(" ");
            for word in text
                .split_whitespace()
                .filter(|w| crate::render::bidi::has_rtl(w))
            {
                let shown = crate::render::bidi::visual(word, bidi::Direction::Rtl).text;
                assert!(screen.contains(&shown), "{lang} {width}: {word} ({shown})");
            }
            insta::assert_snapshot!(format!("rtl_reader_{lang}_{width}"), reader.join("\n"));
        }
    }
}

#[test]
fn with_bidi_off_the_fixture_feeds_stay_in_logical_order() {
    let config = Config::parse("[display]\nbidi = false\n", "d.toml").unwrap();
    for (lang, xml) in FEEDS {
        let (_, rows, bodies) = parsed(xml);
        let mut a = app_with(&config, rows.clone(), 100);
        let list = draw(&mut a, 100).join("\n");
        // Each right-to-left field is isolated on its own: the title, the outlet name.
        let isolated = |t: &str| format!("{}{t}{}", bidi::FSI, bidi::PDI);
        for row in &rows {
            assert!(
                list.contains(&isolated(&row.title)),
                "{lang}: {}\n{list}",
                row.title
            );
            assert!(list.contains(&isolated(&row.outlet)), "{lang}\n{list}");
        }
        // The age stays outside any isolate.
        assert!(
            list.contains(&format!("{}  1h", bidi::PDI)),
            "{lang}\n{list}"
        );
        insta::assert_snapshot!(format!("rtl_list_{lang}_bidi_off"), list);
        open_second(&mut a, bodies[1].as_deref().unwrap());
        let reader = draw(&mut a, 100).join("\n");
        assert!(
            reader.contains(&isolated(&rows[1].title)),
            "{lang}\n{reader}"
        );
        // Every right-to-left body line is isolated after its padding.
        for line in reader.lines().skip(4).filter(|l| bidi::has_rtl(l)) {
            let text = line.trim();
            assert!(
                text.starts_with(bidi::FSI) && text.ends_with(bidi::PDI),
                "{lang}: {line:?}"
            );
        }
        insta::assert_snapshot!(format!("rtl_reader_{lang}_bidi_off"), reader);
    }
}

#[test]
fn tab_titles_the_search_prompt_and_feed_status_outlets_are_laid_out_too() {
    let text = r#"
[[tabs]]
id = "pk"
title = "پاکستان"
  [[tabs.outlets]]
  name = "بی بی سی اردو"
  feeds = ["https://urdu.example/f"]

[[tabs]]
id = "world"
title = "World"
"#;
    let config = Config::parse(text, "t.toml").unwrap();
    let mut a = App::new(&config, NOW, 0);
    a.startup_effects();
    a.update(Event::Resize {
        width: 80,
        height: 16,
    });
    let screen = draw(&mut a, 80).join("\n");
    assert!(screen.contains("1:ناتسکاپ"), "{screen}");
    // The typed query reads right to left with the cursor on its left.
    a.update(Event::Key(KeyEvent::new(
        KeyCode::Char('/'),
        KeyModifiers::NONE,
    )));
    for c in "کراچی بارش".chars() {
        a.update(Event::Key(KeyEvent::new(
            KeyCode::Char(c),
            KeyModifiers::NONE,
        )));
    }
    let screen = draw(&mut a, 80).join("\n");
    assert!(screen.contains("/▏شراب یچارک"), "{screen}");
    // The feed-status view's outlet column.
    a.update(Event::Key(KeyEvent::new(KeyCode::Esc, KeyModifiers::NONE)));
    a.screen = crate::tui::app::Screen::FeedStatus;
    a.feed_status = vec![crate::model::FeedStatus {
        id: FeedId(1),
        outlet: "بی بی سی اردو".into(),
        url: "https://urdu.example/f".into(),
        last_fetch: None,
        last_success: None,
        items: 0,
        unread: 0,
        last_error: None,
        note: None,
        failures: 0,
        next_attempt: None,
    }];
    let screen = draw(&mut a, 80).join("\n");
    assert!(screen.contains("ودرا یس یب یب"), "{screen}");
}
