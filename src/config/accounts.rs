//! `[[accounts]]`: reader services (Fever, Google Reader API, Miniflux) whose subscriptions
//! and read/starred state khabar follows. Checked here; used by [`crate::sync`].

use serde::{Deserialize, Serialize};

use super::{line_col, Config, ConfigError};

/// The protocol an account speaks.
#[derive(Debug, Clone, Copy, Deserialize, Serialize, PartialEq, Eq)]
#[serde(rename_all = "lowercase")]
pub enum AccountKind {
    /// The Fever API (FreshRSS, Miniflux, BazQux, coldsweat, Tiny Tiny RSS with a plugin).
    Fever,
    /// The Google Reader API (FreshRSS, Miniflux, Inoreader, The Old Reader, BazQux).
    Greader,
    /// Miniflux's own REST API.
    Miniflux,
}

impl AccountKind {
    /// The name written in the config.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Fever => "fever",
            Self::Greader => "greader",
            Self::Miniflux => "miniflux",
        }
    }
}

/// One account on a reader service.
#[derive(Debug, Clone, Deserialize, Serialize, PartialEq, Eq)]
#[serde(deny_unknown_fields)]
pub struct AccountConfig {
    /// A short name for the account (`khabar sync --account NAME`, the status line).
    pub name: String,
    /// The protocol: `fever`, `greader` or `miniflux`.
    pub kind: AccountKind,
    /// The API's address (for Fever the `…/fever.php` or `…/fever/` endpoint).
    pub url: String,
    /// The user name or e-mail address the service knows you by.
    pub user: String,
    /// A program printing the password on its first line (argv, no shell), e.g.
    /// `["pass", "show", "rss"]`.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub password_command: Vec<String>,
    /// The environment variable holding the password.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub password_env: Option<String>,
    /// The password itself, in clear (`khabar config` warns).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub password: Option<String>,
    /// The tab (id or title) for the account's feeds whose folder names no tab.
    pub tab: String,
}

/// Byte offset of the line setting `key` inside the `n`-th `[[accounts]]` table of `text`
/// (the table's header when the key is not written there; the start when there is no such
/// table, as for a config built in code).
fn account_key_offset(text: &str, n: usize, key: &str) -> usize {
    let mut offset = 0;
    let mut seen = 0;
    let mut header = None;
    for line in text.split_inclusive('\n') {
        let trimmed = line.trim_start();
        if trimmed.starts_with('[') {
            if header.is_some() {
                break;
            }
            if trimmed.starts_with("[[accounts]]") {
                if seen == n {
                    header = Some(offset);
                }
                seen += 1;
            }
        } else if header.is_some() {
            if let Some(rest) = trimmed.strip_prefix(key) {
                if rest.trim_start().starts_with('=') {
                    return offset + (line.len() - trimmed.len());
                }
            }
        }
        offset += line.len();
    }
    header.unwrap_or(0)
}

impl Config {
    /// Checks each account: a unique name, an http(s) URL, one way to get the password and a
    /// tab that exists.
    pub(super) fn validate_accounts(&self, text: &str, origin: &str) -> Result<(), ConfigError> {
        let fail = |n: usize, key: &str, message: String| {
            let (line, column) = line_col(text, account_key_offset(text, n, key));
            ConfigError::Invalid {
                path: origin.to_string(),
                line,
                column,
                message,
            }
        };
        for (n, a) in self.accounts.iter().enumerate() {
            let name = &a.name;
            if name.trim().is_empty() || name.contains(['/', '\\']) || name.starts_with('.') {
                return Err(fail(
                    n,
                    "name",
                    format!("[[accounts]] name `{name}`: give a short name without slashes"),
                ));
            }
            if self.accounts[..n].iter().any(|b| &b.name == name) {
                return Err(fail(n, "name", format!("duplicate account name `{name}`")));
            }
            match url::Url::parse(&a.url) {
                Ok(u) if matches!(u.scheme(), "http" | "https") => {}
                _ => {
                    return Err(fail(
                        n,
                        "url",
                        format!("account `{name}`: `{}` is not an http(s) URL", a.url),
                    ))
                }
            }
            if a.kind != AccountKind::Fever {
                return Err(fail(
                    n,
                    "kind",
                    format!(
                        "account `{name}`: kind `{}` is not supported yet (use fever)",
                        a.kind.as_str()
                    ),
                ));
            }
            let sources = usize::from(!a.password_command.is_empty())
                + usize::from(a.password_env.is_some())
                + usize::from(a.password.is_some());
            if sources != 1 {
                return Err(fail(
                    n,
                    if a.password_env.is_some() {
                        "password_env"
                    } else if a.password.is_some() {
                        "password"
                    } else {
                        "password_command"
                    },
                    format!(
                        "account `{name}`: give exactly one of password_command, password_env \
                         and password"
                    ),
                ));
            }
            if a.password_command.first().is_some_and(|p| p.is_empty()) {
                return Err(fail(
                    n,
                    "password_command",
                    format!("account `{name}`: password_command names no program"),
                ));
            }
            let tab_exists = self.tabs.iter().any(|t| {
                t.query.is_none()
                    && (t.id.eq_ignore_ascii_case(&a.tab) || t.title.eq_ignore_ascii_case(&a.tab))
            });
            if !tab_exists {
                return Err(fail(
                    n,
                    "tab",
                    format!(
                        "account `{name}`: tab `{}` is not a tab (an id or title of [[tabs]])",
                        a.tab
                    ),
                ));
            }
        }
        Ok(())
    }

    /// Things that load but deserve a word, each as `file:line:column: warning`: passwords
    /// written in clear in the config.
    pub fn warnings(&self, text: &str, origin: &str) -> Vec<String> {
        self.accounts
            .iter()
            .enumerate()
            .filter(|(_, a)| a.password.is_some())
            .map(|(n, a)| {
                let (line, column) = line_col(text, account_key_offset(text, n, "password"));
                format!(
                    "{origin}:{line}:{column}: account `{}` keeps its password in clear in the \
                     config; prefer password_command or password_env",
                    a.name
                )
            })
            .collect()
    }

    /// The account named `name`.
    pub fn account(&self, name: &str) -> Option<&AccountConfig> {
        self.accounts.iter().find(|a| a.name == name)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const TABS: &str = "[[tabs]]\nid = \"world\"\ntitle = \"World\"\n\n";

    fn account(body: &str) -> String {
        format!("{TABS}[[accounts]]\n{body}")
    }

    const GOOD: &str = "name = \"home\"\nkind = \"fever\"\nurl = \"https://rss.example.org/api/fever.php\"\nuser = \"me@example.org\"\npassword_command = [\"pass\", \"show\", \"rss\"]\ntab = \"world\"\n";

    #[test]
    fn a_fever_account_loads() {
        let c = Config::parse(&account(GOOD), "c.toml").unwrap();
        let a = c.account("home").unwrap();
        assert_eq!(a.kind, AccountKind::Fever);
        assert_eq!(a.password_command, ["pass", "show", "rss"]);
        assert!(c.warnings(&account(GOOD), "c.toml").is_empty());
    }

    #[test]
    fn account_errors_point_at_the_key() {
        let cases = [
            (
                GOOD.replace("tab = \"world\"", "tab = \"nowhere\""),
                11,
                "tab `nowhere`",
            ),
            (
                GOOD.replace("https://rss", "ftp://rss"),
                8,
                "not an http(s) URL",
            ),
            (
                GOOD.replace(
                    "password_command = [\"pass\", \"show\", \"rss\"]",
                    "password_env = \"X\"\npassword = \"y\"",
                ),
                10,
                "exactly one of",
            ),
            (
                GOOD.replace("password_command = [\"pass\", \"show\", \"rss\"]", ""),
                5,
                "exactly one of",
            ),
            (
                GOOD.replace("\"fever\"", "\"miniflux\""),
                7,
                "not supported yet",
            ),
        ];
        for (body, line, words) in cases {
            let err = Config::parse(&account(&body), "c.toml")
                .unwrap_err()
                .to_string();
            assert!(err.starts_with(&format!("c.toml:{line}:")), "{err}");
            assert!(err.contains(words), "{err}");
        }
        let twice = format!("{}[[accounts]]\n{GOOD}", account(GOOD));
        let err = Config::parse(&twice, "c.toml").unwrap_err().to_string();
        assert!(
            err.starts_with("c.toml:13:1: duplicate account name"),
            "{err}"
        );
        let unknown = account(&format!("{GOOD}colour = 1\n"));
        let err = Config::parse(&unknown, "c.toml").unwrap_err().to_string();
        assert!(err.contains("colour"), "{err}");
    }

    #[test]
    fn a_password_in_clear_is_warned_about_at_its_line() {
        let text = account(&GOOD.replace(
            "password_command = [\"pass\", \"show\", \"rss\"]",
            "password = \"hunter2\"",
        ));
        let c = Config::parse(&text, "c.toml").unwrap();
        let warnings = c.warnings(&text, "c.toml");
        assert_eq!(warnings.len(), 1);
        assert!(
            warnings[0].starts_with("c.toml:10:1: account `home`"),
            "{warnings:?}"
        );
        assert!(!warnings[0].contains("hunter2"));
    }
}
