import { StrictMode } from "react";
import { createRoot } from "react-dom/client";
import { commands, events } from "./bindings";
import { App } from "./components/App";
import { createChatStore, everyFrame } from "./store/sync";
import "./styles.css";
import "./theme.css";
import { pageTheme } from "./theme";

// The store sends with the conversation, message and form as separate arguments.
const api = {
  ...commands,
  sendMessage: (conversationId: string, message: string, variables: { [key in string]: string } | null) =>
    commands.sendMessage({ conversationId, message, variables }),
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
      <App api={api} chat={chat} events={appEvents} />
    </StrictMode>,
  );
});
