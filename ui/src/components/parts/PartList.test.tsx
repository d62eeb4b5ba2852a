// Memoisation: a new delta re-renders only the part it changed.

import { cleanup, render } from "@testing-library/react";
import { afterEach, describe, expect, it, vi } from "vitest";
import type { Part } from "../../bindings";
import { applyUpdate, emptyChat, type ChatState } from "../../store/chat";
import { accepted, addText, append, update } from "../../testFixtures";
import { PartList } from "./PartList";
import { tool } from "./samples";

const rendered = vi.hoisted(() => [] as string[]);

vi.mock("../markdown", () => ({
  Markdown: ({ source }: { source: string }) => {
    rendered.push(source);
    return <p>{source}</p>;
  },
}));

afterEach(() => {
  cleanup();
  rendered.length = 0;
});

function fold(state: ChatState, ...updates: Parameters<typeof applyUpdate>[1][]): ChatState {
  for (const u of updates) state = applyUpdate(state, u).state;
  return state;
}

describe("PartList re-rendering", () => {
  it("re-renders only the part a delta changed", () => {
    let state = fold(
      emptyChat,
      accepted("h"),
      addText("h", 2, "First"),
      update("h", 3, { type: "partAdded", part: tool }),
      addText("h", 4, "Sec"),
    );
    const parts = (): Part[] => state.entries.get("h")!.parts;
    const view = render(<PartList parts={parts()} running />);
    expect(rendered).toEqual(["First", "Sec"]);
    rendered.length = 0;
    state = fold(state, append("h", 5, "ond", 2));
    view.rerender(<PartList parts={parts()} running />);
    expect(rendered).toEqual(["Second"]);
  });
});

describe("PartList with a structured result", () => {
  it("shows an answer that is only the result's JSON once, as the card", () => {
    const parts: Part[] = [
      { kind: "text", text: '{"b": 1, "a": [true]}' },
      { kind: "structuredOutput", json: '{\n  "a": [true],\n  "b": 1\n}', source: "parsedOutput" },
    ];
    const { container } = render(<PartList parts={parts} running={false} />);
    expect(container.querySelectorAll('[data-testid="part-text"]')).toHaveLength(0);
    expect(container.querySelectorAll('[data-testid="part-structured"]')).toHaveLength(1);
  });

  it("keeps an answer that says more than the JSON", () => {
    const parts: Part[] = [
      { kind: "text", text: "Here is the analysis." },
      { kind: "structuredOutput", json: '{"a": 1}', source: "parsedOutput" },
    ];
    const { container } = render(<PartList parts={parts} running={false} />);
    expect(container.querySelectorAll('[data-testid="part-text"]')).toHaveLength(1);
  });
});
