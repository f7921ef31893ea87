//! `khabar read` and `khabar extract`: the reader's text on stdout, for scripting and for
//! measuring the extractor against a benchmark.

use std::collections::BTreeMap;
use std::io::{Read as _, Write as _};
use std::path::Path;

use anyhow::Context;

use crate::config::Config;
use crate::extract::extract;
use crate::feeds::fetch::Fetcher;
use crate::model::ArticleId;
use crate::paths::Paths;
use crate::render::{render, Rendered};
use crate::rules::Rules;
use crate::store::{Store, StoreHandle};
use crate::text::{decode_html_bytes, sanitize};

/// Reads a page file, gunzipping `.gz`.
pub fn read_page(path: &Path) -> anyhow::Result<String> {
    let bytes = std::fs::read(path).with_context(|| format!("reading {}", path.display()))?;
    let bytes = if path.extension().is_some_and(|e| e == "gz") {
        let mut out = Vec::new();
        flate2::read::GzDecoder::new(&bytes[..])
            .read_to_end(&mut out)
            .with_context(|| format!("gunzipping {}", path.display()))?;
        out
    } else {
        bytes
    };
    Ok(decode_html_bytes(&bytes))
}

/// Writes rendered lines: in logical order (editors and pagers do their own bidi), or, when
/// `visual` (a terminal with `display.bidi` on), right-to-left lines in visual order and
/// right-aligned to `width`.
fn write_rendered(
    out: &mut impl std::io::Write,
    rendered: &Rendered,
    visual: bool,
    width: usize,
) -> std::io::Result<()> {
    for line in &rendered.lines {
        match (&line.visual, visual) {
            (Some(v), true) if line.rtl => writeln!(
                out,
                "{}",
                crate::render::bidi::pad(v, crate::render::cell_width(v), width, true)
            )?,
            (Some(v), true) => writeln!(out, "{v}")?,
            _ => writeln!(out, "{}", line.text)?,
        }
    }
    if !rendered.links.is_empty() {
        writeln!(out)?;
        for (i, link) in rendered.links.iter().enumerate() {
            writeln!(out, "[{}] {link}", i + 1)?;
        }
    }
    Ok(())
}

/// `khabar extract FILE [--url URL]`.
pub fn extract_file(file: &Path, url: Option<&str>, rules: &Rules) -> anyhow::Result<u8> {
    let html = read_page(file)?;
    let rule = url.and_then(|u| rules.for_url(u));
    let extracted = extract(&html, url, rule.as_ref())
        .with_context(|| format!("extracting {}", file.display()))?;
    let mut out = crate::commands::stdout();
    if let Some(title) = &extracted.title {
        writeln!(out, "{}\n", sanitize(title))?;
    }
    writeln!(out, "{}", extracted.text.trim_end())?;
    Ok(super::EXIT_OK)
}

/// `khabar extract --batch DIR --json OUT.json`.
pub fn extract_batch(dir: &Path, json: &Path, rules: &Rules) -> anyhow::Result<u8> {
    let mut entries: Vec<_> = std::fs::read_dir(dir)
        .with_context(|| format!("reading {}", dir.display()))?
        .flatten()
        .map(|e| e.path())
        .filter(|p| {
            let name = p.file_name().and_then(|n| n.to_str()).unwrap_or_default();
            name.ends_with(".html") || name.ends_with(".html.gz") || name.ends_with(".htm")
        })
        .collect();
    entries.sort();
    let mut predictions = BTreeMap::new();
    let mut failures = 0;
    for path in &entries {
        let name = path
            .file_name()
            .and_then(|n| n.to_str())
            .unwrap_or_default();
        let id = name.split('.').next().unwrap_or(name).to_string();
        let html = read_page(path)?;
        let body = match extract(&html, None, None) {
            Ok(e) => e.text,
            Err(e) => {
                failures += 1;
                eprintln!("{name}: {e}");
                String::new()
            }
        };
        let mut entry = BTreeMap::new();
        entry.insert("articleBody", body);
        predictions.insert(id, entry);
    }
    let _ = rules;
    let file =
        std::fs::File::create(json).with_context(|| format!("creating {}", json.display()))?;
    serde_json::to_writer(std::io::BufWriter::new(file), &predictions)?;
    eprintln!(
        "extracted {} pages ({failures} without an article) into {}",
        entries.len(),
        json.display()
    );
    Ok(super::EXIT_OK)
}

/// `khabar read ID`.
pub async fn read(paths: &Paths, config: &Config, id: i64, width: usize) -> anyhow::Result<u8> {
    let store = StoreHandle::new(Store::open(&paths.database())?);
    let detail = store
        .call(move |s| s.article_detail(ArticleId(id)))
        .await?
        .with_context(|| format!("no article with id {id} (see `khabar list`)"))?;
    let crate::articles::KnownTexts {
        feed,
        cached,
        url,
        feed_url,
    } = crate::articles::known_texts(&detail);
    let mut note = None;
    let mut authors = detail.authors.clone();
    let text = if let Some(saved) = detail.saved_html.clone() {
        crate::model::ArticleText {
            html: saved,
            words: 0,
            method: detail.saved_method.unwrap_or_default(),
            saved_copy: true,
        }
    } else if let Some(c) = cached {
        c
    } else if let Some(url) =
        url.filter(|_| crate::articles::is_teaser(&feed, config.reader.teaser_words))
    {
        let fetcher = Fetcher::new(&config.fetch)?;
        let rules = Rules::load(&paths.rules_dir())?;
        let has_authors = authors.is_some();
        match crate::articles::extract_and_cache(
            &store,
            &fetcher,
            &rules,
            ArticleId(id),
            crate::articles::PageLink {
                url: &url,
                feed_url: feed_url.as_deref(),
            },
            &feed,
            has_authors,
        )
        .await
        {
            Ok(page) => {
                authors = authors.or(page.byline);
                page.text
            }
            Err(e) => {
                note = Some(e);
                feed
            }
        }
    } else {
        feed
    };
    let rendered = render(&text.html, width);
    let mut out = crate::commands::stdout();
    let output = super::out::order::Output::for_stdout(config.display.bidi);
    writeln!(out, "{}", output.field(&detail.row.title))?;
    let when = crate::text::rfc3339(detail.row.published);
    let by = authors
        .as_deref()
        .map(|a| format!(" · {}", output.field(a)))
        .unwrap_or_default();
    writeln!(
        out,
        "{}{by} · {when} · {}",
        output.field(&detail.row.outlet),
        text.origin()
    )?;
    if let Some(url) = &detail.row.url {
        writeln!(out, "{}", sanitize(url))?;
    }
    writeln!(out)?;
    let visual = config.display.bidi && std::io::IsTerminal::is_terminal(&std::io::stdout());
    write_rendered(&mut out, &rendered, visual, width)?;
    if let Some(note) = note {
        eprintln!(
            "note: {}; printed the feed text",
            sanitize(&note.to_string())
        );
    }
    Ok(super::EXIT_OK)
}
