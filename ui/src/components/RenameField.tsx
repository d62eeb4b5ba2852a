import { useEffect, useRef, useState, type KeyboardEvent } from "react";
import { messages } from "../messages";

const words = messages.conversationActions;

type Props = {
  /** The title it starts with. */
  initial: string;
  /** Saves; resolves with whether the title was taken (it stays open to fix it otherwise). */
  onSave: (title: string) => Promise<boolean>;
  onCancel: () => void;
  /** Why the last save failed, said under the field. */
  error: string | null;
};

/**
 * A conversation's title edited in place: Enter (or leaving the field) saves, Escape
 * cancels. A title left empty, or unchanged, changes nothing. Nothing is cut: a title
 * over the limit is refused by the backend with the limit named, and stays as typed.
 */
export function RenameField({ initial, onSave, onCancel, error }: Props) {
  const [value, setValue] = useState(initial);
  const [saving, setSaving] = useState(false);
  const input = useRef<HTMLInputElement>(null);
  const done = useRef(false);

  useEffect(() => {
    input.current?.focus();
    input.current?.select();
  }, []);

  async function save() {
    if (done.current || saving) return;
    const title = value.trim();
    if (title === "" || title === initial.trim()) {
      done.current = true;
      onCancel();
      return;
    }
    setSaving(true);
    const ok = await onSave(value);
    setSaving(false);
    if (ok) done.current = true;
  }

  function onKeyDown(event: KeyboardEvent<HTMLInputElement>) {
    if (event.key === "Enter") {
      event.preventDefault();
      void save();
    } else if (event.key === "Escape") {
      event.preventDefault();
      event.stopPropagation();
      done.current = true;
      onCancel();
    }
  }

  return (
    <div className="rename-field">
      <input
        ref={input}
        className="rename-input"
        data-testid="rename-input"
        aria-label={words.renameLabel}
        aria-invalid={error !== null}
        value={value}
        disabled={saving}
        onChange={(e) => setValue(e.target.value)}
        onKeyDown={onKeyDown}
        onBlur={() => void save()}
      />
    </div>
  );
}
