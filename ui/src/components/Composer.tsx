import { memo, useEffect, useRef, useState, type FormEvent, type KeyboardEvent } from "react";
import type { AppError } from "../bindings";
import type { Result } from "../result";
import { describeComposerProblem, describeError } from "../errors";
import { validateMessage } from "../validation";

type Props = {
  /** The text in the box (the conversation's draft); the owner keeps it. */
  text: string;
  onTextChange: (text: string) => void;
  /** Sends the text; resolves with the backend's answer. The owner clears the text. */
  onSend: (text: string) => Promise<Result<string, AppError>>;
  /** The box lost the focus (the owner saves the draft now). */
  onBlur?: () => void;
  disabled?: boolean;
  placeholder?: string;
  /** The box takes the focus whenever this changes (a chat was opened or started). */
  focusKey?: string | number;
};

/** Tallest the text box grows before it scrolls, in px. */
const MAX_HEIGHT = 200;

/** Where the user writes. Enter sends, Shift+Enter starts a new line. */
export const Composer = memo(function Composer({
  text,
  onTextChange,
  onSend,
  onBlur,
  disabled = false,
  placeholder = "Write a message…",
  focusKey,
}: Props) {
  const [error, setError] = useState<string | null>(null);
  const [sending, setSending] = useState(false);
  const box = useRef<HTMLTextAreaElement>(null);

  useEffect(() => {
    const el = box.current;
    if (el) {
      el.style.height = "auto";
      el.style.height = `${Math.min(el.scrollHeight, MAX_HEIGHT)}px`;
    }
  }, [text]);

  useEffect(() => {
    if (focusKey === undefined) return;
    setError(null);
    box.current?.focus();
  }, [focusKey]);

  async function submit() {
    if (sending || disabled) return;
    const problem = validateMessage(text);
    if (problem) {
      setError(describeComposerProblem(problem));
      return;
    }
    setSending(true);
    try {
      const result = await onSend(text);
      if (result.status === "ok") setError(null);
      else setError(describeError(result.error));
    } catch {
      setError(describeError({ code: "internal" }));
    } finally {
      setSending(false);
      box.current?.focus();
    }
  }

  function onKeyDown(e: KeyboardEvent<HTMLTextAreaElement>) {
    if (e.key === "Enter" && !e.shiftKey && !e.nativeEvent.isComposing) {
      e.preventDefault();
      void submit();
    }
  }

  function onSubmit(e: FormEvent) {
    e.preventDefault();
    void submit();
  }

  return (
    <form className="composer" onSubmit={onSubmit}>
      {error && (
        <p className="composer-error" data-testid="composer-error" role="alert">
          {error}
        </p>
      )}
      <div className="composer-row">
        <textarea
          ref={box}
          data-testid="composer"
          aria-label="Message"
          rows={1}
          value={text}
          placeholder={placeholder}
          disabled={disabled}
          aria-invalid={error !== null}
          onChange={(e) => {
            onTextChange(e.target.value);
            setError(null);
          }}
          onBlur={onBlur}
          onKeyDown={onKeyDown}
        />
        <button type="submit" className="button primary" data-testid="send" disabled={disabled || sending}>
          Send
        </button>
      </div>
      <p className="composer-hint">Enter to send · Shift+Enter for a new line</p>
    </form>
  );
});
