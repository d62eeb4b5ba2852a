import { useEffect, useRef } from "react";
import { formatCount } from "../format";
import { messages } from "../messages";
import type { CostPreview } from "../bindings";

const words = messages.cost;

function credits(n: number | null): string {
  return words.credits(n ?? 0, formatCount(n));
}

type Props = {
  preview: CostPreview;
  /** Shown with Send and Cancel: the message waits for Send. */
  confirm?: { onSend: () => void; onCancel: () => void; sending: boolean };
  /** A Close button (a preview asked for on its own). */
  onClose?: () => void;
  /** A sentence above the total (the agent form's "Agent added…"). */
  lead?: string;
};

/** What a run costs: the total, the base cost and each rule's share. */
export function CostPreviewPanel({ preview, confirm, onClose, lead }: Props) {
  const send = useRef<HTMLButtonElement>(null);
  const asking = confirm !== undefined;
  // The focus goes to Send when the question appears.
  useEffect(() => {
    if (asking) send.current?.focus();
  }, [asking]);

  return (
    <section className="cost-preview" data-testid="cost-preview" aria-label={words.title}>
      {lead && <p className="cost-lead">{lead}</p>}
      <div className="cost-head">
        <span className="cost-title">{words.title}</span>
        <span className="cost-total" data-testid="cost-total">
          {credits(preview.credits)}
        </span>
        {onClose && (
          <button type="button" className="button quiet" aria-label={words.closeLabel} onClick={onClose}>
            {words.close}
          </button>
        )}
      </div>
      <table className="cost-table">
        <tbody>
          <tr data-testid="cost-base">
            <th scope="row">{words.base}</th>
            <td className="cost-credits">{credits(preview.baseCost)}</td>
          </tr>
          {preview.rules.map((rule, i) => (
            <tr key={i} data-testid="cost-rule">
              <th scope="row">
                <span className="cost-rule-name">{rule.name}</span>
                {rule.description && <span className="cost-rule-description">{rule.description}</span>}
              </th>
              <td className="cost-credits">{credits(rule.credits)}</td>
            </tr>
          ))}
        </tbody>
      </table>
      {confirm && (
        <div className="cost-confirm">
          <p>{words.confirm}</p>
          <button
            ref={send}
            type="button"
            className="button primary"
            data-testid="confirm-send"
            disabled={confirm.sending}
            onClick={confirm.onSend}
          >
            {words.send}
          </button>
          <button type="button" className="button quiet bordered" data-testid="cancel-send" onClick={confirm.onCancel}>
            {words.cancel}
          </button>
        </div>
      )}
    </section>
  );
}
