// TEMPORARY: regenerated from Rust by cargo xtask bindings
// Hand-written stand-in with the surface the Rust side will generate (tauri-specta).

import { invoke as TAURI_INVOKE } from "@tauri-apps/api/core";
import * as TAURI_API_EVENT from "@tauri-apps/api/event";

export type Result<T, E> = { status: "ok"; data: T } | { status: "error"; error: E };
export type AgentSummary = { id: string; name: string; description: string };
export type WorkspaceOverview = { workspaceName: string; isDemo: boolean; agents: AgentSummary[] };
export type Usage = {
  inputTokens: number;
  outputTokens: number;
  totalTokens: number;
  costMicrodollars: number;
  latencyMs: number;
};
export type ExecutionStatus =
  | "running"
  | "completed"
  | "failed"
  | "awaitingApproval"
  | "waitingForExternalEvent"
  | "awaitingClientTool";
export type ValidationRule = "required" | "tooLong";
export type AppError =
  | { code: "validation"; field: string; rule: ValidationRule; limit: number; actual: number }
  | { code: "unreachable" }
  | { code: "timeout" }
  | { code: "http"; status: number; serverCode: string | null; serverMessage: string | null }
  | { code: "streamEndedEarly"; executionId: string | null }
  | { code: "executionFailed"; serverCode: string | null; serverMessage: string | null }
  | { code: "unknownExecution"; handle: string }
  | { code: "internal" };
export type ExecutionChange =
  | { type: "accepted"; agentId: string; message: string }
  | { type: "started"; executionId: string }
  | { type: "text"; delta: string }
  | { type: "finished"; status: ExecutionStatus; text: string; usage: Usage | null }
  | { type: "failed"; error: AppError };
export type ExecutionUpdate = { handle: string; seq: number; change: ExecutionChange };
export type ExecutionSnapshot = {
  handle: string;
  seq: number;
  agentId: string;
  message: string;
  executionId: string | null;
  text: string;
  status: ExecutionStatus;
  usage: Usage | null;
  error: AppError | null;
};
export type ChatSnapshot = { executions: ExecutionSnapshot[] };

async function typedError<T, E>(run: () => Promise<T>): Promise<Result<T, E>> {
  try {
    return { status: "ok", data: await run() };
  } catch (e) {
    if (e instanceof Error) throw e;
    return { status: "error", error: e as E };
  }
}

export const commands = {
  async workspaceOverview(): Promise<WorkspaceOverview> {
    return await TAURI_INVOKE("workspace_overview");
  },
  async sendMessage(agentId: string, message: string): Promise<Result<string, AppError>> {
    return typedError(() => TAURI_INVOKE<string>("send_message", { agentId, message }));
  },
  async chatSnapshot(): Promise<ChatSnapshot> {
    return await TAURI_INVOKE("chat_snapshot");
  },
  async executionSnapshot(handle: string): Promise<Result<ExecutionSnapshot, AppError>> {
    return typedError(() => TAURI_INVOKE<ExecutionSnapshot>("execution_snapshot", { handle }));
  },
  async reportReady(): Promise<null> {
    return await TAURI_INVOKE("report_ready");
  },
};

export const events = {
  executionUpdate: {
    listen(cb: TAURI_API_EVENT.EventCallback<ExecutionUpdate>): Promise<TAURI_API_EVENT.UnlistenFn> {
      return TAURI_API_EVENT.listen<ExecutionUpdate>("execution-update", cb);
    },
  },
};
