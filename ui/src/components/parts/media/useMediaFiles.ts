import { useContext, useEffect, useState } from "react";
import type { AppError, MediaFileView } from "../../../bindings";
import { MediaApiContext } from "./api";

/** A job's files as the backend keeps them, kept current by its change events. */
export type MediaFilesState =
  | { kind: "loading" }
  | { kind: "loaded"; files: MediaFileView[] }
  | { kind: "error"; error: AppError };

/** `files` with `changed` put in its place (by index), in index order. */
export function mergeFile(files: readonly MediaFileView[], changed: MediaFileView): MediaFileView[] {
  const rest = files.filter((f) => f.index !== changed.index);
  return [...rest, changed].sort((a, b) => a.index - b.index);
}

/**
 * The files of job `jobId` of message `handle`, once the job is `ready`. Listens before
 * it asks, so a change that lands between the two is not lost.
 */
export function useMediaFiles(handle: string | null, jobId: string, ready: boolean): MediaFilesState | null {
  const api = useContext(MediaApiContext);
  const [state, setState] = useState<MediaFilesState | null>(null);

  useEffect(() => {
    if (!api || !handle || !ready) return undefined;
    let live = true;
    let stop: (() => void) | null = null;
    setState({ kind: "loading" });
    const apply = (file: MediaFileView) => {
      if (!live || file.handle !== handle || file.jobId !== jobId) return;
      setState((s) => ({ kind: "loaded", files: mergeFile(s?.kind === "loaded" ? s.files : [], file) }));
    };
    void (async () => {
      const unlisten = await api.onMediaFileChanged(apply).catch(() => null);
      if (!live) {
        unlisten?.();
        return;
      }
      stop = unlisten;
      const result = await api.mediaFiles(handle, jobId).catch((): null => null);
      if (!live) return;
      if (!result) setState({ kind: "error", error: { code: "internal" } });
      else if (result.status === "error") setState({ kind: "error", error: result.error });
      else
        setState((s) => {
          // Events that arrived meanwhile are newer than the answer for their file,
          // unless the answer already has the file further along.
          let files = result.data;
          if (s?.kind === "loaded") for (const f of s.files) if (f.local.state !== "pending") files = mergeFile(files, f);
          return { kind: "loaded", files };
        });
    })();
    return () => {
      live = false;
      stop?.();
    };
  }, [api, handle, jobId, ready]);

  return state;
}
