// What kind of file an attachment is, in a few words for its chip ("PNG image", "PDF").
import { messages } from "../messages";

const NAMED: Record<string, string> = {
  "application/pdf": "PDF",
  "text/plain": "Text",
  "text/csv": "CSV",
  "text/markdown": "Markdown",
  "image/png": "PNG image",
  "image/jpeg": "JPEG image",
  "image/gif": "GIF image",
  "image/webp": "WebP image",
};

/** The chip's type label: from the content type when known, else the name's extension. */
export function typeLabel(contentType: string, filename: string): string {
  const type = contentType.split(";")[0]!.trim().toLowerCase();
  const named = NAMED[type];
  if (named) return named;
  const dot = filename.lastIndexOf(".");
  if (dot > 0 && dot < filename.length - 1) return filename.slice(dot + 1).toUpperCase();
  return type || messages.attachments.document;
}
