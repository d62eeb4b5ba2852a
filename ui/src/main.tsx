import { StrictMode } from "react";
import { createRoot } from "react-dom/client";
import { commands, events } from "./bindings";
import { attachPasted } from "./attachments/pasteTransport";
import { App } from "./components/App";
import { MediaApiContext } from "./components/parts/media/api";
import { mediaBackend } from "./components/parts/media/backend";
import { createChatStore, everyFrame } from "./store/sync";
import "./styles.css";
import "./theme.css";
import { pageTheme } from "./theme";

// The store sends with the conversation, message and form as separate arguments.
const api = {
  ...commands,
  attachPasted,
  onMcpServersChanged: (listener: () => void) => events.mcpServersChanged.listen(() => listener()),
  sendMessage: (
    conversationId: string,
    message: string,
    variables: { [key in string]: string } | null,
    attachmentIds?: string[],
  ) => commands.sendMessage({ conversationId, message, variables, attachmentIds: attachmentIds ?? null }),
};
const chat = createChatStore(api, events, { schedule: everyFrame() });
const appEvents = events;

const root = document.getElementById("root");
if (!root) throw new Error("index.html has no #root element");

// The theme is applied before the first render, so a dark choice never shows a light
// screen first. The answer is local and quick; a backend that does not answer within
// a moment does not hold the window up (the stylesheet follows the OS meanwhile).
const theme = pageTheme();
const appearance = Promise.race([
  commands.getAppearance().then((a) => a.theme),
  new Promise<null>((resolve) => setTimeout(() => resolve(null), 500)),
]).catch(() => null);
void appearance.then((choice) => {
  theme.apply(choice ?? "system");
  createRoot(root).render(
    <StrictMode>
      <MediaApiContext.Provider value={mediaBackend}>
        <App api={api} chat={chat} events={appEvents} />
      </MediaApiContext.Provider>
    </StrictMode>,
  );
});
