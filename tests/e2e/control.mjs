// The test bench's seams, reached from outside the webview: the control socket a
// test-support build opens in its data folder (src-tauri/src/test_support/).
import net from "node:net";
import path from "node:path";

const SOCKET = "athena-test-control.sock";

/** Sends one request to the app started on `dataDir`; resolves with its answer. */
export function control(dataDir, request) {
  return new Promise((resolve, reject) => {
    const socket = net.createConnection(path.join(dataDir, SOCKET));
    let buffer = "";
    const timer = setTimeout(() => {
      socket.destroy();
      reject(new Error(`no answer from the control socket to ${JSON.stringify(request)}`));
    }, 15_000);
    socket.on("connect", () => socket.write(`${JSON.stringify(request)}\n`));
    socket.on("data", (chunk) => {
      buffer += chunk;
      const end = buffer.indexOf("\n");
      if (end < 0) return;
      clearTimeout(timer);
      socket.end();
      const answer = JSON.parse(buffer.slice(0, end));
      if (answer.ok) resolve(answer);
      else reject(new Error(`the control socket refused ${JSON.stringify(request)}: ${answer.error}`));
    });
    socket.on("error", (e) => {
      clearTimeout(timer);
      reject(e);
    });
  });
}

/** Queues answers for the next native dialogs: `{button: "Open in browser"}`, "close", `{files: [...]}`, `{save: "..."}`, "cancel". */
export const answerDialogs = (dataDir, ...answers) => control(dataDir, { cmd: "answer_dialogs", answers });
/** Every native dialog shown so far, with the answer it got. */
export const dialogsShown = async (dataDir) => (await control(dataDir, { cmd: "dialogs" })).dialogs;
/** The links the app opened (the test build records them instead of starting a browser). */
export const openedLinks = async (dataDir) => (await control(dataDir, { cmd: "opened_links" })).links;
/** Hands these paths to the backend exactly as the window's drag-and-drop event would. */
export const dropPaths = async (dataDir, paths) => (await control(dataDir, { cmd: "drop", paths })).items;
/** The app's process id. */
export const appPid = async (dataDir) => (await control(dataDir, { cmd: "ping" })).pid;
