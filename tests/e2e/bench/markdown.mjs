// A long markdown answer for the rendering benchmark: headings, paragraphs, lists,
// tables, code fences and formulas, repeated to a given number of tokens (deltas).

const SECTION = (n) => `## Section ${n}: streaming results

The renderer keeps **finished blocks** as they are and only re-renders the block that
is still growing, so the cost of a delta does not grow with the answer. Item ${n} adds
*emphasis*, \`inline code\` and a [link](https://example.com/section/${n}).

- first point of section ${n}
- second point with **bold** text
- third point with a formula $e_{${n}} = m c^2$

| metric | value | unit |
|---|---|---|
| tokens | ${n * 100} | count |
| latency | ${n % 17} | ms |
| frames | ${n * 3} | count |

\`\`\`rust
fn section_${n}(input: u64) -> u64 {
    let doubled = input * 2;
    doubled + ${n}
}
\`\`\`

$$
S_{${n}} = \\sum_{i=1}^{${n}} i = \\frac{${n}(${n}+1)}{2}
$$

> A quote closes section ${n}.

`;

/** Markdown of at least `tokens` whitespace-separated words. */
export function longMarkdown(tokens) {
  let text = "";
  let n = 1;
  while (text.split(/\s+/).length < tokens) text += SECTION(n++);
  return text;
}

/** Plain text of exactly `tokens` words. */
export function plainText(tokens) {
  return Array.from({ length: tokens }, (_, i) => `t${i}`).join(" ");
}
