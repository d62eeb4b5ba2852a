// The app's commands, listed once for the build (which generates one permission per
// command, so a window may call only what its capability grants) and for the test that
// checks this list against the commands registered with tauri-specta.
&[
    "workspace_overview",
    "select_workspace",
    "history_status",
    "list_conversations",
    "start_conversation",
    "open_conversation",
    "save_draft",
    "send_message",
    "resend_message",
    "regenerate_message",
    "give_feedback",
    "stop_execution",
    "inspect_execution",
    "execution_snapshot",
    "report_ready",
    "open_link",
]
