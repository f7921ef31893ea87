//! End to end, right to left: the real binary in a pseudo-terminal shows an Urdu headline and
//! an Urdu article in visual order (as GNU FriBidi orders them), right-aligned, with no word
//! split; `khabar list` on a terminal does the same, and to a pipe prints logical order.

use crate::cases::pty::Tui;
use crate::server::{Route, TestServer};
use crate::{fixture, tab, Sandbox};

/// FriBidi's visual order of a fixture line.
fn fribidi(logical: &str) -> String {
    include_str!("../fixtures/feeds/rtl/fribidi.tsv")
        .lines()
        .filter_map(|l| {
            let mut f = l.split('\t').skip(1);
            Some((f.next()?, f.next()?))
        })
        .find(|(l, _)| *l == logical)
        .map(|(_, v)| v.to_string())
        .unwrap_or_else(|| panic!("no FriBidi answer for {logical:?}"))
}

fn urdu_sandbox(srv: &TestServer) -> Sandbox {
    srv.route(
        "/ur.xml",
        Route::ok(fixture("rtl/ur.xml"), "application/rss+xml"),
    );
    let sb = Sandbox::new();
    sb.write_config(&tab(
        "pakistan",
        "Pakistan",
        &[("BBC Urdu", srv.url("/ur.xml"))],
    ));
    sb
}

const HEADLINE: &str = "وزیراعظم نے قومی اسمبلی کا اجلاس کل طلب کر لیا";
const LAST_PARAGRAPH: &str = "اللّٰہ تعالیٰ کا شکر ہے کہ کوئی جانی نقصان نہیں ہوا۔";

#[test]
fn an_urdu_headline_and_article_read_right_to_left_on_the_real_screen() {
    let srv = TestServer::start_blocking();
    let sb = urdu_sandbox(&srv);
    let mut tui = Tui::start(&sb, &[]);
    let list = tui.wait_for(&fribidi(HEADLINE));
    assert!(!list.contains(HEADLINE), "logical order on screen:\n{list}");
    // The headline ends at the title column's right edge, next to the outlet name.
    let row = list
        .lines()
        .find(|l| l.contains(&fribidi(HEADLINE)))
        .unwrap();
    assert!(
        row.contains(&format!("{} BBC Urdu", fribidi(HEADLINE))),
        "{row}"
    );

    // Open the second headline, which carries the article.
    tui.keys("j\r");
    let screen = tui.wait_for(&fribidi(LAST_PARAGRAPH));
    let body: Vec<&str> = screen
        .lines()
        .skip(4)
        .filter(|l| l.chars().any(|c| ('\u{0600}'..='\u{06FF}').contains(&c)))
        .collect();
    assert!(body.len() >= 5, "{screen}");
    // Right-aligned: every right-to-left line ends in the same column.
    let ends: Vec<usize> = body
        .iter()
        .map(|l| khabar::render::cell_width(l.trim_end()))
        .collect();
    let edge = *ends.iter().max().unwrap();
    assert!(
        ends.iter().all(|&e| e + 1 >= edge),
        "ragged right edge {ends:?}:\n{screen}"
    );
    assert!(edge <= 110);
    // Brackets the right way round, and every word whole, in visual order.
    assert!(screen.contains("(TTP)"), "{screen}");
    let article = String::from_utf8(fixture("rtl/ur.xml")).unwrap();
    let start = article.find("<p>ٹی").unwrap();
    let end = article.find("]]></content:encoded>").unwrap();
    let text = khabar::text::one_line(&article[start..end]);
    for word in text
        .split_whitespace()
        .filter(|w| khabar::render::bidi::has_rtl(w))
    {
        let shown: String =
            khabar::render::bidi::visual(word, khabar::render::bidi::Direction::Rtl).text;
        assert!(
            screen.contains(&shown),
            "{word} split or missing:\n{screen}"
        );
    }
    tui.keys("q");
    tui.keys("q");
    assert!(tui.wait_exit());
}

#[test]
fn khabar_list_on_a_terminal_is_visual_and_to_a_pipe_logical() {
    let srv = TestServer::start_blocking();
    let sb = urdu_sandbox(&srv);
    sb.cmd().args(["refresh", "--quiet"]).assert().success();
    let mut tui = Tui::start(&sb, &["list"]);
    let screen = tui.wait_for(&fribidi(HEADLINE));
    assert!(!screen.contains(HEADLINE), "{screen}");
    assert!(tui.wait_exit());
    let piped = String::from_utf8(sb.stdout_of(&["list"])).unwrap();
    assert!(piped.contains(HEADLINE), "{piped}");
}
