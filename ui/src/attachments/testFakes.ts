// Builders and a fake backend for the attachment tests (not imported by the app).
import { act } from "@testing-library/react";
import { vi } from "vitest";
import type { FilesDropped } from "../bindings";
import type { AttachmentChanged, AttachmentRemoved, AttachmentsApi, AttachmentState, DragHover, StagedAttachment } from "./api";
import type { AttachmentsAppEvents } from "./useAttachments";

export function staged(id: string, state: AttachmentState = { kind: "uploaded" }, more: Partial<StagedAttachment> = {}): StagedAttachment {
  return {
    id,
    conversationId: "c1",
    filename: `${id}.png`,
    contentType: "image/png",
    size: 2048,
    state,
    thumbnail: null,
    ...more,
  };
}

/** Commands that succeed with nothing (each a mock a test can look at or replace). */
export function attachmentsFakes(): { [K in keyof AttachmentsApi]: ReturnType<typeof vi.fn<AttachmentsApi[K]>> } {
  return {
    attachPicked: vi.fn<AttachmentsApi["attachPicked"]>(async () => ({ status: "ok", data: [] })),
    attachDragged: vi.fn<AttachmentsApi["attachDragged"]>(async () => ({ status: "ok", data: [] })),
    attachPasted: vi.fn<AttachmentsApi["attachPasted"]>(async (conversationId, _file, name) => ({
      status: "ok",
      data: staged("pasted", { kind: "checking" }, { conversationId, filename: name }),
    })),
    removeAttachment: vi.fn<AttachmentsApi["removeAttachment"]>(async () => ({ status: "ok", data: null })),
    cancelAttachmentUpload: vi.fn<AttachmentsApi["cancelAttachmentUpload"]>(async () => ({ status: "ok", data: null })),
    retryAttachment: vi.fn<AttachmentsApi["retryAttachment"]>(async () => ({ status: "ok", data: null })),
    draftAttachments: vi.fn<AttachmentsApi["draftAttachments"]>(async () => ({ status: "ok", data: [] })),
    attachmentFullView: vi.fn<AttachmentsApi["attachmentFullView"]>(async () => ({ status: "ok", data: "data:image/png;base64,AAAA" })),
    attachmentThumbnail: vi.fn<AttachmentsApi["attachmentThumbnail"]>(async () => ({ status: "ok", data: null })),
  };
}

type Listen<T> = { listen(cb: (event: { payload: T }) => void): Promise<() => void> };

function source<T>(): { listen: Listen<T>["listen"]; emit: (payload: T) => void } {
  const listeners = new Set<(event: { payload: T }) => void>();
  return {
    listen: async (cb) => {
      listeners.add(cb);
      return () => listeners.delete(cb);
    },
    emit: (payload) => act(() => listeners.forEach((cb) => cb({ payload }))),
  };
}

/** Events a test emits (each inside `act`). */
export function attachmentEvents() {
  const changed = source<AttachmentChanged>();
  const removed = source<AttachmentRemoved>();
  const hover = source<DragHover>();
  const dropped = source<FilesDropped>();
  const events: Required<AttachmentsAppEvents> = {
    attachmentChanged: { listen: changed.listen },
    attachmentRemoved: { listen: removed.listen },
    dragHover: { listen: hover.listen },
    filesDropped: { listen: dropped.listen },
  };
  return {
    events,
    changed: (attachment: StagedAttachment) => changed.emit({ attachment }),
    removed: (id: string, conversationId = "c1") => removed.emit({ id, conversationId }),
    hover: (active: boolean) => hover.emit({ active }),
    dropped: (e: FilesDropped) => dropped.emit(e),
  };
}
