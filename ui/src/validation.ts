import type { ComposerProblem } from "./errors";

/** The API's limit on a message, in Unicode code points. */
export const MESSAGE_LIMIT = 65_536;

/** Checks a message before it is sent; null when it may be sent. */
export function validateMessage(text: string): ComposerProblem | null {
  if (text.trim().length === 0) return { kind: "empty" };
  const length = [...text].length;
  if (length > MESSAGE_LIMIT) return { kind: "tooLong", length, limit: MESSAGE_LIMIT };
  return null;
}
