import { describe, expect, it } from "vitest";
import { parseJson, prettyJson, summarizeArguments, truncate } from "./json";

describe("part JSON helpers", () => {
  it("parses or says it could not", () => {
    expect(parseJson('{"a":1}')).toEqual({ ok: true, value: { a: 1 } });
    expect(parseJson("{nope")).toEqual({ ok: false });
  });

  it("pretty-prints JSON and leaves anything else as it came", () => {
    expect(prettyJson('{"a":[1,2]}')).toBe('{\n  "a": [\n    1,\n    2\n  ]\n}');
    expect(prettyJson("not json")).toBe("not json");
  });

  it("summarises arguments on one line: first keys, values, truncated", () => {
    expect(summarizeArguments('{"query":"athena","limit":3}')).toBe('query: "athena", limit: 3');
    expect(summarizeArguments('{"a":1,"b":{"c":2},"c":[1,2],"d":null}')).toBe("a: 1, b: {…}, c: [2], …");
    expect(summarizeArguments('{"text":"two\\nlines"}')).toBe('text: "two lines"');
    expect(summarizeArguments("{}")).toBe("");
    expect(summarizeArguments("[1, 2]")).toBe("[1,2]");
    expect(summarizeArguments("broken {\n json")).toBe("broken { json");
    const long = summarizeArguments(JSON.stringify({ q: "x".repeat(200) }), 20);
    expect(Array.from(long)).toHaveLength(20);
    expect(long.endsWith("…")).toBe(true);
  });

  it("truncates by characters, not UTF-16 units", () => {
    expect(truncate("😀😀😀😀", 3)).toBe("😀😀…");
    expect(truncate("short", 10)).toBe("short");
  });
});
