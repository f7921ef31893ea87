//! Which network addresses an article page may be fetched from. Feed URLs are the user's own
//! choice and may point anywhere; article links come from feed content, so a remote feed must
//! not be able to make khabar reach into the user's machine or network (SSRF). The check runs
//! on the resolved address, where the connection is made, so neither a redirect nor a DNS
//! answer gets around it.

use std::net::{IpAddr, Ipv4Addr, Ipv6Addr, SocketAddr};
use std::sync::Arc;

use reqwest::dns::{Addrs, Name, Resolve, Resolving};

/// Whether an address is on the public internet: not loopback, private, link-local (the cloud
/// metadata address 169.254.169.254 included), unique-local, shared (CGNAT), multicast,
/// documentation or unspecified.
pub fn is_public(ip: IpAddr) -> bool {
    match ip {
        IpAddr::V4(v4) => is_public_v4(v4),
        IpAddr::V6(v6) => match v6.to_ipv4_mapped() {
            Some(v4) => is_public_v4(v4),
            None => is_public_v6(v6),
        },
    }
}

fn is_public_v4(ip: Ipv4Addr) -> bool {
    let [a, b, c, _] = ip.octets();
    !(ip.is_loopback()
        || ip.is_private()
        || ip.is_link_local()
        || ip.is_unspecified()
        || ip.is_broadcast()
        || ip.is_multicast()
        || ip.is_documentation()
        || a == 0
        || (a == 100 && (64..128).contains(&b))
        || (a == 192 && b == 0 && c == 0)
        || a >= 240)
}

fn is_public_v6(ip: Ipv6Addr) -> bool {
    let first = ip.segments()[0];
    !(ip.is_loopback()
        || ip.is_unspecified()
        || ip.is_multicast()
        || (first & 0xfe00) == 0xfc00 // unique local fc00::/7
        || (first & 0xffc0) == 0xfe80 // link-local fe80::/10
        || (first & 0xffc0) == 0xfec0 // old site-local fec0::/10
        || (first == 0x2001 && ip.segments()[1] == 0x0db8) // documentation
        || (first == 0x0064 && ip.segments()[1] == 0xff9b)) // NAT64 of a v4 address
}

/// The origin of a URL (`https://host:port`), the unit of trust for same-origin pages.
pub fn origin(url: &url::Url) -> String {
    url.origin().ascii_serialization()
}

/// Why a page address was refused.
pub fn refusal(what: &str) -> String {
    format!(
        "refused: {what} is a private or local address (a feed's links may not reach into this \
         machine or network; set `fetch.private_pages = true` to allow it)"
    )
}

/// Whether `url` may be requested by a client that resolves names with [`PublicResolver`]:
/// a literal IP address is never resolved, so it is checked here (on the first request and on
/// every redirect). `trusted` is the one origin allowed to be private (the feed's own).
pub fn check_literal(url: &url::Url, trusted: Option<&str>) -> Result<(), String> {
    if trusted == Some(origin(url).as_str()) {
        return Ok(());
    }
    let ip = match url.host() {
        Some(url::Host::Ipv4(v4)) => IpAddr::V4(v4),
        Some(url::Host::Ipv6(v6)) => IpAddr::V6(v6),
        Some(url::Host::Domain(name)) => {
            // A domain that only the trusted origin may use privately, on another port or
            // scheme, cannot be checked before resolving; refuse it rather than guess.
            let trusted_host = trusted
                .and_then(|o| url::Url::parse(o).ok())
                .and_then(|u| u.host_str().map(str::to_ascii_lowercase));
            if trusted_host.as_deref() == Some(&name.to_ascii_lowercase()) {
                return Err(refusal(&origin(url)));
            }
            return Ok(());
        }
        None => return Err("the address has no host".into()),
    };
    if is_public(ip) {
        Ok(())
    } else {
        Err(refusal(&ip.to_string()))
    }
}

/// Resolves names like the system does, keeping only public addresses, except for the one
/// trusted host (a self-hosted feed's own pages).
#[derive(Debug, Clone, Default)]
pub struct PublicResolver {
    /// The host name allowed to resolve to private addresses, lower-cased.
    pub trusted_host: Option<Arc<str>>,
}

impl Resolve for PublicResolver {
    fn resolve(&self, name: Name) -> Resolving {
        let trusted = self
            .trusted_host
            .as_deref()
            .is_some_and(|t| t.eq_ignore_ascii_case(name.as_str()));
        let host = name.as_str().to_string();
        Box::pin(async move {
            let all: Vec<SocketAddr> = tokio::net::lookup_host((host.as_str(), 0)).await?.collect();
            let allowed: Vec<SocketAddr> = all
                .iter()
                .copied()
                .filter(|a| trusted || is_public(a.ip()))
                .collect();
            if allowed.is_empty() && !all.is_empty() {
                let why: Box<dyn std::error::Error + Send + Sync> =
                    refusal(&format!("{host} ({})", all[0].ip())).into();
                return Err(why);
            }
            let addrs: Addrs = Box::new(allowed.into_iter());
            Ok(addrs)
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ip(s: &str) -> IpAddr {
        s.parse().unwrap()
    }

    #[test]
    fn local_private_and_metadata_addresses_are_not_public() {
        for local in [
            "127.0.0.1",
            "127.8.9.10",
            "10.1.2.3",
            "172.16.0.1",
            "172.31.255.255",
            "192.168.1.1",
            "169.254.169.254",
            "100.64.0.1",
            "0.0.0.0",
            "::1",
            "::",
            "fd00::1",
            "fe80::1",
            "::ffff:127.0.0.1",
            "::ffff:169.254.169.254",
        ] {
            assert!(!is_public(ip(local)), "{local}");
        }
        for public in ["1.1.1.1", "93.184.216.34", "172.32.0.1", "2606:4700::1111"] {
            assert!(is_public(ip(public)), "{public}");
        }
    }

    #[test]
    fn literal_addresses_are_checked_and_the_trusted_origin_passes() {
        let url = |s: &str| url::Url::parse(s).unwrap();
        assert!(check_literal(&url("http://127.0.0.1:8080/secret"), None).is_err());
        assert!(check_literal(&url("http://[::1]/x"), None).is_err());
        assert!(check_literal(&url("http://169.254.169.254/latest"), None).is_err());
        assert!(check_literal(&url("https://www.dawn.com/news/1"), None).is_ok());
        let feed = "http://127.0.0.1:8080";
        assert!(check_literal(&url("http://127.0.0.1:8080/page"), Some(feed)).is_ok());
        assert!(check_literal(&url("http://127.0.0.1:9090/page"), Some(feed)).is_err());
        let lan = "http://news.lan";
        assert!(check_literal(&url("http://news.lan/a"), Some(lan)).is_ok());
        assert!(check_literal(&url("http://news.lan:8443/a"), Some(lan)).is_err());
    }

    #[tokio::test]
    async fn names_that_resolve_only_to_local_addresses_are_refused() {
        let resolver = PublicResolver::default();
        let name: Name = "localhost".parse().unwrap();
        assert!(resolver.resolve(name).await.is_err());
        let trusting = PublicResolver {
            trusted_host: Some("localhost".into()),
        };
        let name: Name = "localhost".parse().unwrap();
        assert!(trusting.resolve(name).await.unwrap().next().is_some());
    }
}
