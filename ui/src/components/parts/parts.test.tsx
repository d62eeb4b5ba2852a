import { cleanup, fireEvent, render, screen, within } from "@testing-library/react";
import { afterEach, describe, expect, it } from "vitest";
import type { Part } from "../../bindings";
import { PartList } from "./PartList";
import { clientToolWaiting, media, mediaReady, reasoning, step, structured, tool, toolDone, unknown } from "./samples";

afterEach(cleanup);

describe("PartList renders every kind of part", () => {
  it("text as Markdown, streaming only at the end of a running answer", () => {
    const parts: Part[] = [
      { kind: "text", text: "## Answer\n\n| a | b |\n|---|---|\n| 1 | 2 |" },
      tool,
      { kind: "text", text: "Now **more** and `open" },
    ];
    const { container, rerender } = render(<PartList parts={parts} running />);
    const texts = screen.getAllByTestId("part-text");
    expect(texts).toHaveLength(2);
    expect(texts[0]!.querySelector("h2")?.textContent).toBe("Answer");
    expect(texts[0]!.querySelector("table")).not.toBeNull();
    expect(texts[0]!.querySelector("[data-streaming]")).toBeNull();
    expect(texts[1]!.querySelector(".md-root")?.hasAttribute("data-streaming")).toBe(true);
    rerender(<PartList parts={parts} running={false} />);
    expect(container.querySelector("[data-streaming]")).toBeNull();
  });

  it("a server tool as a card with name, one-line arguments and status", () => {
    render(<PartList parts={[tool, { ...toolDone, callId: "tc_2" }, { ...tool, callId: "tc_3", state: "failed", result: '{"error":"x"}' }]} running />);
    const cards = screen.getAllByTestId("part-server-tool");
    expect(cards.map((c) => c.dataset.state)).toEqual(["running", "done", "failed"]);
    expect(within(cards[0]!).getByTestId("tool-name").textContent).toBe("web_search");
    expect(within(cards[0]!).getByTestId("tool-summary").textContent).toBe('query: "athena", limit: 3');
    expect(within(cards[0]!).getByTestId("tool-status").textContent).toBe("Running…");
    expect(within(cards[1]!).getByTestId("tool-status").textContent).toBe("Done in 0.3 s");
    expect(within(cards[2]!).getByTestId("tool-status").textContent).toBe("Failed");
  });

  it("consecutive workflow steps as one timeline", () => {
    const parts: Part[] = [
      step("n1", "Research", 45),
      step("n2", null, null),
      { kind: "text", text: "between" },
      step("n3", "Write", null),
    ];
    render(<PartList parts={parts} running />);
    const timelines = screen.getAllByTestId("workflow-timeline");
    expect(timelines.map((t) => t.tagName)).toEqual(["OL", "OL"]);
    const steps = within(timelines[0]!).getAllByTestId("workflow-step");
    expect(steps.map((s) => s.tagName)).toEqual(["LI", "LI"]);
    expect(steps.map((s) => s.dataset.state)).toEqual(["done", "running"]);
    expect(steps[0]!.textContent).toBe("Researchai45 ms");
    expect(steps[1]!.textContent).toBe("n2aiRunning…");
    expect(within(timelines[1]!).getAllByTestId("workflow-step")).toHaveLength(1);
  });

  it("a media job as a placeholder that never loads the file", () => {
    const { container } = render(<PartList parts={[media, { ...mediaReady, jobId: "job_2" }]} running />);
    const cards = screen.getAllByTestId("part-media-job");
    expect(cards.map((c) => c.dataset.state)).toEqual(["generating", "ready"]);
    expect(cards[0]!.textContent).toContain("Generating an image…");
    expect(cards[0]!.textContent).toContain("a lighthouse");
    expect(cards[1]!.textContent).toContain("Image ready");
    expect(within(cards[1]!).getByTestId("media-size").textContent).toBe(" · 64 × 48 px");
    expect(container.querySelector("img, video, source, [src], [href]")).toBeNull();
    expect(container.innerHTML).not.toContain("127.0.0.1");
  });

  it("a client tool call as a card with its state, its arguments and, once ended, no claim to wait", () => {
    const view = render(<PartList parts={[clientToolWaiting]} running />);
    const card = screen.getByTestId("part-client-tool");
    expect(within(card).getByTestId("client-tool-status").textContent).toBe("Waiting for you — answer the dialog");
    expect(card.querySelector("pre")?.textContent).toBe('{\n  "path": "notes/todo.txt"\n}');
    view.rerender(<PartList parts={[clientToolWaiting]} running={false} />);
    expect(within(screen.getByTestId("part-client-tool")).getByTestId("client-tool-status").textContent).toBe("Not finished");
  });

  it("structured output as a table", () => {
    render(<PartList parts={[structured]} running={false} />);
    const table = within(screen.getByTestId("part-structured")).getByTestId("structured-table");
    expect(table.tagName).toBe("TABLE");
  });

  it("a waiting notice as a calm status, with words per reason", () => {
    render(
      <PartList
        parts={[
          { kind: "waiting", reason: "awaitingApproval" },
          { kind: "waiting", reason: "waitingForExternalEvent" },
          { kind: "waiting", reason: "awaitingClientTool" },
        ]}
        running={false}
      />,
    );
    const notices = screen.getAllByTestId("part-waiting");
    expect(notices.map((n) => n.getAttribute("role"))).toEqual(["status", "status", "status"]);
    expect(notices[0]!.textContent).toMatch(/approve/);
    expect(notices[1]!.textContent).toMatch(/outside event/);
    expect(notices[2]!.textContent).toMatch(/tool on this computer/);
    expect(screen.queryByRole("alert")).toBeNull();
  });

  it("an unknown event as a folded row that opens to the raw data", () => {
    render(<PartList parts={[unknown]} running={false} />);
    const row = screen.getByTestId("part-unknown");
    const toggle = within(row).getByRole("button");
    expect(toggle.textContent).toBe("Unrecognised event: text(.delta: invalid type)");
    expect(toggle.getAttribute("aria-expanded")).toBe("false");
    const data = screen.getByTestId("unknown-data");
    expect(toggle.getAttribute("aria-controls")).toBe(data.id);
    expect(data.hidden).toBe(true);
    fireEvent.click(toggle);
    expect(toggle.getAttribute("aria-expanded")).toBe("true");
    expect(data.hidden).toBe(false);
    expect(data.textContent).toBe('{"type":"text","delta":3}');
  });

  it("an unknown event without a problem names only its type", () => {
    render(<PartList parts={[{ kind: "unknown", eventType: "surprise", data: "not json", problem: null }]} running={false} />);
    expect(within(screen.getByTestId("part-unknown")).getByRole("button").textContent).toBe("Unrecognised event: surprise");
  });

  it("reasoning as a Thinking block of plain text", () => {
    const { container } = render(<PartList parts={[reasoning]} running />);
    expect(screen.getByTestId("part-reasoning").textContent).toContain("<b>not bold</b>");
    expect(container.querySelector("b")).toBeNull();
  });
});
