import { act, cleanup, fireEvent, render, screen } from "@testing-library/react";
import { afterEach, describe, expect, it } from "vitest";
import type { DeepLinkAction, DeepLinkReceived, DeepLinkRefusalReason } from "../bindings";
import { DeepLinkNotice, useDeepLinks } from "./useDeepLinks";

afterEach(cleanup);

/** A fake event source whose events the test sends. */
function fakeEvents() {
  const listeners: ((e: { payload: DeepLinkReceived }) => void)[] = [];
  return {
    deepLinkReceived: {
      listen: (cb: (e: { payload: DeepLinkReceived }) => void) => {
        listeners.push(cb);
        return Promise.resolve(() => listeners.splice(listeners.indexOf(cb), 1));
      },
    },
    send: (action: DeepLinkAction) => listeners.forEach((cb) => cb({ payload: { action } })),
    count: () => listeners.length,
  };
}

function Probe(props: {
  waiting: DeepLinkAction[];
  events: ReturnType<typeof fakeEvents>;
  ready: boolean;
  seen: DeepLinkAction[];
}) {
  useDeepLinks({ takeDeepLinks: () => Promise.resolve(props.waiting) }, props.events, props.ready, (a) =>
    props.seen.push(a),
  );
  return null;
}

describe("useDeepLinks", () => {
  it("waits for the first screen, takes the waiting links, then follows the event", async () => {
    const events = fakeEvents();
    const seen: DeepLinkAction[] = [];
    const waiting: DeepLinkAction[] = [{ kind: "newChat", agentId: null, text: "early" }];
    const { rerender } = render(<Probe waiting={waiting} events={events} ready={false} seen={seen} />);
    await act(async () => undefined);
    expect(seen).toEqual([]);
    expect(events.count()).toBe(0);

    rerender(<Probe waiting={waiting} events={events} ready={true} seen={seen} />);
    await act(async () => undefined);
    expect(seen).toEqual(waiting);

    const later: DeepLinkAction = { kind: "openConversation", conversationId: "c1" };
    act(() => events.send(later));
    expect(seen).toEqual([...waiting, later]);
  });
});

describe("DeepLinkNotice", () => {
  it("says a link was refused and why, for every reason, and can be dismissed", () => {
    const reasons: DeepLinkRefusalReason[] = [
      "tooLong",
      "unsafeCharacter",
      "notAnAppLink",
      "unknownVerb",
      "unknownParameter",
      "badEncoding",
      "doubleEncoded",
      "controlCharacter",
      "nestedScheme",
      "badConversationId",
      "badAgentId",
    ];
    for (const reason of reasons) {
      let dismissed = false;
      render(<DeepLinkNotice reason={reason} onDismiss={() => (dismissed = true)} />);
      const text = screen.getByTestId("deep-link-notice").textContent ?? "";
      expect(text).toMatch(/refused: [a-z]/);
      expect(text).not.toContain("undefined");
      fireEvent.click(screen.getByRole("button"));
      expect(dismissed).toBe(true);
      cleanup();
    }
  });
});
