// The composer's draft survives a reload of the page (not a secret: the user's own text).

export const DRAFT_KEY = "athena.draft";

export function loadDraft(): string {
  try {
    return window.localStorage.getItem(DRAFT_KEY) ?? "";
  } catch {
    return "";
  }
}

export function saveDraft(text: string): void {
  try {
    if (text === "") window.localStorage.removeItem(DRAFT_KEY);
    else window.localStorage.setItem(DRAFT_KEY, text);
  } catch {
    // Storage full or unavailable: the draft just won't survive a reload.
  }
}
