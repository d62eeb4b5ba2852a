// What the installed-app tests share: a private session bus and a tauri-driver of their
// own (so two apps of one data folder can meet on a bus no other test uses), launching
// the app binary directly, and the X tools that stand in for a window manager.
import { execFile, spawn } from "node:child_process";
import { createServer } from "node:net";
import { createInterface } from "node:readline";
import { once } from "node:events";
import { connectApp } from "./app.mjs";

/** A free TCP port on loopback. */
export async function freePort() {
  const server = createServer();
  server.listen(0, "127.0.0.1");
  await once(server, "listening");
  const { port } = server.address();
  await new Promise((resolve) => server.close(resolve));
  return port;
}

/** Starts `dbus-daemon --session`; resolves to { address, stop }. */
export async function startSessionBus() {
  const daemon = spawn("dbus-daemon", ["--session", "--nofork", "--nopidfile", "--print-address=1"], {
    stdio: ["ignore", "pipe", "ignore"],
  });
  const [line] = await once(createInterface({ input: daemon.stdout }), "line");
  if (!line.trim()) throw new Error("dbus-daemon printed no address");
  return { address: line.trim(), stop: () => daemon.kill("SIGTERM") };
}

/**
 * Starts a tauri-driver with this environment added (a bus, ...); resolves to
 * { open(application, args), stop }. `open` starts the app and waits for its first screen.
 */
export async function startDriver(env) {
  const port = await freePort();
  const nativePort = await freePort();
  const driver = spawn("tauri-driver", ["--port", String(port), "--native-port", String(nativePort)], {
    env: { ...process.env, ...env },
    stdio: "ignore",
  });
  const deadline = Date.now() + 30_000;
  for (;;) {
    const ok = await fetch(`http://127.0.0.1:${port}/status`).then(
      () => true,
      () => false,
    );
    if (ok) break;
    if (Date.now() > deadline) throw new Error("tauri-driver did not listen");
    await new Promise((r) => setTimeout(r, 100));
  }
  return {
    open: (application, args) => connectApp(port, application, args),
    // SIGTERM: tauri-driver then ends WebKitWebDriver (SIGKILL would orphan it).
    stop: () => driver.kill("SIGTERM"),
  };
}

/** Runs a program to its end: { code, stdout, stderr }, never rejecting on exit codes. */
export function run(program, args, options = {}) {
  return new Promise((resolve, reject) => {
    const child = execFile(program, args, { timeout: 60_000, ...options }, (error, stdout, stderr) => {
      if (error && typeof error.code !== "number" && error.signal == null) reject(error);
      else resolve({ code: error ? (error.code ?? null) : 0, signal: error?.signal ?? null, stdout, stderr });
    });
    child.stdin?.end();
  });
}

/** The composer's current text. */
export async function composerText(browser) {
  return browser.execute(() => document.querySelector('[data-testid="composer"]')?.value ?? null);
}
