//! Saving an MCP server into the user's list: the rules that depend on the other
//! servers in it, and whether the user must allow its command line again.

use super::spec::{MAX_SERVERS, McpServerSpec, ServersProblem, SpecError};

/// Checks `spec`, about to replace the server with its id (or be added), against the
/// servers `saved`: its own name and command line, a name another server has (in any
/// case), and the most servers kept.
///
/// # Errors
/// The first problem, naming the field as the form names it (`name`, `commandLine`,
/// `mcpServers`).
pub fn check_in_list(saved: &[McpServerSpec], spec: &McpServerSpec) -> Result<(), ServersProblem> {
    let problem = |field: &str, reason: String| ServersProblem {
        field: field.to_owned(),
        reason,
    };
    spec.validate().map_err(|error| match error {
        SpecError::Name => problem("name", error.to_string()),
        SpecError::CommandLine { .. } => problem("commandLine", error.to_string()),
    })?;
    if saved
        .iter()
        .any(|s| s.name.eq_ignore_ascii_case(&spec.name) && s.id != spec.id)
    {
        return Err(problem(
            "name",
            "another MCP server already has this name".into(),
        ));
    }
    let new = !saved.iter().any(|s| s.id == spec.id);
    if new && saved.len() >= MAX_SERVERS {
        return Err(problem(
            "mcpServers",
            format!("at most {MAX_SERVERS} MCP servers"),
        ));
    }
    Ok(())
}

/// Whether saving `spec` gives the app a command line the user has not allowed yet:
/// a new server, or a changed command line.
pub fn command_line_changed(saved: &[McpServerSpec], spec: &McpServerSpec) -> bool {
    !saved
        .iter()
        .any(|s| s.id == spec.id && s.command_line == spec.command_line)
}

/// Puts `spec` in place of the server with its id, or at the end.
pub fn save_in_list(list: &mut Vec<McpServerSpec>, spec: McpServerSpec) {
    match list.iter_mut().find(|s| s.id == spec.id) {
        Some(slot) => *slot = spec,
        None => list.push(spec),
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]

    use super::*;

    fn server(id: &str, name: &str, command_line: &str) -> McpServerSpec {
        McpServerSpec {
            id: id.into(),
            name: name.into(),
            command_line: command_line.into(),
            enabled: true,
        }
    }

    #[test]
    fn a_name_is_kept_by_one_server_in_any_case() {
        let saved = [server("1", "Files", "files-mcp")];
        let clash = check_in_list(&saved, &server("2", "files", "other")).unwrap_err();
        assert_eq!(clash.field, "name");
        assert!(check_in_list(&saved, &server("1", "files", "files-mcp --ro")).is_ok());
        let open_quote = check_in_list(&saved, &server("2", "Git", "git-mcp 'x")).unwrap_err();
        assert_eq!(open_quote.field, "commandLine");
    }

    #[test]
    fn at_most_the_limit_are_kept_but_a_full_list_can_be_edited() {
        let saved: Vec<_> = (0..MAX_SERVERS)
            .map(|i| server(&i.to_string(), &format!("s{i}"), "mcp"))
            .collect();
        let full = check_in_list(&saved, &server("new", "one more", "mcp")).unwrap_err();
        assert_eq!(full.field, "mcpServers");
        assert!(check_in_list(&saved, &server("0", "s0", "mcp --v")).is_ok());
    }

    #[test]
    fn only_a_new_or_changed_command_line_must_be_allowed_again() {
        let saved = [server("1", "Files", "files-mcp")];
        assert!(!command_line_changed(
            &saved,
            &server("1", "Renamed", "files-mcp")
        ));
        assert!(command_line_changed(
            &saved,
            &server("1", "Files", "files-mcp --rw")
        ));
        assert!(command_line_changed(
            &saved,
            &server("2", "Copy", "files-mcp")
        ));
    }

    #[test]
    fn a_saved_server_replaces_its_original_in_place() {
        let mut list = vec![server("1", "a", "x"), server("2", "b", "y")];
        save_in_list(&mut list, server("1", "c", "z"));
        save_in_list(&mut list, server("3", "d", "w"));
        let names: Vec<_> = list.iter().map(|s| s.name.as_str()).collect();
        assert_eq!(names, ["c", "b", "d"]);
    }
}
