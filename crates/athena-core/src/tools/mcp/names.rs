//! MCP tool names mapped into the API's client tool pattern `^[a-z][a-z0-9_]{0,63}$`.
//!
//! An MCP server may name its tools with capitals, dots, dashes, or at any length; the
//! agent is offered `<server>_<tool>`, lower-cased, every other character replaced by
//! `_`, cut to 64 characters. Two tools whose mapped names are equal (or a name
//! already taken by another tool) get `_2`, `_3`... in the order of their original
//! names, so the mapping does not depend on the order a server lists its tools in, and
//! a tool keeps its name (and so its "always allow" rule) across restarts.

use std::collections::HashSet;

/// The longest client tool name the API accepts.
const MAX_NAME_CHARS: usize = 64;

/// `text` lower-cased, with every character outside `[a-z0-9_]` replaced by `_`.
fn sanitised(text: &str) -> String {
    text.chars()
        .flat_map(char::to_lowercase)
        .map(|c| {
            if c.is_ascii_lowercase() || c.is_ascii_digit() || c == '_' {
                c
            } else {
                '_'
            }
        })
        .collect()
}

/// The name the agent is offered for tool `tool` of server `server`, before
/// collisions are resolved: `<server>_<tool>` made to fit the pattern. A name that
/// would not start with a letter is prefixed with `mcp_`.
pub(super) fn base_name(server: &str, tool: &str) -> String {
    let server = sanitised(server);
    let server = if server.trim_matches('_').is_empty() {
        "mcp".to_owned()
    } else {
        server
    };
    let mut name = format!("{server}_{}", sanitised(tool));
    if !name.starts_with(|c: char| c.is_ascii_lowercase()) {
        name = format!("mcp_{name}");
    }
    name.chars().take(MAX_NAME_CHARS).collect()
}

/// `base` with `suffix` appended, the base cut so that the whole fits 64 characters.
fn with_suffix(base: &str, suffix: &str) -> String {
    let keep = MAX_NAME_CHARS - suffix.len();
    let mut name: String = base.chars().take(keep).collect();
    name.push_str(suffix);
    name
}

/// Client names for the tools of one server, in the order of `tools`, unique among
/// themselves and distinct from `taken` (which gains them).
///
/// Collisions are resolved in the order of the original names (sorted), so the result
/// does not depend on the order of `tools`.
pub(super) fn map_names(
    server: &str,
    tools: &[String],
    taken: &mut HashSet<String>,
) -> Vec<String> {
    let mut order: Vec<usize> = (0..tools.len()).collect();
    order.sort_by(|&a, &b| tools[a].cmp(&tools[b]));
    let mut names = vec![String::new(); tools.len()];
    for index in order {
        let base = base_name(server, &tools[index]);
        let mut name = base.clone();
        let mut n = 2_u32;
        while taken.contains(&name) {
            name = with_suffix(&base, &format!("_{n}"));
            n += 1;
        }
        taken.insert(name.clone());
        names[index] = name;
    }
    names
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]

    use regex::Regex;

    use super::*;

    fn pattern() -> Regex {
        Regex::new("^[a-z][a-z0-9_]{0,63}$").unwrap_or_else(|_| unreachable!())
    }

    fn strings(names: &[&str]) -> Vec<String> {
        names.iter().map(|n| (*n).to_owned()).collect()
    }

    #[test]
    fn names_are_lower_cased_and_cleaned() {
        assert_eq!(base_name("Tiny", "Shout.Out-Loud"), "tiny_shout_out_loud");
        assert_eq!(base_name("My Files", "read"), "my_files_read");
        assert_eq!(base_name("9lives", "x"), "mcp_9lives_x");
        assert_eq!(base_name("", "x"), "mcp_x");
        assert_eq!(base_name("ümlaut", "Ä"), "mcp__mlaut__");
    }

    #[test]
    fn every_mapped_name_fits_the_pattern() {
        let tools = strings(&["a", "Ä", "-x-", &"long".repeat(40), "1st", "日本"]);
        for server in ["tiny", "", "ü", "123", &"s".repeat(100)] {
            let names = map_names(server, &tools, &mut HashSet::new());
            for name in &names {
                assert!(pattern().is_match(name), "{server:?}: {name:?}");
            }
        }
    }

    #[test]
    fn collisions_get_suffixes_whatever_the_listing_order() {
        let tools = strings(&["read-file", "read.file", "READ_FILE"]);
        let names = map_names("fs", &tools, &mut HashSet::new());
        // Sorted originals: "READ_FILE" < "read-file" < "read.file".
        assert_eq!(names, ["fs_read_file_2", "fs_read_file_3", "fs_read_file"]);
        let mut reversed = tools.clone();
        reversed.reverse();
        let again = map_names("fs", &reversed, &mut HashSet::new());
        assert_eq!(again, ["fs_read_file", "fs_read_file_3", "fs_read_file_2"]);
    }

    #[test]
    fn taken_names_are_avoided_and_long_names_keep_their_suffix() {
        let mut taken: HashSet<String> = ["tiny_echo".to_owned()].into();
        let names = map_names("tiny", &strings(&["echo"]), &mut taken);
        assert_eq!(names, ["tiny_echo_2"]);
        assert!(taken.contains("tiny_echo_2"));

        let long = "x".repeat(80);
        let names = map_names(
            "s",
            &strings(&[&long, &format!("{long}y")]),
            &mut HashSet::new(),
        );
        assert_eq!(names[0].len(), 64);
        assert_eq!(names[1].len(), 64);
        assert!(names[1].ends_with("_2"), "{names:?}");
    }
}
