// The backend's attachment commands and events, as the page uses them (the generated
// bindings, plus the pasted file's raw-body transport). The components depend on this
// module only, so the tests hand them a fake.
import type {
  AppError,
  AttachmentChanged,
  AttachmentRefusal,
  AttachmentRemoved,
  AttachmentState,
  DragHover,
  SentAttachment,
  StagedAttachment,
  commands,
} from "../bindings";
import type { Result } from "../result";

export type { AttachmentChanged, AttachmentRemoved, AttachmentState, DragHover, SentAttachment, StagedAttachment };
/** Why a file was refused before any upload (the backend's codes; the words are ours). */
export type RefusalReason = AttachmentRefusal;

type Listen<T> = { listen(cb: (event: { payload: T }) => void): Promise<() => void> };

/** The commands the attachment components use. */
export type AttachmentsApi = Pick<
  typeof commands,
  | "attachPicked"
  | "attachDragged"
  | "removeAttachment"
  | "cancelAttachmentUpload"
  | "retryAttachment"
  | "draftAttachments"
  | "attachmentFullView"
  | "attachmentThumbnail"
> & {
  /** Hands a pasted file's bytes to the backend once (a raw IPC body, see pasteTransport.ts). */
  attachPasted(conversationId: string, file: Blob, name: string): Promise<Result<StagedAttachment, AppError>>;
};

/** The events the attachment components listen to. */
export interface AttachmentsEvents {
  attachmentChanged: Listen<AttachmentChanged>;
  attachmentRemoved: Listen<AttachmentRemoved>;
  dragHover: Listen<DragHover>;
}

/** A command whose promise rejected (an IPC failure, not an AppError) becomes `internal`. */
export async function settle<T>(run: () => Promise<Result<T, AppError>>): Promise<Result<T, AppError>> {
  try {
    return await run();
  } catch {
    return { status: "error", error: { code: "internal" } };
  }
}
