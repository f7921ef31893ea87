//! Saving articles for offline reading: the Markdown copy written to the saved folder, with a
//! front matter block, under a safe, unique file name. Pure functions plus one atomic write.
//!
//! Everything that came from a feed or a page is sanitised before it reaches a file name or
//! file content: no control or bidi-override characters, no path separators, no `..`.

use std::path::{Path, PathBuf};

pub use crate::model::SavedMeta;
use crate::text::{collapse_whitespace, rfc3339, sanitize, slug};

/// The file name of a saved article: `YYYY-MM-DD-outlet-title-ID.md`. Unique per article id,
/// safe on every common file system, and never longer than about 120 bytes of ASCII (or 120
/// characters of other scripts).
pub fn file_name(meta: &SavedMeta, extension: &str) -> String {
    let date = chrono::DateTime::from_timestamp(meta.published, 0)
        .map(|t| t.format("%Y-%m-%d").to_string())
        .unwrap_or_else(|| "undated".into());
    let mut parts = vec![date];
    let outlet = slug(&meta.outlet, 24);
    if !outlet.is_empty() {
        parts.push(outlet);
    }
    let title = slug(&meta.title, 60);
    if !title.is_empty() {
        parts.push(title);
    }
    parts.push(meta.id.to_string());
    format!("{}.{extension}", parts.join("-"))
}

/// A YAML double-quoted scalar: one line, with quotes and backslashes escaped.
fn yaml_string(value: &str) -> String {
    let clean = collapse_whitespace(&sanitize(value));
    format!("\"{}\"", clean.replace('\\', "\\\\").replace('"', "\\\""))
}

/// The front matter block (between `---` lines) for a saved copy.
pub fn front_matter(meta: &SavedMeta) -> String {
    let mut out = String::from("---\n");
    out.push_str(&format!("title: {}\n", yaml_string(&meta.title)));
    out.push_str(&format!("outlet: {}\n", yaml_string(&meta.outlet)));
    out.push_str(&format!(
        "url: {}\n",
        yaml_string(meta.url.as_deref().unwrap_or_default())
    ));
    if let Some(authors) = meta.authors.as_deref().filter(|a| !a.is_empty()) {
        out.push_str(&format!("authors: {}\n", yaml_string(authors)));
    }
    out.push_str(&format!(
        "published: {}\n",
        yaml_string(&rfc3339(meta.published))
    ));
    out.push_str(&format!("saved: {}\n", yaml_string(&rfc3339(meta.saved))));
    out.push_str(&format!("method: {}\n", yaml_string(meta.method.as_str())));
    let tags = tag_list(meta.tags.as_deref());
    if !tags.is_empty() {
        let items: Vec<String> = tags.iter().map(|t| yaml_string(t)).collect();
        out.push_str(&format!("tags: [{}]\n", items.join(", ")));
    }
    if let Some(lang) = meta.lang.as_deref() {
        out.push_str(&format!("lang: {}\n", yaml_string(lang)));
    }
    out.push_str(&format!("dir: {}\n", yaml_string(text_direction(meta))));
    if !meta.enclosures.is_empty() {
        out.push_str("enclosures:\n");
        for e in &meta.enclosures {
            out.push_str(&format!("  - url: {}\n", yaml_string(&e.url)));
            if let Some(mime) = &e.mime {
                out.push_str(&format!("    type: {}\n", yaml_string(mime)));
            }
            if let Some(length) = e.length {
                out.push_str(&format!("    length: {length}\n"));
            }
            if let Some(duration) = e.duration {
                out.push_str(&format!("    duration: {duration}\n"));
            }
        }
    }
    out.push_str("---\n");
    out
}

/// The tags of a comma-separated tag string, trimmed, without empty ones.
pub fn tag_list(tags: Option<&str>) -> Vec<String> {
    tags.unwrap_or_default()
        .split(',')
        .map(|t| collapse_whitespace(&sanitize(t.trim())))
        .filter(|t| !t.is_empty())
        .collect()
}

/// `rtl` or `ltr`, for HTML's `dir` and the front matter: from the title's first strong
/// character, else from the language.
pub fn text_direction(meta: &SavedMeta) -> &'static str {
    use crate::render::bidi::{direction, Direction};
    let fallback = meta
        .lang
        .as_deref()
        .map_or(Direction::Ltr, Direction::of_lang);
    let dir = direction(&meta.title, fallback);
    match dir {
        Direction::Rtl => "rtl",
        Direction::Ltr => "ltr",
    }
}

/// Markdown text of cleaned article HTML: headings as `#`, lists, quotes, and links as
/// reference links listed at the end. Never panics; falls back to plain paragraphs.
pub fn to_markdown(html: &str) -> String {
    let html = crate::extract::bound::bound(html);
    let html = html.as_ref();
    let rendered = std::panic::catch_unwind(|| html2text::from_read(html.as_bytes(), 100).ok())
        .ok()
        .flatten();
    let text = rendered.unwrap_or_else(|| crate::render::plain_text(html, 100));
    sanitize(&text).trim_end().to_string() + "\n"
}

/// The whole Markdown document of a saved article; its enclosures follow the text as a list
/// of links.
pub fn markdown_document(meta: &SavedMeta, body_markdown: &str) -> String {
    let mut doc = format!(
        "{}\n# {}\n\n{}",
        front_matter(meta),
        collapse_whitespace(&sanitize(&meta.title)),
        body_markdown
    );
    if !meta.enclosures.is_empty() {
        if !doc.ends_with('\n') {
            doc.push('\n');
        }
        doc.push_str("\n## Enclosures\n\n");
        for e in &meta.enclosures {
            let url = sanitize(&e.url).replace(' ', "%20");
            doc.push_str(&format!(
                "- [{}](<{}>)\n",
                e.label(),
                url.replace('>', "%3E")
            ));
        }
    }
    doc
}

/// Writes `contents` to `dir/name` atomically (temporary file, then rename), creating `dir`.
/// `name` must be a plain file name; anything else is refused.
///
/// The temporary file (`.NAME.tmp`) is locked while it is written, so that
/// [`remove_stale_temporaries`] in another process never takes one still in use; should it
/// take one in the instant between creating and locking, the write is simply done again.
pub fn write_atomically(dir: &Path, name: &str, contents: &str) -> std::io::Result<PathBuf> {
    if name.is_empty() || name.contains(['/', '\\']) || name.starts_with('.') {
        return Err(std::io::Error::new(
            std::io::ErrorKind::InvalidInput,
            "unsafe file name",
        ));
    }
    std::fs::create_dir_all(dir)?;
    let path = dir.join(name);
    let tmp = dir.join(format!(".{name}{TEMPORARY_SUFFIX}"));
    let mut tries = 0;
    loop {
        tries += 1;
        match write_locked(&tmp, &path, contents) {
            Ok(()) => return Ok(path),
            Err(e) => {
                // A full disk leaves a partial temporary file: remove it, keep the error.
                let _ = std::fs::remove_file(&tmp);
                if e.kind() != std::io::ErrorKind::NotFound || tries >= 3 {
                    return Err(e);
                }
            }
        }
    }
}

/// What temporary files of [`write_atomically`] end with (they start with a dot).
pub const TEMPORARY_SUFFIX: &str = ".tmp";

fn write_locked(tmp: &Path, path: &Path, contents: &str) -> std::io::Result<()> {
    use std::io::Write as _;
    let mut file = std::fs::File::create(tmp)?;
    file.lock()?;
    file.write_all(contents.as_bytes())?;
    // Renamed while still locked: no other process can take it for a leftover meanwhile.
    std::fs::rename(tmp, path)
}

/// Removes the temporary files a killed process left in `dir` (`.NAME.tmp`, written by
/// [`write_atomically`] and never renamed), leaving any that another process is writing now
/// (they are locked). Returns how many were removed; a missing `dir` has none.
pub fn remove_stale_temporaries(dir: &Path) -> usize {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return 0;
    };
    let mut removed = 0;
    for entry in entries.flatten() {
        let name = entry.file_name();
        let Some(name) = name.to_str() else { continue };
        if !(name.starts_with('.') && name.ends_with(TEMPORARY_SUFFIX)) {
            continue;
        }
        let path = entry.path();
        let Ok(file) = std::fs::OpenOptions::new().write(true).open(&path) else {
            continue;
        };
        // Locked: a live process is writing it. The lock is released when its holder dies.
        if file.try_lock().is_ok() && std::fs::remove_file(&path).is_ok() {
            removed += 1;
        }
    }
    if removed > 0 {
        tracing::info!(
            "removed {removed} temporary files left by an interrupted save in {}",
            dir.display()
        );
    }
    removed
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn leftover_temporaries_are_removed_but_not_one_being_written() {
        let dir = tempfile::tempdir().unwrap();
        let left = dir.path().join(".2026-11-24-dawn-x-1.md.tmp");
        std::fs::write(&left, "half a fi").unwrap();
        let busy = dir.path().join(".2026-11-24-dawn-y-2.md.tmp");
        let held = std::fs::File::create(&busy).unwrap();
        held.lock().unwrap();
        // Neither a saved file nor another hidden file is touched.
        std::fs::write(dir.path().join("2026-11-24-dawn-x-1.md"), "whole").unwrap();
        std::fs::write(dir.path().join(".keep"), "").unwrap();
        assert_eq!(remove_stale_temporaries(dir.path()), 1);
        assert!(!left.exists());
        assert!(busy.exists(), "a locked temporary file is in use");
        assert!(dir.path().join("2026-11-24-dawn-x-1.md").exists());
        assert!(dir.path().join(".keep").exists());
        drop(held);
        assert_eq!(remove_stale_temporaries(dir.path()), 1);
        assert_eq!(remove_stale_temporaries(&dir.path().join("missing")), 0);
    }

    #[test]
    fn a_failed_write_leaves_no_temporary_file() {
        let dir = tempfile::tempdir().unwrap();
        // A directory where the file should go makes the final rename fail.
        std::fs::create_dir(dir.path().join("a.md")).unwrap();
        assert!(write_atomically(dir.path(), "a.md", "text").is_err());
        let names: Vec<_> = std::fs::read_dir(dir.path())
            .unwrap()
            .map(|e| e.unwrap().file_name())
            .collect();
        assert_eq!(names, ["a.md"]);
    }

    fn meta(id: i64, title: &str) -> SavedMeta {
        SavedMeta {
            id,
            title: title.into(),
            outlet: "Dawn".into(),
            url: Some("https://dawn.example/1".into()),
            authors: None,
            published: 1_795_514_400,
            saved: 1_795_514_500,
            method: crate::model::ExtractMethod::General,
            tags: None,
            lang: None,
            enclosures: Vec::new(),
        }
    }

    #[test]
    fn hostile_titles_make_safe_file_names() {
        for title in [
            "../../etc/passwd",
            "a/b\\c",
            "\u{1b}[31mred\u{1b}[0m title",
            "evil\u{202e}gpj.exe",
            ".hidden",
            "",
            "   ",
            &"long ".repeat(60),
        ] {
            let name = file_name(&meta(7, title), "md");
            assert!(
                !name.contains('/') && !name.contains('\\') && !name.contains(".."),
                "{name}"
            );
            assert!(!name.starts_with('.'), "{name}");
            assert!(
                name.chars()
                    .all(|c| !c.is_control() && !crate::text::is_unsafe_char(c)),
                "{name:?}"
            );
            assert!(name.ends_with("-7.md"), "{name}");
            assert!(name.len() <= 130, "{} bytes: {name}", name.len());
        }
        assert_eq!(
            file_name(&meta(7, "300 chars"), "md"),
            "2026-11-24-dawn-300-chars-7.md"
        );
    }

    #[test]
    fn right_to_left_titles_keep_their_letters() {
        let name = file_name(&meta(3, "پشاور میں شدید بارش"), "md");
        assert_eq!(name, "2026-11-24-dawn-پشاور-میں-شدید-بارش-3.md");
    }

    #[test]
    fn same_title_different_articles_get_different_files() {
        assert_ne!(
            file_name(&meta(1, "Same"), "md"),
            file_name(&meta(2, "Same"), "md")
        );
    }

    #[test]
    fn front_matter_escapes_and_strips_control_characters() {
        let mut m = meta(1, "He said \"no\"\nand left \\ \u{1b}[2J");
        m.tags = Some("pk, kp, پاکستان \"x\"".into());
        let fm = front_matter(&m);
        assert!(
            fm.contains("title: \"He said \\\"no\\\" and left \\\\\""),
            "{fm}"
        );
        assert!(!fm.contains('\u{1b}'));
        assert!(fm.contains("method: \"general extractor\""));
        // Tags are a YAML list, each item quoted and escaped.
        assert!(
            fm.contains("tags: [\"pk\", \"kp\", \"پاکستان \\\"x\\\"\"]\n"),
            "{fm}"
        );
        assert!(fm.contains("dir: \"ltr\""), "{fm}");
        assert_eq!(fm.lines().filter(|l| *l == "---").count(), 2);
    }

    #[test]
    fn enclosures_are_in_the_front_matter_and_after_the_text() {
        let mut m = meta(4, "Episode 12");
        m.enclosures = vec![crate::model::Enclosure {
            url: "https://p.example/12.mp3".into(),
            mime: Some("audio/mpeg".into()),
            length: Some(32_640_000),
            duration: Some(2041),
        }];
        let doc = markdown_document(&m, "Show notes.\n");
        assert!(
            doc.contains(
                "enclosures:\n  - url: \"https://p.example/12.mp3\"\n    type: \"audio/mpeg\"\n    \
                 length: 32640000\n    duration: 2041\n---\n"
            ),
            "{doc}"
        );
        assert!(
            doc.ends_with(
                "Show notes.\n\n## Enclosures\n\n- [audio: 34 min, mp3](<https://p.example/12.mp3>)\n"
            ),
            "{doc}"
        );
        assert!(!markdown_document(&meta(5, "x"), "x\n").contains("nclosures"));
    }

    #[test]
    fn markdown_keeps_headings_and_links() {
        let md = to_markdown("<h2>Heading</h2><p>See <a href=\"https://x.example/\">this</a>.</p>");
        assert!(md.contains("## Heading"), "{md}");
        assert!(md.contains("https://x.example/"), "{md}");
    }

    #[test]
    fn atomic_writes_refuse_paths() {
        let dir = tempfile::tempdir().unwrap();
        assert!(write_atomically(dir.path(), "../x.md", "x").is_err());
        let p = write_atomically(dir.path(), "ok.md", "hello").unwrap();
        assert_eq!(std::fs::read_to_string(p).unwrap(), "hello");
    }
}
