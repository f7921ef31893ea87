//! HTTP fetching with limits: a global and a per-host concurrency cap, timeouts, capped
//! redirects, gzip/brotli, a response size cap, and conditional GET. reqwest types stop here.

use std::collections::HashMap;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use reqwest::header::{
    HeaderMap, HeaderValue, ETAG, IF_MODIFIED_SINCE, IF_NONE_MATCH, LAST_MODIFIED, RETRY_AFTER,
    USER_AGENT,
};
use tokio::sync::Semaphore;

use crate::config::FetchConfig;
use crate::model::Validators;

/// Why a fetch failed. Callers branch on the kind (backoff, Retry-After, messages).
#[derive(Debug, Clone, thiserror::Error, PartialEq, Eq)]
pub enum FetchError {
    /// No answer within the timeout.
    #[error("timed out")]
    Timeout,
    /// The server answered with an error status.
    #[error("HTTP {code}")]
    Status {
        /// The status code.
        code: u16,
        /// Seconds the server asked us to wait (`Retry-After`).
        retry_after: Option<u64>,
    },
    /// The body was larger than the configured cap.
    #[error("response larger than {0} bytes")]
    TooLarge(u64),
    /// More redirects than allowed.
    #[error("too many redirects")]
    TooManyRedirects,
    /// Connection or protocol failure.
    #[error("network error: {0}")]
    Network(String),
    /// An article page's address is private or local and not the feed's own origin.
    #[error("{0}")]
    Refused(String),
    /// The URL cannot be fetched.
    #[error("invalid URL: {0}")]
    InvalidUrl(String),
}

/// The result of a successful request.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum FetchOutcome {
    /// 304: nothing changed since the validators we sent.
    NotModified {
        /// Validators to store (servers may refresh them on a 304).
        validators: Validators,
    },
    /// A fresh body.
    Fresh {
        /// The body, decompressed.
        body: Vec<u8>,
        /// Validators to store for the next request.
        validators: Validators,
        /// The URL after redirects.
        final_url: String,
    },
}

/// A shareable HTTP client with concurrency limits. Cloning is cheap.
#[derive(Clone)]
pub struct Fetcher {
    client: reqwest::Client,
    /// For article pages: public addresses only.
    page_client: reqwest::Client,
    /// For article pages on their feed's own origin, by that origin.
    same_origin_clients: Arc<Mutex<HashMap<String, reqwest::Client>>>,
    global: Arc<Semaphore>,
    hosts: Arc<Mutex<HashMap<String, Arc<Semaphore>>>>,
    config: Arc<FetchConfig>,
}

impl Fetcher {
    /// Builds the client from the fetch config.
    pub fn new(config: &FetchConfig) -> Result<Self, FetchError> {
        Ok(Self {
            client: build_client(config, None)?,
            page_client: build_client(config, Some(None))?,
            same_origin_clients: Arc::new(Mutex::new(HashMap::new())),
            global: Arc::new(Semaphore::new(config.concurrency.max(1))),
            hosts: Arc::new(Mutex::new(HashMap::new())),
            config: Arc::new(config.clone()),
        })
    }

    /// The User-Agent for an outlet setting: `None` → default, `"browser"` → browser-like,
    /// anything else is used literally.
    pub fn user_agent_for(&self, setting: Option<&str>) -> String {
        match setting {
            None | Some("" | "default") => self.config.user_agent.clone(),
            Some("browser") => self.config.browser_user_agent.clone(),
            Some(literal) => literal.to_string(),
        }
    }

    fn host_semaphore(&self, host: &str) -> Arc<Semaphore> {
        // A poisoned lock only means another task panicked while inserting; the map is still
        // usable, so recover it rather than failing every later fetch.
        let mut hosts = self
            .hosts
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner);
        hosts
            .entry(host.to_string())
            .or_insert_with(|| Arc::new(Semaphore::new(self.config.per_host.max(1))))
            .clone()
    }

    /// GETs a feed (or any address the user chose), sending the validators for a conditional
    /// request.
    pub async fn get(
        &self,
        url: &str,
        validators: &Validators,
        user_agent: Option<&str>,
    ) -> Result<FetchOutcome, FetchError> {
        let parsed = url::Url::parse(url).map_err(|e| FetchError::InvalidUrl(e.to_string()))?;
        self.get_with(&self.client, parsed, validators, user_agent)
            .await
    }

    /// GETs an article page whose address came from feed content (with the browser-like
    /// User-Agent). Unless `fetch.private_pages` is set, the page may be on a private or local
    /// address only when it has the same origin as `feed_url`, the feed it came from; the
    /// check holds for every redirect and every DNS answer.
    pub async fn get_page(
        &self,
        url: &str,
        feed_url: Option<&str>,
    ) -> Result<FetchOutcome, FetchError> {
        let parsed = url::Url::parse(url).map_err(|e| FetchError::InvalidUrl(e.to_string()))?;
        let none = Validators::default();
        if self.config.private_pages {
            return self
                .get_with(&self.client, parsed, &none, Some("browser"))
                .await;
        }
        let page_origin = super::address::origin(&parsed);
        let feed_origin = feed_url
            .and_then(|f| url::Url::parse(f).ok())
            .map(|f| super::address::origin(&f));
        let client = if feed_origin.as_deref() == Some(page_origin.as_str()) {
            self.same_origin_client(&parsed, &page_origin)?
        } else {
            super::address::check_literal(&parsed, None).map_err(FetchError::Refused)?;
            self.page_client.clone()
        };
        self.get_with(&client, parsed, &none, Some("browser")).await
    }

    fn same_origin_client(
        &self,
        url: &url::Url,
        origin: &str,
    ) -> Result<reqwest::Client, FetchError> {
        // As in `host_semaphore`: a poisoned map is still a usable map.
        let mut clients = self
            .same_origin_clients
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner);
        if let Some(client) = clients.get(origin) {
            return Ok(client.clone());
        }
        let trust = Trust {
            origin: origin.to_string(),
            host: url.host_str().unwrap_or_default().to_ascii_lowercase(),
        };
        let client = build_client(&self.config, Some(Some(trust)))?;
        clients.insert(origin.to_string(), client.clone());
        Ok(client)
    }

    async fn get_with(
        &self,
        client: &reqwest::Client,
        parsed: url::Url,
        validators: &Validators,
        user_agent: Option<&str>,
    ) -> Result<FetchOutcome, FetchError> {
        if !matches!(parsed.scheme(), "http" | "https") {
            return Err(FetchError::InvalidUrl(format!(
                "unsupported scheme {}",
                parsed.scheme()
            )));
        }
        let host = parsed.host_str().unwrap_or_default().to_string();
        let host_limit = self.host_semaphore(&host);
        // Semaphores are never closed, so acquire only fails if that invariant breaks.
        let _host_permit = host_limit
            .acquire_owned()
            .await
            .map_err(|e| FetchError::Network(e.to_string()))?;
        let _global_permit = self
            .global
            .clone()
            .acquire_owned()
            .await
            .map_err(|e| FetchError::Network(e.to_string()))?;

        let mut headers = HeaderMap::new();
        if let Some(ua) = user_agent.filter(|_| true) {
            if let Ok(v) = HeaderValue::from_str(&self.user_agent_for(Some(ua))) {
                headers.insert(USER_AGENT, v);
            }
        }
        if let Some(etag) = validators
            .etag
            .as_deref()
            .and_then(|v| HeaderValue::from_str(v).ok())
        {
            headers.insert(IF_NONE_MATCH, etag);
        }
        if let Some(lm) = validators
            .last_modified
            .as_deref()
            .and_then(|v| HeaderValue::from_str(v).ok())
        {
            headers.insert(IF_MODIFIED_SINCE, lm);
        }
        let response = client
            .get(parsed)
            .headers(headers)
            .send()
            .await
            .map_err(map_error)?;
        let status = response.status();
        let new_validators = Validators {
            etag: header_string(response.headers(), &ETAG).or_else(|| validators.etag.clone()),
            last_modified: header_string(response.headers(), &LAST_MODIFIED)
                .or_else(|| validators.last_modified.clone()),
        };
        if status == reqwest::StatusCode::NOT_MODIFIED {
            return Ok(FetchOutcome::NotModified {
                validators: new_validators,
            });
        }
        if !status.is_success() {
            let retry_after =
                header_string(response.headers(), &RETRY_AFTER).and_then(|v| parse_retry_after(&v));
            return Err(FetchError::Status {
                code: status.as_u16(),
                retry_after,
            });
        }
        let cap = self.config.max_bytes;
        if response.content_length().is_some_and(|len| len > cap) {
            return Err(FetchError::TooLarge(cap));
        }
        let final_url = response.url().to_string();
        let mut body = Vec::new();
        let mut response = response;
        while let Some(chunk) = response.chunk().await.map_err(map_error)? {
            if (body.len() + chunk.len()) as u64 > cap {
                return Err(FetchError::TooLarge(cap));
            }
            body.extend_from_slice(&chunk);
        }
        // Lengths only: the body is a whole page or feed (see `logging`).
        tracing::debug!(
            "fetched {}: HTTP {}, {} bytes",
            crate::text::one_line(&final_url),
            status.as_u16(),
            body.len()
        );
        Ok(FetchOutcome::Fresh {
            body,
            validators: new_validators,
            final_url,
        })
    }
}

/// The origin a page client may reach privately, and its host name.
#[derive(Debug, Clone)]
struct Trust {
    origin: String,
    host: String,
}

/// A redirect refused because it leads to a private address.
#[derive(Debug, thiserror::Error)]
#[error("{0}")]
struct RefusedRedirect(String);

/// Builds a client. `pages` is `None` for feeds (any address), `Some(trust)` for article pages:
/// public addresses only, except the trusted origin.
fn build_client(
    config: &FetchConfig,
    pages: Option<Option<Trust>>,
) -> Result<reqwest::Client, FetchError> {
    let max_redirects = config.max_redirects;
    let check = pages.clone();
    let mut builder = reqwest::Client::builder()
        .user_agent(config.user_agent.clone())
        .connect_timeout(Duration::from_secs(config.connect_timeout_secs.max(1)))
        .timeout(Duration::from_secs(config.timeout_secs.max(1)))
        .redirect(reqwest::redirect::Policy::custom(move |attempt| {
            if attempt.previous().len() > max_redirects {
                return attempt.error("too many redirects");
            }
            if let Some(trust) = &check {
                let trusted = trust.as_ref().map(|t| t.origin.as_str());
                if let Err(why) = super::address::check_literal(attempt.url(), trusted) {
                    return attempt.error(RefusedRedirect(why));
                }
            }
            attempt.follow()
        }))
        .gzip(true)
        .brotli(true)
        .pool_max_idle_per_host(config.per_host.max(1));
    if let Some(trust) = pages {
        builder = builder.dns_resolver(Arc::new(super::address::PublicResolver {
            trusted_host: trust.map(|t| t.host.into()),
        }));
    }
    builder
        .build()
        .map_err(|e| FetchError::Network(e.to_string()))
}

fn header_string(headers: &HeaderMap, name: &reqwest::header::HeaderName) -> Option<String> {
    headers
        .get(name)
        .and_then(|v| v.to_str().ok())
        .map(str::trim)
        .filter(|v| !v.is_empty())
        .map(String::from)
}

/// Seconds to wait from a `Retry-After` value: delta-seconds or an HTTP date.
pub fn parse_retry_after(value: &str) -> Option<u64> {
    let value = value.trim();
    if let Ok(secs) = value.parse::<u64>() {
        return Some(secs);
    }
    let when = chrono::DateTime::parse_from_rfc2822(value).ok()?;
    let delta = when.timestamp() - crate::model::now_unix();
    Some(u64::try_from(delta).unwrap_or(0))
}

fn map_error(e: reqwest::Error) -> FetchError {
    let mut source: Option<&(dyn std::error::Error + 'static)> = std::error::Error::source(&e);
    while let Some(inner) = source {
        if let Some(refused) = inner.downcast_ref::<RefusedRedirect>() {
            return FetchError::Refused(refused.0.clone());
        }
        source = inner.source();
    }
    if e.is_timeout() {
        FetchError::Timeout
    } else if e.is_redirect() {
        FetchError::TooManyRedirects
    } else {
        // The innermost source names the actual cause ("connection refused", a TLS problem).
        let mut source: &dyn std::error::Error = &e;
        while let Some(inner) = source.source() {
            source = inner;
        }
        FetchError::Network(source.to_string())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn retry_after_accepts_seconds_and_dates() {
        assert_eq!(parse_retry_after("120"), Some(120));
        assert_eq!(parse_retry_after("Wed, 21 Oct 2015 07:28:00 GMT"), Some(0));
        assert_eq!(parse_retry_after("soon"), None);
    }
}
