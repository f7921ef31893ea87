//! Which program opens a link. `$BROWSER` follows its convention: a colon-separated list of
//! commands, tried in order until one starts; each is split into words as a shell would
//! (quotes and backslashes, no expansion) but never run through one; `%s` stands for the URL
//! (`%%` for a `%`), and without it the URL comes last. Unset or blank, the platform opener.

use std::path::Path;

/// One way to open a link: a program and its arguments.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Launch {
    /// The program, as `$BROWSER` names it (a name looked up in `PATH`, or a path).
    pub program: String,
    /// Its arguments, the URL among them.
    pub args: Vec<String>,
    /// A text-mode browser: it gets the terminal and the reader waits for it.
    pub in_terminal: bool,
}

impl Launch {
    /// The program's file name, for messages: `firefox` for `/usr/bin/firefox`.
    pub fn name(&self) -> &str {
        program_name(&self.program)
    }
}

/// The file name of a program path.
fn program_name(program: &str) -> &str {
    Path::new(program)
        .file_name()
        .and_then(|n| n.to_str())
        .unwrap_or(program)
}

/// The commands to try for `url`, in order, from the value of `$BROWSER` (`None` when unset).
/// A program whose file name is in `terminal_browsers` runs in the terminal. Entries that do
/// not split into words (an unclosed quote) come back as errors, in their place.
pub fn launches(
    browser: Option<&str>,
    url: &str,
    terminal_browsers: &[String],
) -> Vec<Result<Launch, String>> {
    let entries: Vec<&str> = browser
        .map(|b| {
            b.split(':')
                .map(str::trim)
                .filter(|e| !e.is_empty())
                .collect()
        })
        .unwrap_or_default();
    let entries = if entries.is_empty() {
        vec![if cfg!(target_os = "macos") {
            "open"
        } else {
            "xdg-open"
        }]
    } else {
        entries
    };
    entries
        .into_iter()
        .map(|entry| {
            let words = shell_words::split(entry).map_err(|e| format!("`{entry}`: {e}"))?;
            let mut with_url = false;
            let mut words: Vec<String> = words
                .iter()
                .map(|w| {
                    let (word, had) = substitute(w, url);
                    with_url |= had;
                    word
                })
                .collect();
            if !with_url {
                words.push(url.to_string());
            }
            let program = words.remove(0);
            let in_terminal = terminal_browsers
                .iter()
                .any(|t| t.as_str() == program_name(&program));
            Ok(Launch {
                program,
                args: words,
                in_terminal,
            })
        })
        .collect()
}

/// `word` with `%s` replaced by `url` and `%%` by `%`; and whether there was a `%s`.
fn substitute(word: &str, url: &str) -> (String, bool) {
    let mut out = String::with_capacity(word.len());
    let mut had = false;
    let mut chars = word.chars();
    while let Some(c) = chars.next() {
        if c != '%' {
            out.push(c);
            continue;
        }
        match chars.clone().next() {
            Some('s') => {
                chars.next();
                out.push_str(url);
                had = true;
            }
            Some('%') => {
                chars.next();
                out.push('%');
            }
            _ => out.push('%'),
        }
    }
    (out, had)
}

#[cfg(test)]
mod tests {
    use super::*;

    const URL: &str = "https://a.example/x?q=1&r=%20";

    fn ok(browser: &str) -> Vec<Launch> {
        launches(Some(browser), URL, &["w3m".into(), "lynx".into()])
            .into_iter()
            .map(|l| l.unwrap())
            .collect()
    }

    fn argv(l: &Launch) -> Vec<&str> {
        std::iter::once(l.program.as_str())
            .chain(l.args.iter().map(String::as_str))
            .collect()
    }

    #[test]
    fn a_plain_program_gets_the_url_as_its_last_argument() {
        let l = ok("firefox");
        assert_eq!(l.len(), 1);
        assert_eq!(argv(&l[0]), ["firefox", URL]);
        assert_eq!(l[0].name(), "firefox");
        assert!(!l[0].in_terminal);
    }

    #[test]
    fn arguments_are_split_like_a_shell_without_one() {
        let l = ok("firefox --new-tab");
        assert_eq!(argv(&l[0]), ["firefox", "--new-tab", URL]);
        let l = ok(r#""/opt/My Browser/bin/browser" --profile 'a b' x\ y"#);
        assert_eq!(
            argv(&l[0]),
            [
                "/opt/My Browser/bin/browser",
                "--profile",
                "a b",
                "x y",
                URL
            ]
        );
        assert_eq!(l[0].name(), "browser");
        // Shell syntax is only text: no expansion, no pipes.
        let l = ok("echo $HOME;rm");
        assert_eq!(argv(&l[0]), ["echo", "$HOME;rm", URL]);
    }

    #[test]
    fn percent_s_is_replaced_by_the_url_and_double_percent_is_a_percent() {
        let l = ok("chromium --app=%s --title=100%% %d");
        assert_eq!(
            argv(&l[0]),
            ["chromium", &format!("--app={URL}"), "--title=100%", "%d"]
        );
        let l = ok("open -a Safari %s %s");
        assert_eq!(argv(&l[0]), ["open", "-a", "Safari", URL, URL]);
    }

    #[test]
    fn a_colon_separated_list_is_tried_in_order_skipping_empty_entries() {
        let l = ok("nosuch-browser:: firefox --new-tab :w3m -o x %s");
        let names: Vec<_> = l.iter().map(Launch::name).collect();
        assert_eq!(names, ["nosuch-browser", "firefox", "w3m"]);
        assert_eq!(argv(&l[1]), ["firefox", "--new-tab", URL]);
        assert_eq!(argv(&l[2]), ["w3m", "-o", "x", URL]);
    }

    #[test]
    fn terminal_browsers_are_known_by_their_file_name() {
        let l = ok("/usr/bin/w3m:lynx -accept_all_cookies:w3m-wrapper");
        let in_terminal: Vec<_> = l.iter().map(|l| l.in_terminal).collect();
        assert_eq!(in_terminal, [true, true, false]);
    }

    #[test]
    fn unset_or_blank_means_the_platform_opener() {
        for browser in [None, Some(""), Some("  : ")] {
            let l = launches(browser, URL, &[]);
            assert_eq!(l.len(), 1, "{browser:?}");
            let l = l[0].as_ref().unwrap();
            assert!(matches!(l.program.as_str(), "xdg-open" | "open"));
            assert_eq!(l.args, [URL]);
        }
    }

    #[test]
    fn an_entry_with_an_unclosed_quote_is_an_error_in_its_place() {
        let l = launches(Some("firefox 'x:w3m"), URL, &[]);
        assert_eq!(l.len(), 2);
        assert!(l[0].as_ref().unwrap_err().contains("firefox 'x"));
        assert_eq!(l[1].as_ref().unwrap().program, "w3m");
    }
}
