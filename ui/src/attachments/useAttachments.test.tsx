import { act, cleanup, createEvent, fireEvent, render, screen } from "@testing-library/react";
import { useState } from "react";
import { afterEach, describe, expect, it, vi } from "vitest";
import type { AppError } from "../bindings";
import { Composer } from "../components/Composer";
import type { Result } from "../result";
import { DropZone } from "./DropZone";
import { attachmentEvents, attachmentsFakes, staged } from "./testFakes";
import { useAttachments } from "./useAttachments";

afterEach(cleanup);

type Setup = { conversationId?: string | null; enabled?: boolean };
type Api = ReturnType<typeof attachmentsFakes>;

function setup({ conversationId = "c1", enabled = true }: Setup = {}, prepare: (api: Api) => void = () => undefined) {
  const api = attachmentsFakes();
  prepare(api);
  const ev = attachmentEvents();
  const ensure = vi.fn(async (): Promise<Result<string, AppError>> => ({ status: "ok", data: conversationId ?? "new-1" }));
  const onSend = vi.fn(async (): Promise<Result<string, AppError>> => ({ status: "ok", data: "h1" }));
  let controls: ReturnType<typeof useAttachments> | null = null;
  function Harness(props: { conversationId: string | null; enabled: boolean }) {
    const [text, setText] = useState("");
    const a = useAttachments(api, ev.events, { ...props, ensureConversation: ensure });
    controls = a;
    return (
      <>
        <Composer text={text} onTextChange={setText} onSend={onSend} attachments={a.composer} />
        {a.dragging && <DropZone />}
      </>
    );
  }
  const view = render(<Harness conversationId={conversationId} enabled={enabled} />);
  return {
    api,
    ev,
    ensure,
    onSend,
    controls: () => controls!,
    rerender: (p: Required<Setup>) => view.rerender(<Harness {...p} />),
  };
}

const settle = () => act(async () => undefined);
const chips = () =>
  screen.queryAllByTestId("attachment-chip").map((c) => [c.getAttribute("data-attachment-id"), c.getAttribute("data-state")]);
const send = () => screen.getByTestId("send") as HTMLButtonElement;

/** A paste event carrying this clipboard data (jsdom's ClipboardEvent has none). */
function paste(target: Element, data: { files?: File[]; text?: string }) {
  const event = createEvent.paste(target);
  Object.defineProperty(event, "clipboardData", {
    value: {
      files: data.files ?? [],
      items: (data.files ?? []).map((f) => ({ kind: "file", getAsFile: () => f })),
      getData: () => data.text ?? "",
    },
  });
  fireEvent(target, event);
  return event;
}

describe("attaching", () => {
  it("shows the conversation's staged attachments when it opens, and again for the next one", async () => {
    const s = setup({}, (api) =>
      api.draftAttachments.mockImplementation(async (id) => ({
        status: "ok",
        data: id === "c1" ? [staged("a"), staged("b", { kind: "checking" })] : [staged("z", { kind: "uploaded" }, { conversationId: "c2" })],
      })),
    );
    await settle();
    expect(chips()).toEqual([
      ["a", "uploaded"],
      ["b", "checking"],
    ]);
    s.rerender({ conversationId: "c2", enabled: true });
    await settle();
    expect(chips()).toEqual([["z", "uploaded"]]);
    expect(s.api.draftAttachments.mock.calls.map((c) => c[0])).toEqual(["c1", "c2"]);
  });

  it("keeps an event's news when the draft's answer, read before it, arrives after it", async () => {
    let answer: (list: ReturnType<typeof staged>[]) => void = () => undefined;
    const s = setup({}, (api) =>
      api.draftAttachments.mockImplementation(
        () => new Promise((resolve) => (answer = (list) => resolve({ status: "ok", data: list }))),
      ),
    );
    s.ev.changed(staged("a", { kind: "uploaded" }));
    await act(async () => answer([staged("a", { kind: "uploading", sent: 1, total: 2 }), staged("old")]));
    expect(chips()).toEqual([
      ["a", "uploaded"],
      ["old", "uploaded"],
    ]);
  });

  it("opens the picker through the backend for the open conversation (created first for a new chat)", async () => {
    const s = setup({ conversationId: null });
    s.api.attachPicked.mockResolvedValue({ status: "ok", data: [staged("p", { kind: "checking" }, { conversationId: "new-1" })] });
    const button = screen.getByRole("button", { name: "Attach files to this message" });
    expect(button.textContent).toBe("Attach");
    await act(async () => fireEvent.click(button));
    expect(s.ensure).toHaveBeenCalled();
    expect(s.api.attachPicked).toHaveBeenCalledWith("new-1");
  });

  it("follows each attachment's events: progress, then ready; Send waits and says why", async () => {
    const s = setup();
    await settle();
    s.ev.changed(staged("a", { kind: "uploading", sent: 10, total: 100 }));
    expect(chips()).toEqual([["a", "uploading"]]);
    expect(send().disabled).toBe(true);
    expect(screen.getByTestId("send-blocked").textContent).toBe("Send is available once the attachments have finished uploading.");
    expect(send().getAttribute("aria-describedby")).toBe("send-blocked");
    // Enter does not send past the blocker either.
    fireEvent.change(screen.getByTestId("composer"), { target: { value: "Look" } });
    await act(async () => fireEvent.keyDown(screen.getByTestId("composer"), { key: "Enter" }));
    expect(s.onSend).not.toHaveBeenCalled();

    s.ev.changed(staged("a", { kind: "uploaded" }));
    expect(send().disabled).toBe(false);
    expect(screen.queryByTestId("send-blocked")).toBeNull();
    expect(s.controls().readyIds("c1")).toEqual(["a"]);
    act(() => s.controls().sent(["a"]));
    expect(chips()).toEqual([]);
  });

  it("lets the user remove a failed attachment, after which Send is free", async () => {
    const s = setup();
    await settle();
    s.ev.changed(staged("a", { kind: "failed", error: { code: "timeout" } }));
    expect(screen.getByTestId("send-blocked").textContent).toMatch(/Remove or retry/);
    await act(async () => fireEvent.click(screen.getByRole("button", { name: "Remove a.png" })));
    expect(s.api.removeAttachment).toHaveBeenCalledWith("a");
    expect(chips()).toEqual([]);
    expect(send().disabled).toBe(false);
  });

  it("attaches dropped files (and the folders' ids, for their refusal) only while enabled", async () => {
    const s = setup({ enabled: false });
    await settle();
    s.ev.hover(true);
    expect(screen.queryByTestId("drop-zone")).toBeNull();
    s.ev.dropped({ files: [{ dropId: "drop:1", name: "a.png", size: 3 }], others: [] });
    await settle();
    expect(s.api.attachDragged).not.toHaveBeenCalled();

    s.rerender({ conversationId: "c1", enabled: true });
    s.ev.hover(true);
    expect(screen.getByTestId("drop-zone").textContent).toMatch(/Drop files to attach them/);
    s.ev.dropped({
      files: [{ dropId: "drop:1", name: "a.png", size: 3 }],
      others: [{ dropId: "drop:2", name: "photos", kind: "folder" }],
    });
    await settle();
    expect(screen.queryByTestId("drop-zone")).toBeNull();
    expect(s.api.attachDragged).toHaveBeenCalledWith("c1", ["drop:1", "drop:2"]);
  });

  it("hands a pasted file to the backend instead of inserting text", async () => {
    const s = setup();
    await settle();
    const png = new File([new Uint8Array([137, 80, 78, 71])], "image.png", { type: "image/png" });
    const event = paste(screen.getByTestId("composer"), { files: [png] });
    expect(event.defaultPrevented).toBe(true);
    await settle();
    expect(s.api.attachPasted).toHaveBeenCalledWith("c1", png, "image.png");
    expect(chips()).toEqual([["pasted", "checking"]]);
  });

  it("leaves a text paste alone", async () => {
    const s = setup();
    await settle();
    const event = paste(screen.getByTestId("composer"), { text: "just words" });
    expect(event.defaultPrevented).toBe(false);
    expect(s.api.attachPasted).not.toHaveBeenCalled();
  });

  it("never drops a pasted file silently: a failure to attach is said", async () => {
    const s = setup();
    await settle();
    s.api.attachPasted.mockResolvedValue({ status: "error", error: { code: "unreachable" } });
    paste(screen.getByTestId("composer"), { files: [new File(["x"], "", { type: "image/png" })] });
    await settle();
    expect(s.api.attachPasted.mock.calls[0]![2]).toBe("pasted file");
    expect(screen.getByTestId("attachment-note").textContent).toMatch(/^The files weren't attached: Couldn't reach/);
  });
});
