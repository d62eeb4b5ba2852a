import { act, cleanup, fireEvent, render, screen, within } from "@testing-library/react";
import { afterEach, describe, expect, it, vi } from "vitest";
import { ClientToolPart } from "./ClientToolPart";
import {
  clientTool,
  clientToolDenied,
  clientToolDone,
  clientToolFailed,
  clientToolNotTaken,
  clientToolRunning,
  clientToolRunningByRule,
  clientToolWaiting,
} from "./samples";
import type { PartOf } from "./types";

type Part = PartOf<"clientToolCall">;

afterEach(() => {
  cleanup();
  vi.restoreAllMocks();
});

function show(part: Part, running = true) {
  const view = render(<ClientToolPart part={part} running={running} />);
  const card = screen.getByTestId("part-client-tool");
  return { ...view, card, status: within(card).getByTestId("client-tool-status").textContent };
}

describe("ClientToolPart", () => {
  it("is a group named by the tool and its state, with the title and the name in monospace", () => {
    const { card } = show(clientToolWaiting);
    expect(card.getAttribute("role")).toBe("group");
    expect(card.getAttribute("aria-label")).toBe("Tool on this computer: read_file. Waiting for you — answer the dialog");
    expect(card.textContent).toContain("Tool on this computer");
    const name = within(card).getByTestId("client-tool-name");
    expect(name.tagName).toBe("CODE");
    expect(name.textContent).toBe("read_file");
  });

  it("says each state in words, with an icon", () => {
    const cases: [Part, string][] = [
      [clientTool, "Checking…"],
      [clientToolWaiting, "Waiting for you — answer the dialog"],
      [clientToolRunning, "Running · allowed by you"],
      [clientToolRunningByRule, "Running · allowed by your rule"],
      [clientToolDone, "Done in 1.2 s · allowed by you"],
      [{ ...clientToolDone, durationMs: null, approvedBy: "rule" }, "Done · allowed by your rule"],
      [clientToolFailed, "Failed"],
      [clientToolDenied, "Denied by you"],
      [clientToolNotTaken, "Not delivered"],
    ];
    for (const [part, words] of cases) {
      const { card, status, unmount } = show(part);
      expect(status).toBe(words);
      expect(card.dataset.state).toBe(part.state);
      const badge = within(card).getByTestId("client-tool-status");
      expect(badge.querySelector("svg, .spinner")).not.toBeNull();
      expect(card.getAttribute("aria-label")).toBe(`Tool on this computer: read_file. ${words}`);
      unmount();
    }
  });

  it("stands out while it waits for the dialog, and says where the question is", () => {
    const { card } = show(clientToolWaiting);
    expect(card.classList.contains("asking")).toBe(true);
    expect(within(card).getByTestId("client-tool-waiting-help").textContent).toContain("its own dialog window");
    cleanup();
    const done = show(clientToolDone).card;
    expect(done.classList.contains("asking")).toBe(false);
    expect(within(done).queryByTestId("client-tool-waiting-help")).toBeNull();
  });

  it("does not claim to wait or run once the execution has ended", () => {
    for (const part of [clientTool, clientToolWaiting, clientToolRunning]) {
      const { card, status, unmount } = show(part, false);
      expect(status).toBe("Not finished");
      expect(card.dataset.ended).toBe("true");
      expect(card.classList.contains("asking")).toBe(false);
      unmount();
    }
    expect(show(clientToolDone, false).status).toBe("Done in 1.2 s · allowed by you");
  });

  it("shows the result under Result, and why it did not run under Why", () => {
    const done = show(clientToolDone).card;
    expect(within(done).getByRole("heading", { name: "Result" })).toBeTruthy();
    expect(within(done).getByTestId("client-tool-result").textContent).toBe('{\n  "text": "buy milk",\n  "bytes": 9\n}');
    cleanup();
    for (const part of [clientToolFailed, clientToolDenied, clientToolNotTaken]) {
      const { card, unmount } = show(part);
      expect(within(card).getByRole("heading", { name: "Why" })).toBeTruthy();
      expect(within(card).queryByRole("heading", { name: "Result" })).toBeNull();
      expect(within(card).getByTestId("client-tool-result").textContent).toBe(part.result);
      unmount();
    }
    expect(within(show(clientToolRunning).card).queryByTestId("client-tool-result")).toBeNull();
  });

  it("shows the arguments whole, never cut, however long", () => {
    const long = "x".repeat(5_000);
    const args = JSON.stringify({ path: "notes.txt", content: long }, null, 2);
    const { card } = show({ ...clientToolWaiting, arguments: args });
    const pre = within(card).getByTestId("client-tool-arguments");
    expect(pre.tagName).toBe("PRE");
    expect(pre.textContent).toBe(args);
    expect(pre.textContent).toContain(long);
    expect(card.textContent).not.toContain("…");
  });

  it("makes invisible and direction-changing characters visible, in arguments and results", () => {
    const args = '{\n  "path": "report\u202Etxt.exe",\n  "note": "a\u200Bb\u2066c\u0007d\uFEFF"\n}';
    const { card } = show({ ...clientToolDone, arguments: args, result: '"ok\u202D"' });
    const pre = within(card).getByTestId("client-tool-arguments");
    expect(pre.textContent).toBe('{\n  "path": "report⟨U+202E⟩txt.exe",\n  "note": "a⟨U+200B⟩b⟨U+2066⟩c⟨U+0007⟩d⟨U+FEFF⟩"\n}');
    expect(within(pre).getAllByTestId("hidden-char").map((e) => e.textContent)).toEqual([
      "⟨U+202E⟩",
      "⟨U+200B⟩",
      "⟨U+2066⟩",
      "⟨U+0007⟩",
      "⟨U+FEFF⟩",
    ]);
    expect(within(pre).getAllByTestId("hidden-char")[0]!.className).toBe("hidden-char");
    expect(card.textContent).not.toMatch(/[\u202A-\u202E\u2066-\u2069\u200B-\u200F\uFEFF\u0000-\u0008]/);
    expect(within(card).getByTestId("client-tool-result").textContent).toBe('"ok⟨U+202D⟩"');
    expect(within(card).getAllByTestId("client-tool-hidden-note")).toHaveLength(2);
  });

  it("makes a tool name's hidden characters visible too, in the card's name", () => {
    const { card } = show({ ...clientToolFailed, name: "read\u202Efile" });
    expect(within(card).getByTestId("client-tool-name").textContent).toBe("read⟨U+202E⟩file");
    expect(card.getAttribute("aria-label")).toBe("Tool on this computer: read⟨U+202E⟩file. Failed");
  });

  it("renders markup in arguments and results as text", () => {
    const { container, card } = show({
      ...clientToolDone,
      arguments: '{\n  "html": "<img src=x onerror=alert(1)>"\n}',
      result: "<script>alert(1)</script><b>bold</b>",
    });
    expect(container.querySelector("img, script, b")).toBeNull();
    expect(within(card).getByTestId("client-tool-arguments").textContent).toContain("<img src=x onerror=alert(1)>");
    expect(within(card).getByTestId("client-tool-result").textContent).toBe("<script>alert(1)</script><b>bold</b>");
  });

  it("copies the arguments as they are", async () => {
    const writeText = vi.fn(async () => undefined);
    Object.defineProperty(navigator, "clipboard", { value: { writeText }, configurable: true });
    const args = '{\n  "path": "a\u202Eb"\n}';
    const { card } = show({ ...clientToolWaiting, arguments: args });
    const button = within(card).getByRole("button", { name: "Copy the arguments" });
    await act(async () => fireEvent.click(button));
    expect(writeText).toHaveBeenCalledWith(args);
    expect(button.textContent).toBe("Copied");
  });

  it("shows the first lines of a long result until asked for all of them", () => {
    const lines = Array.from({ length: 45 }, (_, i) => `line ${i + 1}`);
    const { card } = show({ ...clientToolDone, result: lines.join("\n") });
    const result = within(card).getByTestId("client-tool-result");
    expect(result.textContent).toBe(lines.slice(0, 20).join("\n"));
    const more = within(card).getByTestId("client-tool-show-all");
    expect(more.textContent).toBe("Show all 45 lines");
    expect(more.getAttribute("aria-expanded")).toBe("false");
    expect(more.getAttribute("aria-controls")).toBe(result.id);
    fireEvent.click(more);
    expect(result.textContent).toBe(lines.join("\n"));
    expect(more.textContent).toBe("Show fewer lines");
    expect(more.getAttribute("aria-expanded")).toBe("true");
  });

  it("shows a short result whole, without a button", () => {
    const { card } = show({ ...clientToolDone, result: Array.from({ length: 20 }, (_, i) => `${i}`).join("\n") });
    expect(within(card).queryByTestId("client-tool-show-all")).toBeNull();
  });

  it("says when there are no arguments", () => {
    const { card } = show({ ...clientTool, arguments: "" });
    expect(within(card).getByTestId("client-tool-arguments").textContent).toBe("(no arguments)");
    expect(within(card).queryByTestId("client-tool-copy")).toBeNull();
  });
});
