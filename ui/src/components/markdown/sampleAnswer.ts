// A long answer with every kind of block, for the streaming and splitting tests.

const section = (n: number) => `## Step ${n}

Some **bold**, some *italic*, \`inline code\`, ~~struck~~ and a [link](https://example.com/${n}).
A second line of the same paragraph, with math $a_${n} + b$ inline.

- first item
- second item with **bold**
  continued lazily

1. one
2. two

   a loose paragraph inside the second item

\`\`\`ts
function step${n}(x: number): number {
  // a comment with $$ and **stars**
  return x * ${n};
}
\`\`\`

| name | value |
|:-----|------:|
| a    | ${n}  |
| b    | ${n * 2} |

> A quote
> on two lines

$$
\\sum_{i=1}^{${n}} i

= \\frac{${n}(${n}+1)}{2}
$$

- [x] done
- [ ] to do

---
`;

/** About 8 KB: 12 sections of 15 blocks each, plus references at the end. */
export const sampleAnswer =
  "# A long answer\n\nIntro with a reference [docs][d] and a footnote[^1].\n\n" +
  Array.from({ length: 12 }, (_, i) => section(i + 1)).join("\n") +
  "\n[d]: https://docs.example.com/\n\n[^1]: The footnote.\n";
