//! Profiles: the rules of the profile form, key kinds and hints, agent definitions,
//! and a wizard's form turned into `variables`. Each case names the field and code
//! the UI words.

use std::collections::BTreeMap;
use std::path::PathBuf;

use athena_core::profiles::{
    DEFAULT_BASE_URL, FieldProblem, KeyKind, Problem, ProfileInput, ValidProfile, key_hint,
    validate_agent, validate_agents, validate_profile, variables_from_form,
};
use athena_core::{AgentSummary, AgentVariable, VariableKind};
use serde_json::json;

fn input() -> ProfileInput {
    ProfileInput {
        name: "Acme".into(),
        base_url: "https://api.acme.example".into(),
        workspace_id: "workspace:acme".into(),
        api_key: Some("eak_0123456789abcdef".into()),
        external_user_id: None,
        ca_certificate: None,
    }
}

fn problems(input: &ProfileInput, is_new: bool) -> Vec<FieldProblem> {
    validate_profile(input, is_new).expect_err("problems")
}

fn problem(field: &str, problem: Problem) -> FieldProblem {
    FieldProblem::new(field, problem)
}

/// The problems of a profile whose base URL is `url`.
fn url_problems(url: &str) -> Vec<Problem> {
    match validate_profile(
        &ProfileInput {
            base_url: url.into(),
            ..input()
        },
        true,
    ) {
        Ok(_) => Vec::new(),
        Err(found) => {
            assert!(found.iter().all(|p| p.field == "baseUrl"), "{found:?}");
            found.into_iter().map(|p| p.problem).collect()
        }
    }
}

fn base_url_of(url: &str) -> String {
    validate_profile(
        &ProfileInput {
            base_url: url.into(),
            ..input()
        },
        true,
    )
    .expect("valid")
    .base_url
}

// ---- profiles ----

#[test]
fn a_valid_profile_comes_back_trimmed_and_normalized() {
    let valid = validate_profile(
        &ProfileInput {
            name: "  Acme  ".into(),
            base_url: " HTTPS://API.Acme.Example/v1/ ".into(),
            workspace_id: " workspace:acme ".into(),
            api_key: Some(" wak_secret ".into()),
            external_user_id: Some("  user-7 ".into()),
            ca_certificate: Some(PathBuf::from("/etc/acme.pem")),
        },
        true,
    )
    .expect("valid");
    assert_eq!(
        valid,
        ValidProfile {
            name: "Acme".into(),
            base_url: "https://api.acme.example/v1".into(),
            workspace_id: "workspace:acme".into(),
            api_key: Some("wak_secret".into()),
            key_kind: Some(KeyKind::Workspace),
            external_user_id: Some("user-7".into()),
            ca_certificate: Some(PathBuf::from("/etc/acme.pem")),
        }
    );
}

#[test]
fn blanks_become_defaults_or_none() {
    let valid = validate_profile(
        &ProfileInput {
            base_url: "   ".into(),
            external_user_id: Some("  ".into()),
            ca_certificate: Some(PathBuf::new()),
            ..input()
        },
        true,
    )
    .expect("valid");
    assert_eq!(valid.base_url, DEFAULT_BASE_URL);
    assert_eq!(valid.external_user_id, None);
    assert_eq!(valid.ca_certificate, None);
}

#[test]
fn every_problem_is_reported_at_once() {
    let found = problems(
        &ProfileInput {
            name: " ".into(),
            base_url: "http://user:pw@api.example.com/?x=1".into(),
            workspace_id: "acme".into(),
            api_key: Some("sk_123".into()),
            external_user_id: Some("u".repeat(257)),
            ca_certificate: None,
        },
        true,
    );
    assert_eq!(
        found,
        vec![
            problem("name", Problem::Required),
            problem("baseUrl", Problem::HttpsRequired),
            problem("baseUrl", Problem::HasCredentials),
            problem("baseUrl", Problem::HasQueryOrFragment),
            problem(
                "workspaceId",
                Problem::BadPrefix {
                    expected: "workspace:".into()
                }
            ),
            problem("apiKey", Problem::BadKeyPrefix),
            problem("externalUserId", Problem::TooLong { limit: 256 }),
        ]
    );
}

#[test]
fn the_name_is_required_and_at_most_100_characters() {
    let named = |name: String| ProfileInput { name, ..input() };
    assert!(validate_profile(&named("é".repeat(100)), true).is_ok());
    assert_eq!(
        problems(&named("é".repeat(101)), true),
        vec![problem("name", Problem::TooLong { limit: 100 })]
    );
    assert_eq!(
        problems(&named(" \t ".into()), true),
        vec![problem("name", Problem::Required)]
    );
}

#[test]
fn https_is_required_except_for_loopback() {
    for ok in [
        "http://localhost:8080",
        "http://LOCALHOST",
        "http://127.0.0.1:9000",
        "http://127.8.9.10",
        "http://[::1]:8080",
        "https://api.example.com",
    ] {
        assert_eq!(url_problems(ok), Vec::new(), "{ok}");
    }
    for refused in [
        "http://api.example.com",
        "http://10.0.0.1",
        "http://128.0.0.1",
        "http://[::2]",
        "http://localhost.example.com",
        "ftp://api.example.com",
        "ws://localhost",
    ] {
        assert_eq!(
            url_problems(refused),
            vec![Problem::HttpsRequired],
            "{refused}"
        );
    }
}

#[test]
fn a_base_url_is_an_absolute_url_without_credentials_query_or_fragment() {
    for not_url in ["api.example.com", "localhost:8080", "https://", "not a url"] {
        assert_eq!(url_problems(not_url), vec![Problem::NotAUrl], "{not_url}");
    }
    assert_eq!(
        url_problems("https://user@api.example.com"),
        vec![Problem::HasCredentials]
    );
    assert_eq!(
        url_problems("https://:pw@api.example.com"),
        vec![Problem::HasCredentials]
    );
    assert_eq!(
        url_problems("https://api.example.com/?"),
        vec![Problem::HasQueryOrFragment]
    );
    assert_eq!(
        url_problems("https://api.example.com/#top"),
        vec![Problem::HasQueryOrFragment]
    );
}

#[test]
fn a_trailing_slash_is_removed_and_the_path_kept() {
    assert_eq!(
        base_url_of("https://api.example.com/"),
        "https://api.example.com"
    );
    assert_eq!(
        base_url_of("https://api.example.com/athena/"),
        "https://api.example.com/athena"
    );
    assert_eq!(
        base_url_of("http://localhost:8080/"),
        "http://localhost:8080"
    );
}

#[test]
fn the_workspace_id_is_prefixed_without_whitespace() {
    let with_id = |id: &str| ProfileInput {
        workspace_id: id.into(),
        ..input()
    };
    let bad_prefix = Problem::BadPrefix {
        expected: "workspace:".into(),
    };
    assert_eq!(
        problems(&with_id(""), true),
        vec![problem("workspaceId", Problem::Required)]
    );
    assert_eq!(
        problems(&with_id("workspace:"), true),
        vec![problem("workspaceId", bad_prefix.clone())]
    );
    assert_eq!(
        problems(&with_id("Workspace:x"), true),
        vec![problem("workspaceId", bad_prefix)]
    );
    assert_eq!(
        problems(&with_id("workspace:a b"), true),
        vec![problem("workspaceId", Problem::HasWhitespace)]
    );
    assert_eq!(
        problems(&with_id("workspace:é"), true),
        vec![problem("workspaceId", Problem::BadCharacters)]
    );
    assert!(validate_profile(&with_id("workspace:x"), true).is_ok());
}

#[test]
fn the_api_key_is_required_for_a_new_profile_only() {
    let with_key = |key: Option<&str>| ProfileInput {
        api_key: key.map(str::to_owned),
        ..input()
    };
    assert_eq!(
        problems(&with_key(None), true),
        vec![problem("apiKey", Problem::Required)]
    );
    assert_eq!(
        problems(&with_key(Some("  ")), true),
        vec![problem("apiKey", Problem::Required)]
    );
    // An existing profile keeps its stored key.
    let kept = validate_profile(&with_key(None), false).expect("valid");
    assert_eq!((kept.api_key, kept.key_kind), (None, None));
    let kept = validate_profile(&with_key(Some("")), false).expect("valid");
    assert_eq!(kept.api_key, None);
    // A new key for an existing profile is checked like any.
    assert_eq!(
        problems(&with_key(Some("key")), false),
        vec![problem("apiKey", Problem::BadKeyPrefix)]
    );
}

#[test]
fn the_api_key_has_a_known_prefix_and_no_whitespace() {
    let with_key = |key: &str| ProfileInput {
        api_key: Some(key.into()),
        ..input()
    };
    for bad in ["eak_", "wak_", "EAK_abc", "pk_abc", "abc"] {
        assert_eq!(
            problems(&with_key(bad), true),
            vec![problem("apiKey", Problem::BadKeyPrefix)],
            "{bad}"
        );
    }
    assert_eq!(
        problems(&with_key("eak_ab cd"), true),
        vec![problem("apiKey", Problem::HasWhitespace)]
    );
    assert_eq!(
        problems(&with_key("eak_ab\ncd"), true),
        vec![problem("apiKey", Problem::HasWhitespace)]
    );
    assert_eq!(
        problems(&with_key("eak_clé"), true),
        vec![problem("apiKey", Problem::BadCharacters)]
    );
    let valid = validate_profile(&with_key("eak_x"), true).expect("valid");
    assert_eq!(valid.key_kind, Some(KeyKind::EndUser));
}

#[test]
fn the_external_user_id_is_at_most_256_characters() {
    let with = |id: String| ProfileInput {
        external_user_id: Some(id),
        ..input()
    };
    let valid = validate_profile(&with("ü".repeat(256)), true).expect("valid");
    assert_eq!(valid.external_user_id, Some("ü".repeat(256)));
    assert_eq!(
        problems(&with("ü".repeat(257)), true),
        vec![problem("externalUserId", Problem::TooLong { limit: 256 })]
    );
}

#[test]
fn problems_serialize_as_codes_for_the_ui() {
    let found = problems(
        &ProfileInput {
            name: "x".repeat(101),
            ..input()
        },
        true,
    );
    assert_eq!(
        serde_json::to_value(&found).unwrap(),
        json!([{"field": "name", "problem": {"code": "tooLong", "limit": 100}}])
    );
}

// ---- keys ----

#[test]
fn key_kinds_come_from_the_prefix() {
    assert_eq!(KeyKind::of("eak_abc"), Some(KeyKind::EndUser));
    assert_eq!(KeyKind::of(" wak_abc"), Some(KeyKind::Workspace));
    assert_eq!(KeyKind::of("sk_abc"), None);
    assert_eq!(KeyKind::of("WAK_abc"), None);
    assert_eq!(
        serde_json::to_value([KeyKind::EndUser, KeyKind::Workspace]).unwrap(),
        json!(["endUser", "workspace"])
    );
}

#[test]
fn a_key_hint_shows_the_last_four_characters_only() {
    assert_eq!(key_hint("eak_0123456789abcdef"), "…cdef");
    assert_eq!(key_hint(" wak_0123456789WXYZ \n"), "…WXYZ");
    assert_eq!(key_hint("eak_ü€ab"), "…ü€ab");
    assert_eq!(key_hint("abc"), "…abc");
    assert_eq!(key_hint(""), "…");
    let secret = "eak_supersecretvalue";
    assert!(!key_hint(secret).contains("supersecret"));
}

// ---- agent definitions ----

fn agent(id: &str, variables: Vec<AgentVariable>) -> AgentSummary {
    AgentSummary {
        id: id.into(),
        name: "Agent".into(),
        description: String::new(),
        requires_user_message: variables.is_empty(),
        variables,
    }
}

fn var(name: &str, kind: VariableKind, default: Option<serde_json::Value>) -> AgentVariable {
    AgentVariable {
        name: name.into(),
        description: String::new(),
        required: false,
        kind,
        default,
    }
}

fn number(minimum: Option<f64>, maximum: Option<f64>, integer: bool) -> VariableKind {
    VariableKind::Number {
        minimum,
        maximum,
        integer,
    }
}

fn choice(choices: &[&str]) -> VariableKind {
    VariableKind::Choice {
        choices: choices.iter().map(|c| (*c).to_owned()).collect(),
    }
}

fn agent_problems(a: &AgentSummary) -> Vec<FieldProblem> {
    validate_agent(a).expect_err("problems")
}

#[test]
fn a_well_formed_agent_passes() {
    let a = agent(
        "agent:wizard",
        vec![
            var("topic", VariableKind::Text, Some(json!("AI"))),
            var("n", number(Some(1.0), Some(10.0), true), Some(json!(3))),
            var(
                "ratio",
                number(Some(0.0), Some(1.0), false),
                Some(json!(0.5)),
            ),
            var("tone", choice(&["a", "b"]), Some(json!("b"))),
            var("rush", VariableKind::Boolean, Some(json!(true))),
            var("free", number(None, None, false), None),
        ],
    );
    assert_eq!(validate_agent(&a), Ok(()));
}

#[test]
fn an_agent_id_is_prefixed_without_whitespace_and_a_name_is_required() {
    let bad_prefix = Problem::BadPrefix {
        expected: "agent:".into(),
    };
    assert_eq!(
        agent_problems(&agent("wizard", vec![])),
        vec![problem("id", bad_prefix.clone())]
    );
    assert_eq!(
        agent_problems(&agent("agent:", vec![])),
        vec![problem("id", bad_prefix)]
    );
    assert_eq!(
        agent_problems(&agent("", vec![])),
        vec![problem("id", Problem::Required)]
    );
    assert_eq!(
        agent_problems(&agent("agent:my wizard", vec![])),
        vec![problem("id", Problem::HasWhitespace)]
    );
    let mut unnamed = agent("agent:a", vec![]);
    unnamed.name = "  ".into();
    assert_eq!(
        agent_problems(&unnamed),
        vec![problem("name", Problem::Required)]
    );
    unnamed.name = "n".repeat(101);
    assert_eq!(
        agent_problems(&unnamed),
        vec![problem("name", Problem::TooLong { limit: 100 })]
    );
}

#[test]
fn variable_names_are_unique_not_blank_and_at_most_64_characters() {
    let a = agent(
        "agent:a",
        vec![
            var("topic", VariableKind::Text, None),
            var(" ", VariableKind::Text, None),
            var("topic", VariableKind::Boolean, None),
            var(&"v".repeat(65), VariableKind::Text, None),
            var(&"v".repeat(64), VariableKind::Text, None),
        ],
    );
    assert_eq!(
        agent_problems(&a),
        vec![
            problem("variables[1].name", Problem::Required),
            problem("variables[2].name", Problem::Duplicate),
            problem("variables[3].name", Problem::TooLong { limit: 64 }),
        ]
    );
}

#[test]
fn choices_and_bounds_must_make_sense() {
    let a = agent(
        "agent:a",
        vec![
            var("none", choice(&[]), None),
            var("dup", choice(&["x", " ", "x"]), None),
            var("range", number(Some(5.0), Some(1.0), false), None),
            var(
                "inf",
                number(Some(f64::NEG_INFINITY), Some(f64::NAN), false),
                None,
            ),
            var("point", number(Some(2.0), Some(2.0), true), None),
        ],
    );
    assert_eq!(
        agent_problems(&a),
        vec![
            problem("variables[0].choices", Problem::NoChoices),
            problem("variables[1].choices[1]", Problem::Required),
            problem("variables[1].choices[2]", Problem::Duplicate),
            problem("variables[2].minimum", Problem::MinimumAboveMaximum),
            problem("variables[3].minimum", Problem::NotANumber),
            problem("variables[3].maximum", Problem::NotANumber),
        ]
    );
}

#[test]
fn a_default_must_fit_its_kind() {
    let cases = [
        (VariableKind::Text, json!(3)),
        (VariableKind::Boolean, json!("true")),
        (choice(&["a", "b"]), json!("c")),
        (number(Some(1.0), Some(10.0), false), json!(11)),
        (number(Some(1.0), Some(10.0), false), json!(0.5)),
        (number(None, None, true), json!(2.5)),
        (number(None, None, false), json!("3")),
        (VariableKind::Text, serde_json::Value::Null),
    ];
    for (kind, default) in cases {
        let a = agent(
            "agent:a",
            vec![var("v", kind.clone(), Some(default.clone()))],
        );
        assert_eq!(
            agent_problems(&a),
            vec![problem("variables[0].default", Problem::BadDefault)],
            "{kind:?} {default}"
        );
    }
}

#[test]
fn a_list_of_agents_has_unique_ids() {
    let list = [
        agent("agent:a", vec![]),
        agent("agent:b", vec![]),
        agent("agent:a", vec![]),
        agent("b", vec![]),
    ];
    assert_eq!(
        validate_agents(&list),
        Err(vec![
            problem("agents[2].id", Problem::Duplicate),
            problem(
                "agents[3].id",
                Problem::BadPrefix {
                    expected: "agent:".into()
                }
            ),
        ])
    );
    assert_eq!(validate_agents(&list[..2]), Ok(()));
}

// ---- the wizard's form ----

fn wizard_variables() -> Vec<AgentVariable> {
    vec![
        AgentVariable {
            required: true,
            ..var("topic", VariableKind::Text, None)
        },
        var(
            "sections",
            number(Some(1.0), Some(10.0), true),
            Some(json!(3)),
        ),
        var("ratio", number(Some(-1.0), Some(1.0), false), None),
        var(
            "tone",
            choice(&["neutral", "playful", "formal"]),
            Some(json!("neutral")),
        ),
        var("rush", VariableKind::Boolean, Some(json!(false))),
    ]
}

fn form(pairs: &[(&str, &str)]) -> BTreeMap<String, String> {
    pairs
        .iter()
        .map(|(k, v)| ((*k).to_owned(), (*v).to_owned()))
        .collect()
}

fn form_problems(pairs: &[(&str, &str)]) -> Vec<FieldProblem> {
    variables_from_form(&wizard_variables(), &form(pairs)).expect_err("problems")
}

#[test]
fn a_filled_form_gives_typed_json() {
    let variables = variables_from_form(
        &wizard_variables(),
        &form(&[
            ("topic", "  Solar power  "),
            ("sections", " 4 "),
            ("ratio", "-0.25"),
            ("tone", "playful"),
            ("rush", "TRUE"),
        ]),
    )
    .expect("valid");
    assert_eq!(
        serde_json::Value::Object(variables),
        json!({"topic": "  Solar power  ", "sections": 4, "ratio": -0.25,
               "tone": "playful", "rush": true})
    );
}

#[test]
fn blank_optional_values_are_omitted_and_blank_required_ones_refused() {
    let variables = variables_from_form(
        &wizard_variables(),
        &form(&[("topic", "t"), ("sections", "  "), ("tone", "")]),
    )
    .expect("valid");
    assert_eq!(serde_json::Value::Object(variables), json!({"topic": "t"}));
    assert_eq!(
        form_problems(&[("topic", " \n ")]),
        vec![problem("topic", Problem::Required)]
    );
    assert_eq!(
        form_problems(&[]),
        vec![problem("topic", Problem::Required)]
    );
}

#[test]
fn numbers_are_checked_against_their_kind_and_bounds() {
    let sections = |text: &str| form_problems(&[("topic", "t"), ("sections", text)]);
    assert_eq!(
        sections("four"),
        vec![problem("sections", Problem::NotANumber)]
    );
    assert_eq!(
        sections("inf"),
        vec![problem("sections", Problem::NotANumber)]
    );
    assert_eq!(
        sections("2,5"),
        vec![problem("sections", Problem::NotANumber)]
    );
    assert_eq!(
        sections("2.5"),
        vec![problem("sections", Problem::NotAnInteger)]
    );
    assert_eq!(
        sections("0"),
        vec![problem("sections", Problem::BelowMinimum { minimum: 1.0 })]
    );
    assert_eq!(
        sections("11"),
        vec![problem("sections", Problem::AboveMaximum { maximum: 10.0 })]
    );
    let ok = |pairs: &[(&str, &str)]| {
        serde_json::Value::Object(
            variables_from_form(&wizard_variables(), &form(pairs)).expect("valid"),
        )
    };
    assert_eq!(
        ok(&[("topic", "t"), ("sections", "10")])["sections"],
        json!(10)
    );
    assert_eq!(
        ok(&[("topic", "t"), ("sections", "1e0")])["sections"],
        json!(1)
    );
    assert_eq!(ok(&[("topic", "t"), ("ratio", "1")])["ratio"], json!(1));
    assert_eq!(
        form_problems(&[("topic", "t"), ("ratio", "1.5")]),
        vec![problem("ratio", Problem::AboveMaximum { maximum: 1.0 })]
    );
}

#[test]
fn choices_and_booleans_take_only_their_values() {
    assert_eq!(
        form_problems(&[("topic", "t"), ("tone", "angry")]),
        vec![problem(
            "tone",
            Problem::NotAChoice {
                choices: vec!["neutral".into(), "playful".into(), "formal".into()]
            }
        )]
    );
    assert_eq!(
        form_problems(&[("topic", "t"), ("rush", "yes")]),
        vec![problem("rush", Problem::NotABoolean)]
    );
    let variables = variables_from_form(
        &wizard_variables(),
        &form(&[("topic", "t"), ("rush", "false")]),
    )
    .expect("valid");
    assert_eq!(variables["rush"], json!(false));
}

#[test]
fn values_for_unknown_names_are_refused() {
    assert_eq!(
        form_problems(&[("topic", "t"), ("colour", "red"), ("Topic", "x")]),
        vec![
            problem("Topic", Problem::UnknownVariable),
            problem("colour", Problem::UnknownVariable),
        ]
    );
}

#[test]
fn all_problems_of_a_form_come_at_once() {
    assert_eq!(
        form_problems(&[
            ("sections", "x"),
            ("tone", "loud"),
            ("rush", "maybe"),
            ("nope", "1")
        ]),
        vec![
            problem("topic", Problem::Required),
            problem("sections", Problem::NotANumber),
            problem(
                "tone",
                Problem::NotAChoice {
                    choices: vec!["neutral".into(), "playful".into(), "formal".into()]
                }
            ),
            problem("rush", Problem::NotABoolean),
            problem("nope", Problem::UnknownVariable),
        ]
    );
}

#[test]
fn the_variables_must_fit_16_kib_of_compact_json() {
    // {"topic":"…"} is 12 bytes around the text.
    let limit = athena_api::validation::MAX_VARIABLES_BYTES;
    let fits = "x".repeat(limit - 12);
    let variables =
        variables_from_form(&wizard_variables(), &form(&[("topic", &fits)])).expect("fits");
    assert_eq!(serde_json::to_vec(&variables).unwrap().len(), limit);
    let over = "x".repeat(limit - 11);
    assert_eq!(
        form_problems(&[("topic", &over)]),
        vec![problem(
            "variables",
            Problem::TooLarge {
                limit: 16_384,
                actual: 16_385
            }
        )]
    );
    // Escapes count as sent: a quote is two bytes.
    let escaped = "\"".repeat(limit / 2);
    let found = form_problems(&[("topic", &escaped)]);
    assert_eq!(found.len(), 1);
    assert_eq!(found[0].field, "variables");
    assert!(matches!(
        found[0].problem,
        Problem::TooLarge { limit: 16_384, actual } if actual == 16_384 + 12
    ));
}
