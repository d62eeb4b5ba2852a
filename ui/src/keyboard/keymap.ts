// The app's keyboard shortcuts: which key press means which action. Pure (no React, no
// DOM beyond the event's fields), so every binding is tested without a window.
//
// Rules the bindings keep:
// - Every shortcut but Escape needs the platform's command key (Ctrl on Linux and
//   Windows, Cmd on macOS) or Alt, so typing never triggers one. On macOS Ctrl is left
//   alone: Ctrl+N, Ctrl+K... are text-editing keys there.
// - None takes a text-editing key (Ctrl+A/C/V/X/Z/Y, Ctrl+Left/Right, Ctrl+Backspace,
//   Home/End) nor the native menu's Ctrl+Q (src-tauri/src/quit.rs).
// - Letters are matched by the character they type, so they follow the keyboard layout;
//   a layout that types no Latin letter (Cyrillic, Greek) falls back to the key's
//   position. Punctuation is matched by either.

/** What a shortcut does. */
export type ShortcutAction =
  | "newChat"
  | "search"
  | "focusComposer"
  | "stop"
  | "nextConversation"
  | "previousConversation"
  | "openSettings"
  | "showHelp";

export type Platform = "mac" | "other";

/** The fields of a `KeyboardEvent` the keymap reads. */
export type KeyPress = {
  key: string;
  code: string;
  ctrlKey: boolean;
  metaKey: boolean;
  altKey: boolean;
  shiftKey: boolean;
  /** An input method is composing: the key belongs to it. */
  isComposing?: boolean;
};

/** Where the key was pressed, as far as the keymap cares. */
export type KeyContext = {
  platform: Platform;
  /** A modal dialog is open: it owns the keyboard (Tab, Escape, its own controls). */
  modalOpen: boolean;
  /** The focus is in the message box. */
  inComposer: boolean;
  /** The focus is on a drop-down list, where Alt+Up/Down opens and closes it. */
  inSelect?: boolean;
  /** Something before the app handled the key (a menu closed on Escape). */
  handled?: boolean;
};

type Modifier = "mod" | "alt" | "none";

/** One shortcut: its action and the keys that press it (the first is shown). */
export type Shortcut = {
  action: ShortcutAction;
  modifier: Modifier;
  /** Key names as `KeyboardEvent.key` gives them (letters lower-case). */
  keys: readonly string[];
  /** Key positions (`KeyboardEvent.code`), for layouts that type another character. */
  codes: readonly string[];
  /** Only while the focus is in the message box. */
  composerOnly?: boolean;
};

/** Every shortcut, in the order the help lists them. */
export const SHORTCUTS: readonly Shortcut[] = [
  { action: "newChat", modifier: "mod", keys: ["n"], codes: ["KeyN"] },
  { action: "search", modifier: "mod", keys: ["k"], codes: ["KeyK"] },
  { action: "focusComposer", modifier: "mod", keys: ["l"], codes: ["KeyL"] },
  { action: "stop", modifier: "mod", keys: ["."], codes: ["Period"] },
  { action: "stop", modifier: "none", keys: ["Escape"], codes: [], composerOnly: true },
  { action: "previousConversation", modifier: "alt", keys: ["ArrowUp"], codes: [] },
  { action: "nextConversation", modifier: "alt", keys: ["ArrowDown"], codes: [] },
  { action: "openSettings", modifier: "mod", keys: [","], codes: ["Comma"] },
  { action: "showHelp", modifier: "mod", keys: ["/"], codes: ["Slash"] },
  { action: "showHelp", modifier: "none", keys: ["F1"], codes: [] },
];

/** The platform the page runs on, from what the webview says about itself. */
export function detectPlatform(nav: { platform?: string; userAgent?: string } = navigator): Platform {
  const said = `${nav.platform ?? ""} ${nav.userAgent ?? ""}`;
  return /Mac|iPhone|iPad/.test(said) ? "mac" : "other";
}

function modifierHeld(press: KeyPress, modifier: Modifier, platform: Platform): boolean {
  const command = platform === "mac" ? press.metaKey : press.ctrlKey;
  const other = platform === "mac" ? press.ctrlKey : press.metaKey;
  if (press.shiftKey || other) return false;
  switch (modifier) {
    case "mod":
      return command && !press.altKey;
    case "alt":
      return press.altKey && !command;
    case "none":
      return !command && !press.altKey;
  }
}

function keyMatches(press: KeyPress, shortcut: Shortcut): boolean {
  const key = press.key.length === 1 ? press.key.toLowerCase() : press.key;
  if (shortcut.keys.includes(key)) return true;
  // A letter key that typed no Latin letter: match where it sits.
  const latin = /^[a-z]$/.test(key);
  const punctuation = shortcut.codes.length > 0 && !/^Key/.test(shortcut.codes[0]!);
  return shortcut.codes.includes(press.code) && (punctuation ? key.length === 1 : !latin);
}

/** The action a key press asks for here, or null when it is not a shortcut here. */
export function shortcutFor(press: KeyPress, context: KeyContext): ShortcutAction | null {
  if (press.isComposing || context.handled || context.modalOpen) return null;
  for (const shortcut of SHORTCUTS) {
    if (shortcut.composerOnly && !context.inComposer) continue;
    if (shortcut.modifier === "alt" && context.inSelect) continue;
    if (modifierHeld(press, shortcut.modifier, context.platform) && keyMatches(press, shortcut)) return shortcut.action;
  }
  return null;
}

const KEY_NAMES: Record<string, string> = {
  ArrowUp: "↑",
  ArrowDown: "↓",
  Escape: "Esc",
};

/** The keys of a shortcut as the help shows them: one entry per key to press together. */
export function keysOf(shortcut: Shortcut, platform: Platform): string[] {
  const key = shortcut.keys[0]!;
  const name = KEY_NAMES[key] ?? (key.length === 1 ? key.toUpperCase() : key);
  switch (shortcut.modifier) {
    case "mod":
      return [platform === "mac" ? "⌘" : "Ctrl", name];
    case "alt":
      return [platform === "mac" ? "⌥" : "Alt", name];
    case "none":
      return [name];
  }
}

/**
 * The conversation one step from `current` in the list's order (`step` 1: the next one
 * down, -1: up), or null at an end. From a new chat, or a conversation the list does not
 * show, either step goes to the top one.
 */
export function neighbour(ids: readonly string[], current: string | null, step: 1 | -1): string | null {
  const at = current === null ? -1 : ids.indexOf(current);
  if (at === -1) return ids[0] ?? null;
  return ids[at + step] ?? null;
}
