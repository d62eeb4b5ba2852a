import { StrictMode } from "react";
import { createRoot } from "react-dom/client";
import { commands, events } from "./bindings";
import { App } from "./components/App";
import { createChatStore, everyFrame } from "./store/sync";
import "./styles.css";

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
createRoot(root).render(
  <StrictMode>
    <App api={api} chat={chat} events={appEvents} />
  </StrictMode>,
);
