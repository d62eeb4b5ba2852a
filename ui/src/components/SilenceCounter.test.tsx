import { act, cleanup, render, screen } from "@testing-library/react";
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { SilenceCounter } from "./SilenceCounter";

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
});
