//! The client tools this app offers, each with its compiled argument validator.
//!
//! Running a tool is deliberately not public: [`ToolRegistry::run`] is `pub(crate)`,
//! and only the approval gate calls it, after the user (or a rule the user set)
//! approved that exact call. Nothing outside this crate can run a tool.
//!
//! Schemas are compiled once, when a tool is added, with formats asserted and no
//! remote `$ref` (see `schema.rs`).

use std::collections::BTreeMap;
use std::fmt;
use std::sync::{Arc, LazyLock};

use regex::Regex;
use serde_json::Value;

use super::builtin;
use super::context::ToolContext;
use super::definition::ToolDefinition;
use super::schema::{self, ArgumentsRejected};
use super::source::ToolSource;
use super::tool::{Tool, ToolFailure};

/// The API's rule for client tool names.
static TOOL_NAME: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new("^[a-z][a-z0-9_]{0,63}$").expect("a constant pattern, exercised by the tests")
});

/// Why a tool was not added to a [`ToolRegistry`].
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum RegistryError {
    /// The name does not match `^[a-z][a-z0-9_]{0,63}$`, as the API requires.
    #[error(
        "the tool name {name:?} is not allowed: use 1 to 64 lower-case letters, digits or _, starting with a letter"
    )]
    BadName {
        /// The refused name.
        name: String,
    },
    /// A tool with this name is already registered.
    #[error("a tool named {name:?} is already registered")]
    Duplicate {
        /// The name in use.
        name: String,
    },
    /// The parameters are not an object schema, or the schema does not compile
    /// (unknown draft, bad keyword value, unresolvable `$ref`...).
    #[error("the parameters of tool {name:?} are not a usable JSON Schema: {reason}")]
    BadSchema {
        /// The tool's name.
        name: String,
        /// What is wrong with the schema.
        reason: String,
    },
}

/// A registered tool with its compiled validator.
struct Entry {
    tool: Arc<dyn Tool>,
    validator: jsonschema::Validator,
}

/// The client tools offered to agents, by name, each with its compiled validator.
///
/// Invariants: every name matches `^[a-z][a-z0-9_]{0,63}$`, names are unique, every
/// schema compiled. Cheap to clone (the entries are shared).
#[derive(Clone, Default)]
pub struct ToolRegistry {
    entries: BTreeMap<String, Arc<Entry>>,
}

impl fmt::Debug for ToolRegistry {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("ToolRegistry")
            .field("tools", &self.entries.keys().collect::<Vec<_>>())
            .finish()
    }
}

impl ToolRegistry {
    /// A registry with no tools.
    pub fn empty() -> Self {
        Self::default()
    }

    /// The built-in tools: `current_datetime`, `list_directory`, `read_text_file`,
    /// `query_transactions`.
    pub fn builtin() -> Self {
        let mut registry = Self::empty();
        for tool in builtin::all() {
            if let Err(error) = registry.add(tool) {
                // Unreachable: the built-ins' names and schemas are tested.
                tracing::error!(%error, "a built-in tool was refused");
            }
        }
        registry
    }

    /// The registry with `tool` added (used by tests, and later by user tools).
    ///
    /// # Errors
    /// [`RegistryError::BadName`], [`RegistryError::Duplicate`] or
    /// [`RegistryError::BadSchema`]; the registry is then dropped.
    pub fn with_tool(mut self, tool: Arc<dyn Tool>) -> Result<Self, RegistryError> {
        self.add(tool)?;
        Ok(self)
    }

    /// Adds `tool`, checking its name and schema.
    pub(crate) fn add(&mut self, tool: Arc<dyn Tool>) -> Result<(), RegistryError> {
        let definition = tool.definition();
        let name = definition.name.clone();
        if !TOOL_NAME.is_match(&name) {
            return Err(RegistryError::BadName { name });
        }
        if self.entries.contains_key(&name) {
            return Err(RegistryError::Duplicate { name });
        }
        let validator =
            schema::compile(&definition.parameters).map_err(|reason| RegistryError::BadSchema {
                name: name.clone(),
                reason,
            })?;
        self.entries
            .insert(name, Arc::new(Entry { tool, validator }));
        Ok(())
    }

    /// Every tool's definition, ordered by name.
    pub fn definitions(&self) -> Vec<ToolDefinition> {
        self.entries
            .values()
            .map(|entry| entry.tool.definition().clone())
            .collect()
    }

    /// How many tools it holds.
    pub fn len(&self) -> usize {
        self.entries.len()
    }

    /// Whether it holds no tool.
    pub fn is_empty(&self) -> bool {
        self.entries.is_empty()
    }

    /// Where the tool with this name comes from, if registered.
    pub fn source(&self, name: &str) -> Option<ToolSource> {
        self.entries.get(name).map(|entry| entry.tool.source())
    }

    /// The time limit the tool with this name keeps itself, if any.
    pub fn time_limit(&self, name: &str) -> Option<std::time::Duration> {
        self.entries
            .get(name)
            .and_then(|entry| entry.tool.time_limit())
    }

    /// The definition of the tool with this name, if registered.
    pub fn definition(&self, name: &str) -> Option<&ToolDefinition> {
        self.entries.get(name).map(|entry| entry.tool.definition())
    }

    /// Checks `arguments` against the tool's JSON Schema (formats included).
    ///
    /// # Errors
    /// [`ArgumentsRejected::UnknownTool`] naming the tool, or
    /// [`ArgumentsRejected::Invalid`] listing every problem with its JSON pointer
    /// (`/start_date: "x" is not a "date"`), in one readable message.
    pub fn validate(&self, name: &str, arguments: &Value) -> Result<(), ArgumentsRejected> {
        let entry = self
            .entries
            .get(name)
            .ok_or_else(|| ArgumentsRejected::UnknownTool {
                name: name.to_owned(),
            })?;
        schema::check(&entry.validator, name, arguments)
    }

    /// Runs a tool, validating its arguments again first (defence in depth).
    ///
    /// `pub(crate)` on purpose: only the approval gate calls it, for an approved call.
    ///
    /// # Errors
    /// The tool's [`ToolFailure`], or one carrying the [`ArgumentsRejected`] message.
    pub(crate) fn run(
        &self,
        name: &str,
        arguments: &Value,
        context: &ToolContext,
    ) -> Result<Value, ToolFailure> {
        self.validate(name, arguments)
            .map_err(|rejected| ToolFailure(capitalised(&rejected.to_string())))?;
        let entry = self
            .entries
            .get(name)
            .ok_or_else(|| ToolFailure(format!("There is no tool named {name:?}.")))?;
        entry.tool.run(arguments, context)
    }
}

fn capitalised(text: &str) -> String {
    let mut chars = text.chars();
    match chars.next() {
        Some(first) => first.to_uppercase().chain(chars).collect(),
        None => String::new(),
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]

    use serde_json::json;
    use time::OffsetDateTime;

    use super::*;

    #[derive(Debug)]
    struct Echo(ToolDefinition);

    impl Tool for Echo {
        fn definition(&self) -> &ToolDefinition {
            &self.0
        }
        fn run(&self, arguments: &Value, _: &ToolContext) -> Result<Value, ToolFailure> {
            Ok(json!({ "echo": arguments }))
        }
    }

    fn echo(name: &str, parameters: Value) -> Arc<dyn Tool> {
        Arc::new(Echo(ToolDefinition::new(name, "Echoes.", parameters)))
    }

    fn dates_schema() -> Value {
        json!({
            "type": "object",
            "properties": {
                "start_date": { "type": "string", "format": "date" },
                "end_date": { "type": "string", "format": "date" },
                "limit": { "type": "integer" }
            },
            "required": ["start_date", "end_date"],
            "additionalProperties": false
        })
    }

    fn registry() -> ToolRegistry {
        ToolRegistry::empty()
            .with_tool(echo("dates", dates_schema()))
            .unwrap()
    }

    fn context() -> ToolContext {
        ToolContext {
            granted_folders: Vec::new(),
            ledger_file: None,
            now: OffsetDateTime::UNIX_EPOCH,
        }
    }

    #[test]
    fn an_unknown_tool_is_named() {
        let rejected = registry().validate("nope", &json!({})).unwrap_err();
        assert_eq!(
            rejected,
            ArgumentsRejected::UnknownTool {
                name: "nope".into()
            }
        );
        assert!(rejected.to_string().contains("\"nope\""));
    }

    #[test]
    fn bad_names_duplicates_and_bad_schemas_are_refused() {
        for name in [
            "",
            "Upper",
            "1abc",
            "with-dash",
            "with space",
            &"a".repeat(65),
        ] {
            let result = ToolRegistry::empty().with_tool(echo(name, json!({"type": "object"})));
            assert!(
                matches!(result, Err(RegistryError::BadName { .. })),
                "{name:?} was accepted"
            );
        }
        assert!(
            ToolRegistry::empty()
                .with_tool(echo(&"a".repeat(64), json!({})))
                .is_ok()
        );

        let duplicate = registry().with_tool(echo("dates", json!({"type": "object"})));
        assert_eq!(
            duplicate.unwrap_err(),
            RegistryError::Duplicate {
                name: "dates".into()
            }
        );

        let bad = ToolRegistry::empty().with_tool(echo("bad", json!({"type": 12})));
        assert!(
            matches!(bad, Err(RegistryError::BadSchema { .. })),
            "{bad:?}"
        );
        let not_object = ToolRegistry::empty().with_tool(echo("bad", json!(true)));
        assert!(matches!(not_object, Err(RegistryError::BadSchema { .. })));
        let remote = ToolRegistry::empty().with_tool(echo(
            "bad",
            json!({"$ref": "https://example.com/schema.json"}),
        ));
        assert!(
            matches!(remote, Err(RegistryError::BadSchema { .. })),
            "{remote:?}"
        );
    }

    #[test]
    fn the_builtins_are_registered_in_name_order() {
        let registry = ToolRegistry::builtin();
        let names: Vec<String> = registry.definitions().into_iter().map(|d| d.name).collect();
        assert_eq!(
            names,
            [
                "current_datetime",
                "list_directory",
                "query_transactions",
                "read_text_file"
            ]
        );
        for name in &names {
            let definition = registry.definition(name).unwrap();
            assert_eq!(
                definition.parameters["additionalProperties"],
                json!(false),
                "{name}"
            );
            assert!(definition.description.len() > 40, "{name}");
        }
        assert!(registry.definition("nope").is_none());
    }

    #[test]
    fn run_validates_again_before_running() {
        let registry = registry();
        let failure = registry
            .run("dates", &json!({"start_date": "x"}), &context())
            .unwrap_err();
        assert!(
            failure.0.starts_with("The arguments for dates"),
            "{failure}"
        );
        assert!(failure.0.contains("/start_date"));
        let failure = registry.run("nope", &json!({}), &context()).unwrap_err();
        assert!(failure.0.contains("\"nope\""));
        let arguments = json!({"start_date": "2024-01-01", "end_date": "2024-01-02"});
        assert_eq!(registry.validate("dates", &arguments), Ok(()));
        let result = registry.run("dates", &arguments, &context()).unwrap();
        assert_eq!(result, json!({ "echo": arguments }));
    }
}
