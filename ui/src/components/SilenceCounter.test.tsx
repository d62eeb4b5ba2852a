import { act, cleanup, render, screen } from "@testing-library/react";
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { clientToolDone, clientToolRunning, clientToolWaiting, tool } from "./parts/samples";
import { SilenceCounter, waitsForYou } from "./SilenceCounter";

describe("SilenceCounter", () => {
  beforeEach(() => {
    vi.useFakeTimers();
    vi.setSystemTime(0);
  });
  afterEach(() => {
    cleanup();
    vi.useRealTimers();
  });

  it("shows nothing while events arrive, then how long the answer has been silent", () => {
    const { rerender } = render(<SilenceCounter seq={1} />);
    act(() => vi.advanceTimersByTime(9_000));
    expect(screen.queryByTestId("silence-counter")).toBeNull();
    rerender(<SilenceCounter seq={2} />);
    act(() => vi.advanceTimersByTime(9_000));
    expect(screen.queryByTestId("silence-counter")).toBeNull();
    act(() => vi.advanceTimersByTime(56_000));
    expect(screen.getByTestId("silence-counter").textContent).toBe(
      "Nothing new for 1 min 5 s. The agent may still be working (the server keeps running it); Stop ends it here.",
    );
  });

  it("starts counting again when an update arrives", () => {
    const { rerender } = render(<SilenceCounter seq={1} />);
    act(() => vi.advanceTimersByTime(20_000));
    expect(screen.getByTestId("silence-counter")).toBeTruthy();
    rerender(<SilenceCounter seq={2} />);
    expect(screen.queryByTestId("silence-counter")).toBeNull();
  });

  it("says at once that the approval dialog waits for the user, instead of counting", () => {
    const { rerender } = render(<SilenceCounter seq={1} waitingForYou />);
    const notice = screen.getByTestId("silence-counter");
    expect(notice.textContent).toBe("Waiting for your answer in the approval dialog");
    expect(notice.getAttribute("role")).toBeNull();
    act(() => vi.advanceTimersByTime(65_000));
    expect(screen.getByTestId("silence-counter").textContent).toBe("Waiting for your answer in the approval dialog");
    rerender(<SilenceCounter seq={2} />);
    expect(screen.queryByTestId("silence-counter")).toBeNull();
    act(() => vi.advanceTimersByTime(11_000));
    expect(screen.getByTestId("silence-counter").textContent).toMatch(/^Nothing new for 11 s\./);
  });
});

describe("waitsForYou", () => {
  it("is true while any tool call on this computer waits for the dialog", () => {
    expect(waitsForYou([])).toBe(false);
    expect(waitsForYou([tool, clientToolRunning])).toBe(false);
    expect(waitsForYou([tool, clientToolWaiting])).toBe(true);
    expect(waitsForYou([clientToolDone, clientToolWaiting, { ...clientToolWaiting, callId: "ct_2", state: "received" }])).toBe(true);
    expect(waitsForYou([clientToolDone])).toBe(false);
  });
});
