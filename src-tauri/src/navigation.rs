//! The window stays on the app's own pages and opens no other window.

use tauri::Url;

/// Whether `url` is one of the app's own pages: `tauri://localhost` (Linux, macOS)
/// or `http(s)://tauri.localhost` (Windows). Everything else is refused; external
/// links go through the `open_link` command instead.
pub fn is_app_page(url: &Url) -> bool {
    match url.scheme() {
        "tauri" => url.host_str() == Some("localhost"),
        "http" | "https" => url.host_str() == Some("tauri.localhost") && url.port().is_none(),
        _ => false,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_the_apps_own_pages_are_allowed() {
        let allowed = [
            "tauri://localhost/",
            "tauri://localhost/index.html?x=1",
            "http://tauri.localhost/",
            "https://tauri.localhost/a",
        ];
        let refused = [
            "http://127.0.0.1:8787/",
            "https://example.com/",
            "file:///etc/passwd",
            "tauri://evil.example/",
            "http://tauri.localhost.evil.example/",
            "http://tauri.localhost:8080/",
            "javascript:alert(1)",
            "about:blank",
        ];
        for url in allowed {
            assert!(is_app_page(&Url::parse(url).expect(url)), "{url}");
        }
        for url in refused {
            assert!(!is_app_page(&Url::parse(url).expect(url)), "{url}");
        }
    }
}
