import { act, cleanup, fireEvent, render, screen } from "@testing-library/react";
import { useState } from "react";
import { afterEach, describe, expect, it, vi } from "vitest";
import type { AppError } from "../bindings";
import type { Result } from "../result";
import { Composer } from "./Composer";

type Send = (text: string) => Promise<Result<string, AppError>>;

/** The composer with an owner that keeps the text and clears it after a send, as App does. */
function Owner({ send, initial }: { send: Send; initial: string }) {
  const [text, setText] = useState(initial);
  return (
    <Composer
      text={text}
      onTextChange={setText}
      onSend={async (t) => {
        const result = await send(t);
        if (result.status === "ok") setText("");
        return result;
      }}
    />
  );
}

function setup(send: Send = vi.fn<Send>(async () => ({ status: "ok", data: "h1" })), initial = "") {
  render(<Owner send={send} initial={initial} />);
  return {
    send,
    box: screen.getByTestId("composer") as HTMLTextAreaElement,
    button: screen.getByTestId("send"),
  };
}

function type(box: HTMLTextAreaElement, text: string) {
  fireEvent.change(box, { target: { value: text } });
}

afterEach(cleanup);

describe("Composer validation", () => {
  it("refuses an empty message without calling send", async () => {
    const { send, button } = setup();
    await act(async () => fireEvent.click(button));
    expect(send).not.toHaveBeenCalled();
    expect(screen.getByTestId("composer-error").textContent).toBe(
      "Type a message first: an empty message can't be sent.",
    );
  });

  it("refuses a whitespace-only message and clears the error when the user types", async () => {
    const { send, box } = setup();
    type(box, "   \n  ");
    await act(async () => fireEvent.keyDown(box, { key: "Enter" }));
    expect(send).not.toHaveBeenCalled();
    expect(screen.getByTestId("composer-error")).toBeTruthy();
    type(box, "   \n  h");
    expect(screen.queryByTestId("composer-error")).toBeNull();
  });

  it("refuses a message over 65,536 code points, naming its length", async () => {
    const { send, box, button } = setup();
    type(box, "x".repeat(70_000));
    await act(async () => fireEvent.click(button));
    expect(send).not.toHaveBeenCalled();
    expect(screen.getByTestId("composer-error").textContent).toBe(
      "Your message is 70,000 characters; the limit is 65,536.",
    );
    expect(box.value).toHaveLength(70_000);
  });
});

describe("Composer sending", () => {
  it("sends on Enter and the box is cleared on success", async () => {
    const { send, box } = setup();
    type(box, "Hello there");
    await act(async () => fireEvent.keyDown(box, { key: "Enter" }));
    expect(send).toHaveBeenCalledWith("Hello there");
    expect(box.value).toBe("");
  });

  it("does not send on Shift+Enter", async () => {
    const { send, box } = setup();
    type(box, "line one");
    await act(async () => fireEvent.keyDown(box, { key: "Enter", shiftKey: true }));
    expect(send).not.toHaveBeenCalled();
    expect(box.value).toBe("line one");
  });

  it("keeps the text and shows the backend's error in words when sending fails", async () => {
    const send = vi.fn<Send>(async () => ({ status: "error", error: { code: "unreachable" } }));
    const { box, button } = setup(send);
    type(box, "Are you there?");
    await act(async () => fireEvent.click(button));
    expect(send).toHaveBeenCalledOnce();
    expect(box.value).toBe("Are you there?");
    expect(screen.getByTestId("composer-error").textContent).toBe(
      "Couldn't reach the workspace's server. Check your connection and try again.",
    );
  });

  it("shows a plain sentence, not the exception, when the command throws", async () => {
    const send = vi.fn<Send>(async () => {
      throw new Error("TypeError: x is undefined\n    at foo (bindings.ts:1)");
    });
    const { box, button } = setup(send);
    type(box, "hi");
    await act(async () => fireEvent.click(button));
    const shown = screen.getByTestId("composer-error").textContent ?? "";
    expect(shown).toContain("Something went wrong inside Athena Desktop");
    expect(shown).not.toContain("TypeError");
  });

  it("shows the text it is given (the conversation's draft)", () => {
    const { box } = setup(undefined, "half-written thought");
    expect(box.value).toBe("half-written thought");
  });
});
