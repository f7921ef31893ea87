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
    // The tab bar says "Search" at once; the result arrives when the query has run.
    let screen = tui.wait_for("(IAEA)");
    assert!(screen.contains("4:Search"), "{screen}");
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

#[test]
fn a_adds_a_feed_to_the_config_and_reload_picks_up_an_edited_config() {
    let srv = TestServer::start_blocking();
    srv.route(
        "/pk.xml",
        Route::ok(fixture("rss20.xml"), "application/rss+xml"),
    );
    srv.route(
        "/ur.xml",
        Route::ok(fixture("rtl/ur.xml"), "application/rss+xml"),
    );
    let sb = Sandbox::new();
    let start = "# my reader\n[[tabs]]\nid = \"pk\"\ntitle = \"Pakistan\"\n";
    std::fs::write(sb.config_path(), start).unwrap();
    let mut tui = Tui::start(&sb, &[]);
    tui.wait_for("This tab has no outlets yet");
    tui.keys("a");
    tui.wait_for("add feed URL to this tab:");
    tui.keys(&format!("{}\r", srv.url("/pk.xml")));
    tui.wait_for("Torkham border");
    let text = std::fs::read_to_string(sb.config_path()).unwrap();
    assert!(text.starts_with("# my reader\n"), "{text}");
    assert!(text.contains(&srv.url("/pk.xml")), "{text}");

    // An edit made outside: a new tab, loaded with :reload.
    std::fs::write(
        sb.config_path(),
        format!(
            "{text}\n[[tabs]]\nid = \"ur\"\ntitle = \"Urdu\"\n[[tabs.outlets]]\nname = \"BBC Urdu\"\nfeeds = [\"{}\"]\n",
            srv.url("/ur.xml")
        ),
    )
    .unwrap();
    tui.keys(":reload\r");
    // The new tab appears, and its feed is fetched (its unread count shows).
    tui.wait_for("2:Urdu 3");
    tui.keys("q");
    assert!(tui.wait_exit());
}

#[test]
fn pipe_sends_the_readable_text_to_the_configured_program() {
    let srv = TestServer::start_blocking();
    srv.route(
        "/ur.xml",
        Route::ok(fixture("rtl/ur.xml"), "application/rss+xml"),
    );
    let sb = Sandbox::new();
    let out = sb.dir.path().join("piped.txt");
    sb.write_config(&format!(
        "[reader]\npipe = [\"tee\", \"{}\"]\n\n[[tabs]]\nid = \"pk\"\ntitle = \"Pakistan\"\n[[tabs.outlets]]\nname = \"BBC Urdu\"\nfeeds = [\"{}\"]\n",
        out.display(),
        srv.url("/ur.xml")
    ));
    let mut tui = Tui::start(&sb, &[]);
    tui.wait_for("1:Pakistan 3");
    tui.keys("j\r");
    tui.wait_for("min read");
    tui.keys("|");
    tui.wait_for("sent the text to tee");
    let piped = std::fs::read_to_string(&out).unwrap();
    // Logical order, as programs expect: the title, then the article.
    assert!(
        piped.starts_with("ٹی ٹی پی (TTP) کے حملے میں 12 اہلکار زخمی\n"),
        "{piped}"
    );
    assert!(piped.contains("راولپنڈی"), "{piped}");
    tui.keys("q");
    tui.keys("q");
    assert!(tui.wait_exit());
}

#[test]
fn upgrading_a_store_to_search_says_it_is_indexing() {
    let sb = Sandbox::new();
    sb.write_config("[[tabs]]\nid = \"pk\"\ntitle = \"Pakistan\"\n");
    std::fs::create_dir_all(sb.data_dir()).unwrap();
    {
        // A store as the version before full-text search left it.
        let conn = rusqlite::Connection::open(sb.data_dir().join("khabar.db")).unwrap();
        for script in &khabar::store::MIGRATIONS[..6] {
            conn.execute_batch(script).unwrap();
        }
        conn.pragma_update(None, "user_version", 6).unwrap();
        conn.execute(
            "INSERT INTO feeds (url, outlet) VALUES ('https://x.example/f', 'X')",
            [],
        )
        .unwrap();
        conn.execute(
            "INSERT INTO articles (feed_id, key, title, outlet, published, first_seen)
             VALUES (1, 'a', 'Quetta blast', 'X', 1, 1)",
            [],
        )
        .unwrap();
    }
    let mut tui = Tui::start(&sb, &["search", "quetta"]);
    tui.wait_for("indexing 1 stored article for search (once)");
    tui.wait_for("Quetta blast");
    assert!(tui.wait_exit());
}
