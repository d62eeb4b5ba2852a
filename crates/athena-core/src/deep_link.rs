//! `athena-desktop://` links: what a link from outside the app (a web page, a chat in
//! another program, a shortcut) may ask of it.
//!
//! A deep link is written by someone other than the user, so it may ask for two
//! harmless things only, both of which leave the user in charge:
//!
//! ```text
//! athena-desktop://conversation/<conversation id>        open that chat
//! athena-desktop://new[?agent=<agent id>][&text=<text>]  a new chat, composer prefilled
//! ```
//!
//! A link never sends a message, never answers an approval, and never adds a tool,
//! a profile, a workspace or an MCP server: there is no form that could say so, and
//! [`parse`] refuses every other verb and parameter. Prefilled text waits in the
//! composer for the user to read, change or throw away.
//!
//! Invariants (each refusal is a [`DeepLinkRefusal`], which the app shows as a notice):
//! - At most [`MAX_LINK_BYTES`] bytes; every character printable ASCII (a link is
//!   percent-encoded; a raw space, control character or non-ASCII character is refused
//!   before anything is decoded).
//! - Exactly the scheme `athena-desktop`, followed by `//`; no user, password, port or
//!   `#` part.
//! - Each parameter at most once, decoded exactly once: a `%` must start a valid escape,
//!   the result must be UTF-8, and a decoded value that still holds an escape
//!   (`%2541` -> `%41`) is a double-encoded link and is refused, so no later layer can
//!   decode it into something else.
//! - No control or bidirectional-override character after decoding (the text may hold
//!   line breaks and tabs).
//! - No nested link in the text other than `http(s)://` (`javascript:`, `file://`,
//!   `athena-desktop://`, ...): the composer shows text, but a pasted link to another
//!   scheme is how a link chain starts.
//! - A [`DeepLinkRefusal`] never quotes the link, so it can be logged and shown.

use std::fmt;

/// The app's URL scheme, registered with the OS by the installers.
pub const SCHEME: &str = "athena-desktop";

/// The longest link accepted, in bytes (2 KiB): enough for a paragraph of prefilled
/// text, far below what could hide a payload past the end of a dialog.
pub const MAX_LINK_BYTES: usize = 2048;

/// The longest agent id accepted, in characters.
const MAX_AGENT_ID_CHARS: usize = 200;

/// What a valid link asks for. Neither form sends, approves or adds anything.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum DeepLink {
    /// Open the conversation with this id (a UUID, lower-case), when it exists.
    OpenConversation {
        /// The conversation's id in the history store.
        conversation_id: String,
    },
    /// Start a new chat, with this agent picked and this text in the composer.
    NewChat {
        /// `agent:...`; the app ignores it when the workspace has no such agent.
        agent_id: Option<String>,
        /// Text to put in the composer, unsent.
        text: Option<String>,
    },
}

/// Why a link was refused. Fixed words: nothing of the link is quoted.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum DeepLinkRefusal {
    /// Longer than [`MAX_LINK_BYTES`].
    TooLong,
    /// A raw space, control or non-ASCII character (links arrive percent-encoded).
    UnsafeCharacter,
    /// Not `athena-desktop://...`, or has a user, password, port or `#` part.
    NotAnAppLink,
    /// A verb other than `conversation` or `new`.
    UnknownVerb,
    /// A parameter the verb does not take, or one given twice.
    UnknownParameter,
    /// A `%` escape that is not valid, or text that is not UTF-8.
    BadEncoding,
    /// A value still percent-encoded after decoding once.
    DoubleEncoded,
    /// A control or bidirectional-override character once decoded.
    ControlCharacter,
    /// The text carries a link to a scheme other than http(s).
    NestedScheme,
    /// The conversation id is not a conversation id.
    BadConversationId,
    /// The agent id is not an agent id.
    BadAgentId,
}

impl DeepLinkRefusal {
    /// A stable code for logs and the UI (`too-long`, `unknown-verb`, ...).
    pub fn code(self) -> &'static str {
        match self {
            Self::TooLong => "too-long",
            Self::UnsafeCharacter => "unsafe-character",
            Self::NotAnAppLink => "not-an-app-link",
            Self::UnknownVerb => "unknown-verb",
            Self::UnknownParameter => "unknown-parameter",
            Self::BadEncoding => "bad-encoding",
            Self::DoubleEncoded => "double-encoded",
            Self::ControlCharacter => "control-character",
            Self::NestedScheme => "nested-scheme",
            Self::BadConversationId => "bad-conversation-id",
            Self::BadAgentId => "bad-agent-id",
        }
    }
}

impl fmt::Display for DeepLinkRefusal {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.code())
    }
}

impl std::error::Error for DeepLinkRefusal {}

/// Whether a command-line argument is meant as a deep link (starts with the scheme),
/// so that the launcher hands it to [`parse`] rather than reading it as an option.
pub fn is_deep_link(arg: &str) -> bool {
    arg.len() > SCHEME.len()
        && arg.as_bytes()[SCHEME.len()] == b':'
        && arg[..SCHEME.len()].eq_ignore_ascii_case(SCHEME)
}

/// Reads a link. Anything but the two documented forms is refused; see the module
/// documentation for every rule.
pub fn parse(link: &str) -> Result<DeepLink, DeepLinkRefusal> {
    if link.len() > MAX_LINK_BYTES {
        return Err(DeepLinkRefusal::TooLong);
    }
    if !link.bytes().all(|b| b.is_ascii_graphic()) {
        return Err(DeepLinkRefusal::UnsafeCharacter);
    }
    let rest = link
        .get(..SCHEME.len() + 3)
        .filter(|head| head.eq_ignore_ascii_case(&format!("{SCHEME}://")))
        .map(|_| &link[SCHEME.len() + 3..])
        .ok_or(DeepLinkRefusal::NotAnAppLink)?;
    if rest.contains('#') {
        return Err(DeepLinkRefusal::NotAnAppLink);
    }
    let (target, query) = match rest.split_once('?') {
        Some((target, query)) => (target, Some(query)),
        None => (rest, None),
    };
    let (verb, path) = match target.split_once('/') {
        Some((verb, path)) => (verb, Some(path)),
        None => (target, None),
    };
    if verb.contains(['@', ':']) {
        // `user@host` or `host:port`: an address, not a verb.
        return Err(DeepLinkRefusal::NotAnAppLink);
    }
    let params = parameters(query)?;
    match verb.to_ascii_lowercase().as_str() {
        "conversation" => {
            if !params.is_empty() {
                return Err(DeepLinkRefusal::UnknownParameter);
            }
            let id = decode(path.unwrap_or_default())?;
            Ok(DeepLink::OpenConversation {
                conversation_id: conversation_id(&id)?,
            })
        }
        "new" => {
            if path.is_some_and(|p| !p.is_empty()) {
                return Err(DeepLinkRefusal::UnknownParameter);
            }
            let mut agent_id = None;
            let mut text = None;
            for (name, value) in params {
                match name.as_str() {
                    "agent" if agent_id.is_none() => agent_id = Some(agent(&value)?),
                    "text" if text.is_none() => text = Some(prefill_text(value)?),
                    _ => return Err(DeepLinkRefusal::UnknownParameter),
                }
            }
            Ok(DeepLink::NewChat {
                agent_id,
                text: text.filter(|t| !t.is_empty()),
            })
        }
        _ => Err(DeepLinkRefusal::UnknownVerb),
    }
}

/// The query's `name=value` pairs, each decoded once (`+` is a space, as browsers
/// write forms).
fn parameters(query: Option<&str>) -> Result<Vec<(String, String)>, DeepLinkRefusal> {
    let Some(query) = query.filter(|q| !q.is_empty()) else {
        return Ok(Vec::new());
    };
    query
        .split('&')
        .map(|pair| {
            let (name, value) = pair.split_once('=').unwrap_or((pair, ""));
            let name = decode(name)?;
            let value = decode(&value.replace('+', " "))?;
            Ok((name, value))
        })
        .collect()
}

/// Percent-decodes once, strictly: every `%` starts two hex digits, the bytes are
/// UTF-8, and the result holds no further escape.
fn decode(raw: &str) -> Result<String, DeepLinkRefusal> {
    let bytes = raw.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        if bytes[i] == b'%' {
            let hex = bytes
                .get(i + 1..i + 3)
                .and_then(|h| std::str::from_utf8(h).ok())
                .and_then(|h| u8::from_str_radix(h, 16).ok())
                .ok_or(DeepLinkRefusal::BadEncoding)?;
            out.push(hex);
            i += 3;
        } else {
            out.push(bytes[i]);
            i += 1;
        }
    }
    let decoded = String::from_utf8(out).map_err(|_| DeepLinkRefusal::BadEncoding)?;
    if holds_escape(&decoded) {
        return Err(DeepLinkRefusal::DoubleEncoded);
    }
    Ok(decoded)
}

fn holds_escape(text: &str) -> bool {
    text.as_bytes()
        .windows(3)
        .any(|w| w[0] == b'%' && w[1].is_ascii_hexdigit() && w[2].is_ascii_hexdigit())
}

/// Control characters other than line breaks and tabs, and the characters that reorder
/// text on screen (the "Trojan Source" set), which could make the prefilled text read
/// differently from what it says.
fn is_forbidden_char(c: char, allow_layout: bool) -> bool {
    if allow_layout && matches!(c, '\n' | '\t') {
        return false;
    }
    c.is_control()
        || matches!(c, '\u{200E}' | '\u{200F}' | '\u{061C}')
        || ('\u{202A}'..='\u{202E}').contains(&c)
        || ('\u{2066}'..='\u{2069}').contains(&c)
}

/// A conversation id as the history store makes them: a UUID in its hyphenated form.
fn conversation_id(raw: &str) -> Result<String, DeepLinkRefusal> {
    if raw.chars().any(|c| is_forbidden_char(c, false)) {
        return Err(DeepLinkRefusal::ControlCharacter);
    }
    let hyphenated = raw.len() == 36
        && raw.char_indices().all(|(i, c)| match i {
            8 | 13 | 18 | 23 => c == '-',
            _ => c.is_ascii_hexdigit(),
        });
    if !hyphenated {
        return Err(DeepLinkRefusal::BadConversationId);
    }
    Ok(raw.to_ascii_lowercase())
}

/// `agent:` and a name of letters, digits and `._-:`, as workspaces name agents.
fn agent(raw: &str) -> Result<String, DeepLinkRefusal> {
    if raw.chars().any(|c| is_forbidden_char(c, false)) {
        return Err(DeepLinkRefusal::ControlCharacter);
    }
    let name = raw
        .strip_prefix("agent:")
        .ok_or(DeepLinkRefusal::BadAgentId)?;
    let valid = !name.is_empty()
        && raw.chars().count() <= MAX_AGENT_ID_CHARS
        && name
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || matches!(c, '.' | '_' | '-' | ':'));
    if !valid {
        return Err(DeepLinkRefusal::BadAgentId);
    }
    Ok(raw.to_owned())
}

/// The composer's text: line breaks kept (a `\r\n` becomes `\n`), no other control
/// character, no link to a scheme but http(s).
fn prefill_text(raw: String) -> Result<String, DeepLinkRefusal> {
    let text = raw.replace("\r\n", "\n");
    if text.chars().any(|c| is_forbidden_char(c, true)) {
        return Err(DeepLinkRefusal::ControlCharacter);
    }
    if has_nested_scheme(&text) {
        return Err(DeepLinkRefusal::NestedScheme);
    }
    Ok(text)
}

/// Schemes that run or reach something without a `//` (so `scheme://` alone would miss
/// them).
const OPAQUE_SCHEMES: &[&str] = &["javascript", "vbscript", "data", "file", "blob"];

/// Whether `text` holds `scheme://...` for a scheme other than http(s), or one of
/// [`OPAQUE_SCHEMES`] followed by `:`. A scheme is found as the letters, digits, `+`,
/// `-` and `.` right before a `:`, case-insensitively.
fn has_nested_scheme(text: &str) -> bool {
    let bytes = text.as_bytes();
    for (colon, _) in text.match_indices(':') {
        let start = bytes[..colon]
            .iter()
            .rposition(|b| !(b.is_ascii_alphanumeric() || matches!(b, b'+' | b'-' | b'.')))
            .map_or(0, |p| p + 1);
        let scheme = text[start..colon].to_ascii_lowercase();
        // A scheme starts with a letter; skip leading digits and signs ("10:30").
        let scheme = scheme.trim_start_matches(|c: char| !c.is_ascii_alphabetic());
        if scheme.is_empty() {
            continue;
        }
        let slashes = text[colon + 1..].starts_with("//");
        if slashes && scheme != "http" && scheme != "https" {
            return true;
        }
        if OPAQUE_SCHEMES.contains(&scheme) {
            return true;
        }
    }
    false
}

#[cfg(test)]
mod tests {
    use super::*;
    use DeepLinkRefusal::*;

    const ID: &str = "0b6c8f4e-1d2a-4c3b-9e8f-7a6b5c4d3e2f";

    fn new_chat(agent: Option<&str>, text: Option<&str>) -> DeepLink {
        DeepLink::NewChat {
            agent_id: agent.map(str::to_owned),
            text: text.map(str::to_owned),
        }
    }

    #[test]
    fn opens_a_conversation_by_id() {
        let open = DeepLink::OpenConversation {
            conversation_id: ID.to_owned(),
        };
        assert_eq!(
            parse(&format!("athena-desktop://conversation/{ID}")),
            Ok(open.clone())
        );
        // Scheme and verb case and an upper-case id mean the same conversation.
        assert_eq!(
            parse(&format!(
                "ATHENA-DESKTOP://Conversation/{}",
                ID.to_uppercase()
            )),
            Ok(open)
        );
    }

    #[test]
    fn prefills_a_new_chat_with_an_agent_and_text() {
        assert_eq!(parse("athena-desktop://new"), Ok(new_chat(None, None)));
        assert_eq!(parse("athena-desktop://new/"), Ok(new_chat(None, None)));
        assert_eq!(parse("athena-desktop://new?"), Ok(new_chat(None, None)));
        assert_eq!(
            parse("athena-desktop://new?agent=agent:demo-chat"),
            Ok(new_chat(Some("agent:demo-chat"), None))
        );
        assert_eq!(
            parse("athena-desktop://new?agent=agent%3Ademo-chat&text=Hello%2C%20world%21"),
            Ok(new_chat(Some("agent:demo-chat"), Some("Hello, world!")))
        );
        assert_eq!(
            parse("athena-desktop://new?text=two+words"),
            Ok(new_chat(None, Some("two words")))
        );
        // Line breaks and tabs, a CRLF made a LF; non-ASCII text arrives encoded.
        assert_eq!(
            parse("athena-desktop://new?text=a%0D%0Ab%0Ac%09d%20%C3%A9t%C3%A9"),
            Ok(new_chat(None, Some("a\nb\nc\td été")))
        );
        // An http(s) link in the text and ordinary colons are fine.
        assert_eq!(
            parse(
                "athena-desktop://new?text=Summarise%20https%3A%2F%2Fexample.com%2Fa%20at%2010%3A30.%20Note%3A%20short"
            ),
            Ok(new_chat(
                None,
                Some("Summarise https://example.com/a at 10:30. Note: short")
            ))
        );
        // Empty text is no text.
        assert_eq!(
            parse("athena-desktop://new?text="),
            Ok(new_chat(None, None))
        );
    }

    #[test]
    fn the_longest_link_is_accepted_and_one_byte_more_refused() {
        let head = "athena-desktop://new?text=";
        let fits = format!("{head}{}", "a".repeat(MAX_LINK_BYTES - head.len()));
        assert!(parse(&fits).is_ok());
        let over = format!("{fits}a");
        assert_eq!(parse(&over), Err(TooLong));
        assert_eq!(
            parse(&format!("{head}{}", "a".repeat(100_000))),
            Err(TooLong)
        );
    }

    #[test]
    fn refuses_links_that_ask_for_anything_else() {
        for (link, why) in [
            // Verbs the app does not have: sending, approving, adding things.
            ("athena-desktop://send?text=hi", UnknownVerb),
            ("athena-desktop://approve?call=1", UnknownVerb),
            (
                "athena-desktop://add-mcp-server?url=https://evil.example",
                UnknownVerb,
            ),
            (
                "athena-desktop://add-profile?base=https://evil.example",
                UnknownVerb,
            ),
            ("athena-desktop://install-tool?name=shell", UnknownVerb),
            ("athena-desktop://open?u=javascript:alert(1)", UnknownVerb),
            ("athena-desktop://", UnknownVerb),
            // Parameters the verb does not take, or given twice.
            ("athena-desktop://new?send=1&text=hi", UnknownParameter),
            ("athena-desktop://new?autoSend=true", UnknownParameter),
            ("athena-desktop://new?text=a&text=b", UnknownParameter),
            (
                "athena-desktop://new?agent=agent:a&agent=agent:b",
                UnknownParameter,
            ),
            ("athena-desktop://new/extra?text=hi", UnknownParameter),
            (
                format!("athena-desktop://conversation/{ID}?send=1").as_str(),
                UnknownParameter,
            ),
            // Not this app's link, or not the plain form.
            ("https://example.com/new?text=hi", NotAnAppLink),
            ("athena-desktop:new?text=hi", NotAnAppLink),
            ("athena-desktop:/new", NotAnAppLink),
            ("athena-desktop://user@new?text=hi", NotAnAppLink),
            ("athena-desktop://new:8080?text=hi", NotAnAppLink),
            ("athena-desktop://new?text=hi#frag", NotAnAppLink),
            ("javascript:alert(1)//athena-desktop://new", NotAnAppLink),
            // Ids that are not ids.
            ("athena-desktop://conversation/", BadConversationId),
            (
                "athena-desktop://conversation/../../etc/passwd",
                BadConversationId,
            ),
            ("athena-desktop://conversation/1234", BadConversationId),
            ("athena-desktop://new?agent=demo-chat", BadAgentId),
            ("athena-desktop://new?agent=agent:", BadAgentId),
            ("athena-desktop://new?agent=agent:a%20b", BadAgentId),
            ("athena-desktop://new?agent=agent:%3Cscript%3E", BadAgentId),
        ] {
            assert_eq!(parse(link), Err(why), "{link}");
        }
    }

    #[test]
    fn refuses_hostile_encodings_and_characters() {
        for (link, why) in [
            // Raw characters a real link would have encoded.
            ("athena-desktop://new?text=two words", UnsafeCharacter),
            ("athena-desktop://new?text=a\nb", UnsafeCharacter),
            ("athena-desktop://new?text=\u{0}", UnsafeCharacter),
            ("athena-desktop://new?text=été", UnsafeCharacter),
            (" athena-desktop://new", UnsafeCharacter),
            // Escapes that are broken, or not UTF-8.
            ("athena-desktop://new?text=%", BadEncoding),
            ("athena-desktop://new?text=%G1", BadEncoding),
            ("athena-desktop://new?text=%C3", BadEncoding),
            ("athena-desktop://new?text=%FF%FE", BadEncoding),
            // Encoded twice: a second decoder would see something else.
            ("athena-desktop://new?text=%2541", DoubleEncoded),
            (
                "athena-desktop://new?text=javascript%253Aalert(1)",
                DoubleEncoded,
            ),
            ("athena-desktop://conversation/%2541", DoubleEncoded),
            ("athena-desktop://new?%2574ext=hi", DoubleEncoded),
            // Control and reordering characters once decoded.
            ("athena-desktop://new?text=a%00b", ControlCharacter),
            ("athena-desktop://new?text=a%1Bb", ControlCharacter),
            ("athena-desktop://new?text=a%0Db", ControlCharacter),
            ("athena-desktop://new?text=a%7Fb", ControlCharacter),
            ("athena-desktop://new?text=a%C2%85b", ControlCharacter),
            (
                "athena-desktop://new?text=abc%E2%80%AEgnp.exe",
                ControlCharacter,
            ),
            (
                "athena-desktop://new?text=%E2%81%A6x%E2%81%A9",
                ControlCharacter,
            ),
            ("athena-desktop://new?agent=agent:a%0A", ControlCharacter),
            // Nested links to other schemes in the text.
            (
                "athena-desktop://new?text=javascript:alert(1)",
                NestedScheme,
            ),
            (
                "athena-desktop://new?text=JavaScript%3Aalert(1)",
                NestedScheme,
            ),
            (
                "athena-desktop://new?text=click%20data:text/html,x",
                NestedScheme,
            ),
            (
                "athena-desktop://new?text=see%20file:///etc/passwd",
                NestedScheme,
            ),
            ("athena-desktop://new?text=smb://host/share", NestedScheme),
            (
                "athena-desktop://new?text=athena-desktop://new?text=x",
                NestedScheme,
            ),
            (
                "athena-desktop://new?text=x%20vbscript:msgbox",
                NestedScheme,
            ),
        ] {
            assert_eq!(parse(link), Err(why), "{link:?}");
        }
    }

    #[test]
    fn a_refusal_quotes_nothing_of_the_link() {
        let refusal = parse("athena-desktop://steal?secret=eak_abcdef").expect_err("refused");
        assert_eq!(refusal, UnknownVerb);
        assert_eq!(refusal.to_string(), "unknown-verb");
    }

    #[test]
    fn tells_deep_links_from_other_arguments() {
        assert!(is_deep_link("athena-desktop://new"));
        assert!(is_deep_link("Athena-Desktop:anything"));
        assert!(!is_deep_link("--data-dir"));
        assert!(!is_deep_link("athena-desktop"));
        assert!(!is_deep_link("athena-desktopx://new"));
        assert!(!is_deep_link("/usr/bin/athena-desktop"));
    }
}
