/**
 * "Remove", then an inline "really?" with its two answers: used by the lists of the
 * user's command tools and MCP servers, where a removal is one click away from the
 * item it removes and a dialog would be heavier than the choice.
 */
export type RemoveButtonProps = {
  /** The question, naming what goes ("Remove the tool “x”?"). */
  question: string;
  /** Whether the question is showing (the list shows it for one item at a time). */
  confirming: boolean;
  /** Shows the question. */
  onAsk: () => void;
  /** Removes. */
  onYes: () => void;
  /** Hides the question. */
  onNo: () => void;
  /** While something else is being saved. */
  busy: boolean;
  /** When the settings cannot be changed. */
  readOnly: boolean;
  /** The buttons' words. */
  words: { remove: string; removeYes: string; removeNo: string };
  /** `data-testid` of "Remove"; its confirmation gets `<testId>-confirm`. */
  testId: string;
};

export function RemoveButton({ question, confirming, onAsk, onYes, onNo, busy, readOnly, words, testId }: RemoveButtonProps) {
  if (!confirming) {
    return (
      <button type="button" className="button" data-testid={testId} disabled={busy || readOnly} onClick={onAsk}>
        {words.remove}
      </button>
    );
  }
  return (
    <span className="remove-confirm" role="group" aria-label={question}>
      {question}{" "}
      <button type="button" className="button danger" data-testid={`${testId}-confirm`} disabled={busy} onClick={onYes}>
        {words.removeYes}
      </button>
      <button type="button" className="button" onClick={onNo}>
        {words.removeNo}
      </button>
    </span>
  );
}
