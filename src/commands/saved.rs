//! `khabar saved ...`: saved articles from the command line. Reading never needs the network;
//! `add` may fetch a page to extract the full text first.

use std::io::Write as _;
use std::path::Path;

use anyhow::Context;

use crate::cli::{ExportFormat, SavedCommand};
use crate::config::Config;
use crate::model::ArticleId;
use crate::paths::Paths;
use crate::saving::{file_name, markdown_document, write_atomically};
use crate::store::{SavedRecord, Store, StoreHandle};
use crate::text::sanitize;

/// Runs a `khabar saved` subcommand.
pub async fn run(paths: &Paths, config: &Config, command: SavedCommand) -> anyhow::Result<u8> {
    match command {
        SavedCommand::List { json } => list(paths, json),
        SavedCommand::Show { id } => show(paths, config.display.bidi, id),
        SavedCommand::Export { dir, format } => export(paths, &dir, format),
        SavedCommand::Remove { id } => remove(paths, id),
        SavedCommand::Tag { id, tags } => {
            let mut store = Store::open(&paths.database())?;
            store
                .article_row(ArticleId(id))?
                .with_context(|| format!("no article with id {id}"))?;
            store.set_tags(ArticleId(id), &tags)?;
            Ok(super::EXIT_OK)
        }
        SavedCommand::Add { ids } => add(paths, config, &ids).await,
    }
}

fn list(paths: &Paths, json: bool) -> anyhow::Result<u8> {
    let store = Store::open_read_only(&paths.database())?;
    let records = store.saved_records(false)?;
    let mut out = crate::commands::stdout();
    if json {
        let items: Vec<serde_json::Value> = records
            .iter()
            .map(|r| {
                serde_json::json!({
                    "id": r.meta.id,
                    "title": sanitize(&r.meta.title),
                    "outlet": sanitize(&r.meta.outlet),
                    "url": r.meta.url.as_deref().map(sanitize),
                    "authors": r.meta.authors.as_deref().map(sanitize),
                    "published": crate::text::rfc3339(r.meta.published),
                    "saved": crate::text::rfc3339(r.meta.saved),
                    "method": r.meta.method.as_str(),
                    "file": r.file.as_deref().map(sanitize),
                    "tags": crate::saving::tag_list(r.meta.tags.as_deref()),
                    "lang": r.meta.lang.as_deref().map(sanitize),
                })
            })
            .collect();
        serde_json::to_writer_pretty(&mut out, &items)?;
        writeln!(out)?;
    } else {
        for r in &records {
            let tags = r
                .meta
                .tags
                .as_deref()
                .map(|t| format!("  [{}]", sanitize(t)))
                .unwrap_or_default();
            writeln!(
                out,
                "#{:<6} {}  {}  ({}){tags}",
                r.meta.id,
                chrono::DateTime::from_timestamp(r.meta.saved, 0)
                    .map(|t| t.format("%Y-%m-%d").to_string())
                    .unwrap_or_default(),
                sanitize(&r.meta.title),
                sanitize(&r.meta.outlet)
            )?;
        }
    }
    Ok(super::EXIT_OK)
}

fn record(store: &Store, id: i64) -> anyhow::Result<SavedRecord> {
    store
        .saved_record(ArticleId(id))?
        .with_context(|| format!("article {id} is not saved (see `khabar saved list`)"))
}

fn show(paths: &Paths, bidi: bool, id: i64) -> anyhow::Result<u8> {
    let store = Store::open_read_only(&paths.database())?;
    let r = record(&store, id)?;
    let mut out = crate::commands::stdout();
    let document = markdown_document(&r.meta, r.text.as_deref().unwrap_or_default());
    let output = super::out::order::Output::for_stdout(bidi);
    if output == super::out::order::Output::Logical {
        write!(out, "{document}")?;
    } else {
        let width = super::out::order::terminal_width();
        for line in document.lines() {
            for shown in output.line(line, width) {
                writeln!(out, "{shown}")?;
            }
        }
    }
    Ok(super::EXIT_OK)
}

fn remove(paths: &Paths, id: i64) -> anyhow::Result<u8> {
    let mut store = Store::open(&paths.database())?;
    record(&store, id)?;
    if let Some(file) = store.unsave_article(ArticleId(id))? {
        let _ = std::fs::remove_file(file);
    }
    eprintln!("removed article {id} from Saved");
    Ok(super::EXIT_OK)
}

/// Wraps stored article HTML in a standalone page with scripts and handlers removed.
fn html_page(r: &SavedRecord) -> String {
    let body = crate::text::inert_html(r.html.as_deref().unwrap_or_default());
    let title = html_escape::encode_text(&sanitize(&r.meta.title)).into_owned();
    let esc = |s: &str| html_escape::encode_double_quoted_attribute(&sanitize(s)).into_owned();
    // A browser lays out Arabic-script text right to left only when told: lang and dir.
    let lang = r
        .meta
        .lang
        .as_deref()
        .map(|l| format!(" lang=\"{}\"", esc(l)))
        .unwrap_or_default();
    let dir = crate::saving::text_direction(&r.meta);
    let tags = crate::saving::tag_list(r.meta.tags.as_deref());
    let tags = if tags.is_empty() {
        String::new()
    } else {
        format!(
            "<meta name=\"keywords\" content=\"{}\">",
            esc(&tags.join(", "))
        )
    };
    format!(
        "<!doctype html>\n<html{lang} dir=\"{dir}\"><head><meta charset=\"utf-8\"><title>{title}</title>\n\
         <meta name=\"outlet\" content=\"{}\"><meta name=\"url\" content=\"{}\"><meta name=\"saved\" content=\"{}\">{tags}</head>\n\
         <body><article><h1>{title}</h1>\n<p><em>{}</em> · <a href=\"{}\">original</a></p>\n{body}\n</article></body></html>\n",
        esc(&r.meta.outlet),
        esc(r.meta.url.as_deref().unwrap_or_default()),
        crate::text::rfc3339(r.meta.saved),
        html_escape::encode_text(&sanitize(&r.meta.outlet)),
        esc(r.meta.url.as_deref().unwrap_or_default()),
    )
}

fn export(paths: &Paths, dir: &Path, format: ExportFormat) -> anyhow::Result<u8> {
    let store = Store::open_read_only(&paths.database())?;
    let records = store.saved_records(true)?;
    std::fs::create_dir_all(dir).with_context(|| format!("creating {}", dir.display()))?;
    for r in &records {
        let m = &r.meta;
        let (extension, contents) = match format {
            ExportFormat::Md => (
                "md",
                markdown_document(m, r.text.as_deref().unwrap_or_default()),
            ),
            ExportFormat::Txt => (
                "txt",
                format!(
                    "{}\n{} · {}\n{}\n\n{}",
                    sanitize(&r.meta.title),
                    sanitize(&r.meta.outlet),
                    crate::text::rfc3339(r.meta.published),
                    sanitize(r.meta.url.as_deref().unwrap_or_default()),
                    r.text.as_deref().unwrap_or_default()
                ),
            ),
            ExportFormat::Html => ("html", html_page(r)),
        };
        write_atomically(dir, &file_name(m, extension), &contents)
            .with_context(|| format!("writing into {}", dir.display()))?;
    }
    eprintln!(
        "exported {} saved articles to {}",
        records.len(),
        dir.display()
    );
    Ok(super::EXIT_OK)
}

async fn add(paths: &Paths, config: &Config, ids: &[i64]) -> anyhow::Result<u8> {
    let store = StoreHandle::new(Store::open(&paths.database())?);
    let fetcher = crate::feeds::fetch::Fetcher::new(&config.fetch)?;
    let settings = crate::articles::SaveSettings {
        saved_dir: config.saved_dir(&paths.data_dir),
        teaser_words: config.reader.teaser_words,
        rules: std::sync::Arc::new(crate::rules::Rules::load(&paths.rules_dir())?),
    };
    // A save killed between writing and renaming its file left a temporary file behind.
    crate::saving::remove_stale_temporaries(&settings.saved_dir);
    let mut failed = 0;
    for &id in ids {
        match crate::articles::save_article(&store, &fetcher, &settings, ArticleId(id)).await {
            Ok(crate::articles::SavedFile { file, method }) => {
                // Printed only after the store committed: a reported save is durable.
                let mut out = crate::commands::stdout();
                writeln!(out, "saved {id} ({method}) {}", sanitize(&file))?;
                out.flush()?;
            }
            Err(e) => {
                failed += 1;
                eprintln!("article {id}: {}", sanitize(&e.to_string()));
            }
        }
    }
    Ok(if failed == 0 {
        super::EXIT_OK
    } else {
        super::EXIT_FAILURE
    })
}
