//! Per-outlet extraction rules: a content selector and selectors to strip, chosen by the page's
//! host. Built-in rules live in `assets/rules/*.toml`; files in the user's `rules/` folder next
//! to the config file add rules or replace built-in ones for the same host.

use std::path::Path;

use serde::Deserialize;

use crate::config::{line_col, ConfigError};
use crate::extract::SiteRule;

/// The built-in rule files, embedded in the binary.
const BUILTIN: &[(&str, &str)] = &[(
    "groundzero.toml",
    include_str!("../assets/rules/groundzero.toml"),
)];

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct RuleFile {
    hosts: Vec<String>,
    content: Vec<String>,
    #[serde(default)]
    strip: Vec<String>,
}

/// All known rules, user rules first.
#[derive(Debug, Clone, Default)]
pub struct Rules {
    rules: Vec<(Vec<String>, SiteRule)>,
}

impl Rules {
    /// The built-in rules only.
    pub fn builtin() -> Self {
        let mut rules = Self::default();
        for (name, text) in BUILTIN {
            // Every built-in file parses: `builtin_rules_parse_and_match_hosts` checks them.
            match parse(name, text) {
                Ok(rule) => rules.rules.push(rule),
                Err(e) => tracing::error!("built-in extraction rule: {e}"),
            }
        }
        rules
    }

    /// Built-in rules plus the `*.toml` files in `user_dir` (which take precedence). A missing
    /// folder means no user rules; a file that cannot be read or parsed is an error naming
    /// the file (with line and column), as a broken config file is.
    pub fn load(user_dir: &Path) -> Result<Self, ConfigError> {
        let mut user = Self::default();
        let entries = match std::fs::read_dir(user_dir) {
            Ok(entries) => entries,
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(Self::builtin()),
            Err(source) => {
                return Err(ConfigError::Read {
                    path: user_dir.to_path_buf(),
                    source,
                })
            }
        };
        let mut paths: Vec<_> = entries
            .flatten()
            .map(|e| e.path())
            .filter(|p| p.extension().is_some_and(|e| e == "toml"))
            .collect();
        paths.sort();
        for path in paths {
            let text = std::fs::read_to_string(&path).map_err(|source| ConfigError::Read {
                path: path.clone(),
                source,
            })?;
            user.rules.push(parse(&path.display().to_string(), &text)?);
        }
        user.rules.extend(Self::builtin().rules);
        Ok(user)
    }

    /// The rule for a page URL, matching its host or a parent domain.
    pub fn for_url(&self, url: &str) -> Option<SiteRule> {
        let host = url::Url::parse(url)
            .ok()?
            .host_str()?
            .trim_start_matches("www.")
            .to_ascii_lowercase();
        self.rules
            .iter()
            .find(|(hosts, _)| {
                hosts
                    .iter()
                    .any(|h| host == *h || host.ends_with(&format!(".{h}")))
            })
            .map(|(_, rule)| rule.clone())
    }
}

/// One rule file's hosts and rule; `name` names it in errors.
fn parse(name: &str, text: &str) -> Result<(Vec<String>, SiteRule), ConfigError> {
    let file = toml::from_str::<RuleFile>(text).map_err(|e| {
        let (line, column) = e.span().map_or((1, 1), |s| line_col(text, s.start));
        ConfigError::Invalid {
            path: name.to_string(),
            line,
            column,
            message: e.message().trim().to_string(),
        }
    })?;
    let hosts = file
        .hosts
        .iter()
        .map(|h| h.trim_start_matches("www.").to_ascii_lowercase())
        .collect();
    Ok((
        hosts,
        SiteRule {
            content: file.content,
            strip: file.strip,
        },
    ))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn builtin_rules_parse_and_match_hosts() {
        for (name, text) in BUILTIN {
            assert!(parse(name, text).is_ok(), "{name}");
        }
        let rules = Rules::builtin();
        assert!(rules
            .for_url("https://www.groundzero.pk/some-story/")
            .is_some());
        assert!(rules.for_url("https://news.groundzero.pk/x").is_some());
        assert!(rules.for_url("https://example.org/").is_none());
    }

    #[test]
    fn the_ground_zero_rule_extracts_the_fixture_by_outlet_rule() {
        let html = include_str!("../tests/fixtures/pages/site-article.html");
        let url = "https://groundzero.pk/pakistan-says-dialogue-with-kabul-is-open/";
        let rule = Rules::builtin().for_url(url).unwrap();
        // Shipped rules name real hosts only; the fixture's made-up host gets no rule.
        assert!(Rules::builtin()
            .for_url("https://groundzero.example/x")
            .is_none());
        let e = crate::extract::extract(html, Some(url), Some(&rule)).unwrap();
        assert_eq!(e.method, crate::extract::Method::OutletRule);
        let flat = e.text.split_whitespace().collect::<Vec<_>>().join(" ");
        let expected = include_str!("../tests/fixtures/pages/site-article.expected.txt");
        for line in expected.lines().skip(1).filter(|l| !l.trim().is_empty()) {
            let line = line.split_whitespace().collect::<Vec<_>>().join(" ");
            assert!(flat.contains(&line), "missing: {line}");
        }
        for bad in include_str!("../tests/fixtures/pages/site-article.forbidden.txt")
            .lines()
            .filter(|l| !l.trim().is_empty())
        {
            assert!(!flat.contains(bad.trim()), "leaked: {bad}");
        }
    }

    #[test]
    fn user_rules_override_builtin_ones() {
        let dir = tempfile::tempdir().unwrap();
        std::fs::write(
            dir.path().join("gz.toml"),
            "hosts = [\"groundzero.pk\"]\ncontent = [\"main\"]\n",
        )
        .unwrap();
        let rules = Rules::load(dir.path()).unwrap();
        assert_eq!(
            rules.for_url("https://groundzero.pk/a").unwrap().content,
            ["main"]
        );
        assert!(Rules::load(&dir.path().join("absent")).is_ok());
    }

    #[test]
    fn a_broken_user_rule_file_is_an_error_with_file_line_and_column() {
        let dir = tempfile::tempdir().unwrap();
        std::fs::write(
            dir.path().join("good.toml"),
            "hosts = [\"a.example\"]\ncontent = [\"main\"]\n",
        )
        .unwrap();
        let bad = dir.path().join("bad.toml");
        std::fs::write(&bad, "content = [\"main\"]\nhosts = [127").unwrap();
        let e = Rules::load(dir.path()).unwrap_err().to_string();
        assert!(e.starts_with(&format!("{}:2:", bad.display())), "{e}");
        std::fs::write(&bad, "hosts = 3\ncontent = []").unwrap();
        let e = Rules::load(dir.path()).unwrap_err().to_string();
        assert!(e.starts_with(&format!("{}:1:9:", bad.display())), "{e}");
    }
}
