// The UI's fold equals core's: folding the updates a Rust test wrote gives the
// snapshots core computed for them (tests/fixtures/fold, written by
// tests/app/fold_fixtures.rs; never edit the fixture by hand).

import { describe, expect, it } from "vitest";
import type { ExecutionSnapshot, ExecutionUpdate } from "../bindings";
import { applyUpdate, chatEntries, emptyChat } from "./chat";

type Fixture = { updates: ExecutionUpdate[]; snapshots: ExecutionSnapshot[] };

// Every fixture in the folder, so a new one written by the Rust test is folded too.
const files = import.meta.glob<Fixture>("../../../tests/fixtures/fold/*.json", { eager: true, import: "default" });
const fixtures: Record<string, Fixture> = Object.fromEntries(
  Object.entries(files).map(([path, fixture]) => [path.replace(/^.*\/(.+)\.json$/, "$1"), fixture]),
);

describe("the fold matches core's golden fixtures", () => {
  it("finds the fixtures", () => {
    expect(Object.keys(fixtures)).toContain("every-part");
  });

  it.each(Object.entries(fixtures))("%s", (_name, fixture) => {
    expect(fixture.updates.length).toBeGreaterThan(0);
    let state = emptyChat;
    for (const [i, update] of fixture.updates.entries()) {
      const result = applyUpdate(state, update);
      expect(result.needsSnapshot, `update ${i} (${update.handle} #${update.seq}) reported a gap`).toBeNull();
      state = result.state;
    }
    expect(chatEntries(state)).toEqual(fixture.snapshots);
  });

  it("covers every part kind and every change type", () => {
    const { updates, snapshots } = fixtures["every-part"]!;
    const kinds = new Set(snapshots.flatMap((s) => s.parts.map((p) => p.kind)));
    expect([...kinds].sort()).toEqual(
      ["clientToolCall", "mediaJob", "reasoning", "serverTool", "structuredOutput", "text", "unknown", "waiting", "workflowStep"],
    );
    const changes = new Set(updates.map((u) => u.change.type));
    expect([...changes].sort()).toEqual(
      ["accepted", "failed", "feedbackChanged", "finished", "partAdded", "partAppended", "partUpdated", "resent", "started", "stopped"],
    );
  });
});
