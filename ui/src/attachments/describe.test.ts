import { describe, expect, it } from "vitest";
import { describeRefusal, describeState, percentSent, sendBlocker } from "./describe";
import { typeLabel } from "./describeType";
import { staged } from "./testFakes";

describe("refusal words", () => {
  it("name the limit each refusal broke", () => {
    expect(describeRefusal({ code: "tooLarge", limit: 52_428_800, actual: 76_755_968 }, "big.png")).toBe(
      "too large: 73.2 MiB, the limit is 50 MiB",
    );
    expect(describeRefusal({ code: "unsupportedType", extension: "exe" }, "setup.exe")).toBe("not a supported type (.exe)");
    expect(describeRefusal({ code: "unsupportedType", extension: "" }, "README")).toBe(
      "not a supported type (the name has no extension)",
    );
    expect(describeRefusal({ code: "folder" }, "photos")).toBe("a folder cannot be attached");
    expect(describeRefusal({ code: "empty" }, "blank.txt")).toBe("is empty");
    expect(describeRefusal({ code: "tooMany", limit: 10 }, "eleventh.png")).toBe("at most 10 files per message");
    expect(describeRefusal({ code: "unreadable", reason: "Permission denied" }, "secret.txt")).toBe(
      "it couldn't be read (Permission denied)",
    );
  });

  it("say what a file's name claims and what its bytes are", () => {
    expect(describeRefusal({ code: "typeMismatch", claimed: "application/pdf", found: "image/png" }, "report.pdf")).toBe(
      "says .pdf but is a PNG image",
    );
    expect(describeRefusal({ code: "typeMismatch", claimed: "image/png", found: "text/plain" }, "notes.png")).toBe(
      "says .png but is text",
    );
    expect(describeRefusal({ code: "typeMismatch", claimed: "image/png", found: null }, "notes.png")).toBe(
      "says .png but is not a PNG image",
    );
  });
});

describe("an attachment's state", () => {
  it("is said in words, a refusal with its reason", () => {
    expect(describeState({ kind: "uploading", sent: 512, total: 2048 }, "a.png")).toBe("Uploading… 25%");
    expect(describeState({ kind: "refused", reason: { code: "folder" } }, "photos")).toBe(
      "Can't be attached: a folder cannot be attached",
    );
    expect(describeState({ kind: "failed", error: { code: "internal" } }, "a.png")).toMatch(/^Upload failed: /);
  });

  it("keeps the share sent between 0 and 100", () => {
    expect(percentSent(0, 0)).toBe(0);
    expect(percentSent(3, 2)).toBe(100);
    expect(percentSent(999, 1000)).toBe(99);
  });
});

describe("send blocker", () => {
  it("lets a message go only when every attachment is uploaded", () => {
    expect(sendBlocker([])).toBeNull();
    expect(sendBlocker([staged("a"), staged("b")])).toBeNull();
    expect(sendBlocker([staged("a"), staged("b", { kind: "uploading", sent: 1, total: 2 })])).toMatch(/finished uploading/);
    expect(sendBlocker([staged("a", { kind: "checking" })])).toMatch(/finished uploading/);
    expect(sendBlocker([staged("a", { kind: "failed", error: { code: "internal" } })])).toMatch(/Remove or retry/);
    expect(sendBlocker([staged("a", { kind: "cancelled" })])).toMatch(/Remove or retry/);
    expect(sendBlocker([staged("a", { kind: "refused", reason: { code: "empty" } })])).toMatch(/can't be attached/);
  });
});

describe("type label", () => {
  it("names known types, else the extension", () => {
    expect(typeLabel("application/pdf", "a.pdf")).toBe("PDF");
    expect(typeLabel("image/webp", "a.webp")).toBe("WebP image");
    expect(typeLabel("", "setup.exe")).toBe("EXE");
    expect(typeLabel("", "README")).toBe("Document");
  });
});
