//! Full-text search queries: the syntax people type (`TTP OR BLA "suicide attack" -cricket
//! outlet:Dawn tab:kp since:2d saved:yes`) parsed into an SQLite FTS5 expression plus the
//! filters that are not text. Pure; `store` runs the result against its FTS5 index, whose
//! text is folded with [`crate::text::fold_for_search`] exactly as the query words are.

/// A parsed query.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct SearchQuery {
    /// The FTS5 MATCH expression, `None` when the query has no text terms (filters only).
    pub fts: Option<String>,
    /// Folded words and phrases that must appear, for highlighting.
    pub highlights: Vec<String>,
    /// `outlet:NAME`: the outlet's name contains this (case-insensitively).
    pub outlet: Option<String>,
    /// `tab:ID`: only the feeds of this tab.
    pub tab: Option<String>,
    /// `since:2d`: published at most this many seconds ago.
    pub since_secs: Option<i64>,
    /// `saved:yes` / `saved:no`.
    pub saved: Option<bool>,
}

/// A query that cannot be run.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum QueryError {
    /// Nothing to search for.
    #[error("type words to search for (or filters such as outlet:Dawn since:2d)")]
    Empty,
    /// Only excluded words: FTS5 needs something to match first.
    #[error("a search needs at least one word that must appear, not only -words")]
    OnlyExcluded,
    /// A filter with a value that does not parse.
    #[error("{0}")]
    BadFilter(String),
}

/// One piece of the query, before it becomes FTS5 syntax.
#[derive(Debug, Clone, PartialEq, Eq)]
enum Term {
    /// Folded words that must appear in this order (one word or a quoted phrase).
    Phrase(Vec<String>),
    /// `OR` between the terms on either side.
    Or,
    /// A word or phrase that must not appear.
    Not(Vec<String>),
}

impl SearchQuery {
    /// Parses the query syntax: words (all must match), `"exact phrase"`, `-word`, `A OR B`,
    /// `outlet:NAME`, `tab:ID`, `since:N{h,d,w}`, `saved:yes|no`.
    pub fn parse(text: &str) -> Result<Self, QueryError> {
        let mut q = SearchQuery::default();
        let mut terms = Vec::new();
        for token in tokens(text) {
            let (negated, body) = match token.strip_prefix('-') {
                Some(rest) if !rest.is_empty() => (true, rest.to_string()),
                _ => (false, token.clone()),
            };
            if !negated && !token.starts_with('"') {
                if let Some((key, value)) = body.split_once(':') {
                    if q.filter(key, value)? {
                        continue;
                    }
                }
                if body == "OR" {
                    terms.push(Term::Or);
                    continue;
                }
            }
            let words: Vec<String> = crate::text::fold_for_search(body.trim_matches('"'))
                .split(' ')
                .filter(|w| !w.is_empty())
                .map(str::to_string)
                .collect();
            if words.is_empty() {
                continue;
            }
            if negated {
                terms.push(Term::Not(words));
            } else {
                q.highlights.push(words.join(" "));
                terms.push(Term::Phrase(words));
            }
        }
        q.fts = fts_expression(&terms)?;
        if q.fts.is_none()
            && q.outlet.is_none()
            && q.tab.is_none()
            && q.saved.is_none()
            && q.since_secs.is_none()
        {
            return Err(QueryError::Empty);
        }
        Ok(q)
    }

    /// Applies `key:value`; returns false when `key` is not a filter (then it is a word).
    fn filter(&mut self, key: &str, value: &str) -> Result<bool, QueryError> {
        match key.to_ascii_lowercase().as_str() {
            "outlet" => self.outlet = Some(value.trim_matches('"').to_string()),
            "tab" => self.tab = Some(value.to_string()),
            "since" => {
                self.since_secs = Some(parse_age(value).ok_or_else(|| {
                    QueryError::BadFilter(format!(
                    "since:{value}: use hours, days or weeks, like since:12h, since:2d, since:1w"
                ))
                })?)
            }
            "saved" => {
                self.saved = Some(match value.to_ascii_lowercase().as_str() {
                    "yes" | "y" | "true" | "1" => true,
                    "no" | "n" | "false" | "0" => false,
                    _ => {
                        return Err(QueryError::BadFilter(format!(
                            "saved:{value}: use saved:yes or saved:no"
                        )))
                    }
                })
            }
            _ => return Ok(false),
        }
        Ok(true)
    }
}

/// `12h`, `2d`, `1w` (a bare number is days) in seconds.
fn parse_age(value: &str) -> Option<i64> {
    let value = value.trim();
    let (number, unit) = match value.char_indices().find(|(_, c)| !c.is_ascii_digit()) {
        Some((i, _)) => value.split_at(i),
        None => (value, "d"),
    };
    let n: i64 = number.parse().ok()?;
    let unit = match unit {
        "m" | "min" => 60,
        "h" => 3_600,
        "d" => 86_400,
        "w" => 7 * 86_400,
        _ => return None,
    };
    n.checked_mul(unit)
}

/// Splits a query at spaces, keeping `"quoted phrases"` (and `-"phrases"`) whole.
fn tokens(text: &str) -> Vec<String> {
    let mut out = Vec::new();
    let mut cur = String::new();
    let mut quoted = false;
    for c in text.chars() {
        match c {
            '"' => {
                quoted = !quoted;
                cur.push(c);
            }
            c if c.is_whitespace() && !quoted => {
                if !cur.is_empty() {
                    out.push(std::mem::take(&mut cur));
                }
            }
            c => cur.push(c),
        }
    }
    if !cur.is_empty() {
        out.push(cur);
    }
    out
}

/// FTS5 text for a phrase: each word in double quotes (so no word is read as an operator or
/// column name), the last word of a one-word term as a prefix (`islam` finds `islamabad`).
fn fts_phrase(words: &[String], prefix: bool) -> String {
    let quoted: Vec<String> = words
        .iter()
        .map(|w| format!("\"{}\"", w.replace('"', "\"\"")))
        .collect();
    let mut out = quoted.join(" + ");
    if prefix {
        out.push('*');
    }
    out
}

/// The FTS5 expression: terms ANDed, `OR` binding its neighbours, excluded terms last with NOT.
fn fts_expression(terms: &[Term]) -> Result<Option<String>, QueryError> {
    // Groups of alternatives: "a b OR c d" is a AND (b OR c) AND d.
    let mut groups: Vec<Vec<String>> = Vec::new();
    let mut join_next = false;
    let mut excluded = Vec::new();
    for term in terms {
        match term {
            Term::Or => join_next = !groups.is_empty(),
            Term::Phrase(words) => {
                let text = fts_phrase(words, words.len() == 1 && words[0].chars().count() >= 3);
                match groups.last_mut() {
                    Some(group) if join_next => group.push(text),
                    _ => groups.push(vec![text]),
                }
                join_next = false;
            }
            Term::Not(words) => excluded.push(fts_phrase(words, false)),
        }
    }
    if groups.is_empty() {
        return if excluded.is_empty() {
            Ok(None)
        } else {
            Err(QueryError::OnlyExcluded)
        };
    }
    let mut expr = groups
        .iter()
        .map(|g| {
            if g.len() == 1 {
                g[0].clone()
            } else {
                format!("({})", g.join(" OR "))
            }
        })
        .collect::<Vec<_>>()
        .join(" AND ");
    for e in excluded {
        expr = format!("({expr}) NOT {e}");
    }
    Ok(Some(expr))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn fts(q: &str) -> String {
        SearchQuery::parse(q).unwrap().fts.unwrap()
    }

    #[test]
    fn words_phrases_exclusions_and_or() {
        assert_eq!(fts("Quetta blast"), "\"quetta\"* AND \"blast\"*");
        assert_eq!(fts("\"suicide attack\""), "\"suicide\" + \"attack\"");
        assert_eq!(fts("TTP OR BLA"), "(\"ttp\"* OR \"bla\"*)");
        assert_eq!(fts("kp -cricket"), "(\"kp\") NOT \"cricket\"");
        assert_eq!(
            fts("peshawar TTP OR BLA -\"test match\""),
            "(\"peshawar\"* AND (\"ttp\"* OR \"bla\"*)) NOT \"test\" + \"match\""
        );
        // Operators and punctuation in words are only words.
        assert_eq!(
            fts("NEAR AND \"x\"\"y\""),
            "\"near\"* AND \"and\"* AND \"x\" + \"y\""
        );
    }

    #[test]
    fn filters_are_not_words() {
        let q = SearchQuery::parse("budget outlet:Dawn tab:kp since:2d saved:yes").unwrap();
        assert_eq!(q.fts.as_deref(), Some("\"budget\"*"));
        assert_eq!(q.outlet.as_deref(), Some("Dawn"));
        assert_eq!(q.tab.as_deref(), Some("kp"));
        assert_eq!(q.since_secs, Some(2 * 86_400));
        assert_eq!(q.saved, Some(true));
        assert_eq!(
            SearchQuery::parse("since:12h x").unwrap().since_secs,
            Some(43_200)
        );
        assert!(matches!(
            SearchQuery::parse("since:soon x"),
            Err(QueryError::BadFilter(_))
        ));
        // Filters alone are a search; nothing at all is not; only exclusions cannot run.
        assert!(SearchQuery::parse("saved:yes").unwrap().fts.is_none());
        assert_eq!(SearchQuery::parse("  "), Err(QueryError::Empty));
        assert_eq!(SearchQuery::parse("-x"), Err(QueryError::OnlyExcluded));
        // An unknown key is a word (a URL, a time).
        assert!(SearchQuery::parse("10:30").unwrap().fts.is_some());
    }

    #[test]
    fn arabic_script_spellings_fold_the_same_way() {
        // Persian yeh and kaf typed, Arabic-coded in the text (and back): one folded form.
        assert_eq!(fts("کراچی"), fts("كراچي"));
        assert_eq!(fts("مشكل"), fts("مشکل"));
        assert_eq!(fts("أفغانستان"), fts("افغانستان"));
        assert_eq!(fts("مدرسة"), fts("مدرسه"));
        assert_eq!(fts("مُحَمَّد"), fts("محمد"));
        assert_eq!(fts("۱۴۰۵"), fts("1405"));
        assert_eq!(fts("١٤٠٥"), fts("1405"));
        assert_eq!(fts("تـــهران"), fts("تهران"));
    }
}
