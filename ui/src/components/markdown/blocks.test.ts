import { describe, expect, it } from "vitest";
import { BlockSplitter, splitBlocks } from "./blocks";
import { sampleAnswer } from "./sampleAnswer";
import { xssCorpus } from "./xss-corpus";

describe("splitBlocks", () => {
  it("splits at top-level blocks, keeping blank lines with the block before", () => {
    const split = splitBlocks("# Title\n\nA paragraph\nof two lines.\n\n- a\n- b\n\n```js\nx\n```\nafter");
    expect(split.blocks).toEqual(["# Title\n\n", "A paragraph\nof two lines.\n\n", "- a\n- b\n\n", "```js\nx\n```\n", "after"]);
  });

  it("joined, the blocks are the answer", () => {
    for (const source of [sampleAnswer, ...xssCorpus.map((entry) => entry.markdown), "\n\n  lead\n", "a\r\nb\r\n\r\nc"]) {
      expect(splitBlocks(source).blocks.join("")).toBe(source.replace(/\r\n?/g, "\n"));
    }
  });

  it("keeps display math whole across blank lines", () => {
    const split = splitBlocks("before\n\n$$\na\n\nb\n$$\n\nafter");
    expect(split.blocks).toEqual(["before\n\n", "$$\na\n\nb\n$$\n\n", "after"]);
  });

  it("does not take $$ in code or inline math as a math fence", () => {
    expect(splitBlocks("```sh\necho $$\n```\n\nnext").blocks).toEqual(["```sh\necho $$\n```\n\n", "next"]);
    expect(splitBlocks("$$x$$ inline\n\nnext").blocks).toEqual(["$$x$$ inline\n\n", "next"]);
  });

  it("keeps an unclosed code fence as one block to the end", () => {
    expect(splitBlocks("intro\n\n```py\na\n\n\nb").blocks).toEqual(["intro\n\n", "```py\na\n\n\nb"]);
  });

  it("gives each block the definitions it uses that other blocks hold", () => {
    const split = splitBlocks(
      "[a][x] and [Y]\n\n[x]: https://x.example/ \"X\"\n\n- [x] done\n\nnone\n\n[^1]: note\n[^2]: more\n\n[y]: javascript:alert(1)\n\n[^1] [z] [^2]\n\n    [^1] indented code",
    );
    expect(split.definitions).toEqual([
      '[x]: https://x.example/ "X"\n\n[y]: javascript:alert(1)',
      "",
      '[x]: https://x.example/ "X"',
      "",
      "",
      "",
      "",
      "[^1]: note\n\n[^2]: more",
      "",
    ]);
  });
});

describe("BlockSplitter", () => {
  function streamed(source: string, step: number): string[] {
    const splitter = new BlockSplitter();
    let blocks: string[] = [];
    for (let end = step; end < source.length + step; end += step) {
      const prefix = source.slice(0, end);
      blocks = splitter.split(prefix).blocks;
      expect(blocks.join("")).toBe(prefix);
    }
    return blocks;
  }

  it("splits a growing answer like the whole answer", () => {
    const whole = splitBlocks(sampleAnswer).blocks;
    for (const step of [1, 3, 7, 50]) expect(streamed(sampleAnswer, step)).toEqual(whole);
  });

  it("gives every prefix the same split as splitting it whole", () => {
    const splitter = new BlockSplitter();
    for (let end = 1; end <= sampleAnswer.length; end += 5) {
      const prefix = sampleAnswer.slice(0, end);
      expect(splitter.split(prefix)).toEqual(splitBlocks(prefix));
    }
  });

  it("joins a list whose next item arrives after a blank line", () => {
    const splitter = new BlockSplitter();
    splitter.split("intro\n\nmore\n\n1. a\n\n2");
    expect(splitter.split("intro\n\nmore\n\n1. a\n\n2. b").blocks).toEqual(["intro\n\n", "more\n\n", "1. a\n\n2. b"]);
  });

  it("starts over when the answer is replaced rather than extended", () => {
    const splitter = new BlockSplitter();
    splitter.split("# One\n\ntwo\n\nthree\n\nfour");
    expect(splitter.split("# Other\n\nx").blocks).toEqual(["# Other\n\n", "x"]);
  });
});
