import { describe, expect, it } from "vitest";
import { MESSAGE_LIMIT, validateMessage } from "./validation";

describe("validateMessage", () => {
  it("refuses empty and whitespace-only messages", () => {
    expect(validateMessage("")).toEqual({ kind: "empty" });
    expect(validateMessage("  \n\t \u00a0")).toEqual({ kind: "empty" });
  });

  it("accepts a message at the limit and refuses one past it", () => {
    expect(validateMessage("a".repeat(MESSAGE_LIMIT))).toBeNull();
    expect(validateMessage("a".repeat(MESSAGE_LIMIT + 1))).toEqual({
      kind: "tooLong",
      length: MESSAGE_LIMIT + 1,
      limit: MESSAGE_LIMIT,
    });
  });

  it("counts Unicode code points, not UTF-16 units", () => {
    const emoji = "😀".repeat(MESSAGE_LIMIT); // 2 UTF-16 units each
    expect(emoji.length).toBe(MESSAGE_LIMIT * 2);
    expect(validateMessage(emoji)).toBeNull();
    expect(validateMessage(emoji + "x")).toMatchObject({ kind: "tooLong", length: MESSAGE_LIMIT + 1 });
  });
});
