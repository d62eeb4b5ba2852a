//! Links in model output: which may be opened, and only after the user said yes.
//!
//! Model output is untrusted. A link is opened only through [`open_link`]: it must
//! parse as an absolute `http` or `https` URL without credentials; the user sees the
//! whole URL (international host names in their `xn--` form, with a warning) in a
//! native dialog, and only a yes opens it in the system browser.

use url::Url;

/// A link that passed the checks, ready to be shown to the user.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CheckedLink {
    /// The URL as it will be opened (normalised: lower-case scheme and host, hosts in
    /// their ASCII `xn--` form).
    pub url: String,
    /// The host, in the same ASCII form.
    pub host: String,
    /// Whether the host has an internationalised (`xn--`) label, which can imitate
    /// another host: the dialog warns about it.
    pub international_host: bool,
}

/// Why a link is refused without asking.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum LinkRefusal {
    /// Not an absolute URL.
    #[error("not a web address")]
    NotAUrl,
    /// Only `http` and `https` open; `file:`, `smb:`, `javascript:` and custom schemes
    /// could reach the machine.
    #[error("links of type {scheme}: are not opened")]
    SchemeNotAllowed {
        /// The refused scheme.
        scheme: String,
    },
    /// A user name or password in the URL can disguise the real host.
    #[error("links with a user name or password are not opened")]
    HasCredentials,
    /// No host to go to.
    #[error("the link has no host")]
    NoHost,
}

/// Checks a link from model output. Leading and trailing whitespace is ignored, as a
/// browser would.
pub fn check_link(raw: &str) -> Result<CheckedLink, LinkRefusal> {
    let url = Url::parse(raw.trim()).map_err(|_| LinkRefusal::NotAUrl)?;
    if !matches!(url.scheme(), "http" | "https") {
        return Err(LinkRefusal::SchemeNotAllowed {
            scheme: url.scheme().to_owned(),
        });
    }
    if !url.username().is_empty() || url.password().is_some() {
        return Err(LinkRefusal::HasCredentials);
    }
    let host = url
        .host_str()
        .filter(|h| !h.is_empty())
        .ok_or(LinkRefusal::NoHost)?
        .to_owned();
    let international_host = host.split('.').any(|label| label.starts_with("xn--"));
    Ok(CheckedLink {
        url: url.into(),
        host,
        international_host,
    })
}

/// Asks the user whether to open a link (a native dialog raised from Rust, so a page
/// cannot click it). Blocks until answered; `false` is the default answer.
pub trait LinkConfirmer {
    /// True only if the user chose to open `link`.
    fn confirm(&self, link: &CheckedLink) -> bool;
}

/// Opens a URL in the system browser.
pub trait LinkOpener {
    /// Opens `url`; the error is for the log.
    fn open(&self, url: &str) -> Result<(), String>;
}

/// What happened to a link the user clicked.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum LinkOutcome {
    /// Opened in the system browser.
    Opened,
    /// The user said no.
    Declined,
}

/// Why a link was not opened, other than the user saying no.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum LinkError {
    /// Refused without asking.
    #[error(transparent)]
    Refused(#[from] LinkRefusal),
    /// The system browser could not be started.
    #[error("the browser could not be opened")]
    OpenFailed,
}

/// Checks the link, asks the user, and opens it only on yes.
pub fn open_link(
    raw: &str,
    confirmer: &dyn LinkConfirmer,
    opener: &dyn LinkOpener,
) -> Result<LinkOutcome, LinkError> {
    let link = check_link(raw)?;
    if !confirmer.confirm(&link) {
        return Ok(LinkOutcome::Declined);
    }
    opener.open(&link.url).map_err(|err| {
        tracing::warn!(error = %err, "could not open the browser");
        LinkError::OpenFailed
    })?;
    Ok(LinkOutcome::Opened)
}

/// The question the dialog asks: the whole URL, and a warning for look-alike hosts.
pub fn confirmation_text(link: &CheckedLink) -> String {
    let mut text = format!("Open this address in your browser?\n\n{}", link.url);
    if link.international_host {
        text.push_str(&format!(
            "\n\nThe host \"{}\" uses international characters, which can imitate another \
             site's name. Open it only if you trust it.",
            link.host
        ));
    }
    text
}

#[cfg(test)]
mod tests {
    use std::cell::RefCell;

    use super::*;

    #[test]
    fn verdicts_for_the_dangerous_and_the_ordinary() {
        use LinkRefusal::*;
        let refused = |scheme: &str| {
            Err(SchemeNotAllowed {
                scheme: scheme.into(),
            })
        };
        let cases: Vec<(&str, Result<&str, LinkRefusal>)> = vec![
            (
                "https://example.com/a?b=1#c",
                Ok("https://example.com/a?b=1#c"),
            ),
            ("http://example.com", Ok("http://example.com/")),
            ("HTTPS://EXAMPLE.com/Path", Ok("https://example.com/Path")),
            ("  https://example.com/x \n", Ok("https://example.com/x")),
            ("file:///etc/passwd", refused("file")),
            ("smb://host/share", refused("smb")),
            ("javascript:alert(1)", refused("javascript")),
            ("calculator:", refused("calculator")),
            ("vscode://open?file=/etc/passwd", refused("vscode")),
            ("data:text/html,<script>alert(1)</script>", refused("data")),
            ("https://user:pass@example.com", Err(HasCredentials)),
            ("https://user@example.com", Err(HasCredentials)),
            ("example.com", Err(NotAUrl)),
            ("", Err(NotAUrl)),
        ];
        for (raw, expected) in cases {
            let got = check_link(raw).map(|l| l.url);
            assert_eq!(got.as_deref().map_err(Clone::clone), expected, "{raw:?}");
        }
    }

    #[test]
    fn look_alike_hosts_are_shown_in_punycode_with_a_warning() {
        // Cyrillic "а" in place of the Latin "a".
        let link = check_link("https://\u{0430}pple.com/login").expect("parses");
        assert!(link.host.starts_with("xn--"), "{}", link.host);
        assert!(link.international_host);
        let text = confirmation_text(&link);
        assert!(text.contains(&link.url) && text.contains("international characters"));

        let punycode = check_link("https://xn--pple-43d.com").expect("parses");
        assert!(punycode.international_host);
        assert!(
            !check_link("https://apple.com")
                .expect("parses")
                .international_host
        );
    }

    struct Answer(bool);
    impl LinkConfirmer for Answer {
        fn confirm(&self, _: &CheckedLink) -> bool {
            self.0
        }
    }
    #[derive(Default)]
    struct Browser(RefCell<Vec<String>>);
    impl LinkOpener for Browser {
        fn open(&self, url: &str) -> Result<(), String> {
            self.0.borrow_mut().push(url.to_owned());
            Ok(())
        }
    }

    #[test]
    fn opens_only_on_yes_and_never_asks_about_refused_links() {
        let browser = Browser::default();
        assert_eq!(
            open_link("https://example.com", &Answer(false), &browser),
            Ok(LinkOutcome::Declined)
        );
        assert!(browser.0.borrow().is_empty());
        assert_eq!(
            open_link("https://example.com", &Answer(true), &browser),
            Ok(LinkOutcome::Opened)
        );
        assert_eq!(*browser.0.borrow(), ["https://example.com/"]);

        struct Panics;
        impl LinkConfirmer for Panics {
            fn confirm(&self, _: &CheckedLink) -> bool {
                panic!("a refused link must not reach the dialog")
            }
        }
        assert!(matches!(
            open_link("file:///etc/passwd", &Panics, &browser),
            Err(LinkError::Refused(LinkRefusal::SchemeNotAllowed { .. }))
        ));
        assert_eq!(browser.0.borrow().len(), 1);
    }
}
