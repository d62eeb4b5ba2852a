//! Links in model output: which may be opened, and only after the user said yes.
//!
//! Model output is untrusted. A link is opened only through [`open_link`]: it must
//! parse as an absolute `http` or `https` URL without credentials, of at most
//! [`MAX_LINK_LENGTH`] characters; the user sees the site it belongs to (the
//! registrable domain, from the Public Suffix List) on a line of its own, then the
//! whole URL (international host names in their `xn--` form, with a warning; hosts on
//! this computer or the local network with another) in a native dialog, and only a yes
//! opens it in the system browser. One question at a time: a link clicked while another
//! waits for its answer is refused, never stacked behind it.

use std::net::{Ipv4Addr, Ipv6Addr};
use std::sync::atomic::{AtomicBool, Ordering};

use url::{Host, Url};

/// The longest link that is opened, in characters. A longer one cannot be read in a
/// dialog, and hides where it goes (or what it carries) past what anyone checks.
pub const MAX_LINK_LENGTH: usize = 2_048;

/// A link that passed the checks, ready to be shown to the user.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CheckedLink {
    /// The URL as it will be opened (normalised: lower-case scheme and host, hosts in
    /// their ASCII `xn--` form).
    pub url: String,
    /// The host, in the same ASCII form (an IPv6 address without its brackets).
    pub host: String,
    /// The site the link belongs to, as the dialog names it on its own line: the
    /// registrable domain ("example.co.uk" for `a.b.example.co.uk`, "foo.github.io"
    /// for `foo.github.io`, from the Public Suffix List), the address itself for an IP
    /// address, the whole host when the list names no registrable part (`localhost`).
    pub site: String,
    /// Whether the host has an internationalised (`xn--`) label, which can imitate
    /// another host: the dialog warns about it.
    pub international_host: bool,
    /// Whether the host is this computer or the local network (loopback, private and
    /// link-local addresses, `localhost`, `.local`): a link there can reach a service
    /// that trusts its own network, so the dialog warns about it.
    pub local_host: bool,
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
    /// Longer than [`MAX_LINK_LENGTH`]: nobody can check it in a dialog.
    #[error("the link has {length} characters, more than the {limit} allowed")]
    TooLong {
        /// Its length in characters.
        length: usize,
        /// [`MAX_LINK_LENGTH`].
        limit: usize,
    },
    /// Another link's question is still waiting for an answer: one dialog at a time, so
    /// a page cannot pile dialogs up for the user to click through.
    #[error("another link is waiting for an answer")]
    Busy,
}

/// Checks a link from model output. Leading and trailing whitespace is ignored, as a
/// browser would.
pub fn check_link(raw: &str) -> Result<CheckedLink, LinkRefusal> {
    let raw = raw.trim();
    // Before parsing too: a megabyte of text is refused without being parsed.
    check_length(raw.chars().count())?;
    let url = Url::parse(raw).map_err(|_| LinkRefusal::NotAUrl)?;
    if !matches!(url.scheme(), "http" | "https") {
        return Err(LinkRefusal::SchemeNotAllowed {
            scheme: url.scheme().to_owned(),
        });
    }
    if !url.username().is_empty() || url.password().is_some() {
        return Err(LinkRefusal::HasCredentials);
    }
    let (host, site, local_host) = match url.host().ok_or(LinkRefusal::NoHost)? {
        Host::Domain("") => return Err(LinkRefusal::NoHost),
        Host::Domain(name) => (name.to_owned(), registrable_domain(name), local_name(name)),
        Host::Ipv4(ip) => (ip.to_string(), ip.to_string(), local_ipv4(ip)),
        Host::Ipv6(ip) => (ip.to_string(), ip.to_string(), local_ipv6(ip)),
    };
    // Normalising can lengthen it (punycode, percent-encoding): the dialog shows this.
    check_length(url.as_str().chars().count())?;
    let international_host = host.split('.').any(|label| label.starts_with("xn--"));
    Ok(CheckedLink {
        url: url.into(),
        host,
        site,
        international_host,
        local_host,
    })
}

fn check_length(length: usize) -> Result<(), LinkRefusal> {
    if length > MAX_LINK_LENGTH {
        return Err(LinkRefusal::TooLong {
            length,
            limit: MAX_LINK_LENGTH,
        });
    }
    Ok(())
}

/// The registrable domain of a host name (eTLD+1), or the whole name when the Public
/// Suffix List gives none (`localhost`, a bare suffix like `co.uk`). Never "the last two
/// labels": under `co.uk` or `github.io` those belong to many owners.
fn registrable_domain(name: &str) -> String {
    // `psl` drops a trailing dot (`example.com.` names the same host) itself.
    psl::domain_str(name).unwrap_or(name).to_owned()
}

/// Names that resolve to this computer or on the local network: `localhost` and its
/// subdomains (RFC 6761), mDNS `.local`, `.home.arpa` (RFC 8375), `.internal` (kept for
/// private use), and a name of one label, which only a local resolver can answer.
fn local_name(name: &str) -> bool {
    let name = name.strip_suffix('.').unwrap_or(name);
    !name.contains('.')
        || [".localhost", ".local", ".home.arpa", ".internal"]
            .iter()
            .any(|suffix| name.ends_with(suffix))
}

/// Loopback 127/8, private 10/8, 172.16/12, 192.168/16, link-local 169.254/16, and
/// 0.0.0.0/8 (which reaches this computer on common systems).
fn local_ipv4(ip: Ipv4Addr) -> bool {
    ip.is_loopback() || ip.is_private() || ip.is_link_local() || ip.octets()[0] == 0
}

/// Loopback `::1`, unspecified `::`, unique local fc00::/7, link-local fe80::/10, and
/// an IPv4 address written as IPv6 (`::ffff:127.0.0.1`) judged as that IPv4 address.
fn local_ipv6(ip: Ipv6Addr) -> bool {
    if let Some(v4) = ip.to_ipv4_mapped() {
        return local_ipv4(v4);
    }
    let first = ip.segments()[0];
    ip.is_loopback() || ip.is_unspecified() || first & 0xfe00 == 0xfc00 || first & 0xffc0 == 0xfe80
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

/// Lets one link question be open at a time. One per app: every `open_link` of the app
/// goes through the same gate.
#[derive(Debug, Default)]
pub struct OneQuestionAtATime {
    asking: AtomicBool,
}

impl OneQuestionAtATime {
    /// Claims the question, or `None` while another is open.
    fn claim(&self) -> Option<Asking<'_>> {
        self.asking
            .compare_exchange(false, true, Ordering::AcqRel, Ordering::Acquire)
            .ok()
            .map(|_| Asking(&self.asking))
    }

    /// Whether a question is open now.
    pub fn is_asking(&self) -> bool {
        self.asking.load(Ordering::Acquire)
    }
}

/// An open question; dropping it (answered, or the confirmer panicked) frees the gate.
struct Asking<'a>(&'a AtomicBool);

impl Drop for Asking<'_> {
    fn drop(&mut self) {
        self.0.store(false, Ordering::Release);
    }
}

/// Checks the link, asks the user (unless another link's question is open: then
/// [`LinkRefusal::Busy`] at once), and opens it only on yes.
pub fn open_link(
    raw: &str,
    gate: &OneQuestionAtATime,
    confirmer: &dyn LinkConfirmer,
    opener: &dyn LinkOpener,
) -> Result<LinkOutcome, LinkError> {
    let link = check_link(raw)?;
    let asking = gate.claim().ok_or(LinkRefusal::Busy)?;
    let yes = confirmer.confirm(&link);
    // The question is over: the next link may ask while this one opens.
    drop(asking);
    if !yes {
        return Ok(LinkOutcome::Declined);
    }
    opener.open(&link.url).map_err(|err| {
        tracing::warn!(error = %err, "could not open the browser");
        LinkError::OpenFailed
    })?;
    Ok(LinkOutcome::Opened)
}

/// The line under the site that warns about a host on this computer or the local
/// network.
pub const LOCAL_HOST_WARNING: &str = "This address is on your computer or your local network.";

/// The question the dialog asks: the site on a line of its own, then the whole URL, and
/// warnings for hosts on this computer or the local network and for look-alike hosts.
pub fn confirmation_text(link: &CheckedLink) -> String {
    let mut text = format!(
        "Open this address in your browser?\n\nSite:\n{}\n\nFull address:\n{}",
        link.site, link.url
    );
    if link.local_host {
        text.push_str("\n\n");
        text.push_str(LOCAL_HOST_WARNING);
    }
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
        let gate = OneQuestionAtATime::default();
        assert_eq!(
            open_link("https://example.com", &gate, &Answer(false), &browser),
            Ok(LinkOutcome::Declined)
        );
        assert!(browser.0.borrow().is_empty());
        assert_eq!(
            open_link("https://example.com", &gate, &Answer(true), &browser),
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
            open_link("file:///etc/passwd", &gate, &Panics, &browser),
            Err(LinkError::Refused(LinkRefusal::SchemeNotAllowed { .. }))
        ));
        assert_eq!(browser.0.borrow().len(), 1);
        assert!(matches!(
            open_link(&long_link(MAX_LINK_LENGTH + 1), &gate, &Panics, &browser),
            Err(LinkError::Refused(LinkRefusal::TooLong { .. }))
        ));
        assert!(!gate.is_asking(), "every answer freed the gate");
    }

    /// An `https` link of exactly `length` characters.
    fn long_link(length: usize) -> String {
        let head = "https://example.com/";
        format!("{head}{}", "a".repeat(length - head.len()))
    }

    #[test]
    fn links_longer_than_the_limit_are_refused() {
        assert!(check_link(&long_link(MAX_LINK_LENGTH)).is_ok());
        assert_eq!(
            check_link(&long_link(MAX_LINK_LENGTH + 1)),
            Err(LinkRefusal::TooLong {
                length: MAX_LINK_LENGTH + 1,
                limit: MAX_LINK_LENGTH
            })
        );
        // Surrounding whitespace does not count; characters, not bytes, do.
        assert!(check_link(&format!("  {}\n", long_link(MAX_LINK_LENGTH))).is_ok());
        let accented = format!("https://example.com/{}", "é".repeat(1_500));
        assert!(accented.chars().count() < MAX_LINK_LENGTH);
        // ...but the address as it would open: percent-encoding makes each "é" six.
        assert!(matches!(
            check_link(&accented),
            Err(LinkRefusal::TooLong { length, .. }) if length > MAX_LINK_LENGTH
        ));
        // A huge paste is refused by its length, not parsed.
        let huge = "x".repeat(10_000_000);
        assert!(matches!(
            check_link(&huge),
            Err(LinkRefusal::TooLong {
                length: 10_000_000,
                ..
            })
        ));
    }

    #[test]
    fn the_site_is_the_registrable_domain_from_the_public_suffix_list() {
        for (raw, site) in [
            ("https://a.b.example.co.uk/x", "example.co.uk"),
            ("https://example.co.uk", "example.co.uk"),
            ("https://foo.github.io/page", "foo.github.io"),
            ("https://docs.rs/psl", "docs.rs"),
            ("https://www.example.com./", "example.com"),
            (
                "https://login.microsoftonline.com.evil.example.com",
                "example.com",
            ),
            ("https://shop.example.com.au", "example.com.au"),
            ("https://xn--80ak6aa92e.xn--p1ai", "xn--80ak6aa92e.xn--p1ai"),
            ("http://192.0.2.7:8080/", "192.0.2.7"),
            ("http://[2001:db8::1]/", "2001:db8::1"),
            ("http://localhost:3000/", "localhost"),
            ("https://co.uk/", "co.uk"),
        ] {
            let link = check_link(raw).expect(raw);
            assert_eq!(link.site, site, "{raw}");
        }
    }

    #[test]
    fn hosts_on_this_computer_or_the_local_network_are_marked() {
        for raw in [
            "http://127.0.0.1/",
            "http://127.1.2.3/",
            "http://2130706433/", // 127.0.0.1 as one number
            "http://0x7f.1/",
            "http://0.0.0.0:8000/",
            "http://[::1]/",
            "http://[::]/",
            "http://[::ffff:127.0.0.1]/",
            "http://localhost/",
            "http://api.localhost/",
            "http://10.1.2.3/",
            "http://172.16.0.1/",
            "http://172.31.255.255/",
            "http://192.168.1.1/admin",
            "http://169.254.169.254/latest/meta-data",
            "http://[fc00::1]/",
            "http://[fd12:3456::1]/",
            "http://[fe80::1]/",
            "http://printer.local/",
            "http://router/",
            "http://nas.home.arpa/",
        ] {
            let link = check_link(raw).expect(raw);
            assert!(link.local_host, "{raw} is local");
            let text = confirmation_text(&link);
            assert!(text.contains(LOCAL_HOST_WARNING), "{raw}: {text}");
        }
        for raw in [
            "https://example.com/",
            "http://8.8.8.8/",
            "http://172.32.0.1/",
            "http://172.15.255.255/",
            "http://192.169.0.1/",
            "http://[2001:db8::1]/",
            "http://[fec0::1]/",
            "https://local.example.com/",
            "https://localhost.example.com/",
        ] {
            let link = check_link(raw).expect(raw);
            assert!(!link.local_host, "{raw} is not local");
            assert!(
                !confirmation_text(&link).contains(LOCAL_HOST_WARNING),
                "{raw}"
            );
        }
    }

    #[test]
    fn the_question_shows_the_site_on_its_own_line_then_the_whole_address() {
        let link = check_link("https://a.b.example.co.uk/path?q=1").expect("allowed");
        let text = confirmation_text(&link);
        let lines: Vec<&str> = text.lines().collect();
        let site = lines.iter().position(|l| *l == "example.co.uk");
        let url = lines
            .iter()
            .position(|l| *l == "https://a.b.example.co.uk/path?q=1");
        assert!(matches!((site, url), (Some(s), Some(u)) if s < u), "{text}");
    }

    /// Answers only when the test releases it, and says when it was asked. A dialog
    /// stacked on an open one says no at once, so that a broken gate fails the test
    /// instead of hanging it.
    struct Waits {
        asked: std::sync::mpsc::SyncSender<String>,
        answer: std::sync::Mutex<std::sync::mpsc::Receiver<bool>>,
    }
    impl LinkConfirmer for Waits {
        fn confirm(&self, link: &CheckedLink) -> bool {
            self.asked.send(link.url.clone()).expect("the test listens");
            let Ok(answer) = self.answer.try_lock() else {
                return false;
            };
            answer
                .recv_timeout(std::time::Duration::from_secs(10))
                .unwrap_or(false)
        }
    }
    struct NoBrowser;
    impl LinkOpener for NoBrowser {
        fn open(&self, _: &str) -> Result<(), String> {
            Ok(())
        }
    }

    #[test]
    fn a_second_link_while_a_question_is_open_is_refused_at_once_not_stacked() {
        use std::sync::mpsc;
        let gate = OneQuestionAtATime::default();
        let (asked_tx, asked) = mpsc::sync_channel(4);
        let (release, answer) = mpsc::channel();
        let user = Waits {
            asked: asked_tx,
            answer: std::sync::Mutex::new(answer),
        };
        std::thread::scope(|s| {
            let first = s.spawn(|| open_link("https://example.com/1", &gate, &user, &NoBrowser));
            assert_eq!(asked.recv().expect("asked"), "https://example.com/1");
            assert!(gate.is_asking());

            // Refused at once: `Waits` would block (and `asked` would get it) if asked.
            assert_eq!(
                open_link("https://example.org/2", &gate, &user, &NoBrowser),
                Err(LinkError::Refused(LinkRefusal::Busy))
            );
            assert!(asked.try_recv().is_err(), "no second dialog");
            // A refused link is refused for what it is, busy or not.
            assert!(matches!(
                open_link("file:///etc/passwd", &gate, &user, &NoBrowser),
                Err(LinkError::Refused(LinkRefusal::SchemeNotAllowed { .. }))
            ));

            release.send(true).expect("answer");
            assert_eq!(first.join().expect("no panic"), Ok(LinkOutcome::Opened));
        });
        assert!(!gate.is_asking());

        // Answered: the next link asks again.
        let second = std::thread::scope(|s| {
            let next = s.spawn(|| open_link("https://example.org/2", &gate, &user, &NoBrowser));
            assert_eq!(asked.recv().expect("asked"), "https://example.org/2");
            release.send(false).expect("answer");
            next.join().expect("no panic")
        });
        assert_eq!(second, Ok(LinkOutcome::Declined));
    }

    #[test]
    fn a_confirmer_that_panics_frees_the_gate() {
        struct Panics;
        impl LinkConfirmer for Panics {
            fn confirm(&self, _: &CheckedLink) -> bool {
                panic!("the dialog failed")
            }
        }
        let gate = OneQuestionAtATime::default();
        let result = std::panic::catch_unwind(|| {
            open_link("https://example.com", &gate, &Panics, &NoBrowser)
        });
        assert!(result.is_err());
        assert!(!gate.is_asking());
        assert_eq!(
            open_link("https://example.com", &gate, &Answer(false), &NoBrowser),
            Ok(LinkOutcome::Declined)
        );
    }
}
