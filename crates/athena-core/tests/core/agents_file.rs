//! The agents file the emulator writes (`--agents-out`) is the one core reads
//! (`--agents`): two independent implementations of one format.

use athena_core::VariableKind;
use athena_emulator::{Emulator, EmulatorConfig, WIZARD_ID, agents_file};
use serde_json::json;

#[tokio::test]
async fn core_reads_the_agents_file_the_emulator_writes() {
    let server = Emulator::start(EmulatorConfig::default()).await.unwrap();
    let written = agents_file(&server.agents());
    let agents = athena_core::parse_agents(&written).unwrap();
    assert_eq!(agents.len(), server.agents().len());
    for (read, offered) in agents.iter().zip(server.agents()) {
        assert_eq!(read.id, offered.id);
        assert_eq!(read.name, offered.name);
        assert_eq!(read.description, offered.description);
        assert_eq!(read.requires_user_message, offered.requires_user_message);
    }
    let wizard = agents.iter().find(|a| a.id == WIZARD_ID).unwrap();
    assert!(!wizard.requires_user_message);
    let topic = wizard.variables.iter().find(|v| v.name == "topic").unwrap();
    assert!(topic.required);
    assert_eq!(topic.kind, VariableKind::Text);
    // The typed variables arrive with their kinds, bounds and defaults.
    let kinds: Vec<(&str, &VariableKind, Option<&serde_json::Value>)> = wizard
        .variables
        .iter()
        .map(|v| (v.name.as_str(), &v.kind, v.default.as_ref()))
        .collect();
    assert_eq!(
        kinds,
        vec![
            ("topic", &VariableKind::Text, None),
            (
                "sections",
                &VariableKind::Number {
                    minimum: Some(1.0),
                    maximum: Some(10.0),
                    integer: true
                },
                Some(&json!(3))
            ),
            (
                "tone",
                &VariableKind::Choice {
                    choices: vec!["neutral".into(), "playful".into(), "formal".into()]
                },
                Some(&json!("neutral"))
            ),
            ("rush", &VariableKind::Boolean, Some(&json!(false))),
        ]
    );
    server.stop().await;
}
