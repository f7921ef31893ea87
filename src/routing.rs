//! Region routing of general feeds: which region tabs an item belongs in, and the words that
//! placed it there (`matched`).
//!
//! The [`Gazetteer`] (shipped in `assets/gazetteer.toml`, extended by the user's `[routing]`
//! words) lists names per region. [`Gazetteer::route`] is pure: it folds the title and summary
//! (case, Arabic-script letter variants, marks, ZWNJ), splits them into words and looks each
//! word up; Arabic-script words may carry the attached prefixes و ب ل ال بال وال لل. A title
//! match weighs [`TITLE_WEIGHT`], a summary match [`SUMMARY_WEIGHT`]; a region needs
//! [`THRESHOLD`], so one passing mention in a summary is not enough. Sub-regions roll up into
//! their parent.

use std::collections::BTreeMap;

use rustc_hash::FxHashMap;

use crate::text::{fold_char, is_arabic_script};

use serde::Deserialize;

/// The shipped gazetteer.
pub const DEFAULT_GAZETTEER: &str = include_str!("../assets/gazetteer.toml");

/// Weight of one matched name in the title.
pub const TITLE_WEIGHT: u32 = 3;
/// Weight of one matched name in the summary.
pub const SUMMARY_WEIGHT: u32 = 1;
/// Score a region needs.
pub const THRESHOLD: u32 = 2;

/// The tab opinion pieces also go to.
pub const OPINIONS: &str = "opinions";

#[derive(Debug, Deserialize)]
struct RawGazetteer {
    regions: BTreeMap<String, RawRegion>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
struct RawRegion {
    parent: Option<String>,
    #[serde(default)]
    terms: Vec<String>,
    #[serde(default)]
    ambiguous: Vec<String>,
    #[serde(default)]
    blockers: Vec<String>,
    #[serde(default)]
    exclude: Vec<String>,
}

/// What a phrase does when found.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Kind {
    Term,
    Ambiguous,
    Blocker,
    Exclude,
}

#[derive(Debug)]
struct Phrase {
    /// Folded words.
    words: Vec<String>,
    /// The name as written in the gazetteer (what `matched` reports).
    display: String,
    region: usize,
    kind: Kind,
}

#[derive(Debug)]
struct Region {
    id: String,
    parent: Option<usize>,
}

/// User changes to the shipped gazetteer (the config's `[routing]` table).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct UserWords {
    /// Region id to names added to its terms (a new id makes a new region).
    pub add: BTreeMap<String, Vec<String>>,
    /// Region id to names removed from it.
    pub remove: BTreeMap<String, Vec<String>>,
    /// New region id to its parent region id.
    pub parents: BTreeMap<String, String>,
}

/// A compiled gazetteer.
#[derive(Debug)]
pub struct Gazetteer {
    regions: Vec<Region>,
    phrases: Vec<Phrase>,
    /// First folded word to the phrases starting with it.
    index: FxHashMap<String, Vec<usize>>,
}

/// One region an item was placed in.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RegionMatch {
    /// The region id (`pakistan`, `kp`, ...).
    pub region: String,
    /// The names that placed the item, in first-seen order, without repeats.
    pub matched: Vec<String>,
}

/// The routing result for one item.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Routing {
    /// Regions in gazetteer order.
    pub regions: Vec<RegionMatch>,
    /// Whether the item is an opinion piece (also goes to the Opinions tab).
    pub opinion: bool,
}

impl Routing {
    /// The matched words for `region`, if the item is in it.
    pub fn matched(&self, region: &str) -> Option<&[String]> {
        self.regions
            .iter()
            .find(|r| r.region == region)
            .map(|r| r.matched.as_slice())
    }
}

/// A gazetteer that cannot be used.
#[derive(Debug, thiserror::Error)]
pub enum GazetteerError {
    /// The TOML does not parse.
    #[error("gazetteer: {0}")]
    Toml(#[from] toml::de::Error),
    /// A region names a parent that does not exist.
    #[error("gazetteer: region {region} names unknown parent {parent}")]
    UnknownParent {
        /// The region.
        region: String,
        /// The parent it names.
        parent: String,
    },
}

/// Arabic-script prefixes that attach to the next word.
const PREFIXES: [&str; 7] = ["وال", "بال", "لل", "ال", "و", "ب", "ل"];

/// A word of the input: its folded form (in the buffer [`words`] filled) and whether it is in
/// Arabic script.
#[derive(Debug)]
struct Word<'a> {
    folded: &'a str,
    arabic: bool,
}

/// Whether `c` continues a word: letters and digits (ASCII checked first, the common case).
fn is_word_char(c: char) -> bool {
    if c.is_ascii() {
        c.is_ascii_alphanumeric()
    } else {
        c.is_alphanumeric()
    }
}

/// Splits text into folded words, all folded into `buf` (one allocation per text, not per
/// word). Letters and digits make words; everything else separates. Marks and tatweel are
/// dropped inside a word; ZWNJ separates (`ایرانی‌ها` is `ایرانی` `ها`).
fn words<'a>(text: &str, buf: &'a mut String) -> Vec<Word<'a>> {
    buf.clear();
    buf.reserve(text.len());
    let mut spans: Vec<(usize, usize, bool)> = Vec::new();
    let mut start = None;
    let mut arabic = false;
    for c in text.chars() {
        if is_word_char(c) {
            if start.is_none() {
                start = Some(buf.len());
                arabic = is_arabic_script(c);
            }
            if c.is_ascii() {
                buf.push(c.to_ascii_lowercase());
            } else {
                fold_char(c, buf);
            }
        } else if matches!(
            c,
            '\u{064B}'..='\u{065F}' | '\u{0670}' | '\u{0640}' | '\u{200D}'
        ) {
            // marks and joiners: inside the word, dropped
        } else if let Some(s) = start.take() {
            if buf.len() > s {
                spans.push((s, buf.len(), arabic));
            }
        }
    }
    if let Some(s) = start {
        if buf.len() > s {
            spans.push((s, buf.len(), arabic));
        }
    }
    let buf: &'a String = buf;
    spans
        .into_iter()
        .map(|(s, e, arabic)| Word {
            folded: &buf[s..e],
            arabic,
        })
        .collect()
}

fn phrase_words(name: &str) -> Vec<String> {
    let mut buf = String::new();
    words(name, &mut buf)
        .into_iter()
        .map(|w| w.folded.to_string())
        .collect()
}

impl Gazetteer {
    /// The shipped gazetteer.
    pub fn shipped() -> Result<Self, GazetteerError> {
        Self::build(DEFAULT_GAZETTEER, &UserWords::default())
    }

    /// Compiles a gazetteer from TOML text with the user's changes laid over it.
    pub fn build(toml_text: &str, user: &UserWords) -> Result<Self, GazetteerError> {
        let mut raw: RawGazetteer = toml::from_str(toml_text)?;
        for (id, parent) in &user.parents {
            raw.regions.entry(id.clone()).or_default().parent = Some(parent.clone());
        }
        for (id, names) in &user.add {
            raw.regions
                .entry(id.clone())
                .or_default()
                .terms
                .extend(names.iter().cloned());
        }
        for (id, names) in &user.remove {
            if let Some(region) = raw.regions.get_mut(id) {
                let gone: Vec<Vec<String>> = names.iter().map(|n| phrase_words(n)).collect();
                region.terms.retain(|t| !gone.contains(&phrase_words(t)));
                region
                    .ambiguous
                    .retain(|t| !gone.contains(&phrase_words(t)));
            }
        }
        let ids: Vec<String> = raw.regions.keys().cloned().collect();
        let mut regions = Vec::new();
        for (id, r) in &raw.regions {
            let parent = match &r.parent {
                None => None,
                Some(p) => Some(ids.iter().position(|i| i == p).ok_or_else(|| {
                    GazetteerError::UnknownParent {
                        region: id.clone(),
                        parent: p.clone(),
                    }
                })?),
            };
            regions.push(Region {
                id: id.clone(),
                parent,
            });
        }
        let mut phrases = Vec::new();
        for (n, r) in raw.regions.values().enumerate() {
            let lists = [
                (&r.terms, Kind::Term),
                (&r.ambiguous, Kind::Ambiguous),
                (&r.blockers, Kind::Blocker),
                (&r.exclude, Kind::Exclude),
            ];
            for (list, kind) in lists {
                for name in list {
                    let words = phrase_words(name);
                    if words.is_empty() {
                        continue;
                    }
                    phrases.push(Phrase {
                        words,
                        display: name.trim().to_string(),
                        region: n,
                        kind,
                    });
                }
            }
        }
        let mut index: FxHashMap<String, Vec<usize>> = FxHashMap::default();
        for (n, p) in phrases.iter().enumerate() {
            index.entry(p.words[0].clone()).or_default().push(n);
        }
        Ok(Self {
            regions,
            phrases,
            index,
        })
    }

    /// The region ids, in order.
    pub fn region_ids(&self) -> impl Iterator<Item = &str> {
        self.regions.iter().map(|r| r.id.as_str())
    }

    /// The parent of a region, if it has one.
    pub fn parent(&self, region: &str) -> Option<&str> {
        let r = self.regions.iter().find(|r| r.id == region)?;
        r.parent.map(|p| self.regions[p].id.as_str())
    }

    /// Finds every phrase occurrence in `ws`: (phrase index, start, end).
    fn find(&self, ws: &[Word], hits: &mut Vec<(usize, usize, usize)>) {
        for (i, w) in ws.iter().enumerate() {
            self.find_at(ws, i, w.folded, hits);
            if w.arabic {
                for p in PREFIXES {
                    let Some(rest) = w.folded.strip_prefix(p) else {
                        continue;
                    };
                    if rest.chars().count() >= 2 {
                        self.find_at(ws, i, rest, hits);
                    }
                    // و then another prefix: وبالقدس, ولل...
                    if p == "و" {
                        for q in &PREFIXES[..4] {
                            if let Some(more) = rest.strip_prefix(q) {
                                if more.chars().count() >= 2 {
                                    self.find_at(ws, i, more, hits);
                                }
                            }
                        }
                        for q in ["ب", "ل"] {
                            if let Some(more) = rest.strip_prefix(q) {
                                if more.chars().count() >= 2 {
                                    self.find_at(ws, i, more, hits);
                                }
                            }
                        }
                    }
                }
            }
        }
    }

    fn find_at(&self, ws: &[Word], i: usize, first: &str, hits: &mut Vec<(usize, usize, usize)>) {
        let Some(candidates) = self.index.get(first) else {
            return;
        };
        for &c in candidates {
            let p = &self.phrases[c];
            let end = i + p.words.len();
            if end <= ws.len()
                && p.words[1..]
                    .iter()
                    .zip(&ws[i + 1..end])
                    .all(|(a, b)| a == b.folded)
            {
                hits.push((c, i, end));
            }
        }
    }

    /// Routes one item from its title, summary, feed categories and link.
    pub fn route(&self, title: &str, summary: &str, categories: &[String], url: &str) -> Routing {
        let n = self.regions.len();
        let mut score = vec![0u32; n];
        let mut plain = vec![false; n];
        let mut blocked = vec![false; n];
        let mut matched: Vec<Vec<(usize, u32, Kind)>> = vec![Vec::new(); n];
        let mut hits = Vec::new();
        let mut buf = String::new();
        for (text, weight) in [(title, TITLE_WEIGHT), (summary, SUMMARY_WEIGHT)] {
            let ws = words(text, &mut buf);
            hits.clear();
            self.find(&ws, &mut hits);
            for &(c, s, e) in &hits {
                let p = &self.phrases[c];
                match p.kind {
                    Kind::Blocker => blocked[p.region] = true,
                    Kind::Exclude => {}
                    Kind::Term | Kind::Ambiguous => {
                        // Inside an excluded phrase of the same region: not a match.
                        let excluded = hits.iter().any(|&(x, xs, xe)| {
                            let q = &self.phrases[x];
                            q.kind == Kind::Exclude && q.region == p.region && xs <= s && e <= xe
                        });
                        // Inside a longer term of the same region: the longer one counts.
                        let covered = hits.iter().any(|&(x, xs, xe)| {
                            let q = &self.phrases[x];
                            x != c
                                && matches!(q.kind, Kind::Term | Kind::Ambiguous)
                                && q.region == p.region
                                && xs <= s
                                && e <= xe
                                && xe - xs > e - s
                        });
                        if !excluded && !covered {
                            matched[p.region].push((c, weight, p.kind));
                        }
                    }
                }
            }
        }
        for r in 0..n {
            plain[r] = matched[r].iter().any(|m| m.2 == Kind::Term);
            for &(_, w, kind) in &matched[r] {
                if kind == Kind::Term || !blocked[r] || plain[r] {
                    score[r] += w;
                }
            }
        }
        // Roll sub-regions up into their parents.
        let mut placed = vec![false; n];
        let mut words_for: Vec<Vec<usize>> = vec![Vec::new(); n];
        for r in 0..n {
            if score[r] < THRESHOLD {
                continue;
            }
            let mut at = Some(r);
            let mut depth = 0;
            while let Some(a) = at {
                placed[a] = true;
                for &(c, w, kind) in &matched[r] {
                    let counts = kind == Kind::Term || !blocked[r] || plain[r];
                    if counts && w > 0 && !words_for[a].contains(&c) {
                        words_for[a].push(c);
                    }
                }
                at = self.regions[a].parent;
                depth += 1;
                if depth > n {
                    break;
                }
            }
        }
        let mut regions = Vec::new();
        for r in 0..n {
            if placed[r] {
                let mut seen: Vec<String> = Vec::new();
                for &c in &words_for[r] {
                    let d = &self.phrases[c].display;
                    if !seen.contains(d) {
                        seen.push(d.clone());
                    }
                }
                regions.push(RegionMatch {
                    region: self.regions[r].id.clone(),
                    matched: seen,
                });
            }
        }
        Routing {
            regions,
            opinion: is_opinion(categories, url),
        }
    }
}

/// URL path segments that mark an opinion piece.
const OPINION_PATHS: [&str; 8] = [
    "opinion",
    "opinions",
    "columns",
    "column",
    "editorial",
    "editorials",
    "blogs",
    "blog",
];

/// Category words that mark an opinion piece.
const OPINION_CATEGORIES: [&str; 12] = [
    "opinion",
    "opinions",
    "column",
    "columns",
    "columnist",
    "editorial",
    "editorials",
    "blog",
    "blogs",
    "op-ed",
    "comment",
    "analysis",
];

/// Whether feed categories or the link's path mark an item as an opinion piece.
pub fn is_opinion(categories: &[String], url: &str) -> bool {
    let by_category = categories.iter().any(|c| {
        let c = c.trim().to_lowercase();
        OPINION_CATEGORIES.contains(&c.as_str())
            || [
                "رائے",
                "کالم",
                "اداریہ",
                "یادداشت",
                "سرمقاله",
                "نظر",
                "رأي",
                "مقالات",
                "آراء",
            ]
            .contains(&c.as_str())
    });
    if by_category {
        return true;
    }
    // Most links name no opinion section at all: skip parsing them.
    let lower = url.to_ascii_lowercase();
    if !OPINION_PATHS.iter().any(|p| lower.contains(p)) {
        return false;
    }
    let path = match url::Url::parse(url) {
        Ok(u) => u.path().to_lowercase(),
        Err(_) => return false,
    };
    path.split('/').any(|seg| OPINION_PATHS.contains(&seg))
}

#[cfg(test)]
mod tests;
