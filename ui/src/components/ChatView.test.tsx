import { act, cleanup, fireEvent, render, screen } from "@testing-library/react";
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import type { AgentSummary } from "../bindings";
import { snapshot, usage } from "../testFixtures";
import { ChatView } from "./ChatView";
import type { ExchangeActions } from "./Exchange";

const agents: AgentSummary[] = [{ id: "agent-1", name: "Helper", description: "Helps.", requiresUserMessage: true, variables: [] }];

function fakeActions(over: Partial<ExchangeActions> = {}): ExchangeActions {
  return {
    resend: vi.fn<ExchangeActions["resend"]>(async () => ({ status: "ok", data: null })),
    regenerate: vi.fn<ExchangeActions["regenerate"]>(async () => ({ status: "ok", data: "h" })),
    feedback: vi.fn<ExchangeActions["feedback"]>(async () => ({ status: "ok", data: null })),
    stop: vi.fn<ExchangeActions["stop"]>(async () => ({ status: "ok", data: null })),
    inspect: vi.fn<ExchangeActions["inspect"]>(async () => ({ status: "ok", data: { events: [], cut: 0 } })),
    ...over,
  };
}

afterEach(cleanup);

describe("ChatView", () => {
  it("renders model output as Markdown without HTML", () => {
    const hostile = '<img src=x onerror="alert(1)"><b>bold</b>\n<script>alert(2)</script>\n\nand **strong**';
    const { container } = render(
      <ChatView entries={[snapshot("a", { text: hostile, status: "completed" })]} agents={agents} actions={fakeActions()} />,
    );
    const answer = screen.getByTestId("message-assistant");
    expect(answer.textContent).toContain("<b>bold</b>");
    expect(answer.textContent).toContain("<script>alert(2)</script>");
    expect(container.querySelector("img, b, script")).toBeNull();
    expect(answer.querySelector("strong")?.textContent).toBe("strong");
  });

  it("shows the user's message, a streaming indicator and a Stop button while running", () => {
    render(<ChatView entries={[snapshot("a", { message: "Hi!", text: "Hel" })]} agents={agents} actions={fakeActions()} />);
    expect(screen.getByTestId("message-user").textContent).toBe("Hi!");
    expect(screen.getByTestId("message-assistant").textContent).toBe("Hel");
    expect(screen.getByTestId("part-text").textContent).toBe("Hel");
    expect(screen.getByTestId("streaming-indicator")).toBeTruthy();
    expect(screen.getByRole("button", { name: "Stop answering" })).toBe(screen.getByTestId("stop-button"));
    expect(screen.queryByTestId("usage-line")).toBeNull();
    expect(screen.queryByTestId("copy-answer")).toBeNull();
    expect(screen.queryByTestId("inspect-button")).toBeNull();
  });

  it("shows the usage line and the message actions once finished, without the indicator", () => {
    render(
      <ChatView entries={[snapshot("a", { text: "Done.", status: "completed", usage })]} agents={agents} actions={fakeActions()} />,
    );
    expect(screen.queryByTestId("streaming-indicator")).toBeNull();
    expect(screen.queryByTestId("stop-button")).toBeNull();
    expect(screen.getByTestId("usage-line").textContent).toBe("1,234 tokens (1,000 in · 234 out) · $0.0042 · 2.34 s");
    expect(screen.getByTestId("copy-answer")).toBeTruthy();
    expect(screen.getByTestId("inspect-button")).toBeTruthy();
  });

  it("shows the error in words and regenerates the answer", async () => {
    const actions = fakeActions();
    render(
      <ChatView
        entries={[
          snapshot("a", {
            agentId: "agent-7",
            message: "Tell me a story",
            text: "Once upon",
            status: "failed",
            error: { code: "streamEndedEarly", executionId: null },
          }),
        ]}
        agents={agents}
        actions={actions}
      />,
    );
    expect(screen.getByTestId("message-assistant").textContent).toBe("Once upon");
    expect(screen.getByTestId("execution-error").textContent).toContain("The answer stopped arriving");
    expect(screen.getByTestId("execution-error").textContent).not.toContain("refunded");
    expect(screen.queryByTestId("resend")).toBeNull(); // parts arrived: not resendable
    const regenerate = screen.getByTestId("regenerate");
    expect(regenerate.textContent).toBe("Regenerate");
    await act(async () => fireEvent.click(regenerate));
    expect(actions.regenerate).toHaveBeenCalledWith("a");
  });

  it("says the credits were refunded when the server reports the run failed", () => {
    render(
      <ChatView
        entries={[snapshot("a", { status: "failed", error: { code: "executionFailed", serverCode: null, serverMessage: "boom" } })]}
        agents={agents}
        actions={fakeActions()}
      />,
    );
    const error = screen.getByTestId("execution-error").textContent ?? "";
    expect(error).toContain('The server said: "boom"');
    expect(error).toContain("The credits for this run were refunded.");
  });

  it("shows why a resend could not be sent", async () => {
    const actions = fakeActions({ resend: vi.fn(async () => ({ status: "error" as const, error: { code: "timeout" as const } })) });
    render(
      <ChatView entries={[snapshot("a", { status: "failed", error: { code: "unreachable" } })]} agents={agents} actions={actions} />,
    );
    await act(async () => fireEvent.click(screen.getByTestId("resend")));
    expect(actions.resend).toHaveBeenCalledWith("a");
    expect(screen.getByTestId("action-error").textContent).toContain("The server took too long to answer");
  });

  it("explains a run that stopped to wait, with no error block", () => {
    render(<ChatView entries={[snapshot("a", { status: "awaitingApproval" })]} agents={agents} actions={fakeActions()} />);
    expect(screen.getByTestId("execution-notice").textContent).toContain("waiting for an approval");
    expect(screen.queryByTestId("execution-error")).toBeNull();
    expect(screen.queryByTestId("streaming-indicator")).toBeNull();
  });

  it("does not repeat a wait that a waiting part already explains", () => {
    render(
      <ChatView
        entries={[snapshot("a", { status: "awaitingClientTool", parts: [{ kind: "waiting", reason: "awaitingClientTool" }] })]}
        agents={agents}
        actions={fakeActions()}
      />,
    );
    expect(screen.getByTestId("part-waiting")).toBeTruthy();
    expect(screen.queryByTestId("execution-notice")).toBeNull();
  });

  it("says that a stopped answer may still be finished and charged", () => {
    render(
      <ChatView entries={[snapshot("a", { status: "stopped", text: "Half" })]} agents={agents} actions={fakeActions()} />,
    );
    expect(screen.getByTestId("execution-notice").textContent).toBe(
      "You stopped this answer. The server may still finish it and charge for it.",
    );
    expect(screen.queryByTestId("execution-error")).toBeNull();
    expect(screen.queryByTestId("stop-button")).toBeNull();
    expect(screen.getByTestId("message-assistant").textContent).toBe("Half");
  });

  it("keeps exchanges in order", () => {
    render(
      <ChatView
        entries={[snapshot("a", { message: "one" }), snapshot("b", { message: "two" })]}
        agents={agents}
        actions={fakeActions()}
      />,
    );
    expect(screen.getAllByTestId("message-user").map((e) => e.textContent)).toEqual(["one", "two"]);
  });
});

describe("ChatView for screen readers", () => {
  it("has one polite live region, and the growing list is not one", () => {
    const { container } = render(
      <ChatView entries={[snapshot("a", { text: "Hel" })]} agents={agents} actions={fakeActions()} />,
    );
    const live = container.querySelectorAll("[aria-live]");
    expect(live).toHaveLength(1);
    expect(live[0]!.getAttribute("aria-live")).toBe("polite");
    expect(screen.getByTestId("chat-list").hasAttribute("aria-live")).toBe(false);
  });

  it("announces when an answer starts and ends, not each delta, and not what was there at load", () => {
    const actions = fakeActions();
    const view = render(
      <ChatView entries={[snapshot("old", { status: "completed", text: "Earlier" })]} agents={agents} actions={actions} />,
    );
    const announcer = screen.getByTestId("chat-announcer");
    expect(announcer.textContent).toBe("");
    const old = snapshot("old", { status: "completed", text: "Earlier" });
    view.rerender(<ChatView entries={[old, snapshot("b", { text: "" })]} agents={agents} actions={actions} />);
    expect(announcer.textContent).toBe("Helper is answering");
    view.rerender(<ChatView entries={[old, snapshot("b", { seq: 2, text: "Hel" })]} agents={agents} actions={actions} />);
    view.rerender(<ChatView entries={[old, snapshot("b", { seq: 3, text: "Hello" })]} agents={agents} actions={actions} />);
    expect(announcer.textContent).toBe("Helper is answering");
    view.rerender(
      <ChatView entries={[old, snapshot("b", { seq: 4, text: "Hello", status: "completed" })]} agents={agents} actions={actions} />,
    );
    expect(announcer.textContent).toBe("Helper finished answering");
  });

  it("announces a failure with its sentence", () => {
    const actions = fakeActions();
    const view = render(<ChatView entries={[snapshot("b")]} agents={agents} actions={actions} />);
    view.rerender(
      <ChatView entries={[snapshot("b", { seq: 2, status: "failed", error: { code: "timeout" } })]} agents={agents} actions={actions} />,
    );
    expect(screen.getByTestId("chat-announcer").textContent).toMatch(/^Helper could not finish\. The server took too long/);
  });
});

// jsdom lays nothing out. These tests give the chat a small layout model instead: the
// scroller is VIEWPORT px high, each exchange as high as the test says (by handle), the
// exchanges stacked in the list with the list's padding and 24 px between them, as the
// browser lays them out; scrolling clamps like a browser's and fires `scroll`; a fake
// ResizeObserver delivers the exchanges' sizes when the test says the browser would.
// Each test renders and lays out a few hundred exchanges several times: slow on a busy machine.
describe("ChatView in a long conversation", { timeout: 30_000 }, () => {
  const VIEWPORT = 400;
  const GAP = 24;
  let heights: Map<string, number>;
  let observers: Set<{ callback: ResizeObserverCallback; targets: Set<Element>; self: ResizeObserver }>;

  const scroller = () => screen.getByTestId("chat-scroll");
  const rows = () => [...screen.getByTestId("chat-list").children] as HTMLElement[];
  const heightOf = (el: Element) => heights.get((el as HTMLElement).dataset.handle ?? "") ?? 100;

  /** The content's height as the browser would lay it out. */
  function contentHeight(): number {
    const list = document.querySelector<HTMLElement>('[data-testid="chat-list"]');
    if (!list) return 0;
    const children = [...list.children];
    const inFlow = children.reduce((sum, el) => sum + heightOf(el), 0) + GAP * Math.max(0, children.length - 1);
    return parseFloat(list.style.paddingTop || "0") + inFlow + parseFloat(list.style.paddingBottom || "0");
  }

  /** Where an exchange's top is, from the top of the view (px). */
  function topInView(handle: string): number {
    const list = screen.getByTestId("chat-list");
    let y = parseFloat(list.style.paddingTop || "0");
    for (const el of list.children) {
      if ((el as HTMLElement).dataset.handle === handle) return y - scroller().scrollTop;
      y += heightOf(el) + GAP;
    }
    throw new Error(`${handle} is not in the DOM`);
  }

  /** What the browser's ResizeObservers say after a layout: every element's size. */
  function deliverSizes() {
    for (const o of observers) {
      const entries = [...o.targets]
        .filter((t) => t.isConnected)
        .map((target) => {
          const blockSize = target.classList.contains("chat-scroll") ? VIEWPORT : heightOf(target);
          return { target, borderBoxSize: [{ blockSize, inlineSize: 600 }], contentRect: { height: blockSize, width: 600 } };
        });
      if (entries.length > 0) o.callback(entries as unknown as ResizeObserverEntry[], o.self);
    }
  }

  /** The next frame, then the browser's layout pass and what it leads to. */
  async function layout() {
    await act(async () => new Promise((r) => requestAnimationFrame(() => r(undefined))));
    await act(async () => deliverSizes());
    await act(async () => new Promise((r) => setTimeout(r, 0)));
  }

  /** The user drags the scrollbar. */
  async function scrollTo(top: number) {
    await act(async () => {
      scroller().scrollTop = top;
      scroller().dispatchEvent(new Event("scroll"));
    });
    await act(async () => new Promise((r) => setTimeout(r, 0)));
  }

  const maxScroll = () => Math.max(0, contentHeight() - VIEWPORT);
  const exchanges = (n: number, from = 0) =>
    Array.from({ length: n }, (_, i) => snapshot(`h${from + i}`, { message: `question ${from + i}`, text: `answer ${from + i}`, status: "completed" }));

  beforeEach(() => {
    heights = new Map();
    observers = new Set();
    vi.spyOn(HTMLElement.prototype, "clientHeight", "get").mockImplementation(function (this: HTMLElement) {
      return this.classList.contains("chat-scroll") ? VIEWPORT : 0;
    });
    vi.spyOn(HTMLElement.prototype, "offsetHeight", "get").mockImplementation(function (this: HTMLElement) {
      return this.classList.contains("exchange") ? heightOf(this) : 0;
    });
    vi.spyOn(HTMLElement.prototype, "scrollHeight", "get").mockImplementation(function (this: HTMLElement) {
      return this.classList.contains("chat-scroll") ? Math.max(VIEWPORT, contentHeight()) : 0;
    });
    Element.prototype.scrollTo = function (this: Element, options?: ScrollToOptions | number) {
      const top = typeof options === "object" ? (options.top ?? this.scrollTop) : 0;
      const max = Math.max(0, this.scrollHeight - this.clientHeight);
      const next = Math.min(max, Math.max(0, top));
      if (next === this.scrollTop) return;
      this.scrollTop = next;
      // As a browser does: an event when it moved, after the script that scrolled.
      queueMicrotask(() => this.dispatchEvent(new Event("scroll")));
    } as Element["scrollTo"];
    vi.stubGlobal(
      "ResizeObserver",
      class {
        constructor(callback: ResizeObserverCallback) {
          observers.add({ callback, targets: this.targets, self: this as unknown as ResizeObserver });
        }
        targets = new Set<Element>();
        observe(el: Element) {
          this.targets.add(el);
        }
        unobserve(el: Element) {
          this.targets.delete(el);
        }
        disconnect() {
          this.targets.clear();
        }
      },
    );
  });
  afterEach(() => {
    vi.unstubAllGlobals();
    delete (Element.prototype as Partial<Element>).scrollTo;
  });

  it("opens at the latest message with only the exchanges near the view in the DOM", async () => {
    render(<ChatView entries={exchanges(200)} agents={agents} actions={fakeActions()} />);
    await layout();
    await layout();
    const shown = rows();
    expect(shown.length).toBeLessThan(40);
    expect(shown[shown.length - 1]!.dataset.handle).toBe("h199");
    expect(scroller().scrollTop).toBe(maxScroll());
    expect(topInView("h199")).toBeLessThan(VIEWPORT);
    expect(screen.queryByTestId("jump-to-latest")).toBeNull();
    // Every exchange shown is numbered for the virtualizer, in order.
    expect(shown.map((r) => Number(r.dataset.index))).toEqual(shown.map((_, i) => 200 - shown.length + i));
  });

  it("follows a growing answer while the user is at the bottom", async () => {
    const entries = exchanges(30);
    const view = render(<ChatView entries={entries} agents={agents} actions={fakeActions()} />);
    await layout();
    const before = scroller().scrollTop;
    for (const size of [300, 700, 1500]) {
      heights.set("h29", size);
      view.rerender(
        <ChatView entries={[...entries.slice(0, 29), { ...entries[29]!, seq: size, status: "running" }]} agents={agents} actions={fakeActions()} />,
      );
      await layout();
      expect(scroller().scrollTop).toBe(maxScroll());
    }
    expect(scroller().scrollTop).toBe(before + 1400);
    expect(screen.queryByTestId("jump-to-latest")).toBeNull();
  });

  it("stops following when the user scrolls up, and Jump to latest brings the view back", async () => {
    const entries = exchanges(30);
    const view = render(<ChatView entries={entries} agents={agents} actions={fakeActions()} />);
    await layout();
    await scrollTo(maxScroll() - 500);
    // The exchanges that came into view are measured (their first guess was off).
    await layout();
    const reading = scroller().scrollTop;
    const read = rows().find((r) => topInView(r.dataset.handle!) >= 0)!.dataset.handle!;
    const at = topInView(read);
    const jump = screen.getByTestId("jump-to-latest");
    expect(jump.tagName).toBe("BUTTON");
    expect(jump.textContent).toContain("Jump to latest");
    heights.set("h29", 900);
    view.rerender(
      <ChatView entries={[...entries.slice(0, 29), { ...entries[29]!, seq: 9, status: "running" }]} agents={agents} actions={fakeActions()} />,
    );
    await layout();
    expect(scroller().scrollTop).toBe(reading);
    expect(topInView(read)).toBe(at);
    expect(maxScroll() - reading).toBeGreaterThan(1000);

    await act(async () => fireEvent.click(jump));
    await layout();
    expect(scroller().scrollTop).toBe(maxScroll());
    expect(screen.queryByTestId("jump-to-latest")).toBeNull();
    // The keyboard stays in the chat once the button has gone.
    expect(document.activeElement).toBe(scroller());
  });

  it("brings the view back to the bottom when the user sends a message", async () => {
    const entries = exchanges(30);
    const view = render(<ChatView entries={entries} agents={agents} actions={fakeActions()} />);
    await layout();
    await scrollTo(200);
    view.rerender(<ChatView entries={[...entries, snapshot("sent", { message: "a new question" })]} agents={agents} actions={fakeActions()} />);
    await layout();
    await layout();
    expect(rows()[rows().length - 1]!.dataset.handle).toBe("sent");
    expect(scroller().scrollTop).toBe(maxScroll());
    // And its answer is followed as it grows.
    heights.set("sent", 2000);
    view.rerender(
      <ChatView entries={[...entries, snapshot("sent", { message: "a new question", seq: 5, text: "a long answer" })]} agents={agents} actions={fakeActions()} />,
    );
    await layout();
    expect(scroller().scrollTop).toBe(maxScroll());
    expect(screen.queryByTestId("jump-to-latest")).toBeNull();
  });

  it("keeps the message being read in place when earlier messages are put above", async () => {
    const entries = exchanges(50, 100);
    const onNearTop = vi.fn();
    const view = render(<ChatView entries={entries} agents={agents} actions={fakeActions()} onNearTop={onNearTop} />);
    await layout();
    await scrollTo(1000);
    await layout();
    expect(onNearTop).not.toHaveBeenCalled();
    await scrollTo(300);
    await layout();
    expect(onNearTop).toHaveBeenCalled();
    const read = rows().find((r) => topInView(r.dataset.handle!) >= 0)!.dataset.handle!;
    const at = topInView(read);

    const earlier = exchanges(50, 50);
    for (const e of earlier) heights.set(e.handle, 160);
    view.rerender(<ChatView entries={[...earlier, ...entries]} agents={agents} actions={fakeActions()} onNearTop={onNearTop} />);
    await layout();
    await layout();
    expect(topInView(read)).toBe(at);
    expect(scroller().scrollTop).toBeGreaterThan(50 * 160);
    expect(screen.getByTestId("jump-to-latest")).toBeTruthy();
  });

  it("scrolls an exchange asked for to the middle and marks it for a few seconds", async () => {
    vi.useFakeTimers({ toFake: ["setTimeout", "clearTimeout"] });
    try {
      const entries = exchanges(100);
      heights.set("h20", 200);
      render(<ChatView entries={entries} agents={agents} actions={fakeActions()} focusHandle="h20" />);
      await act(async () => {
        await vi.advanceTimersByTimeAsync(10);
      });
      // A few frames: the exchanges around it are measured and the target corrected.
      for (let i = 0; i < 3; i++) {
        await act(async () => {
          deliverSizes();
          await vi.advanceTimersByTimeAsync(20);
        });
      }
      const focused = document.querySelector<HTMLElement>('[data-handle="h20"]')!;
      expect(focused.dataset.focused).toBe("true");
      expect(document.querySelectorAll('[data-focused="true"]')).toHaveLength(1);
      const middle = topInView("h20") + 100;
      expect(Math.abs(middle - VIEWPORT / 2)).toBeLessThanOrEqual(1);
      expect(screen.getByTestId("jump-to-latest")).toBeTruthy();

      await act(async () => {
        await vi.advanceTimersByTimeAsync(3000);
      });
      expect(document.querySelector<HTMLElement>('[data-handle="h20"]')!.dataset.focused).toBeUndefined();
    } finally {
      vi.useRealTimers();
    }
  });

  it("does nothing for an exchange that is not loaded", async () => {
    render(<ChatView entries={exchanges(30)} agents={agents} actions={fakeActions()} focusHandle="older" />);
    await layout();
    expect(document.querySelector('[data-focused="true"]')).toBeNull();
    expect(scroller().scrollTop).toBe(maxScroll());
  });
});
