//! Which base URLs never go through a proxy.
//!
//! The client honours the system proxy settings for remote hosts, but a loopback
//! server (the embedded demo emulator, a local development server) must be reached
//! directly: a corporate proxy cannot reach the user's own machine, and would at best
//! fail and at worst see the API key. `NO_PROXY` is not relied on, since few users set
//! it for 127.0.0.1 and the OS proxy settings on macOS/Windows may ignore it.

use std::net::IpAddr;

use reqwest::Url;

/// Whether `base_url` names a loopback host: `127.0.0.0/8`, `::1` (also as an
/// IPv4-mapped address), `localhost` or a name under `.localhost` (RFC 6761 reserves
/// them for loopback). Private addresses (`10.0.0.1`, ...) are not loopback: they may
/// well sit behind the proxy. A client for such a base URL is built without any proxy.
pub fn bypasses_proxy(base_url: &Url) -> bool {
    let Some(host) = base_url.host_str() else {
        return false;
    };
    // An IPv6 host comes bracketed (`[::1]`).
    let bare = host.trim_start_matches('[').trim_end_matches(']');
    if let Ok(ip) = bare.parse::<IpAddr>() {
        return match ip {
            IpAddr::V4(v4) => v4.is_loopback(),
            IpAddr::V6(v6) => {
                v6.is_loopback() || v6.to_ipv4_mapped().is_some_and(|v4| v4.is_loopback())
            }
        };
    }
    let name = bare.trim_end_matches('.').to_ascii_lowercase();
    name == "localhost" || name.ends_with(".localhost")
}

#[cfg(test)]
mod tests {
    use super::*;

    fn bypasses(url: &str) -> bool {
        bypasses_proxy(&Url::parse(url).expect(url))
    }

    #[test]
    fn loopback_hosts_bypass_the_proxy_and_others_do_not() {
        for url in [
            "http://127.0.0.1:8080",
            "http://127.5.5.5",
            "http://[::1]:3000",
            "http://localhost:1234",
            "http://LOCALHOST.",
            "http://demo.localhost",
            "http://[::ffff:127.0.0.1]",
        ] {
            assert!(bypasses(url), "{url}");
        }
        for url in [
            "https://example.com",
            "http://10.0.0.1",
            "http://192.168.1.2",
            "http://128.0.0.1",
            "https://localhost.example.com",
            "https://athena-dev-api.leanscale.com",
            "http://[::2]",
        ] {
            assert!(!bypasses(url), "{url}");
        }
    }
}
