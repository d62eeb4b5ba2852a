import { useEffect, useLayoutEffect, useRef } from "react";
import type { BatchRunChanged, FilesDropped, commands } from "../../bindings";

/** The commands the Batch screen uses. */
export type BatchApi = Pick<
  typeof commands,
  | "batchOpenFile"
  | "batchOpenDraggedFile"
  | "batchParse"
  | "batchPreviewCost"
  | "batchStart"
  | "batchCancel"
  | "batchRetryFailed"
  | "batchRuns"
  | "batchRun"
  | "batchExport"
>;

type Listen<T> = { listen(cb: (event: { payload: T }) => void): Promise<() => void> };

/** The events the Batch screen listens to. */
export interface BatchEvents {
  batchRunChanged: Listen<BatchRunChanged>;
  filesDropped: Listen<FilesDropped>;
}

/** A command's promise that rejected (an IPC failure, not an AppError) becomes `internal`. */
export async function call<T, E>(
  run: () => Promise<{ status: "ok"; data: T } | { status: "error"; error: E }>,
): Promise<{ status: "ok"; data: T } | { status: "error"; error: E | { code: "internal" } }> {
  try {
    return await run();
  } catch {
    return { status: "error", error: { code: "internal" } };
  }
}

/** Calls `handler` with every event of `source` while mounted (the latest handler). */
export function useListen<T>(source: Listen<T> | undefined, handler: (payload: T) => void) {
  const latest = useRef(handler);
  useLayoutEffect(() => {
    latest.current = handler;
  });
  useEffect(() => {
    if (!source) return;
    let live = true;
    let stop: (() => void) | null = null;
    source.listen((event) => live && latest.current(event.payload)).then(
      (unlisten) => {
        if (live) stop = unlisten;
        else unlisten();
      },
      () => undefined,
    );
    return () => {
      live = false;
      stop?.();
    };
  }, [source]);
}
