import { describe, expect, it } from "vitest";
import { SHORTCUTS, detectPlatform, keysOf, neighbour, shortcutFor, type KeyContext, type KeyPress } from "./keymap";

const linux: KeyContext = { platform: "other", modalOpen: false, inComposer: false };
const mac: KeyContext = { ...linux, platform: "mac" };

function press(key: string, mods: Partial<KeyPress> = {}): KeyPress {
  const code = /^[a-z]$/i.test(key) ? `Key${key.toUpperCase()}` : (mods.code ?? "");
  return { key, code, ctrlKey: false, metaKey: false, altKey: false, shiftKey: false, ...mods };
}
const ctrl = (key: string, more: Partial<KeyPress> = {}) => press(key, { ctrlKey: true, ...more });
const cmd = (key: string, more: Partial<KeyPress> = {}) => press(key, { metaKey: true, ...more });

describe("shortcutFor", () => {
  it("maps each shortcut with Ctrl on Linux and Windows", () => {
    expect(shortcutFor(ctrl("n"), linux)).toBe("newChat");
    expect(shortcutFor(ctrl("k"), linux)).toBe("search");
    expect(shortcutFor(ctrl("l"), linux)).toBe("focusComposer");
    expect(shortcutFor(ctrl(".", { code: "Period" }), linux)).toBe("stop");
    expect(shortcutFor(ctrl(",", { code: "Comma" }), linux)).toBe("openSettings");
    expect(shortcutFor(ctrl("/", { code: "Slash" }), linux)).toBe("showHelp");
    expect(shortcutFor(press("F1"), linux)).toBe("showHelp");
    expect(shortcutFor(press("ArrowDown", { altKey: true }), linux)).toBe("nextConversation");
    expect(shortcutFor(press("ArrowUp", { altKey: true }), linux)).toBe("previousConversation");
  });

  it("uses Cmd on macOS and leaves Ctrl to text editing there", () => {
    expect(shortcutFor(cmd("n"), mac)).toBe("newChat");
    expect(shortcutFor(cmd("k"), mac)).toBe("search");
    expect(shortcutFor(cmd(",", { code: "Comma" }), mac)).toBe("openSettings");
    // Ctrl+N moves to the next line and Ctrl+K cuts to the end of it in a macOS text box.
    expect(shortcutFor(ctrl("n"), mac)).toBeNull();
    expect(shortcutFor(ctrl("k"), mac)).toBeNull();
    // And the Windows key is not Ctrl on Linux.
    expect(shortcutFor(cmd("n"), linux)).toBeNull();
    expect(shortcutFor(press("ArrowDown", { altKey: true }), mac)).toBe("nextConversation");
  });

  it("takes no text-editing key, no typed character and not the menu's Quit", () => {
    for (const key of ["a", "c", "v", "x", "z", "y", "q", "w", "Backspace", "ArrowLeft", "ArrowRight", "Home", "End"]) {
      expect(shortcutFor(ctrl(key), linux), `Ctrl+${key}`).toBeNull();
      expect(shortcutFor(cmd(key), mac), `Cmd+${key}`).toBeNull();
    }
    for (const key of ["n", "k", "/", ".", ",", "?", "Enter", "ArrowUp", "ArrowDown"]) {
      expect(shortcutFor(press(key), linux), key).toBeNull();
    }
    // Ctrl+Up/Down move by paragraph in a text box; Shift selects.
    expect(shortcutFor(ctrl("ArrowDown"), linux)).toBeNull();
    expect(shortcutFor(ctrl("n", { shiftKey: true }), linux)).toBeNull();
    expect(shortcutFor(ctrl("n", { altKey: true }), linux)).toBeNull();
    expect(shortcutFor(press("ArrowDown", { altKey: true, shiftKey: true }), linux)).toBeNull();
  });

  it("stops on Escape only in the message box, and only when nothing else took the Escape", () => {
    expect(shortcutFor(press("Escape"), { ...linux, inComposer: true })).toBe("stop");
    expect(shortcutFor(press("Escape"), linux)).toBeNull();
    expect(shortcutFor(press("Escape"), { ...linux, inComposer: true, handled: true })).toBeNull();
    expect(shortcutFor(press("Escape", { isComposing: true }), { ...linux, inComposer: true })).toBeNull();
  });

  it("does nothing while a dialog is open", () => {
    const modal = { ...linux, modalOpen: true, inComposer: true };
    for (const p of [ctrl("n"), ctrl("k"), press("F1"), press("Escape"), press("ArrowDown", { altKey: true })]) {
      expect(shortcutFor(p, modal)).toBeNull();
    }
  });

  it("leaves Alt+Up/Down to a drop-down list that has the focus", () => {
    expect(shortcutFor(press("ArrowDown", { altKey: true }), { ...linux, inSelect: true })).toBeNull();
    expect(shortcutFor(ctrl("n"), { ...linux, inSelect: true })).toBe("newChat");
  });

  it("follows the layout for letters and falls back to the key's place for other scripts", () => {
    // Russian layout: the N key types "т".
    expect(shortcutFor(ctrl("т", { code: "KeyN" }), linux)).toBe("newChat");
    // Dvorak: the key where QWERTY has L types "n": it is New chat, not Focus.
    expect(shortcutFor(ctrl("n", { code: "KeyL" }), linux)).toBe("newChat");
    // Caps Lock on.
    expect(shortcutFor(ctrl("N", { code: "KeyN" }), linux)).toBe("newChat");
  });
});

describe("keysOf", () => {
  it("names the platform's keys", () => {
    const help = SHORTCUTS.find((s) => s.action === "showHelp")!;
    expect(keysOf(help, "other")).toEqual(["Ctrl", "/"]);
    expect(keysOf(help, "mac")).toEqual(["⌘", "/"]);
    const next = SHORTCUTS.find((s) => s.action === "nextConversation")!;
    expect(keysOf(next, "other")).toEqual(["Alt", "↓"]);
    expect(keysOf(next, "mac")).toEqual(["⌥", "↓"]);
    const newChat = SHORTCUTS.find((s) => s.action === "newChat")!;
    expect(keysOf(newChat, "other")).toEqual(["Ctrl", "N"]);
  });

  it("binds every shortcut to one action only", () => {
    const seen = new Map<string, string>();
    for (const s of SHORTCUTS) {
      for (const platform of ["mac", "other"] as const) {
        const id = `${platform}:${keysOf(s, platform).join("+")}`;
        expect(seen.get(id) ?? s.action, id).toBe(s.action);
        seen.set(id, s.action);
      }
    }
  });
});

describe("detectPlatform", () => {
  it("tells macOS from the rest", () => {
    expect(detectPlatform({ platform: "MacIntel", userAgent: "" })).toBe("mac");
    expect(detectPlatform({ platform: "Linux x86_64", userAgent: "Mozilla/5.0 (X11; Linux x86_64)" })).toBe("other");
    expect(detectPlatform({ platform: "Win32", userAgent: "" })).toBe("other");
  });
});

describe("neighbour", () => {
  const ids = ["a", "b", "c"];
  it("moves one step in the list's order and stops at its ends", () => {
    expect(neighbour(ids, "b", 1)).toBe("c");
    expect(neighbour(ids, "b", -1)).toBe("a");
    expect(neighbour(ids, "c", 1)).toBeNull();
    expect(neighbour(ids, "a", -1)).toBeNull();
  });
  it("starts at the top from a new chat or a conversation the list does not show", () => {
    expect(neighbour(ids, null, 1)).toBe("a");
    expect(neighbour(ids, null, -1)).toBe("a");
    expect(neighbour(ids, "gone", 1)).toBe("a");
    expect(neighbour([], null, 1)).toBeNull();
  });
});
