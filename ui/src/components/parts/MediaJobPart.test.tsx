import { act, cleanup, render, screen } from "@testing-library/react";
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { MediaJobPart } from "./MediaJobPart";
import { media, mediaReady } from "./samples";

beforeEach(() => {
  vi.useFakeTimers();
});
afterEach(() => {
  cleanup();
  vi.useRealTimers();
});

const elapsed = () => screen.getByTestId("media-elapsed").textContent;

describe("MediaJobPart", () => {
  it("counts the seconds while it generates", () => {
    render(<MediaJobPart part={media} running />);
    expect(elapsed()).toBe("0 s elapsed");
    act(() => vi.advanceTimersByTime(1000));
    expect(elapsed()).toBe("1 s elapsed");
    act(() => vi.advanceTimersByTime(2000));
    expect(elapsed()).toBe("3 s elapsed");
    expect(screen.getByTestId("media-status").textContent).not.toContain("still working");
  });

  it("starts from what a heartbeat proves and says the server is still working", () => {
    const view = render(<MediaJobPart part={{ ...media, lastHeartbeatAtMs: 60 + 12_000 }} running />);
    expect(elapsed()).toBe("12 s elapsed");
    expect(screen.getByTestId("media-status").textContent).toContain("still working");
    act(() => vi.advanceTimersByTime(1000));
    expect(elapsed()).toBe("13 s elapsed");
    // A later heartbeat further ahead than the local count moves it forward.
    view.rerender(<MediaJobPart part={{ ...media, lastHeartbeatAtMs: 60 + 30_000 }} running />);
    expect(elapsed()).toBe("30 s elapsed");
  });

  it("stops counting when the job is ready and shows its size", () => {
    const view = render(<MediaJobPart part={media} running />);
    act(() => vi.advanceTimersByTime(2000));
    view.rerender(<MediaJobPart part={mediaReady} running />);
    const card = screen.getByTestId("part-media-job");
    expect(card.dataset.state).toBe("ready");
    expect(card.textContent).toContain("Image ready");
    expect(card.textContent).toContain("64 × 48 px");
    expect(screen.queryByTestId("media-elapsed")).toBeNull();
    expect(vi.getTimerCount()).toBe(0);
  });

  it("says Video for a video and loads nothing", () => {
    const { container } = render(<MediaJobPart part={{ ...mediaReady, mediaKind: "video", media: [] }} running={false} />);
    expect(screen.getByTestId("media-title").textContent).toBe("Video ready");
    expect(screen.queryByTestId("media-size")).toBeNull();
    expect(container.querySelector("img, video, [src]")).toBeNull();
  });

  it("stops ticking when the execution ends while it generates", () => {
    const view = render(<MediaJobPart part={media} running />);
    view.rerender(<MediaJobPart part={media} running={false} />);
    expect(vi.getTimerCount()).toBe(0);
    expect(screen.getByTestId("media-status").textContent).toContain("Not finished");
  });
});
