import { StrictMode } from "react";
import { createRoot } from "react-dom/client";
import { commands, events } from "./bindings";
import { App } from "./components/App";
import { createChatStore, everyFrame } from "./store/sync";
import "./styles.css";

const chat = createChatStore(commands, events, { schedule: everyFrame() });

const root = document.getElementById("root");
if (!root) throw new Error("index.html has no #root element");
createRoot(root).render(
  <StrictMode>
    <App api={commands} chat={chat} />
  </StrictMode>,
);
