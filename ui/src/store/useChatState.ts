import { useSyncExternalStore } from "react";
import type { StoreState } from "./sync";
import type { ChatStore } from "./sync";

/** The store's current state; re-renders when it changes. */
export function useStoreState(store: ChatStore): StoreState {
  return useSyncExternalStore(store.subscribe, store.getState, store.getState);
}
