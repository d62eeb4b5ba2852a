import { describe, expect, it } from "vitest";
import { pastedFiles } from "./paste";

/** A DataTransfer as WebKit hands it to a paste (jsdom has none). */
function transfer(files: File[], items: { kind: string; file: File | null }[] = []): DataTransfer {
  return {
    files: files as unknown as FileList,
    items: items.map((i) => ({ kind: i.kind, getAsFile: () => i.file })) as unknown as DataTransferItemList,
  } as DataTransfer;
}

describe("pasted files", () => {
  it("are the paste's files", () => {
    const png = new File([new Uint8Array([137, 80])], "image.png", { type: "image/png" });
    expect(pastedFiles(transfer([png]))).toEqual({ files: [png], unreadable: 0 });
  });

  it("are found among the items when the files list is empty", () => {
    const pdf = new File(["%PDF"], "a.pdf", { type: "application/pdf" });
    const result = pastedFiles(
      transfer([], [
        { kind: "string", file: null },
        { kind: "file", file: pdf },
        { kind: "file", file: null },
      ]),
    );
    expect(result).toEqual({ files: [pdf], unreadable: 1 });
  });

  it("are none for a text paste", () => {
    expect(pastedFiles(transfer([], [{ kind: "string", file: null }]))).toEqual({ files: [], unreadable: 0 });
    expect(pastedFiles(null)).toEqual({ files: [], unreadable: 0 });
  });
});
