import { act, cleanup, fireEvent, render, screen, within } from "@testing-library/react";
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import type { AgentSummary } from "../../bindings";
import type { BatchFile, BatchInput as Parsed, BatchParseOptions } from "../../bindings";
import { BatchInput, DEFAULT_OPTIONS } from "./BatchInput";
import { batchFakes, parsed, row, runView, item } from "./testFakes";

const agents: AgentSummary[] = [
  { id: "writer", name: "Writer", description: "Drafts prose.", requiresUserMessage: true, variables: [] },
  { id: "coder", name: "Coder", description: "", requiresUserMessage: true, variables: [] },
];

const three = parsed([row(1, "first"), row(2, "second"), row(3, "third")]);

function setup(answer: Parsed | ((options: BatchParseOptions) => Parsed) = three) {
  const api = batchFakes();
  api.batchParse.mockImplementation(async (_source, options) => ({
    status: "ok",
    data: typeof answer === "function" ? answer(options) : answer,
  }));
  const onStarted = vi.fn();
  let file: BatchFile | null = null;
  let note: string | null = null;
  const view = () => (
    <BatchInput
      api={api}
      workspaceId="demo"
      agents={agents}
      initialAgentId="writer"
      file={file}
      onFile={(f) => {
        file = f;
        rerender();
      }}
      note={note}
      onNote={(n) => {
        note = n;
      }}
      onStarted={onStarted}
      parseDelayMs={0}
    />
  );
  const utils = render(view());
  function rerender() {
    utils.rerender(view());
  }
  return { api, onStarted };
}

async function paste(text: string) {
  await act(async () => {
    fireEvent.change(screen.getByTestId("batch-paste"), { target: { value: text } });
  });
  await act(async () => undefined);
}

const start = () => screen.getByTestId("batch-start") as HTMLButtonElement;

beforeEach(() => {
  // jsdom lays nothing out: give the scroll areas a height, as a window would.
  vi.spyOn(Element.prototype, "clientHeight", "get").mockReturnValue(340);
});
afterEach(cleanup);

describe("BatchInput preview", () => {
  it("reads the pasted lines and shows the rows with their count", async () => {
    const s = setup();
    await paste("first\nsecond\nthird");
    expect(s.api.batchParse).toHaveBeenLastCalledWith({ kind: "text", text: "first\nsecond\nthird" }, DEFAULT_OPTIONS);
    expect(screen.getByTestId("batch-row-count").textContent).toBe("3 messages");
    expect(screen.getAllByTestId("batch-row").map((r) => r.textContent)).toEqual([
      "1row-1first",
      "2row-2second",
      "3row-3third",
    ]);
    expect(screen.getByTestId("batch-detected").textContent).toBe("Read as Lines.");
  });

  it("highlights flagged rows with their reason and keeps Start disabled, saying why", async () => {
    setup(
      parsed([
        row(1, "ok"),
        row(2, "again", [{ code: "duplicateKey", firstLine: 1 }], "row-1"),
        row(3, "", [{ code: "emptyMessage" }]),
        row(4, "x".repeat(20), [{ code: "tooLong", length: 70000, limit: 65536 }]),
        row(5, "no key", [{ code: "emptyKey" }], ""),
      ]),
    );
    await paste("anything");
    const flagged = screen.getAllByTestId("batch-row").filter((r) => r.dataset.flagged === "true");
    expect(flagged.map((r) => within(r).getByTestId("batch-row-flag").textContent)).toEqual([
      "Duplicate key (first used on line 1)",
      "Empty message",
      "Too long: 70,000 of 65,536 characters",
      "Empty key",
    ]);
    expect(screen.getByTestId("batch-row-count").textContent).toBe("5 messages · 4 need attention");
    expect(start().disabled).toBe(true);
    expect(screen.getByTestId("batch-start-blocked").textContent).toContain("4 rows need attention");
    expect(start().getAttribute("aria-describedby")).toBe(screen.getByTestId("batch-start-blocked").id);
    expect(screen.queryByTestId("batch-cost")).toBeNull();

    fireEvent.click(screen.getByTestId("batch-only-flagged"));
    expect(screen.getAllByTestId("batch-row")).toHaveLength(4);
  });

  it("says why an input can't be used", async () => {
    const s = setup();
    s.api.batchParse.mockResolvedValue({ status: "error", error: { code: "batchInput", reason: "it has more than 50,000 rows" } });
    await paste("x");
    expect(screen.getByTestId("batch-parse-error").textContent).toBe(
      "This input can't be used for a batch: it has more than 50,000 rows.",
    );
    expect(start().disabled).toBe(true);
  });

  it("lists the lines that couldn't be read", async () => {
    setup(parsed([row(1, "ok")], { problems: [{ line: 7, reason: "not valid JSON" }] }));
    await paste("x");
    expect(screen.getAllByTestId("batch-problem").map((p) => p.textContent)).toEqual(["Line 7: not valid JSON"]);
  });

  it("keeps 10,000 rows out of the DOM but the ones in view", async () => {
    const rows = Array.from({ length: 10_000 }, (_, i) => row(i + 1, `message ${i + 1}`));
    setup(parsed(rows));
    await paste("many");
    expect(screen.getByTestId("batch-row-count").textContent).toBe("10,000 messages");
    const shown = screen.getAllByTestId("batch-row").length;
    expect(shown).toBeGreaterThan(5);
    expect(shown).toBeLessThan(60);
    expect(screen.getByRole("table").getAttribute("aria-rowcount")).toBe("10001");
  });
});

describe("BatchInput CSV options", () => {
  const csv = (options: BatchParseOptions): Parsed =>
    parsed([row(2, "hello", [], "a"), row(3, "bye", [], "b")], {
      format: "csv",
      columns: ["id", "topic", "prompt"],
      messageColumn: options.messageColumn ?? 2,
      keyColumn: options.keyColumn,
      delimiter: options.delimiter ?? ";",
    });

  it("reads the file again with the columns, delimiter and header chosen", async () => {
    const s = setup(csv);
    await paste("id;topic;prompt\na;x;hello\nb;y;bye");
    expect((screen.getByTestId("batch-message-column") as HTMLSelectElement).value).toBe("2");
    expect((screen.getByTestId("batch-key-column") as HTMLSelectElement).value).toBe("");
    expect(within(screen.getByTestId("batch-key-column")).getAllByRole("option").map((o) => o.textContent)).toEqual([
      "Generate keys",
      "id",
      "topic",
      "prompt",
    ]);
    expect(within(screen.getByTestId("batch-delimiter")).getAllByRole("option")[0]!.textContent).toBe("Detect (semicolon found)");

    await act(async () => {
      fireEvent.change(screen.getByTestId("batch-message-column"), { target: { value: "1" } });
    });
    expect(s.api.batchParse).toHaveBeenLastCalledWith(expect.anything(), { ...DEFAULT_OPTIONS, messageColumn: 1 });
    expect((screen.getByTestId("batch-message-column") as HTMLSelectElement).value).toBe("1");

    await act(async () => {
      fireEvent.change(screen.getByTestId("batch-key-column"), { target: { value: "0" } });
    });
    expect(s.api.batchParse).toHaveBeenLastCalledWith(expect.anything(), { ...DEFAULT_OPTIONS, messageColumn: 1, keyColumn: 0 });

    await act(async () => {
      fireEvent.click(screen.getByTestId("batch-has-header"));
    });
    expect(s.api.batchParse).toHaveBeenLastCalledWith(expect.anything(), {
      ...DEFAULT_OPTIONS,
      messageColumn: 1,
      keyColumn: 0,
      hasHeader: false,
    });

    await act(async () => {
      fireEvent.change(screen.getByTestId("batch-delimiter"), { target: { value: "\t" } });
    });
    // Another delimiter makes other columns: they are detected again.
    expect(s.api.batchParse).toHaveBeenLastCalledWith(expect.anything(), { ...DEFAULT_OPTIONS, hasHeader: false, delimiter: "\t" });
  });

  it("imports a file and reads it as the source", async () => {
    const s = setup(csv);
    s.api.batchOpenFile.mockResolvedValue({ status: "ok", data: { fileId: "f1", name: "prompts.csv", size: 4096 } });
    await act(async () => {
      fireEvent.click(screen.getByTestId("batch-import"));
    });
    await act(async () => undefined);
    expect(screen.getByTestId("batch-file").textContent).toContain("prompts.csv (4 KiB)");
    expect(screen.queryByTestId("batch-paste")).toBeNull();
    expect(s.api.batchParse).toHaveBeenLastCalledWith({ kind: "file", fileId: "f1" }, DEFAULT_OPTIONS);
  });
});

describe("BatchInput cost and start", () => {
  it("shows the cost up front: items × credits = total", async () => {
    const s = setup();
    await paste("a\nb\nc");
    expect(s.api.batchPreviewCost).toHaveBeenCalledWith("demo", "writer", 3);
    expect(screen.getByTestId("batch-cost").textContent).toBe("3 items × 5 credits = 15 credits");

    await act(async () => {
      fireEvent.change(screen.getByTestId("batch-agent"), { target: { value: "coder" } });
    });
    expect(s.api.batchPreviewCost).toHaveBeenLastCalledWith("demo", "coder", 3);
  });

  it("says 'at least' for a token-priced agent", async () => {
    const s = setup();
    s.api.batchPreviewCost.mockResolvedValue({
      status: "ok",
      data: { perItem: { credits: 2, baseCost: 2, rules: [] }, count: 3, total: 6, atLeast: true },
    });
    await paste("a\nb\nc");
    expect(screen.getByTestId("batch-cost-line").textContent).toBe("3 items × at least 2 credits = at least 6 credits");
    fireEvent.click(start());
    expect(screen.getByTestId("batch-confirm").textContent).toContain("Run 3 items for at least 6 credits?");
  });

  it("asks before it starts, with the cost, then starts and hands over the run", async () => {
    const s = setup();
    const view = runView("run-1", [item(0), item(1), item(2)]);
    s.api.batchStart.mockResolvedValue({ status: "ok", data: view });
    await paste("a\nb\nc");
    expect(start().disabled).toBe(false);

    fireEvent.click(start());
    const confirm = screen.getByTestId("batch-confirm");
    expect(confirm.textContent).toContain("Run 3 items for about 15 credits?");
    expect(document.activeElement).toBe(screen.getByTestId("batch-confirm-run"));
    expect(s.api.batchStart).not.toHaveBeenCalled();

    fireEvent.click(screen.getByTestId("batch-confirm-cancel"));
    expect(screen.queryByTestId("batch-confirm")).toBeNull();
    expect(document.activeElement).toBe(start());

    fireEvent.click(start());
    await act(async () => {
      fireEvent.click(screen.getByTestId("batch-confirm-run"));
    });
    expect(s.api.batchStart).toHaveBeenCalledWith("demo", "writer", { kind: "text", text: "a\nb\nc" }, DEFAULT_OPTIONS);
    expect(s.onStarted).toHaveBeenCalledWith(view);
  });

  it("says why a start was refused", async () => {
    const s = setup();
    s.api.batchStart.mockResolvedValue({ status: "error", error: { code: "batchFlagged", count: 2 } });
    await paste("a\nb\nc");
    fireEvent.click(start());
    await act(async () => {
      fireEvent.click(screen.getByTestId("batch-confirm-run"));
    });
    expect(screen.getByTestId("batch-start-error").textContent).toContain("2 rows need attention");
    expect(s.onStarted).not.toHaveBeenCalled();
  });
});
