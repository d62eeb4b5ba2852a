import { describe, expect, it } from "vitest";
import { formatCost, formatCount, formatDuration, formatElapsed, formatLatency, formatUsage } from "./format";

describe("formatters", () => {
  it("separates thousands", () => {
    expect(formatCount(0)).toBe("0");
    expect(formatCount(1234)).toBe("1,234");
    expect(formatCount(65536)).toBe("65,536");
    expect(formatCount(1234567)).toBe("1,234,567");
  });

  it("shows cost in dollars with 4 decimals", () => {
    expect(formatCost(4200)).toBe("$0.0042");
    expect(formatCost(0)).toBe("$0.0000");
    expect(formatCost(1_500_000)).toBe("$1.5000");
    expect(formatCost(1_234_567_800)).toBe("$1,234.5678");
    expect(formatCost(49)).toBe("$0.0000");
    expect(formatCost(51)).toBe("$0.0001");
  });

  it("shows latency in seconds with 2 decimals", () => {
    expect(formatLatency(2340)).toBe("2.34 s");
    expect(formatLatency(5)).toBe("0.01 s");
    expect(formatLatency(0)).toBe("0.00 s");
    expect(formatLatency(61_000)).toBe("61.00 s");
  });

  it("shows durations in ms, tenths of a second or minutes", () => {
    expect(formatDuration(0)).toBe("0 ms");
    expect(formatDuration(45)).toBe("45 ms");
    expect(formatDuration(300)).toBe("0.3 s");
    expect(formatDuration(1234)).toBe("1.2 s");
    expect(formatDuration(59_960)).toBe("1 min");
    expect(formatDuration(125_000)).toBe("2 min 5 s");
  });

  it("counts elapsed time in whole seconds", () => {
    expect(formatElapsed(999)).toBe("0 s");
    expect(formatElapsed(42_100)).toBe("42 s");
    expect(formatElapsed(63_000)).toBe("1 min 3 s");
    expect(formatElapsed(-5)).toBe("0 s");
  });

  it("formats the usage line", () => {
    expect(
      formatUsage({ inputTokens: 1000, outputTokens: 234, totalTokens: 1234, costMicrodollars: 4200, latencyMs: 2340 }),
    ).toBe("1,234 tokens (1,000 in · 234 out) · $0.0042 · 2.34 s");
  });
});

describe("formatRelativeTime", () => {
  const now = new Date(2026, 0, 15, 12, 0, 0).getTime();
  it("says minutes, hours, yesterday, then a date", async () => {
    const { formatRelativeTime } = await import("./format");
    expect(formatRelativeTime(now - 20_000, now)).toBe("just now");
    expect(formatRelativeTime(now - 2 * 60_000, now)).toBe("2 min ago");
    expect(formatRelativeTime(now - 3 * 3_600_000, now)).toBe("3 h ago");
    expect(formatRelativeTime(new Date(2026, 0, 14, 9, 0).getTime(), now)).toBe("yesterday");
    expect(formatRelativeTime(new Date(2026, 0, 3, 9, 0).getTime(), now)).toBe("Jan 3");
    expect(formatRelativeTime(new Date(2025, 2, 4, 9, 0).getTime(), now)).toBe("Mar 4, 2025");
  });
});
