// A long paragraph, while it streams, cut into stable pieces so that a new delta
// re-parses only the last piece: without this, one paragraph of 100 KB (plain text with
// no blank line) is re-parsed whole on every frame and the cost grows with the answer.
//
// A cut falls only on whitespace where the text before it closes every inline construct
// that could span it (code spans, math, emphasis with `*`, link text and link targets),
// and a cut depends only on the text before it, so earlier pieces never change while the
// answer grows. Each piece is shown as a block without a gap (laying out one inline
// paragraph of 100 KB costs as much as parsing it), so while it streams such a paragraph
// wraps early at each cut; once the answer is complete it is parsed and shown whole.

/** Roughly how long a piece is. */
export const PIECE_LENGTH = 2_000;

/** Whether `block` is a plain paragraph: no line starts block syntax. */
export function isParagraph(block: string): boolean {
  return !block.split("\n").some((line) => /^\s*([#>|`~$<]|[-*+]\s|\d+[.)]\s|\[\^?[^\]]*\]:)/.test(line) || line.trim() === "");
}

/** `block` cut into pieces (one piece when it is short or not a plain paragraph). */
export function streamingPieces(block: string, pieceLength = PIECE_LENGTH): string[] {
  if (block.length < pieceLength * 2 || !isParagraph(block)) return [block];
  const pieces: string[] = [];
  let start = 0;
  let backticks = 0;
  let dollars = 0;
  let strong = 0;
  let em = 0;
  let brackets = 0;
  let targetOpen = false;
  for (let i = 0; i < block.length; i++) {
    const c = block[i];
    if (c === "`") backticks++;
    else if (c === "$") dollars++;
    else if (c === "*" && block[i + 1] === "*") {
      strong++;
      i++;
      continue;
    } else if (c === "*") em++;
    else if (c === "[") brackets++;
    else if (c === "]") {
      brackets = Math.max(0, brackets - 1);
      if (block[i + 1] === "(") targetOpen = true;
    } else if (c === ")" && targetOpen) targetOpen = false;
    const balanced = backticks % 2 === 0 && dollars % 2 === 0 && strong % 2 === 0 && em % 2 === 0 && brackets === 0 && !targetOpen;
    // Leave the last stretch whole: it is still growing.
    if (i - start >= pieceLength && block.length - i > pieceLength && (c === " " || c === "\n") && balanced) {
      pieces.push(block.slice(start, i + 1));
      start = i + 1;
    }
  }
  pieces.push(block.slice(start));
  return pieces;
}
