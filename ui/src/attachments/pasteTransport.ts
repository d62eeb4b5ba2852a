// A pasted file reaches the backend as the raw body of the `attach_pasted` command: its
// bytes once, never a JSON array of numbers (a 50 MiB file would be ~200 MB of JSON).
// The generated binding cannot carry a raw body, so this is the typed wrapper for it.
import { invoke } from "@tauri-apps/api/core";
import type { AppError, StagedAttachment } from "../bindings";
import type { Result } from "../result";

/** Stages a pasted file for the conversation's next message. What it is goes in headers. */
export async function attachPasted(conversationId: string, file: Blob, name: string): Promise<Result<StagedAttachment, AppError>> {
  const bytes = new Uint8Array(await file.arrayBuffer());
  try {
    const data = await invoke<StagedAttachment>("attach_pasted", bytes, {
      headers: {
        "x-conversation-id": conversationId,
        "x-file-name": encodeURIComponent(name),
        "x-content-type": file.type,
      },
    });
    return { status: "ok", data };
  } catch (e) {
    // An AppError is a plain object; anything else is an IPC failure for the caller.
    if (e instanceof Error) throw e;
    return { status: "error", error: e as AppError };
  }
}
