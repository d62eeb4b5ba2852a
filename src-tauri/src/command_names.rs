// The app's commands, listed once for the build (which generates one permission per
// command, so a window may call only what its capability grants) and for the test that
// checks this list against the commands registered with tauri-specta.
&[
    "workspace_overview",
    "select_workspace",
    "send_message",
    "stop_execution",
    "inspect_execution",
    "chat_snapshot",
    "execution_snapshot",
    "report_ready",
    "open_link",
]
