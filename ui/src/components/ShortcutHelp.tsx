import { Fragment } from "react";
import { messages } from "../messages";
import { SHORTCUTS, keysOf, type Platform, type Shortcut, type ShortcutAction } from "../keyboard/keymap";
import { Modal } from "./Modal";
import "./shortcutHelp.css";

const words = messages.shortcuts;

/** The shortcuts grouped by action, in the keymap's order. */
function byAction(): [ShortcutAction, Shortcut[]][] {
  const groups = new Map<ShortcutAction, Shortcut[]>();
  for (const s of SHORTCUTS) groups.set(s.action, [...(groups.get(s.action) ?? []), s]);
  return [...groups];
}

function Keys({ shortcut, platform }: { shortcut: Shortcut; platform: Platform }) {
  const keys = keysOf(shortcut, platform);
  return (
    <span className="shortcut-keys">
      {keys.map((key, i) => (
        <Fragment key={key}>
          {i > 0 && <span aria-hidden="true">{words.then}</span>}
          <kbd>{key}</kbd>
        </Fragment>
      ))}
      {shortcut.composerOnly && <span className="shortcut-where"> ({words.inComposer})</span>}
    </span>
  );
}

/** Every keyboard shortcut with the platform's keys, in a dialog. */
export function ShortcutHelp({ platform, onClose }: { platform: Platform; onClose: () => void }) {
  return (
    <Modal
      title={words.title}
      closeText={words.close}
      closeLabel={words.closeLabel}
      onClose={onClose}
      className="shortcut-help"
      testId="shortcut-help"
    >
      <dl className="shortcut-list">
        {byAction().map(([action, shortcuts]) => (
          <div className="shortcut-row" key={action} data-testid={`shortcut-${action}`}>
            <dt>{words.actions[action]}</dt>
            <dd>
              {shortcuts.map((s, i) => (
                <Fragment key={i}>
                  {i > 0 && <span className="shortcut-or"> {words.or} </span>}
                  <Keys shortcut={s} platform={platform} />
                </Fragment>
              ))}
            </dd>
          </div>
        ))}
      </dl>
    </Modal>
  );
}
