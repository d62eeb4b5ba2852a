// What the media gallery asks of the backend, and the handle of the message it sits in.
// Provided once at the root (main.tsx); tests provide fakes.
import { createContext } from "react";
import type { AppError, ExportOutcome, MediaFileView } from "../../../bindings";
import type { Result } from "../../../result";

/** The media commands and the event that reports each file's state. */
export interface MediaApi {
  /** The files of one job of a message, with where each stands. */
  mediaFiles(handle: string, jobId: string): Promise<Result<MediaFileView[], AppError>>;
  /** Downloads a failed file again. */
  retryMediaDownload(handle: string, jobId: string, index: number): Promise<Result<null, AppError>>;
  /** Asks where to save (native dialog) and copies the downloaded file there. */
  saveMediaAs(handle: string, jobId: string, index: number): Promise<Result<ExportOutcome, AppError>>;
  /** Puts the downloaded image on the system clipboard. */
  copyMediaImage(handle: string, jobId: string, index: number): Promise<Result<null, AppError>>;
  /** Calls `listener` with every file whose state changes; resolves with the unsubscribe. */
  onMediaFileChanged(listener: (file: MediaFileView) => void): Promise<() => void>;
}

/** The media API; `null` where media are not kept (batch results). */
export const MediaApiContext = createContext<MediaApi | null>(null);

/** The execution handle of the message whose parts are shown; `null` outside one. */
export const MessageHandleContext = createContext<string | null>(null);
