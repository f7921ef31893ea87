//! Per-outlet extraction rules: a content selector and selectors to strip, chosen by the page's
//! host. Built-in rules live in `assets/rules/*.toml`; files in the user's `rules/` folder next
//! to the config file add rules or replace built-in ones for the same host.

use std::path::Path;

use serde::Deserialize;

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
    /// Rule files that could not be read, with the reason (shown by `khabar paths`/logs).
    pub errors: Vec<String>,
}

impl Rules {
    /// The built-in rules only.
    pub fn builtin() -> Self {
        let mut rules = Self::default();
        for (name, text) in BUILTIN {
            rules.add(name, text);
        }
        rules
    }

    /// Built-in rules plus the `*.toml` files in `user_dir` (which take precedence).
    pub fn load(user_dir: &Path) -> Self {
        let mut user = Self::default();
        if let Ok(entries) = std::fs::read_dir(user_dir) {
            let mut paths: Vec<_> = entries
                .flatten()
                .map(|e| e.path())
                .filter(|p| p.extension().is_some_and(|e| e == "toml"))
                .collect();
            paths.sort();
            for path in paths {
                match std::fs::read_to_string(&path) {
                    Ok(text) => user.add(&path.display().to_string(), &text),
                    Err(e) => user.errors.push(format!("{}: {e}", path.display())),
                }
            }
        }
        let builtin = Self::builtin();
        user.rules.extend(builtin.rules);
        user
    }

    fn add(&mut self, name: &str, text: &str) {
        match toml::from_str::<RuleFile>(text) {
            Ok(f) => self.rules.push((
                f.hosts
                    .iter()
                    .map(|h| h.trim_start_matches("www.").to_ascii_lowercase())
                    .collect(),
                SiteRule {
                    content: f.content,
                    strip: f.strip,
                },
            )),
            Err(e) => self.errors.push(format!("{name}: {}", e.message())),
        }
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn builtin_rules_parse_and_match_hosts() {
        let rules = Rules::builtin();
        assert!(rules.errors.is_empty(), "{:?}", rules.errors);
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
        std::fs::write(dir.path().join("bad.toml"), "hosts = 3").unwrap();
        let rules = Rules::load(dir.path());
        assert_eq!(
            rules.for_url("https://groundzero.pk/a").unwrap().content,
            ["main"]
        );
        assert_eq!(rules.errors.len(), 1);
    }
}
