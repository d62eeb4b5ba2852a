//! The window stays on the app's own pages and opens no other window.

use tauri::Url;

/// The platforms whose app origin differs. Tauri serves the app from `tauri://localhost`
/// where the webview accepts custom schemes as origins (WebKitGTK, WKWebView), and from
/// `http://tauri.localhost` where it does not (WebView2): see `tauri::protocol::origin`.
/// Only one of the two is ever the app on a given platform, so the other is refused:
/// on Linux nothing serves `http://tauri.localhost`, and a page there would be some
/// other server's.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Platform {
    /// Linux (WebKitGTK).
    Linux,
    /// macOS (WKWebView).
    MacOs,
    /// Windows (WebView2).
    Windows,
}

impl Platform {
    /// The platform this build runs on. The app ships for Linux, macOS and Windows only;
    /// any other Unix is treated like Linux (Tauri serves it from `tauri://localhost`).
    pub const fn current() -> Self {
        if cfg!(windows) {
            Self::Windows
        } else if cfg!(target_os = "macos") {
            Self::MacOs
        } else {
            Self::Linux
        }
    }
}

/// Whether `url` is one of the app's own pages on `platform`: exactly the origin Tauri
/// serves the app from there, any path. `tauri://localhost` on Linux and macOS;
/// `http://tauri.localhost` on Windows (plain http: the window does not set
/// `useHttpsScheme`, which `tests/app/security_config.rs` checks). No port, no user
/// name or password, no look-alike host. Everything else is refused; external links go
/// through the `open_link` command instead.
pub fn is_app_page(url: &Url, platform: Platform) -> bool {
    let (scheme, host) = match platform {
        Platform::Linux | Platform::MacOs => ("tauri", "localhost"),
        Platform::Windows => ("http", "tauri.localhost"),
    };
    url.scheme() == scheme
        && url.host_str() == Some(host)
        // `Url` drops a scheme's default port (`http://tauri.localhost:80/` has none),
        // so any port left is another server.
        && url.port().is_none()
        && url.username().is_empty()
        && url.password().is_none()
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Refused on every platform: other servers, schemes, hosts, ports and credentials.
    const REFUSED_EVERYWHERE: &[&str] = &[
        "http://127.0.0.1:8787/",
        "http://localhost/",
        "https://example.com/",
        "file:///etc/passwd",
        "tauri://evil.example/",
        "tauri://localhost.evil.example/",
        "tauri://localhost:8080/",
        "tauri://user@localhost/",
        "tauri://localhost@evil.example/",
        "tauri://LOCALHOST/",
        "http://tauri.localhost.evil.example/",
        "http://evil.tauri.localhost/",
        "http://tauri.localhost:8080/",
        "http://tauri.localhost./",
        "http://user:pw@tauri.localhost/",
        "http://tauri.localhost@evil.example/",
        "https://tauri.localhost/",
        "https://tauri.localhost/index.html",
        "ipc://localhost/",
        "asset://localhost/etc/passwd",
        "blob:tauri://localhost/4b1c",
        "data:text/html,<script>alert(1)</script>",
        "javascript:alert(1)",
        "about:blank",
    ];

    fn check(platform: Platform, allowed: &[&str], refused: &[&str]) {
        for url in allowed {
            assert!(
                is_app_page(&Url::parse(url).expect(url), platform),
                "{platform:?} must allow {url}"
            );
        }
        for url in refused.iter().chain(REFUSED_EVERYWHERE) {
            assert!(
                !is_app_page(&Url::parse(url).expect(url), platform),
                "{platform:?} must refuse {url}"
            );
        }
    }

    #[test]
    fn linux_and_macos_allow_only_tauri_localhost() {
        for platform in [Platform::Linux, Platform::MacOs] {
            check(
                platform,
                &[
                    "tauri://localhost",
                    "tauri://localhost/",
                    "tauri://localhost/index.html?x=1#top",
                    "tauri://localhost/assets/index.js",
                ],
                // The Windows origin is nobody's on these platforms.
                &[
                    "http://tauri.localhost/",
                    "http://tauri.localhost/index.html",
                ],
            );
        }
    }

    #[test]
    fn windows_allows_only_http_tauri_localhost() {
        check(
            Platform::Windows,
            &[
                "http://tauri.localhost",
                "http://tauri.localhost/",
                "http://tauri.localhost:80/",
                "http://TAURI.localhost/index.html?x=1#top",
            ],
            &["tauri://localhost/", "tauri://localhost/index.html"],
        );
    }

    /// The window's handler asks with `Platform::current()`: on the Linux build that
    /// must be Linux's answer (the e2e suite runs there).
    #[cfg(target_os = "linux")]
    #[test]
    fn a_linux_build_answers_for_linux() {
        assert_eq!(Platform::current(), Platform::Linux);
    }
}
