import {
  memo,
  useEffect,
  useImperativeHandle,
  useRef,
  useState,
  type FormEvent,
  type KeyboardEvent,
  type ReactNode,
  type Ref,
} from "react";
import type { AppError } from "../bindings";
import type { Result } from "../result";
import { describeComposerProblem, describeError } from "../errors";
import { validateMessage } from "../validation";
import type { ComposerAttachments } from "../attachments/useAttachments";

/** What the owner may ask of the composer. */
export type ComposerHandle = {
  /** Submits as the Send button does (checks the message first). */
  submit(): void;
};

type Props = {
  /** The text in the box (the conversation's draft); the owner keeps it. */
  text: string;
  onTextChange: (text: string) => void;
  /**
   * Sends the text; resolves with the backend's answer. The owner clears the text.
   * Null: nothing was sent and there is nothing to say (the owner asks a question first).
   */
  onSend: (text: string) => Promise<Result<string, AppError> | null>;
  /** The box lost the focus (the owner saves the draft now). */
  onBlur?: () => void;
  disabled?: boolean;
  placeholder?: string;
  /** The box takes the focus whenever this changes (a chat was opened or started). */
  focusKey?: string | number;
  /** An empty message may be sent (an agent that runs on its variables alone). */
  messageOptional?: boolean;
  /** Shown before the Send button (the cost preview's button). */
  besideSend?: ReactNode;
  /** The words for an error the send returned (`describeError` unless given). */
  describeSendError?: (error: AppError) => string;
  submitRef?: Ref<ComposerHandle>;
  /** When this changes, a shown send error is dropped (the input it was about changed). */
  errorResetKey?: unknown;
  /** The staged files, the Attach button, pasted files, and why Send must wait for them. */
  attachments?: ComposerAttachments;
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
  messageOptional = false,
  besideSend,
  describeSendError = describeError,
  submitRef,
  errorResetKey,
  attachments,
}: Props) {
  const [error, setError] = useState<string | null>(null);
  useEffect(() => setError(null), [errorResetKey]);
  const [sending, setSending] = useState(false);
  const box = useRef<HTMLTextAreaElement>(null);
  const form = useRef<HTMLFormElement>(null);

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

  useImperativeHandle(submitRef, () => ({ submit: () => void submit() }));

  const blocked = attachments?.sendBlocked ?? null;

  async function submit() {
    if (sending || disabled || blocked !== null) return;
    const problem = validateMessage(text);
    if (problem && !(messageOptional && problem.kind === "empty")) {
      setError(describeComposerProblem(problem));
      return;
    }
    setSending(true);
    try {
      const result = await onSend(text);
      if (result === null || result.status === "ok") setError(null);
      else setError(describeSendError(result.error));
    } catch {
      setError(describeError({ code: "internal" }));
    } finally {
      setSending(false);
      // Back to the box, unless the owner moved the focus elsewhere meanwhile (to a
      // flagged field, a question).
      const focused = document.activeElement;
      if (!focused || focused === document.body || form.current?.contains(focused)) box.current?.focus();
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
    <form ref={form} className="composer" onSubmit={onSubmit} onPaste={attachments?.onPaste}>
      {error && (
        <p className="composer-error" data-testid="composer-error" role="alert">
          {error}
        </p>
      )}
      {attachments?.tray}
      <div className="composer-row">
        {attachments?.button}
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
        {besideSend}
        <button
          type="submit"
          className="button primary"
          data-testid="send"
          disabled={disabled || sending || blocked !== null}
          aria-describedby={blocked !== null ? "send-blocked" : undefined}
        >
          Send
        </button>
      </div>
      {blocked !== null && (
        <p className="send-blocked" id="send-blocked" data-testid="send-blocked" role="status">
          {blocked}
        </p>
      )}
      <p className="composer-hint">Enter to send · Shift+Enter for a new line</p>
    </form>
  );
});
