import { act, cleanup, fireEvent, render, screen, within } from "@testing-library/react";
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { StructuredPart } from "./StructuredPart";
import { structured } from "./samples";

const writeText = vi.fn(async (_text: string) => undefined);

beforeEach(() => {
  Object.defineProperty(navigator, "clipboard", { value: { writeText }, configurable: true });
  writeText.mockClear();
});
afterEach(cleanup);

function rows(table: HTMLElement) {
  return Array.from(table.querySelectorAll(":scope > tbody > tr"), (row) => [
    row.querySelector("th")?.textContent,
    row.querySelector("td")?.textContent,
  ]);
}

describe("StructuredPart", () => {
  it("shows the JSON as a key/value table with nested values folded", () => {
    render(<StructuredPart part={structured} />);
    const table = screen.getByTestId("structured-table");
    expect(rows(table)).toEqual([
      ["ok", "true"],
      ["name", "Athena"],
      ["tags", "[ 2 items ]"],
      ["owner", "{ 2 keys }"],
    ]);
    const expand = within(table).getByRole("button", { name: "Show owner: 2 keys" });
    expect(expand.getAttribute("aria-expanded")).toBe("false");
    fireEvent.click(expand);
    expect(expand.getAttribute("aria-expanded")).toBe("true");
    const nested = document.getElementById(expand.getAttribute("aria-controls")!)!;
    expect(rows(nested.querySelector("table")!)).toEqual([
      ["id", "7"],
      ["email", "null"],
    ]);
  });

  it("toggles to the raw JSON and back", () => {
    render(<StructuredPart part={structured} />);
    const toggle = screen.getByTestId("structured-raw-toggle");
    expect(toggle.getAttribute("aria-pressed")).toBe("false");
    fireEvent.click(toggle);
    expect(toggle.getAttribute("aria-pressed")).toBe("true");
    expect(screen.queryByTestId("structured-table")).toBeNull();
    expect(screen.getByTestId("structured-raw").tagName).toBe("PRE");
    expect(screen.getByTestId("structured-raw").textContent).toBe(structured.json);
    fireEvent.click(toggle);
    expect(screen.getByTestId("structured-table")).toBeTruthy();
  });

  it("copies the JSON and says so", async () => {
    render(<StructuredPart part={structured} />);
    const copy = screen.getByRole("button", { name: "Copy JSON" });
    await act(async () => fireEvent.click(copy));
    expect(writeText).toHaveBeenCalledWith(structured.json);
    expect(copy.textContent).toBe("Copied");
  });

  it("shows output that is not JSON as it arrived", () => {
    render(<StructuredPart part={{ ...structured, json: "{ not json <b>x</b>" }} />);
    expect(screen.queryByTestId("structured-table")).toBeNull();
    expect(screen.queryByTestId("structured-raw-toggle")).toBeNull();
    expect(screen.getByTestId("structured-raw").textContent).toBe("{ not json <b>x</b>");
    expect(screen.getByTestId("part-structured").textContent).toContain("isn't valid JSON");
  });

  it("lists an array by index", () => {
    render(<StructuredPart part={{ ...structured, json: '["x", 2]', source: "answerText" }} />);
    expect(rows(screen.getByTestId("structured-table"))).toEqual([
      ["0", "x"],
      ["1", "2"],
    ]);
    expect(screen.getByTestId("part-structured").textContent).toContain("read from the answer text");
  });
});
