//! Drawing. `view` reads the [`App`] and draws it; the only state it touches is the table
//! scroll offsets ratatui keeps in `TableState`.

use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::style::{Color, Modifier, Style};
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Borders, Cell, Clear, Paragraph, Row, Table, Wrap};
use ratatui::Frame;
use unicode_width::UnicodeWidthStr;

use crate::keymap::{Action, Context};
use crate::model::TextSource;
use crate::render::bidi::{self, Direction};
use crate::render::LineKind;
use crate::text::relative_age;
use crate::tui::app::reader::{ExtractState, Reader};
use crate::tui::app::{App, Screen};

const SPINNER: &[&str] = &["⠋", "⠙", "⠹", "⠸", "⠼", "⠴", "⠦", "⠧", "⠇", "⠏"];

/// Draws the whole screen.
pub fn view(app: &mut App, frame: &mut Frame<'_>) {
    let area = frame.area();
    let has_subtabs =
        !app.tabs[app.current_top()].children.is_empty() && app.screen == Screen::Headlines;
    let [tabs_area, sub_area, body_area, status_area] = Layout::vertical([
        Constraint::Length(1),
        Constraint::Length(u16::from(has_subtabs)),
        Constraint::Min(1),
        Constraint::Length(1),
    ])
    .areas(area);
    app.hits.tabs = render_tab_bar(app, frame, tabs_area);
    app.hits.list = None;
    if has_subtabs {
        render_subtab_bar(app, frame, sub_area);
    }
    match app.screen {
        Screen::Headlines if app.is_split() => render_split(app, frame, body_area),
        Screen::Headlines => render_headlines(app, frame, body_area),
        Screen::FeedStatus => render_feed_status(app, frame, body_area),
        Screen::Reader if app.is_split() => render_split(app, frame, body_area),
        Screen::Reader => app.hits.links = render_reader(app, frame, body_area),
    }
    render_status(app, frame, status_area);
    if app.show_help {
        render_help(app, frame, area);
    }
    if !app.bidi {
        isolate_rtl_fields(frame.buffer_mut());
    }
    if !app.theme.colors {
        // NO_COLOR: no colour at all, whatever a widget asked for; bold and reverse remain.
        for cell in frame.buffer_mut().content.iter_mut() {
            cell.set_fg(Color::Reset).set_bg(Color::Reset);
        }
    }
}

/// For a terminal that applies bidi itself (`display.bidi = false`): wraps every field on
/// screen that holds right-to-left letters in FSI…PDI, so the terminal reorders it inside its
/// own column and leaves its neighbours (an outlet name, an age) where they are. A field is a
/// run of cells between separators: two or more blank cells, `·` or `│` (the list's columns
/// are two cells apart in this mode). ratatui drops zero-width characters from text it draws,
/// so the marks are attached to the field's first and last cells.
fn isolate_rtl_fields(buf: &mut ratatui::buffer::Buffer) {
    fn close(buf: &mut ratatui::buffer::Buffer, y: u16, field: &mut Vec<u16>) {
        if let (Some(&first), Some(&last)) = (field.first(), field.last()) {
            let text: String = field.iter().map(|&x| buf[(x, y)].symbol()).collect();
            if bidi::has_rtl(&text) {
                let start = format!("{}{}", bidi::FSI, buf[(first, y)].symbol());
                buf[(first, y)].set_symbol(&start);
                let end = format!("{}{}", buf[(last, y)].symbol(), bidi::PDI);
                buf[(last, y)].set_symbol(&end);
            }
        }
        field.clear();
    }
    let area = buf.area;
    let mut field = Vec::new();
    for y in area.top()..area.bottom() {
        let mut blanks = 0;
        for x in area.left()..area.right() {
            let symbol = buf[(x, y)].symbol();
            if symbol.is_empty() {
                // The hidden half of a wide character.
                continue;
            }
            if matches!(symbol, "·" | "│") {
                close(buf, y, &mut field);
                blanks = 0;
            } else if symbol.trim().is_empty() {
                blanks += 1;
                if blanks >= 2 {
                    close(buf, y, &mut field);
                }
            } else {
                blanks = 0;
                field.push(x);
            }
        }
        close(buf, y, &mut field);
    }
}

/// What an empty feed tab says: why it is empty and what to do about it.
fn empty_tab_message(app: &App, tab: usize) -> String {
    let query = &app.tabs[tab].query;
    let config = app
        .config_file
        .as_deref()
        .map_or_else(|| "your config file".to_string(), |c| c.to_string());
    if query.feeds.is_empty() && query.region.is_none() && query.fulltext.is_none() {
        return format!(
            "This tab has no outlets yet. Add one in {config} (a [[tabs.outlets]] entry with a \
             name and feeds), or import an OPML file with `khabar import FILE.opml`."
        );
    }
    if query.fulltext.is_some() {
        return "Nothing stored matches this search yet.".into();
    }
    if let Some(p) = &app.refresh {
        return format!("Loading… fetching feeds ({} of {} done).", p.done, p.total);
    }
    let failed: Vec<&String> = query
        .feeds
        .iter()
        .filter_map(|f| app.failed_feeds.get(f))
        .collect();
    if !query.feeds.is_empty() && failed.len() == query.feeds.len() {
        return format!(
            "Every feed of this tab failed: {}. F shows each feed and its error; r tries again.",
            failed[0]
        );
    }
    format!(
        "No headlines yet. They appear here as feeds refresh (R refreshes every feed). \
         Feeds come from {config}."
    )
}

/// `text` with every occurrence of `terms` (lower-case, as characters; a reversed copy finds
/// a term in right-to-left text drawn in visual order) in reverse video.
fn highlighted(text: String, terms: &[Vec<char>], style: Style) -> Line<'static> {
    if terms.is_empty() {
        return Line::from(Span::styled(text, style));
    }
    let chars: Vec<char> = text.chars().collect();
    let lower: Vec<char> = chars
        .iter()
        .map(|c| c.to_lowercase().next().unwrap_or(*c))
        .collect();
    let mut marked = vec![false; chars.len()];
    for term in terms.iter().filter(|t| !t.is_empty()) {
        for start in 0..lower.len().saturating_sub(term.len() - 1) {
            if lower[start..start + term.len()] == term[..] {
                marked[start..start + term.len()].fill(true);
            }
        }
    }
    let mut spans = Vec::new();
    let mut run = String::new();
    let mut run_marked = false;
    for (c, m) in chars.into_iter().zip(marked) {
        if m != run_marked && !run.is_empty() {
            let s = if run_marked {
                style.add_modifier(Modifier::REVERSED)
            } else {
                style
            };
            spans.push(Span::styled(std::mem::take(&mut run), s));
        }
        run_marked = m;
        run.push(c);
    }
    if !run.is_empty() {
        let s = if run_marked {
            style.add_modifier(Modifier::REVERSED)
        } else {
            style
        };
        spans.push(Span::styled(run, s));
    }
    Line::from(spans)
}

/// The direction of a headline's language, for text that has no letters to tell.
fn row_direction(row: &crate::model::ArticleRow) -> Direction {
    row.lang
        .as_deref()
        .map_or(Direction::Ltr, Direction::of_lang)
}

fn count_label(n: u32) -> String {
    if n == 0 {
        String::new()
    } else {
        format!(" {n}")
    }
}

/// `text` in at most `max` cells, cut after a whole word with `…` when it is longer (and
/// before an unclosed parenthesis: `(F…` says nothing); a long word that would leave more
/// than a third of the room empty (a file path) is cut inside.
fn fit_words(text: &str, max: usize) -> String {
    if bidi::width(text) <= max {
        return text.to_string();
    }
    let mut out = String::new();
    for word in text.split(' ') {
        let candidate = if out.is_empty() {
            word.to_string()
        } else {
            format!("{out} {word}")
        };
        if bidi::width(&candidate) + 1 > max {
            break;
        }
        out = candidate;
    }
    let mut out = out.trim_end();
    if out.matches('(').count() > out.matches(')').count() {
        if let Some(open) = out.rfind('(') {
            out = out[..open].trim_end();
        }
    }
    if bidi::width(out) * 3 < max * 2 {
        display_field(text, max, false, false)
    } else {
        format!("{out}…")
    }
}

/// Draws the tab bar; returns where each tab's label is (start and end column, tab index),
/// for mouse clicks.
fn render_tab_bar(app: &App, frame: &mut Frame<'_>, area: Rect) -> Vec<(u16, u16, usize)> {
    let top = app.current_top();
    let tabs = app.top_tabs();
    let width = usize::from(area.width);
    let labels: Vec<String> = tabs
        .iter()
        .enumerate()
        .map(|(n, &tab)| {
            let title = display_field(&app.tabs[tab].title, usize::MAX, app.bidi, false);
            format!(" {}:{title}{} ", n + 1, count_label(app.unread_in(tab)))
        })
        .collect();
    let widths: Vec<usize> = labels.iter().map(|l| bidi::width(l)).collect();
    let selected = tabs.iter().position(|&t| t == top).unwrap_or(0);
    let last = labels.len().saturating_sub(1);
    // Tabs `lo..=hi` with the separators between them, and `‹│` / `│›` where tabs are hidden.
    let cost = |lo: usize, hi: usize| {
        widths[lo..=hi].iter().sum::<usize>()
            + (hi - lo)
            + if lo > 0 { 2 } else { 0 }
            + if hi < last { 2 } else { 0 }
    };
    const BRAND: &str = " khabar ";
    let (lo, hi, brand) = if labels.is_empty() {
        (0, 0, true)
    } else if BRAND.len() + 1 + cost(0, last) <= width {
        (0, last, true)
    } else {
        // Too many tabs for the width: every name stays whole, and the bar scrolls to keep
        // the selected tab in view with as many neighbours as fit.
        let (mut lo, mut hi) = (selected, selected);
        loop {
            let mut grew = false;
            if hi < last && cost(lo, hi + 1) <= width {
                hi += 1;
                grew = true;
            }
            if lo > 0 && cost(lo - 1, hi) <= width {
                lo -= 1;
                grew = true;
            }
            if !grew {
                break;
            }
        }
        (lo, hi, false)
    };
    let mut spans = Vec::new();
    if brand {
        spans.push(Span::styled(
            BRAND,
            Style::new().add_modifier(Modifier::BOLD).fg(Color::Yellow),
        ));
    }
    if lo > 0 {
        spans.push(Span::raw("‹"));
    }
    let mut hits = Vec::new();
    for (n, label) in labels.iter().enumerate().take(hi + 1).skip(lo) {
        if brand || n > 0 {
            spans.push(Span::raw("│"));
        }
        let start: usize = spans.iter().map(|s| bidi::width(&s.content)).sum();
        let end = start + bidi::width(label);
        let column = |c: usize| area.x.saturating_add(u16::try_from(c).unwrap_or(u16::MAX));
        hits.push((column(start), column(end), tabs[n]));
        let style = if n == selected {
            Style::new().add_modifier(Modifier::BOLD | Modifier::REVERSED)
        } else {
            Style::new()
        };
        spans.push(Span::styled(label.clone(), style));
    }
    if hi < last {
        spans.push(Span::raw("│›"));
    }
    frame.render_widget(Line::from(spans), area);
    hits
}

fn render_subtab_bar(app: &App, frame: &mut Frame<'_>, area: Rect) {
    let top = app.current_top();
    let mut ring = vec![top];
    ring.extend(app.tabs[top].children.iter().copied());
    let mut spans = vec![Span::raw("  ")];
    for (i, tab) in ring.into_iter().enumerate() {
        let title = if i == 0 {
            "All".to_string()
        } else {
            display_field(&app.tabs[tab].title, usize::MAX, app.bidi, false)
        };
        let count = if i == 0 {
            String::new()
        } else {
            count_label(app.unread_in(tab))
        };
        let style = if tab == app.current {
            Style::new().add_modifier(Modifier::BOLD | Modifier::UNDERLINED)
        } else {
            Style::new().fg(Color::Gray)
        };
        if i > 0 {
            spans.push(Span::raw(" · "));
        }
        spans.push(Span::styled(format!("{title}{count}"), style));
    }
    // Which keys walk the sub-tabs, from the live keymap.
    let key = |action| {
        app.keymap
            .keys_for(Context::List, action)
            .first()
            .map(ToString::to_string)
    };
    if let (Some(prev), Some(next)) = (key(Action::PrevSubtab), key(Action::NextSubtab)) {
        spans.push(Span::styled(
            format!("   ({prev} {next} switch)"),
            Style::new().fg(Color::DarkGray),
        ));
    }
    frame.render_widget(Line::from(spans), area);
}

fn render_headlines(app: &mut App, frame: &mut Frame<'_>, area: Rect) {
    let now = app.now;
    let tab = app.current;
    let saved_tab = app.tabs[tab].query.saved;
    let fulltext_terms: Vec<String> = app.tabs[tab]
        .query
        .fulltext
        .as_ref()
        .map(|f| {
            f.query
                .highlights
                .iter()
                .flat_map(|h| h.split(' ').map(str::to_string).collect::<Vec<_>>())
                .collect()
        })
        .unwrap_or_default();
    let search = app.tabs[tab].query.search.clone();
    let selected = selected_style(app);
    let no_color = app.no_color;
    let Some(list) = app.lists.get_mut(&tab).filter(|l| l.loaded) else {
        let text = if app.lists.contains_key(&tab) {
            ""
        } else {
            "Loading…"
        };
        frame.render_widget(Paragraph::new(text), area);
        return;
    };
    if list.rows.is_empty() {
        let text = match (&search, saved_tab) {
            (Some(q), _) => {
                format!("Nothing matches “{q}”. / changes the filter; Esc in the prompt clears it.")
            }
            (None, true) => {
                "Nothing saved yet. Press s on a headline or in the reader to save it.".into()
            }
            (None, false) => empty_tab_message(app, tab),
        };
        frame.render_widget(
            Paragraph::new(text)
                .wrap(Wrap { trim: true })
                .style(Style::new().fg(Color::Gray)),
            area,
        );
        return;
    }
    let outlet_width = list
        .rows
        .iter()
        .map(|r| bidi::width(&r.outlet))
        .max()
        .unwrap_or(0)
        .clamp(4, 24);
    let outlet_width = u16::try_from(outlet_width)
        .unwrap_or(24)
        .min(area.width / 4);
    // Mark, outlet and age columns and the three gaps between the four columns (two cells
    // wide for a terminal that does bidi, so each column is a field of its own).
    let gap: u16 = if app.bidi { 1 } else { 2 };
    let title_width = usize::from(area.width)
        .saturating_sub(1 + usize::from(outlet_width) + 3 + 3 * usize::from(gap));
    // In a Search tab, the words searched for stand out in each title.
    let highlights: Vec<Vec<char>> = fulltext_terms
        .iter()
        .flat_map(|t| {
            let chars: Vec<char> = t.chars().collect();
            let reversed: Vec<char> = chars.iter().rev().copied().collect();
            [chars, reversed]
        })
        .collect();
    // Only the rows on screen are laid out (bidi, widths, highlights): a tab holds up to a
    // thousand, and laying all of them out on every frame kept keys waiting during a refresh.
    // The window is the one ratatui's table would show: the offset kept unless the selection
    // left it.
    let (start, end) = visible_window(
        list.state.offset(),
        list.state.selected(),
        list.rows.len(),
        usize::from(area.height),
    );
    let rows = list.rows[start..end].iter().map(|r| {
        let mark = match (r.ignored, r.saved, r.read) {
            (true, _, _) => "⊘",
            (false, true, _) => "★",
            (false, false, false) => "●",
            (false, false, true) => " ",
        };
        let style = if r.read {
            app.theme.read
        } else {
            app.theme.unread
        };
        let outlet_text = display_field(&r.outlet, usize::from(outlet_width), app.bidi, false);
        let outlet = if app.state_media.contains(&r.outlet) {
            Span::styled(outlet_text, app.theme.state_media)
        } else {
            Span::styled(outlet_text, app.theme.outlet)
        };
        // Without colours, bold is what tells an unread row from a read one.
        let row_style = if no_color && !r.read {
            Style::new().add_modifier(Modifier::BOLD)
        } else {
            Style::new()
        };
        Row::new(vec![
            Cell::from(Span::styled(mark, app.theme.saved)),
            Cell::from(match r.tags.as_deref().filter(|t| !t.is_empty()) {
                Some(tags) => {
                    let tags = format!(
                        "[{}] ",
                        display_field(tags, title_width / 3, app.bidi, false)
                    );
                    let rest = title_width.saturating_sub(bidi::width(&tags));
                    Line::from(vec![
                        Span::styled(tags, Style::new().fg(Color::Magenta)),
                        Span::styled(
                            display_field_in(&r.title, row_direction(r), rest, app.bidi, true),
                            style,
                        ),
                    ])
                }
                None => highlighted(
                    display_field_in(&r.title, row_direction(r), title_width, app.bidi, true),
                    &highlights,
                    style,
                ),
            }),
            Cell::from(outlet),
            Cell::from(Span::styled(
                relative_age(r.published, now),
                Style::new().fg(Color::DarkGray),
            )),
        ])
        .style(row_style)
    });
    let table = Table::new(
        rows,
        [
            Constraint::Length(1),
            Constraint::Fill(1),
            Constraint::Length(outlet_width),
            Constraint::Length(3),
        ],
    )
    .column_spacing(gap)
    .row_highlight_style(selected);
    let mut window = ratatui::widgets::TableState::default().with_selected(
        list.state
            .selected()
            .map(|i| i.min(end.saturating_sub(1)).saturating_sub(start)),
    );
    frame.render_stateful_widget(table, area, &mut window);
    *list.state.offset_mut() = start;
    app.hits.list = Some((area.y, area.height, start));
}

/// The rows `start..end` a table of `len` one-line rows shows in `height` lines, keeping
/// `offset` unless the `selected` row would be off screen (as ratatui's `Table` does).
fn visible_window(
    offset: usize,
    selected: Option<usize>,
    len: usize,
    height: usize,
) -> (usize, usize) {
    let last = len.saturating_sub(1);
    if height == 0 || len == 0 {
        return (offset.min(last), offset.min(last));
    }
    let mut start = offset.min(last);
    if let Some(selected) = selected {
        start = start.min(selected);
    }
    let mut end = (start + height).min(len);
    if let Some(selected) = selected.map(|s| s.min(last)) {
        if selected >= end {
            end = selected + 1;
            start = end.saturating_sub(height);
        }
    }
    (start, end)
}

fn render_feed_status(app: &mut App, frame: &mut Frame<'_>, area: Rect) {
    let now = app.now;
    // Column widths are fixed here, so that every cut is made (with an ellipsis) by us and
    // not by the table: outlet a fifth, feed 28%, the status whatever is left.
    let width = usize::from(area.width);
    let outlet_width = width / 5;
    let feed_width = width * 28 / 100;
    let (fetched_width, items_width, gaps) = (7, 9, 4);
    let status_width =
        width.saturating_sub(outlet_width + feed_width + fetched_width + items_width + gaps);
    let header = Row::new(["Outlet", "Feed", "Fetched", "Items", "Status"])
        .style(Style::new().add_modifier(Modifier::BOLD));
    let rows = app.feed_status.iter().map(|f| {
        let feed = f.url.split_once("://").map_or(f.url.as_str(), |(_, r)| r);
        // The last time the feed was read: an attempt that failed fetched nothing.
        let fetched = f
            .last_success
            .map_or_else(|| "never".into(), |t| relative_age(t, now));
        let (status, style) = match &f.last_error {
            Some(e) => {
                // Automatic refreshes wait out the backoff; say for how long. The time stays
                // whole and the error gives way.
                let retry = f
                    .next_attempt
                    .filter(|t| *t > now)
                    .map(|t| format!(" · retry in {}", relative_age(now, t)))
                    .unwrap_or_default();
                let room = status_width.saturating_sub(bidi::width(&retry));
                let error = display_field(&format!("✗ {e}"), room, app.bidi, false);
                (format!("{error}{retry}"), app.theme.error)
            }
            // Read, with a repair (invalid bytes replaced): the items are there, but say so.
            None if f.last_success.is_some() => match &f.note {
                Some(note) => (
                    display_field(&format!("ok · {note}"), status_width, app.bidi, false),
                    Style::new().fg(Color::Yellow),
                ),
                None => ("ok".to_string(), Style::new().fg(Color::Green)),
            },
            None => ("not fetched yet".to_string(), Style::new().fg(Color::Gray)),
        };
        Row::new(vec![
            Cell::from(display_field(&f.outlet, outlet_width, app.bidi, false)),
            Cell::from(display_field(feed, feed_width, app.bidi, false)),
            Cell::from(fetched),
            Cell::from(format!("{}/{}", f.unread, f.items)),
            Cell::from(Span::styled(status, style)),
        ])
    });
    let length = |n: usize| Constraint::Length(u16::try_from(n).unwrap_or(u16::MAX));
    let table = Table::new(
        rows,
        [
            length(outlet_width),
            length(feed_width),
            length(fetched_width),
            length(items_width),
            length(status_width),
        ],
    )
    .header(header)
    .block(
        Block::new()
            .borders(Borders::TOP)
            .title(" Feed status (unread/items) — Esc to go back "),
    )
    .row_highlight_style(selected_style(app));
    frame.render_stateful_widget(table, area, &mut app.feed_status_state);
}

/// The selected row: white on blue, or reverse video when colours are off (`NO_COLOR`).
fn selected_style(app: &App) -> Style {
    if app.no_color {
        Style::new().add_modifier(Modifier::REVERSED)
    } else {
        app.theme.selection
    }
}

/// The status line's hint when nothing else is said, from the live keymap: `? help  q quit`
/// with the default keys, whatever keys the user bound otherwise, and no entry for an action
/// left without a key.
fn idle_hint(app: &App) -> String {
    let context = if app.screen == Screen::Reader {
        Context::Reader
    } else {
        Context::List
    };
    let quit = if context == Context::Reader {
        (Action::Back, "back")
    } else {
        (Action::Quit, "quit")
    };
    [(Action::Help, "help"), quit]
        .iter()
        .filter_map(|(action, label)| {
            let keys = app.keymap.keys_for(context, *action);
            keys.first().map(|k| format!("{k} {label}"))
        })
        .collect::<Vec<_>>()
        .join("  ")
}

fn render_status(app: &App, frame: &mut Frame<'_>, area: Rect) {
    let left = if let Some(p) = &app.refresh {
        let spin = SPINNER[app.spinner % SPINNER.len()];
        let mut s = format!("{spin} refreshing {}/{}", p.done, p.total);
        if p.failed > 0 {
            s.push_str(&format!(", {} failed", p.failed));
        }
        s
    } else {
        app.message.clone().unwrap_or_else(|| idle_hint(app))
    };
    let right = match app.screen {
        Screen::Headlines => app
            .selected_row()
            .map(|r| {
                let state = if app.state_media.contains(&r.outlet) {
                    " [state media]"
                } else {
                    ""
                };
                format!(
                    "{}{state} · {} ({})",
                    display_field(&r.outlet, 40, app.bidi, false),
                    {
                        let (zone, calendar) = app.clock();
                        crate::clock::format_short(r.published, zone, calendar)
                    },
                    relative_age(r.published, app.now)
                )
            })
            .unwrap_or_default(),
        Screen::FeedStatus => {
            let failed = app
                .feed_status
                .iter()
                .filter(|f| f.last_error.is_some())
                .count();
            format!(
                "{}, {failed} failing",
                crate::text::plural(app.feed_status.len(), "feed")
            )
        }
        Screen::Reader => app
            .reader
            .as_ref()
            .map(|r| reader_status(r, app.reader_rows()))
            .unwrap_or_default(),
    };
    let left = match app.reader.as_ref().filter(|_| app.screen == Screen::Reader) {
        Some(r) if r.following || !r.link_number.is_empty() => {
            format!("open link: {}_  (Enter opens, Esc cancels)", r.link_number)
        }
        Some(r) if r.extract_state == ExtractState::Running && app.refresh.is_none() => {
            format!(
                "{} fetching the full article…",
                SPINNER[app.spinner % SPINNER.len()]
            )
        }
        Some(r) => match &r.extract_state {
            ExtractState::Failed(e)
                if r.source == TextSource::Feed
                    && app.refresh.is_none()
                    && app.message.is_none() =>
            {
                format!("{e}; showing the feed text")
            }
            _ => left,
        },
        None => left,
    };
    let left = match (&app.prompt, app.tabs[app.current].query.search.as_deref()) {
        (Some(p), _) => {
            // Typed right-to-left text grows leftwards: the cursor (its logical end) is on
            // its left.
            let typed = display_field(&p.text, usize::from(area.width), app.bidi, false);
            if app.bidi && bidi::direction(&p.text, Direction::Ltr) == Direction::Rtl {
                format!("{}▏{typed}", p.label())
            } else {
                format!("{}{typed}▏", p.label())
            }
        }
        (None, Some(q)) if app.screen == Screen::Headlines && app.refresh.is_none() => {
            let q = display_field(q, 40, app.bidi, false);
            format!("filter: {q}  (/ to change, Esc in the prompt clears)  {left}")
        }
        _ => left,
    };
    // A prompt gets the whole line; otherwise the right side keeps a gap from the left.
    let right = if app.prompt.is_some() || right.is_empty() {
        String::new()
    } else {
        format!("  {right} ")
    };
    // Too long for one line: the left side gives way, at a word boundary.
    let total = usize::from(area.width);
    let (left, right) =
        if app.prompt.is_some() || 1 + bidi::width(&left) + bidi::width(&right) <= total {
            (left, right)
        } else {
            let right_cells = bidi::width(&right).min(usize::from(area.width / 2 + 10));
            let room = total.saturating_sub(1 + right_cells);
            (fit_words(&left, room), right)
        };
    let [l, r] = Layout::horizontal([
        Constraint::Fill(1),
        Constraint::Length(
            u16::try_from(bidi::width(&right))
                .unwrap_or(0)
                .min(area.width / 2 + 10),
        ),
    ])
    .areas(area);
    let style = app.theme.status;
    frame.render_widget(Paragraph::new(format!(" {left}")).style(style), l);
    frame.render_widget(Paragraph::new(right).style(style), r);
}

/// The reader's right-hand status: method, words, reading time, position.
fn reader_status(r: &Reader, visible_rows: usize) -> String {
    let Some(body) = r.showing() else {
        return "loading…".into();
    };
    let percent = if r.line_count() == 0 {
        100
    } else {
        ((r.scroll + visible_rows) * 100 / r.line_count()).min(100)
    };
    format!("{} · {} words · {}%", body.origin(), body.words, percent)
}

/// One reader line as drawn: reordered into visual order when it holds right-to-left text
/// (unless the terminal does bidi itself), and right-aligned to the column when its paragraph
/// runs right to left.
fn display_line(line: &crate::render::RenderedLine, width: usize, reorder: bool) -> String {
    let text = match (&line.visual, reorder) {
        (Some(visual), true) => visual.as_str(),
        _ => line.text.as_str(),
    };
    if line.rtl {
        rtl_aligned(text, width)
    } else {
        text.to_string()
    }
}

/// A right-to-left line ending at the right edge of `width` cells. In logical order (for a
/// terminal that does bidi itself) `isolate_rtl_fields` isolates it once drawn, so that the
/// padding stays on the left whichever base direction the terminal picks for the row.
fn rtl_aligned(text: &str, width: usize) -> String {
    bidi::pad(text, bidi::width(text), width, true)
}

/// A one-line field (a headline, an outlet name) fitted to `width` cells: in visual order
/// and right-aligned when it runs right to left, or in logical order for a terminal that does
/// bidi itself (see `isolate_rtl_fields`). With `pad` the result fills the width (so right-aligned text reaches the
/// column's right edge).
fn display_field(text: &str, width: usize, reorder: bool, pad: bool) -> String {
    display_field_in(text, Direction::Ltr, width, reorder, pad)
}

/// [`display_field`] for text whose language is known: `fallback` (the direction of the
/// outlet's language) lays out text with no letters of its own, such as a headline of digits.
fn display_field_in(
    text: &str,
    fallback: Direction,
    width: usize,
    reorder: bool,
    pad: bool,
) -> String {
    let line = bidi::fit(text, width, fallback, reorder);
    if !reorder {
        // Logical order, left as it is: `isolate_rtl_fields` marks the field once drawn.
        return line.text;
    }
    if line.rtl && pad {
        line.aligned(width)
    } else {
        line.text
    }
}

/// Title, meta line and rule above the body.
fn reader_header(r: &Reader, published: String, width: u16, reorder: bool) -> Vec<Line<'static>> {
    let mut lines = Vec::new();
    let title = crate::text::sanitize(&r.row.title);
    for line in bidi::layout(&title, usize::from(width), row_direction(&r.row), reorder) {
        let text = if line.rtl {
            rtl_aligned(&line.text, usize::from(width))
        } else {
            line.text
        };
        lines.push(Line::from(Span::styled(
            text,
            Style::new().add_modifier(Modifier::BOLD).fg(Color::Yellow),
        )));
    }
    let words = r.showing().map_or(0, |b| b.words);
    let minutes = words.div_ceil(200).max(1);
    // Each field is laid out on its own (an Urdu outlet name reads right to left) and the
    // fields run left to right, as the list's columns do.
    let field = |text: &str| display_field(text, usize::from(width), reorder, false);
    let mut meta = vec![field(&crate::text::sanitize(&r.row.outlet))];
    if let Some(a) = r.authors.as_deref().filter(|a| !a.is_empty()) {
        meta.push(field(&crate::text::sanitize(a)));
    }
    meta.push(published);
    meta.push(format!("{minutes} min read"));
    if r.row.saved {
        meta.push("★ saved".into());
    }
    lines.push(Line::from(Span::styled(
        meta.join(" · "),
        Style::new().fg(Color::Cyan),
    )));
    if !r.row.matched.is_empty() {
        // Why a routed item is in this tab.
        let names: Vec<String> = r
            .row
            .matched
            .iter()
            .map(|m| field(&crate::text::sanitize(m)))
            .collect();
        lines.push(Line::from(Span::styled(
            format!("matched: {}", names.join(", ")),
            Style::new().fg(Color::DarkGray),
        )));
    }
    lines.push(Line::from(Span::styled(
        "─".repeat(usize::from(width)),
        Style::new().fg(Color::DarkGray),
    )));
    lines
}

/// A wide terminal: the headlines on the left, the selected article on the right, a rule
/// between them marking which side has the keys.
fn render_split(app: &mut App, frame: &mut Frame<'_>, area: Rect) {
    let right = app.reader_pane_width().min(area.width);
    let [list, rule, reader] = Layout::horizontal([
        Constraint::Length(area.width.saturating_sub(right + 1)),
        Constraint::Length(1),
        Constraint::Length(right),
    ])
    .areas(area);
    render_headlines(app, frame, list);
    let style = if app.screen == Screen::Reader {
        Style::new().fg(Color::Yellow)
    } else {
        Style::new().fg(Color::DarkGray)
    };
    let bar: Vec<Line<'_>> = (0..rule.height)
        .map(|_| Line::from(Span::styled("│", style)))
        .collect();
    frame.render_widget(Paragraph::new(bar), rule);
    app.hits.links = render_reader(app, frame, reader);
}

/// The `[n]` markers drawn in `area`: (row, first column, end column, n).
fn link_markers(buf: &ratatui::buffer::Buffer, area: Rect) -> Vec<(u16, u16, u16, usize)> {
    let mut found = Vec::new();
    for y in area.top()..area.bottom() {
        let mut x = area.left();
        while x < area.right() {
            if buf[(x, y)].symbol() == "[" {
                let mut end = x + 1;
                let mut digits = String::new();
                while end < area.right()
                    && buf[(end, y)].symbol().chars().all(|c| c.is_ascii_digit())
                    && !buf[(end, y)].symbol().is_empty()
                {
                    digits.push_str(buf[(end, y)].symbol());
                    end += 1;
                }
                if !digits.is_empty() && end < area.right() && buf[(end, y)].symbol() == "]" {
                    if let Ok(n) = digits.parse() {
                        found.push((y, x, end + 1, n));
                    }
                    x = end;
                }
            }
            x += 1;
        }
    }
    found
}

/// Draws the reader; returns where `[n]` link markers landed (row, columns, n) for clicks.
fn render_reader(app: &App, frame: &mut Frame<'_>, area: Rect) -> Vec<(u16, u16, u16, usize)> {
    let Some(r) = app.reader.as_ref() else {
        return Vec::new();
    };
    let width = app.reader_width().min(area.width);
    let x = area.x + (area.width.saturating_sub(width)) / 2;
    let text_area = Rect {
        x,
        y: area.y,
        width,
        height: area.height,
    };
    let (zone, calendar) = app.clock();
    let published = crate::clock::format_time(r.row.published, zone, calendar);
    let mut lines = reader_header(r, published, width, app.bidi);
    match &r.rendered {
        None => lines.push(Line::from(Span::styled(
            "Loading…",
            Style::new().fg(Color::Gray),
        ))),
        Some(body) => {
            for l in &body.rendered.lines {
                let style = match l.kind {
                    LineKind::Heading => Style::new().add_modifier(Modifier::BOLD),
                    LineKind::Quote => Style::new().fg(Color::Gray).add_modifier(Modifier::ITALIC),
                    LineKind::Body | LineKind::Blank => Style::new(),
                };
                lines.push(Line::from(Span::styled(
                    display_line(l, usize::from(width), app.bidi),
                    style,
                )));
            }
            if !body.rendered.links.is_empty() || !r.enclosures.is_empty() {
                lines.push(Line::default());
                lines.push(Line::from(Span::styled(
                    "Links",
                    Style::new().add_modifier(Modifier::BOLD),
                )));
                for (i, link) in body.rendered.links.iter().enumerate() {
                    lines.push(Line::from(Span::styled(
                        format!("[{}] {link}", i + 1),
                        Style::new().fg(Color::Blue),
                    )));
                }
                // Enclosures number on after the text's links, so `f n` opens them too.
                let first = body.rendered.links.len() + 1;
                for (i, e) in r.enclosures.iter().enumerate() {
                    lines.push(Line::from(Span::styled(
                        format!(
                            "[{}] [{}] {}",
                            first + i,
                            e.label(),
                            crate::text::sanitize(&e.url)
                        ),
                        Style::new().fg(Color::Blue),
                    )));
                }
            }
        }
    }
    let visible: Vec<Line<'_>> = lines
        .into_iter()
        .skip(r.scroll)
        .take(usize::from(area.height))
        .collect();
    frame.render_widget(Paragraph::new(visible), text_area);
    link_markers(frame.buffer_mut(), text_area)
}

fn render_help(app: &App, frame: &mut Frame<'_>, area: Rect) {
    let context = if app.screen == Screen::Reader {
        Context::Reader
    } else {
        Context::List
    };
    let entries: Vec<(String, &str)> = app
        .keymap
        .bindings(context)
        .into_iter()
        .map(|(action, keys)| (keys.join(" "), action.describe()))
        .collect();
    let key_width = entries.iter().map(|(k, _)| k.width()).max().unwrap_or(0);
    // Two columns when one would not fit the height.
    let rows_available = usize::from(area.height.saturating_sub(2)).max(1);
    let columns = if entries.len() > rows_available { 2 } else { 1 };
    // Descriptions are cut (with an ellipsis) so that the columns fit the width: 80x24 shows
    // every binding.
    let room = (usize::from(area.width).saturating_sub(2) / columns).saturating_sub(key_width + 4);
    let desc_width = entries
        .iter()
        .map(|(_, d)| d.width())
        .max()
        .unwrap_or(0)
        .min(room.max(8));
    let entry_width = key_width + 2 + desc_width + 2;
    let rows = entries.len().div_ceil(columns);
    let line = |(k, d): &(String, &str)| {
        let d = bidi::truncate(d, desc_width);
        vec![
            Span::styled(format!("{k:>key_width$}  "), Style::new().fg(Color::Yellow)),
            Span::raw(format!("{d:<desc_width$}  ")),
        ]
    };
    let lines: Vec<Line<'_>> = (0..rows)
        .map(|r| {
            let mut spans = Vec::new();
            for c in 0..columns {
                if let Some(e) = entries.get(c * rows + r) {
                    spans.extend(line(e));
                }
            }
            Line::from(spans)
        })
        .collect();
    let height = u16::try_from(rows + 2).unwrap_or(u16::MAX).min(area.height);
    let width = u16::try_from(entry_width * columns + 2)
        .unwrap_or(u16::MAX)
        .min(area.width);
    let popup = Rect {
        x: area.x + (area.width - width) / 2,
        y: area.y + (area.height - height) / 2,
        width,
        height,
    };
    frame.render_widget(Clear, popup);
    frame.render_widget(
        Paragraph::new(lines).block(Block::bordered().title(" Keys (any key closes) ")),
        popup,
    );
}

#[cfg(test)]
mod rtl_tests;
#[cfg(test)]
mod tests;
