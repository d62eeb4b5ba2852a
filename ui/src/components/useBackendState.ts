import { useEffect, useLayoutEffect, useRef, useState } from "react";
import type { SettingsView, WorkspaceStatusChanged } from "../bindings";
import type { BatchEvents } from "./batch/api";

type Listen<T> = { listen(cb: (event: { payload: T }) => void): Promise<() => void> };

/** The events App and its screens listen to (a subset of `events` in bindings.ts). */
export interface AppEvents extends BatchEvents {
  workspaceStatusChanged: Listen<WorkspaceStatusChanged>;
}

/** Calls `onStatus` with every `workspaceStatusChanged` event while mounted. */
export function useWorkspaceStatusEvents(events: AppEvents | undefined, onStatus: (event: WorkspaceStatusChanged) => void) {
  const handler = useRef(onStatus);
  useLayoutEffect(() => {
    handler.current = onStatus;
  });
  useEffect(() => {
    if (!events) return;
    let live = true;
    let stop: (() => void) | null = null;
    events.workspaceStatusChanged
      .listen((event) => live && handler.current(event.payload))
      .then(
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
  }, [events]);
}

/** The app's settings as the backend read them at start (null until then, or if it failed). */
export function useSettingsView(getSettings: () => Promise<SettingsView>) {
  const [settings, setSettings] = useState<SettingsView | null>(null);
  useEffect(() => {
    let live = true;
    getSettings().then(
      (view) => live && setSettings(view),
      () => undefined,
    );
    return () => {
      live = false;
    };
  }, [getSettings]);
  return [settings, setSettings] as const;
}
