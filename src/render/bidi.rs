//! Bidirectional layout of plain text for a terminal: widths in cells, word wrapping on the
//! logical text, and reordering of each display line into visual order (UAX #9).
//!
//! A terminal draws cells left to right and (mostly) applies no bidi itself, so right-to-left
//! text must be handed to it already in visual order. The pipeline for one paragraph is:
//!
//! 1. the paragraph direction comes from its first strong character (P2/P3), with a fallback
//!    direction (an outlet's language, say) for text without one;
//! 2. the logical text is wrapped at line-break opportunities (UAX #14), a word longer than the
//!    line being broken between grapheme clusters;
//! 3. each line is reordered (L1, L2) with the levels resolved for the whole paragraph; runs at
//!    odd levels are reversed by grapheme cluster, so combining marks stay after their base
//!    (L3), and their Bidi_Mirrored characters are replaced by their mirror (L4).
//!
//! Widths are always the sum of per-`char` widths (marks and format characters count 0), never
//! a string width: `unicode-width` measures the string `لا` as 1 column, terminals draw 2.
//!
//! Nothing here knows about ratatui; the caller aligns the [`VisualLine`]s it gets.

use std::ops::Range;

use unicode_bidi::{Level, ParagraphBidiInfo};
use unicode_linebreak::{linebreaks, BreakOpportunity};
use unicode_segmentation::UnicodeSegmentation;
use unicode_width::UnicodeWidthChar;

/// First strong isolate (U+2068): opens a field whose direction comes from its own text.
pub const FSI: char = '\u{2068}';
/// Pop directional isolate (U+2069): closes an [`FSI`].
pub const PDI: char = '\u{2069}';
/// What a shortened text ends with.
pub const ELLIPSIS: char = '…';

/// A paragraph's base direction.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum Direction {
    /// Left to right.
    #[default]
    Ltr,
    /// Right to left.
    Rtl,
}

impl Direction {
    /// The direction of a language tag (`ur`, `fa-IR`, `ar`…): right to left for the
    /// Arabic-script and Hebrew languages, left to right otherwise. Used as the fallback for
    /// text with no strong character.
    pub fn of_lang(lang: &str) -> Direction {
        let primary = lang
            .split(['-', '_'])
            .next()
            .unwrap_or_default()
            .to_ascii_lowercase();
        match primary.as_str() {
            "ar" | "fa" | "ur" | "ps" | "prs" | "he" | "iw" | "yi" | "sd" | "ug" | "ckb" | "dv"
            | "ku" | "bal" => Direction::Rtl,
            _ => Direction::Ltr,
        }
    }

    fn level(self) -> Level {
        match self {
            Direction::Ltr => Level::ltr(),
            Direction::Rtl => Level::rtl(),
        }
    }
}

/// One display line: text in the order its cells are drawn, left to right.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct VisualLine {
    /// The text in visual order (or logical order when reordering is off).
    pub text: String,
    /// Its width in terminal cells, never more than the width it was laid out for.
    pub width: usize,
    /// Whether its paragraph is right to left: the caller right-aligns such a line.
    pub rtl: bool,
}

impl VisualLine {
    /// The line padded with spaces to `width` cells: on the left when it is right to left
    /// (so it ends at the right edge), on the right otherwise.
    pub fn aligned(&self, width: usize) -> String {
        pad(&self.text, self.width, width, self.rtl)
    }
}

/// The width of one character in cells: 0 for marks, format and control characters.
pub fn char_width(c: char) -> usize {
    c.width().unwrap_or(0)
}

/// The width of a text in cells, summed per character (see the module doc for why).
pub fn width(text: &str) -> usize {
    text.chars().map(char_width).sum()
}

/// The base direction of `text` from its first strong character (P2/P3); `fallback` when it
/// has none (digits, punctuation, an empty string).
pub fn direction(text: &str, fallback: Direction) -> Direction {
    match unicode_bidi::get_base_direction(text) {
        unicode_bidi::Direction::Ltr => Direction::Ltr,
        unicode_bidi::Direction::Rtl => Direction::Rtl,
        unicode_bidi::Direction::Mixed => fallback,
    }
}

/// Whether `text` contains any right-to-left character (or would be laid out right to left).
pub fn has_rtl(text: &str) -> bool {
    text.chars().any(is_rtl_char)
}

fn is_rtl_char(c: char) -> bool {
    use unicode_bidi::BidiClass::{AL, R, RLE, RLI, RLO};
    matches!(unicode_bidi::bidi_class(c), R | AL | RLE | RLO | RLI)
}

/// Wraps one paragraph (no line breaks inside) into logical lines of at most `width` cells.
///
/// Lines break at UAX #14 break opportunities (after spaces, after hyphens, between CJK
/// characters…); the spaces at a break are dropped. A word that does not fit on a line of its
/// own is broken between grapheme clusters. Returns byte ranges into `text`; an empty text
/// gives no lines. A width of 0 is treated as 1.
pub fn wrap_ranges(text: &str, width: usize) -> Vec<Range<usize>> {
    let width = width.max(1);
    let mut out = Vec::new();
    // The current line: its start and the end of its last segment without trailing spaces.
    let mut start: Option<usize> = None;
    let mut end = 0;
    let mut cur_width = 0; // width of text[start..end]
    let mut pending_ws = 0; // width of the spaces after `end` that belong to the line
    let mut prev = 0;
    for (at, opportunity) in preferred_breaks(text, width) {
        let segment = &text[prev..at];
        let seg_start = prev;
        prev = at;
        let word = segment.trim_end_matches(is_break_space);
        let word_end = seg_start + word.len();
        let ws_width = width_of(&segment[word.len()..]);
        let word_width = width_of(word);
        if start.is_some() && cur_width + pending_ws + word_width > width {
            if let Some(s) = start.take() {
                out.push(s..end);
            }
        }
        if start.is_none() {
            if word.is_empty() {
                // Leading spaces of the paragraph (or after a break): skip them.
                continue;
            }
            if word_width > width {
                // Too long for any line: break it by grapheme cluster.
                let mut piece_start = seg_start;
                let mut piece_width = 0;
                for (i, g) in word.grapheme_indices(true) {
                    let w = width_of(g);
                    if piece_width > 0 && piece_width + w > width {
                        out.push(piece_start..seg_start + i);
                        piece_start = seg_start + i;
                        piece_width = 0;
                    }
                    piece_width += w;
                }
                start = Some(piece_start);
                end = word_end;
                cur_width = piece_width;
            } else {
                start = Some(seg_start);
                end = word_end;
                cur_width = word_width;
            }
        } else {
            cur_width += pending_ws + word_width;
            end = word_end;
        }
        pending_ws = ws_width;
        if opportunity == BreakOpportunity::Mandatory {
            if let Some(s) = start.take() {
                out.push(s..end);
            }
            pending_ws = 0;
        }
    }
    if let Some(s) = start {
        out.push(s..end);
    }
    out
}

/// The break opportunities a wrap uses: those at spaces (and mandatory ones), and inside a
/// space-delimited word (a URL, a hyphenated compound, a run of CJK) only when that word is
/// wider than a line, so a word that fits on the next line is never split at its slash.
fn preferred_breaks(text: &str, width: usize) -> Vec<(usize, BreakOpportunity)> {
    let mut out = Vec::new();
    let mut inner: Vec<(usize, BreakOpportunity)> = Vec::new();
    let mut word_start = 0;
    for (at, opportunity) in linebreaks(text) {
        inner.push((at, opportunity));
        let segment_end = text[..at].chars().next_back();
        let closes = opportunity == BreakOpportunity::Mandatory
            || segment_end.is_some_and(is_break_space)
            || at == text.len();
        if closes {
            let word = text[word_start..at].trim_end_matches(is_break_space);
            if width_of(word) > width {
                out.append(&mut inner);
            } else {
                inner.clear();
                out.push((at, opportunity));
            }
            word_start = at;
        }
    }
    out.append(&mut inner);
    out
}

fn width_of(spaces: &str) -> usize {
    spaces.chars().map(char_width).sum()
}

fn is_break_space(c: char) -> bool {
    c.is_whitespace()
}

/// Wraps one paragraph into logical lines of at most `width` cells (see [`wrap_ranges`]).
pub fn wrap(text: &str, width: usize) -> Vec<String> {
    wrap_ranges(text, width)
        .into_iter()
        .map(|r| text[r].to_string())
        .collect()
}

/// Lays `text` out in lines of at most `width` cells. Each paragraph (the text between `\n`s)
/// gets its own direction from its first strong character, `fallback` when it has none; an
/// empty paragraph gives one empty line. With `reorder` false the lines stay in logical
/// order (for terminals that apply bidi themselves, and for pipes).
pub fn layout(text: &str, width: usize, fallback: Direction, reorder: bool) -> Vec<VisualLine> {
    let mut out = Vec::new();
    for para in text.split('\n') {
        let para = para.strip_suffix('\r').unwrap_or(para);
        let dir = direction(para, fallback);
        let ranges = wrap_ranges(para, width);
        if ranges.is_empty() {
            out.push(VisualLine {
                text: String::new(),
                width: 0,
                rtl: dir == Direction::Rtl,
            });
            continue;
        }
        let info = reorder.then(|| ParagraphBidiInfo::new(para, Some(dir.level())));
        for range in ranges {
            let text = match &info {
                Some(info) if info.has_rtl() || dir == Direction::Rtl => reorder_range(info, range),
                _ => para[range].to_string(),
            };
            // Only a grapheme wider than the whole line (a wide character in a 1-cell
            // column) can overflow; it is replaced by the ellipsis.
            let text = if width_of(&text) > width {
                truncate(&text, width)
            } else {
                text
            };
            out.push(VisualLine {
                width: width_of(&text),
                text,
                rtl: dir == Direction::Rtl,
            });
        }
    }
    out
}

/// One line (newlines become spaces) in visual order, not wrapped, with its direction.
pub fn visual(text: &str, fallback: Direction) -> VisualLine {
    let flat: String = text
        .chars()
        .map(|c| if c == '\n' || c == '\r' { ' ' } else { c })
        .collect();
    let dir = direction(&flat, fallback);
    if flat.is_empty() {
        return VisualLine {
            text: flat,
            width: 0,
            rtl: dir == Direction::Rtl,
        };
    }
    let info = ParagraphBidiInfo::new(&flat, Some(dir.level()));
    let text = if info.has_rtl() || dir == Direction::Rtl {
        reorder_range(&info, 0..flat.len())
    } else {
        flat.clone()
    };
    VisualLine {
        width: width(&text),
        text,
        rtl: dir == Direction::Rtl,
    }
}

/// One line (already wrapped, in logical order) in visual order within a paragraph of the
/// given direction: the reader's lines keep their paragraph's direction even when a line
/// starts with a Latin word.
pub fn visual_in(text: &str, dir: Direction) -> VisualLine {
    if text.is_empty() {
        return VisualLine {
            text: String::new(),
            width: 0,
            rtl: dir == Direction::Rtl,
        };
    }
    let info = ParagraphBidiInfo::new(text, Some(dir.level()));
    let text = if info.has_rtl() || dir == Direction::Rtl {
        reorder_range(&info, 0..text.len())
    } else {
        text.to_string()
    };
    VisualLine {
        width: width(&text),
        text,
        rtl: dir == Direction::Rtl,
    }
}

/// A single line of `text` fitting in `width` cells, in visual order (`reorder`) or logical
/// order, with its direction. A text too wide is shortened at its logical end with `…`, so a
/// right-to-left text keeps its beginning (drawn on the right) and shows the ellipsis on the
/// left.
pub fn fit(text: &str, width: usize, fallback: Direction, reorder: bool) -> VisualLine {
    let flat: String = text
        .chars()
        .map(|c| if c == '\n' || c == '\r' { ' ' } else { c })
        .collect();
    let dir = direction(&flat, fallback);
    let short = truncate(&flat, width);
    if reorder {
        let mut line = visual(&short, dir);
        line.rtl = dir == Direction::Rtl;
        line
    } else {
        VisualLine {
            width: width_of(&short),
            text: short,
            rtl: dir == Direction::Rtl,
        }
    }
}

/// `text` (logical order) shortened to at most `width` cells: cut between grapheme clusters
/// at its logical end, trailing spaces dropped, `…` appended. A text that fits is returned
/// unchanged.
pub fn truncate(text: &str, width: usize) -> String {
    if width_of(text) <= width {
        return text.to_string();
    }
    if width == 0 {
        return String::new();
    }
    let budget = width - char_width(ELLIPSIS);
    let mut used = 0;
    let mut cut = 0;
    for (i, g) in text.grapheme_indices(true) {
        let w = width_of(g);
        if used + w > budget {
            break;
        }
        used += w;
        cut = i + g.len();
    }
    let mut out = text[..cut].trim_end().to_string();
    out.push(ELLIPSIS);
    out
}

/// `text` (already measured as `text_width` cells) padded with spaces to `width` cells, on the
/// left when `right_align`, else on the right. A text at least `width` wide is unchanged.
pub fn pad(text: &str, text_width: usize, width: usize, right_align: bool) -> String {
    let fill = " ".repeat(width.saturating_sub(text_width));
    if right_align {
        format!("{fill}{text}")
    } else {
        format!("{text}{fill}")
    }
}

/// `text` between FSI and PDI when it contains right-to-left characters, so that a terminal
/// doing its own bidi keeps it inside its field; other text is returned unchanged.
pub fn isolate(text: &str) -> String {
    if has_rtl(text) {
        format!("{FSI}{text}{PDI}")
    } else {
        text.to_string()
    }
}

/// The line `range` of a paragraph in visual order: runs in L2 order, odd-level runs
/// reversed by grapheme cluster (L3) with mirrored characters (L4).
fn reorder_range(info: &ParagraphBidiInfo<'_>, range: Range<usize>) -> String {
    let text = info.text;
    let (levels, runs) = info.visual_runs(range.clone());
    let mut out = String::with_capacity(range.len());
    for run in runs {
        let Some(level) = levels.get(run.start) else {
            continue;
        };
        let s = &text[run];
        if level.is_rtl() {
            for g in s.graphemes(true).rev() {
                // A zero-width (non-)joiner extends the cluster before it, but it stands
                // between two letters: reversed with the cluster, it would sit inside the
                // letter's word and let the wrong neighbours join (Persian `بی‌بی‌سی`).
                let joiner = g
                    .char_indices()
                    .find(|(i, c)| *i > 0 && matches!(c, '\u{200C}' | '\u{200D}'));
                match joiner {
                    Some((at, _)) => {
                        let (base, tail) = g.split_at(at);
                        out.extend(tail.chars().rev().map(mirror));
                        out.extend(base.chars().map(mirror));
                    }
                    None => out.extend(g.chars().map(mirror)),
                }
            }
        } else {
            out.push_str(s);
        }
    }
    out
}

/// The mirror glyph of a Bidi_Mirrored character (the common pairs of BidiMirroring.txt);
/// other characters are returned unchanged.
pub fn mirror(c: char) -> char {
    const PAIRS: &[(char, char)] = &[
        ('(', ')'),
        ('<', '>'),
        ('[', ']'),
        ('{', '}'),
        ('«', '»'),
        ('‹', '›'),
        ('⁅', '⁆'),
        ('⁽', '⁾'),
        ('₍', '₎'),
        ('≤', '≥'),
        ('≦', '≧'),
        ('≪', '≫'),
        ('⊂', '⊃'),
        ('⊆', '⊇'),
        ('∈', '∋'),
        ('⌈', '⌉'),
        ('⌊', '⌋'),
        ('〈', '〉'),
        ('❨', '❩'),
        ('❪', '❫'),
        ('❬', '❭'),
        ('❮', '❯'),
        ('❰', '❱'),
        ('❲', '❳'),
        ('❴', '❵'),
        ('⟦', '⟧'),
        ('⟨', '⟩'),
        ('⟪', '⟫'),
        ('⦃', '⦄'),
        ('⦅', '⦆'),
        ('〈', '〉'),
        ('《', '》'),
        ('「', '」'),
        ('『', '』'),
        ('【', '】'),
        ('〔', '〕'),
        ('〖', '〗'),
        ('〘', '〙'),
        ('〚', '〛'),
        ('（', '）'),
        ('＜', '＞'),
        ('［', '］'),
        ('｛', '｝'),
        ('｟', '｠'),
        ('｢', '｣'),
    ];
    for &(a, b) in PAIRS {
        if c == a {
            return b;
        }
        if c == b {
            return a;
        }
    }
    c
}

#[cfg(test)]
mod tests;
