import { describe, expect, it } from "vitest";
import { attachmentChanged, attachmentRemoved, attachmentsAdded, draftLoaded, emptyStaged, readyIds } from "./store";
import { staged } from "./testFakes";

describe("staged attachments", () => {
  it("update in place and keep their order", () => {
    let s = draftLoaded(emptyStaged, "c1", [staged("a", { kind: "checking" }), staged("b", { kind: "checking" })]);
    s = attachmentChanged(s, staged("a", { kind: "uploading", sent: 1, total: 4 }));
    s = attachmentChanged(s, staged("c", { kind: "checking" }));
    expect(s.get("c1")!.map((a) => [a.id, a.state.kind])).toEqual([
      ["a", "uploading"],
      ["b", "checking"],
      ["c", "checking"],
    ]);
  });

  it("keep, after a loaded draft, the ones staged while it loaded", () => {
    let s = attachmentChanged(emptyStaged, staged("new", { kind: "checking" }));
    s = draftLoaded(s, "c1", [staged("old")]);
    expect(s.get("c1")!.map((a) => a.id)).toEqual(["old", "new"]);
    expect(draftLoaded(s, "c1", [staged("new"), staged("old")]).get("c1")!.map((a) => a.id)).toEqual(["new", "old"]);
  });

  it("keep what events said while the draft was being read", () => {
    let s = attachmentChanged(emptyStaged, staged("a", { kind: "uploaded" }));
    // The answer was read before the upload ended and before "b" was removed.
    s = draftLoaded(s, "c1", [staged("a", { kind: "uploading", sent: 1, total: 2 }), staged("b"), staged("c")], new Set(["a", "b"]));
    expect(s.get("c1")!.map((x) => [x.id, x.state.kind])).toEqual([
      ["a", "uploaded"],
      ["c", "uploaded"],
    ]);
  });

  it("take a command's answer only for attachments no event has reported yet", () => {
    let s = attachmentChanged(emptyStaged, staged("a", { kind: "uploaded" }));
    s = attachmentsAdded(s, [staged("a", { kind: "checking" }), staged("b", { kind: "checking" })]);
    expect(s.get("c1")!.map((a) => [a.id, a.state.kind])).toEqual([
      ["a", "uploaded"],
      ["b", "checking"],
    ]);
  });

  it("are kept per conversation and removed by id", () => {
    let s = attachmentChanged(emptyStaged, staged("a"));
    s = attachmentChanged(s, staged("x", { kind: "uploaded" }, { conversationId: "c2" }));
    s = attachmentRemoved(s, "a");
    expect(s.has("c1")).toBe(false);
    expect(s.get("c2")!.map((a) => a.id)).toEqual(["x"]);
    expect(attachmentRemoved(s, "nope")).toBe(s);
  });

  it("offer only the uploaded ones to send", () => {
    const s = draftLoaded(emptyStaged, "c1", [staged("a"), staged("b", { kind: "checking" }), staged("c")]);
    expect(readyIds(s, "c1")).toEqual(["a", "c"]);
    expect(readyIds(s, "c2")).toEqual([]);
  });
});
