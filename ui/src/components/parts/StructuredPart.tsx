import { memo, useId, useMemo, useState } from "react";
import { messages } from "../../messages";
import { BracesIcon, ChevronIcon } from "./icons";
import { isContainer, parseJson } from "./json";
import type { PartOf } from "./types";
import { useCopy } from "../useCopy";

const words = messages.parts.structured;

/** Rows shown per object or array; the rest is in the raw JSON (keeps the DOM small). */
const MAX_ROWS = 200;

type Container = Record<string, unknown> | unknown[];

function rowsOf(value: Container): [string, unknown][] {
  return Array.isArray(value) ? value.map((item, index) => [String(index), item]) : Object.entries(value);
}

function Scalar({ value }: { value: unknown }) {
  if (value === null) return <span className="json-null">null</span>;
  if (typeof value === "string") return <span className="json-string">{value}</span>;
  if (typeof value === "number") return <span className="json-number">{String(value)}</span>;
  if (typeof value === "boolean") return <span className="json-boolean">{String(value)}</span>;
  return <span>{String(value)}</span>;
}

function NestedValue({ name, value }: { name: string; value: Container }) {
  const [open, setOpen] = useState(false);
  const id = useId();
  const count = Array.isArray(value) ? words.items(value.length) : words.keys(Object.keys(value).length);
  return (
    <>
      <button
        type="button"
        className="part-toggle json-expand"
        aria-expanded={open}
        aria-controls={id}
        aria-label={`${words.expand(name)}: ${count}`}
        onClick={() => setOpen(!open)}
      >
        <ChevronIcon open={open} />
        <span className="json-count">{Array.isArray(value) ? `[ ${count} ]` : `{ ${count} }`}</span>
      </button>
      <div id={id} className="json-nested" hidden={!open}>
        {open && <JsonTable value={value} />}
      </div>
    </>
  );
}

function JsonTable({ value, testId, label }: { value: Container; testId?: string; label?: string }) {
  const rows = rowsOf(value);
  const hidden = rows.length - MAX_ROWS;
  return (
    <table className="json-table" data-testid={testId} aria-label={label}>
      <tbody>
        {rows.slice(0, MAX_ROWS).map(([key, item]) => (
          <tr key={key}>
            <th scope="row">{key}</th>
            <td>{isContainer(item) ? <NestedValue name={key} value={item} /> : <Scalar value={item} />}</td>
          </tr>
        ))}
        {hidden > 0 && (
          <tr>
            <td colSpan={2} className="part-muted">
              {words.moreRows(hidden)}
            </td>
          </tr>
        )}
      </tbody>
    </table>
  );
}

/** A structured result: a key/value table, the raw JSON on demand, and Copy JSON. */
export const StructuredPart = memo(function StructuredPart({ part }: { part: PartOf<"structuredOutput"> }) {
  const parsed = useMemo(() => parseJson(part.json), [part.json]);
  const table = parsed.ok && isContainer(parsed.value) ? parsed.value : null;
  const [raw, setRaw] = useState(false);
  const { state: copy, copy: copyJson } = useCopy(part.json);
  const rawId = useId();

  const showRaw = raw || table === null;
  return (
    <div className="part part-card part-structured" data-testid="part-structured">
      <div className="part-card-header">
        <span className="part-card-icon">
          <BracesIcon />
        </span>
        <span className="part-card-title">{words.title}</span>
        {part.source === "answerText" && <span className="part-muted structured-source">{words.fromAnswer}</span>}
        <span className="part-card-actions">
          {table !== null && (
            <button
              type="button"
              className="chip-button"
              data-testid="structured-raw-toggle"
              aria-pressed={raw}
              aria-controls={rawId}
              onClick={() => setRaw(!raw)}
            >
              {words.showRaw}
            </button>
          )}
          <button type="button" className="chip-button" data-testid="structured-copy" data-state={copy} onClick={() => void copyJson()}>
            {copy === "copied" ? words.copied : copy === "failed" ? words.copyFailed : words.copy}
          </button>
        </span>
      </div>
      <div className="part-card-body" id={rawId}>
        {!parsed.ok && <p className="part-note">{words.notJson}</p>}
        {showRaw ? (
          <pre className="part-json" data-testid="structured-raw">
            {part.json}
          </pre>
        ) : (
          <JsonTable value={table!} testId="structured-table" label={words.title} />
        )}
      </div>
    </div>
  );
});
