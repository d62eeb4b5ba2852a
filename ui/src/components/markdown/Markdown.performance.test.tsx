// Re-rendering a streamed answer must not cost more as the answer grows: finished
// blocks are parsed once, each delta parses only the block it changed. Counted by
// wrapping react-markdown (each call is one parse of one block), not timed.

import { cleanup, render } from "@testing-library/react";
import { beforeAll, describe, expect, it, vi } from "vitest";
import { splitBlocks } from "./blocks";
import { Markdown } from "./Markdown";
import { sampleAnswer } from "./sampleAnswer";

const parsed = vi.hoisted(() => [] as string[]);

vi.mock("react-markdown", async (importOriginal) => {
  const actual = await importOriginal<typeof import("react-markdown")>();
  const Counted = (props: Parameters<typeof actual.default>[0]) => {
    parsed.push(String(props.children));
    return actual.default(props);
  };
  return { ...actual, default: Counted };
});

describe("Markdown performance while streaming", () => {
  const blocks = splitBlocks(sampleAnswer).blocks;
  const step = 7; // a few characters a delta, as a model streams
  /** What each delta parsed, streaming the whole sample answer. */
  const perDelta: string[][] = [];
  let finalRender: string[] = [];

  beforeAll(() => {
    const view = render(<Markdown source="" streaming />);
    for (let end = step; end < sampleAnswer.length + step; end += step) {
      parsed.length = 0;
      view.rerender(<Markdown source={sampleAnswer.slice(0, end)} streaming />);
      perDelta.push([...parsed]);
    }
    parsed.length = 0;
    view.rerender(<Markdown source={sampleAnswer} streaming={false} />);
    finalRender = [...parsed];
    cleanup();
  }, 60_000);

  it("parses every finished block exactly once", () => {
    expect(blocks.length).toBeGreaterThan(100);
    const all = perDelta.flat();
    // Every block but the last two is finished while the answer still streams. (The
    // second block gets the answer's reference definition once it arrives, at the end.)
    // (The sample repeats its sections: a block that occurs n times is parsed n times.)
    for (const block of blocks.slice(0, -2)) {
      const occurrences = blocks.filter((other) => other === block).length;
      expect(all.filter((text) => text === block).length, JSON.stringify(block)).toBe(occurrences);
    }
  });

  it("parses a constant number of blocks per delta, however long the answer", () => {
    const counts = perDelta.map((texts) => texts.length);
    expect(Math.max(...counts)).toBeLessThanOrEqual(3);
    // The end of the answer costs what its start cost.
    const sum = (values: number[]) => values.reduce((a, b) => a + b, 0);
    expect(sum(counts.slice(-300))).toBeLessThanOrEqual(sum(counts.slice(0, 300)) * 1.5);
    // And no parse is of more than one block (plus what healing adds).
    const longestBlock = Math.max(...blocks.map((block) => block.length));
    expect(Math.max(...perDelta.flat().map((text) => text.length))).toBeLessThanOrEqual(longestBlock + 80);
  });

  it("re-parses only the block it ends with when the answer stops streaming", () => {
    expect(finalRender.length).toBeLessThanOrEqual(1);
  });
});
