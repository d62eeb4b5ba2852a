/** The shape tauri-specta gives a command that returns `Result<T, E>` in Rust. */
export type Result<T, E> = { status: "ok"; data: T } | { status: "error"; error: E };
