import { useSyncExternalStore } from "react";
import type { ChatState } from "./chat";
import type { ChatStore } from "./sync";

/** The store's current ChatState; re-renders when it changes. */
export function useChatState(store: ChatStore): ChatState {
  return useSyncExternalStore(store.subscribe, store.getState, store.getState);
}
