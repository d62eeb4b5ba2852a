//! Saving a command tool into the user's list: the rules that depend on the other
//! tools in it, and whether the user must allow its program again.

use super::spec::{CommandToolSpec, MAX_COMMAND_TOOLS, SpecProblem};

/// Checks `spec`, about to replace the tool named `original` (or be added when
/// `None`), against the tools `saved`: its own rules, a name another saved tool has,
/// and the most tools kept. `name_held_elsewhere`: a tool of another source (built
/// in, an MCP server's) already has the name.
///
/// # Errors
/// The first [`SpecProblem`], naming the field as the form names it.
pub fn check_in_list(
    saved: &[CommandToolSpec],
    original: Option<&str>,
    spec: &CommandToolSpec,
    name_held_elsewhere: bool,
) -> Result<(), SpecProblem> {
    spec.check()?;
    let taken = saved
        .iter()
        .any(|t| t.name == spec.name && Some(t.name.as_str()) != original);
    if taken || name_held_elsewhere {
        return Err(SpecProblem {
            field: "name".into(),
            reason: "another tool already has this name".into(),
        });
    }
    if original.is_none() && saved.len() >= MAX_COMMAND_TOOLS {
        return Err(SpecProblem {
            field: "commandTools".into(),
            reason: format!("at most {MAX_COMMAND_TOOLS} command tools"),
        });
    }
    Ok(())
}

/// Whether saving `spec` in place of `original` gives the app a program (or
/// arguments) the user has not allowed yet: a new tool, or a changed one.
pub fn program_changed(
    saved: &[CommandToolSpec],
    original: Option<&str>,
    spec: &CommandToolSpec,
) -> bool {
    !original
        .and_then(|name| saved.iter().find(|t| t.name == name))
        .is_some_and(|t| t.executable == spec.executable && t.args == spec.args)
}

/// Puts `spec` in place of the tool named `original`, or at the end.
pub fn save_in_list(
    list: &mut Vec<CommandToolSpec>,
    original: Option<&str>,
    spec: CommandToolSpec,
) {
    match original.and_then(|name| list.iter_mut().find(|t| t.name == name)) {
        Some(slot) => *slot = spec,
        None => list.push(spec),
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]

    use serde_json::json;

    use super::*;

    fn tool(name: &str, executable: &str) -> CommandToolSpec {
        serde_json::from_value(json!({
            "name": name,
            "description": "A tool.",
            "parameters": {"type": "object"},
            "executable": executable,
        }))
        .unwrap()
    }

    #[test]
    fn a_name_is_kept_by_one_tool() {
        let saved = [tool("lookup", "/bin/a"), tool("fetch", "/bin/b")];
        let clash = check_in_list(&saved, None, &tool("fetch", "/bin/c"), false).unwrap_err();
        assert_eq!(clash.field, "name");
        // Renaming onto another saved tool clashes; keeping one's own name does not.
        assert!(check_in_list(&saved, Some("lookup"), &tool("fetch", "/bin/a"), false).is_err());
        assert!(check_in_list(&saved, Some("fetch"), &tool("fetch", "/bin/c"), false).is_ok());
        // A built-in or MCP tool's name is taken too.
        assert_eq!(
            check_in_list(&saved, None, &tool("clock", "/bin/c"), true)
                .unwrap_err()
                .field,
            "name"
        );
    }

    #[test]
    fn at_most_the_limit_are_kept_but_a_full_list_can_be_edited() {
        let saved: Vec<_> = (0..MAX_COMMAND_TOOLS)
            .map(|i| tool(&format!("tool_{i}"), "/bin/a"))
            .collect();
        let full = check_in_list(&saved, None, &tool("one_more", "/bin/a"), false).unwrap_err();
        assert_eq!(full.field, "commandTools");
        assert!(full.reason.contains(&MAX_COMMAND_TOOLS.to_string()));
        assert!(check_in_list(&saved, Some("tool_0"), &tool("tool_0", "/bin/b"), false).is_ok());
    }

    #[test]
    fn only_a_new_or_changed_program_must_be_allowed_again() {
        let saved = [tool("lookup", "/bin/a")];
        assert!(program_changed(&saved, None, &tool("lookup_2", "/bin/a")));
        assert!(!program_changed(
            &saved,
            Some("lookup"),
            &tool("renamed", "/bin/a")
        ));
        assert!(program_changed(
            &saved,
            Some("lookup"),
            &tool("lookup", "/bin/b")
        ));
        let mut with_args = tool("lookup", "/bin/a");
        with_args.args = vec!["--all".into()];
        assert!(program_changed(&saved, Some("lookup"), &with_args));
        assert!(program_changed(
            &saved,
            Some("gone"),
            &tool("gone", "/bin/a")
        ));
    }

    #[test]
    fn a_saved_tool_replaces_its_original_in_place() {
        let mut list = vec![tool("a", "/bin/a"), tool("b", "/bin/b")];
        save_in_list(&mut list, Some("a"), tool("c", "/bin/c"));
        save_in_list(&mut list, None, tool("d", "/bin/d"));
        let names: Vec<_> = list.iter().map(|t| t.name.as_str()).collect();
        assert_eq!(names, ["c", "b", "d"]);
    }
}
