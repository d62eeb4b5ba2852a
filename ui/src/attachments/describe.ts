// The words for an attachment's state and its refusal reasons (from messages.ts).
import { describeError } from "../errors";
import { formatBytes } from "../format";
import { messages } from "../messages";
import type { AttachmentState, RefusalReason, StagedAttachment } from "./api";

const words = messages.attachments;

/** What a content type is, in a refusal ("text", "a PNG image"). */
export function describeKind(contentType: string): string {
  const type = contentType.split(";")[0]!.trim().toLowerCase();
  if (type.startsWith("text/")) return words.kinds.text;
  if (type.startsWith("image/")) return words.kinds.image(type.slice("image/".length));
  if (type === "application/pdf") return words.kinds.pdf;
  return words.kinds.other(type);
}

/** The extension a file's name or type gives ("png"), for "says .png but is text". */
function extensionOf(filename: string, contentType: string): string {
  const dot = filename.lastIndexOf(".");
  if (dot > 0 && dot < filename.length - 1) return filename.slice(dot + 1).toLowerCase();
  return contentType.split("/")[1] ?? contentType;
}

/** Why a file was refused, naming the limit it broke. */
export function describeRefusal(reason: RefusalReason, filename: string): string {
  switch (reason.code) {
    case "tooLarge":
      return words.tooLarge(formatBytes(reason.actual), formatBytes(reason.limit));
    case "unsupportedType":
      return words.unsupportedType(reason.extension.replace(/^\./, ""));
    case "typeMismatch":
      return words.typeMismatch(
        extensionOf(filename, reason.claimed),
        reason.found === null ? words.kinds.notThat(describeKind(reason.claimed)) : describeKind(reason.found),
      );
    case "folder":
      return words.folder;
    case "unreadable":
      return words.unreadable(reason.reason);
    case "empty":
      return words.empty;
    case "tooMany":
      return words.tooMany(reason.limit);
  }
}

/** The upload's share done, 0–100. */
export function percentSent(sent: number, total: number): number {
  if (total <= 0) return 0;
  return Math.min(100, Math.max(0, Math.floor((sent / total) * 100)));
}

/** The chip's status line. */
export function describeState(state: AttachmentState, filename: string): string {
  switch (state.kind) {
    case "checking":
      return words.checking;
    case "uploading":
      return words.uploading(percentSent(state.sent, state.total));
    case "uploaded":
      return words.uploaded;
    case "failed":
      return words.failed(describeError(state.error));
    case "refused":
      return words.refused(describeRefusal(state.reason, filename));
    case "cancelled":
      return words.cancelled;
  }
}

/**
 * Why Send must wait, or null when every staged attachment is uploaded. Uploads still
 * running come first (they end by themselves), then failures, then refusals.
 */
export function sendBlocker(staged: readonly StagedAttachment[]): string | null {
  const kinds = new Set(staged.map((a) => a.state.kind));
  if (kinds.has("checking") || kinds.has("uploading")) return words.waitForUploads;
  if (kinds.has("failed") || kinds.has("cancelled")) return words.removeFailed;
  if (kinds.has("refused")) return words.removeRefused;
  return null;
}
