//! End to end, browsing: in the real binary in a pseudo-terminal, a remapped key works, a
//! full-text search opens a Search tab whose result opens in the reader, `A` marks a tab read
//! and a mouse click (SGR sequences, as terminals send them) selects and opens a headline.

use crate::cases::pty::Tui;
use crate::server::{Route, TestServer};
use crate::{fixture, Sandbox};

/// An SGR mouse press and release of the left button at a 0-based cell.
fn click(column: usize, row: usize) -> String {
    format!(
        "\x1b[<0;{c};{r}M\x1b[<0;{c};{r}m",
        c = column + 1,
        r = row + 1
    )
}

#[test]
fn remapped_keys_search_mark_read_and_the_mouse_in_the_real_terminal() {
    let srv = TestServer::start_blocking();
    srv.route(
        "/pk.xml",
        Route::ok(fixture("rss20.xml"), "application/rss+xml"),
    );
    srv.route(
        "/ir.xml",
        Route::ok(fixture("rtl/fa.xml"), "application/rss+xml"),
    );
    let sb = Sandbox::new();
    sb.write_config(&format!(
        "[keys.list]\nx = \"quit\"\nq = \"noop\"\n\n\
         [[tabs]]\nid = \"pk\"\ntitle = \"Pakistan\"\n[[tabs.outlets]]\nname = \"Dawn\"\nfeeds = [\"{}\"]\n\
         [[tabs]]\nid = \"ir\"\ntitle = \"Iran\"\n[[tabs.outlets]]\nname = \"BBC Persian\"\nfeeds = [\"{}\"]\n",
        srv.url("/pk.xml"),
        srv.url("/ir.xml")
    ));
    let mut tui = Tui::start(&sb, &[]);
    tui.wait_for("1:Pakistan 4");

    // Search everything for an Arabic-coded spelling of a Persian word.
    tui.keys("\x06"); // Ctrl-f
    tui.wait_for("search all:");
    tui.keys("مذاكرات\r");
    let screen = tui.wait_for("Search");
    assert!(screen.contains("(IAEA)"), "{screen}");
    tui.keys("\r");
    tui.wait_for("min read");
    tui.keys("\x1b"); // back to the list
    tui.wait_for("BBC Persian 1w");
    tui.keys("\x1b"); // close the Search tab: back to Pakistan
    tui.wait_for("Torkham border");

    // Mark the Pakistan tab read.
    tui.keys("A");
    tui.wait_for("marked 4 articles read");

    // The mouse: click the Iran tab, then its second headline twice (select, open).
    let screen = tui.wait_for("2:Iran");
    let first = screen.lines().next().unwrap();
    let at = first[..first.find("2:Iran").unwrap()].chars().count();
    tui.keys(&click(at + 1, 0));
    tui.wait_for("BBC Persian 1w");
    tui.keys(&click(5, 2));
    tui.keys(&click(5, 2));
    tui.wait_for("min read");
    tui.keys("\x1b");
    tui.wait_for("BBC Persian 1w");
    // The remapped quit key; q does nothing now.
    tui.keys("q");
    tui.keys("u");
    tui.wait_for("unread only (u shows all)");
    tui.keys("x");
    assert!(tui.wait_exit());
}
