// The media commands and event, from the generated bindings.
import { commands, events } from "../../../bindings";
import type { MediaApi } from "./api";

export const mediaBackend: MediaApi = {
  mediaFiles: (handle, jobId) => commands.mediaFiles(handle, jobId),
  retryMediaDownload: (handle, jobId, index) => commands.retryMediaDownload(handle, jobId, index),
  saveMediaAs: (handle, jobId, index) => commands.saveMediaAs(handle, jobId, index),
  copyMediaImage: (handle, jobId, index) => commands.copyMediaImage(handle, jobId, index),
  onMediaFileChanged: (listener) => events.mediaFileChanged.listen((e) => listener(e.payload.file)),
};
