import { describe, expect, it } from "vitest";
import { healStreamingBlock, healTable } from "./heal";

describe("healTable", () => {
  it("adds the delimiter row under a lone header row", () => {
    expect(healTable("| a | b |")).toBe("| a | b |\n| --- | --- |");
    expect(healTable("| a | b")).toBe("| a | b\n| --- | --- |");
    expect(healTable("| a | b |\n")).toBe("| a | b |\n| --- | --- |");
  });

  it("completes a half-written delimiter row, keeping its alignment", () => {
    expect(healTable("| a | b |\n|")).toBe("| a | b |\n| --- | --- |");
    expect(healTable("| a | b |\n|:--|-")).toBe("| a | b |\n| :-- | - |");
    expect(healTable("| a | b | c |\n| :")).toBe("| a | b | c |\n| :- | --- | --- |");
  });

  it("leaves finished tables, body rows, code and prose alone", () => {
    const table = "| a | b |\n|---|---|\n| 1 | 2";
    expect(healTable(table)).toBe(table);
    expect(healTable("```\n| a | b |")).toBe("```\n| a | b |");
    expect(healTable("    | a | b |")).toBe("    | a | b |");
    expect(healTable("a | b")).toBe("a | b");
    expect(healTable("|")).toBe("|");
  });
});

describe("healStreamingBlock", () => {
  it("closes what is open at the end", () => {
    expect(healStreamingBlock("some **bold")).toBe("some **bold**");
    expect(healStreamingBlock("some `code")).toBe("some `code`");
    expect(healStreamingBlock("$$\nx^2")).toBe("$$\nx^2\n$$");
  });

  it("holds back a marker with nothing after it yet", () => {
    expect(healStreamingBlock("- first **")).toBe("- first");
    expect(healStreamingBlock("a `")).toBe("a");
    expect(healStreamingBlock("**bold**")).toBe("**bold**");
    expect(healStreamingBlock("```py\nx = a **")).toBe("```py\nx = a **");
  });

  it("shows an unfinished link as its text, with no placeholder address", () => {
    expect(healStreamingBlock("see [the docs](https://exa")).toBe("see the docs");
  });

  it("leaves an open code fence and single dollars alone", () => {
    expect(healStreamingBlock("```py\nprint('**')")).toBe("```py\nprint('**')");
    expect(healStreamingBlock("costs $5")).toBe("costs $5");
  });
});
