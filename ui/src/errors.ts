// All the words the UI says about errors and unfinished states. The backend sends codes
// and parameters; the sentences live here, so they can be changed or translated in one
// place. Each says what happened and, where the user can act, what to do.

import type { ExecutionStatus, LinkRefusalReason, ValidationRule } from "./bindings";
import { formatBytes, formatCount } from "./format";
import type { AgentCheck, FieldProblem, Problem } from "./bindings";
import type { AppError, AttachmentProblem, MediaFailure } from "./bindings";

/** A problem found in the composer before anything is sent. */
export type ComposerProblem =
  | { kind: "empty" }
  | { kind: "tooLong"; length: number; limit: number };

export function describeComposerProblem(problem: ComposerProblem): string {
  switch (problem.kind) {
    case "empty":
      return "Type a message first: an empty message can't be sent.";
    case "tooLong":
      return `Your message is ${formatCount(problem.length)} characters; the limit is ${formatCount(problem.limit)}.`;
  }
}

function serverSays(serverMessage: string | null, serverCode: string | null): string {
  if (serverMessage) return ` The server said: "${serverMessage}"`;
  if (serverCode) return ` (server code: ${serverCode})`;
  return "";
}

function ensurePeriod(s: string): string {
  return /[.!?"]$/.test(s) ? s : `${s}.`;
}

function describeHttp(status: number): string {
  if (status === 401 || status === 403)
    return `The server refused the request (HTTP ${status}): the workspace's API key is missing or not allowed. Check the workspace settings.`;
  if (status === 404)
    return "The server doesn't know this agent or execution (HTTP 404). It may have been removed; pick another agent or try again.";
  if (status === 409)
    return "The server is already handling this request (HTTP 409). Wait a moment, then try again.";
  if (status === 413)
    return "The request is too large for the server (HTTP 413). Shorten the message and try again.";
  if (status === 429)
    return "The server is receiving too many requests (HTTP 429). Wait a moment, then try again.";
  if (status >= 500)
    return `The server had a problem (HTTP ${status}). Try again in a moment.`;
  return `The server rejected the request (HTTP ${status}).`;
}

/** A broken API limit, naming the field and the limit (see athena_api::ValidationRule). */
function describeValidation(field: string, rule: ValidationRule, limit: number, actual: number): string {
  switch (rule) {
    case "required":
      return `${field}: required; it can't be empty.`;
    case "tooLong":
      return `${field}: at most ${formatCount(limit)} characters (this one has ${formatCount(actual)})`;
    case "tooMany":
      return `${field}: at most ${formatCount(limit)} allowed (this has ${formatCount(actual)})`;
    case "tooLarge":
      return `${field}: at most ${formatBytes(limit)} (this is ${formatBytes(actual)})`;
    case "invalidFormat":
      return field.includes("tool")
        ? `${field}: not in the required form; names use lower-case letters, digits and _, start with a letter, and have at most ${formatCount(limit)} characters.`
        : `${field}: not a valid id.`;
    case "duplicate":
      return `${field}: each value must be unique; item ${formatCount(actual + 1)} repeats item ${formatCount(limit + 1)}.`;
    case "unsupportedType":
      return `${field}: this type of file can't be sent. Images (JPEG, PNG, GIF, WebP), PDF, text, CSV and Markdown can.`;
    case "typeMismatch":
      return `${field}: the file's content doesn't match its name or type, so it wasn't sent.`;
  }
}

function describeLinkRefusal(reason: LinkRefusalReason, scheme: string | null): string {
  switch (reason) {
    case "notAUrl":
      return "This link isn't a web address, so it wasn't opened.";
    case "schemeNotAllowed":
      return `Links of type "${scheme ?? "unknown"}:" are never opened from a chat: only web (http and https) links are.`;
    case "hasCredentials":
      return "This link hides a user name or password in the address, a common way to disguise where it goes, so it wasn't opened.";
    case "noHost":
      return "This link has no site in it, so it wasn't opened.";
    case "tooLong":
      return "This link is too long to check before opening it, so it wasn't opened.";
    case "busy":
      return "Another link is waiting for your answer. Answer that question first, then try this link again.";
  }
}

/** One sentence (or two) for an error the backend reported. Never a stack trace. */
export function describeError(error: AppError): string {
  switch (error.code) {
    case "validation":
      return describeValidation(error.field, error.rule, error.limit, error.actual);
    case "unreachable":
      return "Couldn't reach the workspace's server. Check your connection and try again.";
    case "timeout":
      return "The server took too long to answer. Try again; if it keeps happening, the server may be overloaded.";
    case "http":
      return ensurePeriod(describeHttp(error.status) + serverSays(error.serverMessage, error.serverCode));
    case "streamEndedEarly":
      return "The answer stopped arriving before it was complete. The agent may still have finished on the server; what arrived is kept above.";
    case "executionFailed":
      return ensurePeriod(
        "The agent couldn't finish this answer." +
          serverSays(error.serverMessage, error.serverCode) +
          (error.serverMessage || error.serverCode ? "" : " Try again, or rephrase the message."),
      );
    case "unknownExecution":
      return "This conversation turn is no longer known to the app, so it can't be updated. Send the message again if you still need the answer.";
    case "unknownWorkspace":
      return "That workspace is no longer available. Pick another one, or restart the app.";
    case "interrupted":
      return "This answer was interrupted: Athena Desktop stopped following it (the app closed, crashed, or hit a problem). What had arrived is kept.";
    case "linkRefused":
      return describeLinkRefusal(error.reason, error.scheme);
    case "browserUnavailable":
      return "Couldn't open your web browser. Copy the address and open it yourself.";
    case "internal":
      return "Something went wrong inside Athena Desktop. Try again; if it keeps happening, restart the app.";
    case "unknownConversation":
      return "This chat is no longer in the app's history, so it can't be opened or continued. Start a new chat.";
    case "conversationArchived":
      return "This chat is archived: it can be read, not continued. Continue in a new chat to write to this agent.";
    case "notResendable":
      return "This message can't be sent again as it was: only a message that failed before any answer can. Regenerate sends it as a new message.";
    case "noMessageId":
      return "The server gave this answer no id, so it can't take feedback.";
    case "storage":
      return "Couldn't read or write the chat history on this computer. Try again; if it keeps happening, restart the app.";
    case "alreadyReceived":
      return "Already received by the server — its answer can't be fetched.";
    case "invalidInput":
      return describeProblems(error.problems);
    case "keychainUnavailable":
      return `The system keychain couldn't keep the key (${error.reason}). You can keep it in memory for this session only and enter it again next time.`;
    case "agentCheckFailed":
      return describeAgentCheck(error.check);
    case "demoWorkspace":
      return "The demo workspace is built in: it can't be edited or deleted.";
    case "keyMissing":
      return "This workspace has no key on this computer (the keychain had none for it). Open Workspaces, edit it and enter its key again.";
    case "agentsFile":
      return `The agents file couldn't be used: ${error.reason}`;
    case "redirected":
      return error.location
        ? `The server redirected to ${error.location}: check the workspace's base URL. Redirects are never followed, so your key stays with the server you chose.`
        : `The server answered with a redirect (HTTP ${error.status}): check the workspace's base URL. Redirects are never followed, so your key stays with the server you chose.`;
    case "batchInput":
      return ensurePeriod(`This input can't be used for a batch: ${error.reason}`);
    case "batchFlagged":
      return error.count === 1
        ? "1 row needs attention (see the highlighted row), so the batch wasn't started."
        : `${formatCount(error.count)} rows need attention (see the highlighted rows), so the batch wasn't started.`;
    case "batchEmpty":
      return "The batch has no messages: paste some or import a file first.";
    case "unknownBatchRun":
      return "This batch run is no longer known to the app. Pick it again from the runs list.";
    case "unknownTool":
      return `Athena Desktop has no tool named “${error.toolName}”. Reopen Settings → Tools to see the tools it has.`;
    case "tooManyTools":
      return `An agent can be offered at most ${formatCount(error.limit)} tools (the most one message can carry). Stop offering one to offer another.`;
    case "invalidCommandTool":
      return `The command tool's ${commandToolField(error.field)} isn't valid: ${error.reason}. Nothing was saved.`;
    case "notAFolder":
      return `“${error.path}” is not a folder, or no longer exists. Choose a folder to grant.`;
    case "invalidMcpServer":
      return error.field === "sample"
        ? `The sample call's arguments ${error.reason}: type a JSON object, such as {"text": "hello"}. Nothing was run.`
        : `MCP server ${error.field}: ${error.reason}. Nothing was saved.`;
    case "programNotAllowed":
      return "You didn't allow the program, so nothing was saved or run.";
    case "conversationRunning":
      return "An answer in this chat is still coming in. Stop it (or wait for it to finish), then try again.";
    case "importBadFormat":
      return `This file isn't a chat exported by Athena Desktop (${error.field === "$" ? "the file" : error.field}: ${error.reason}). Choose a file made with “Export as JSON”; nothing was imported.`;
    case "importNewerFormat":
      return `This export was made by a newer version of Athena Desktop (format ${formatCount(error.found)}; this version reads up to ${formatCount(error.known)}). Update the app to import it.`;
    case "importTooLarge":
      return `This file is ${formatBytes(error.actual)}; a chat to import can be at most ${formatBytes(error.limit)}. Choose a file made with “Export as JSON”.`;
    case "fileNotRead":
      return `Couldn't read “${error.path}” (${error.reason}). Check that the file is still there and readable, then try again.`;
    case "fileNotWritten":
      return `Couldn't save “${error.path}” (${error.reason}). Choose another folder, or free some space, then try again.`;
    case "unknownMedia":
      return "This file isn't saved on this computer (any more). Use Retry on the card to download it again.";
    case "clipboardFailed":
      return ensurePeriod(`Couldn't put the image on the clipboard: ${error.reason}`);
    case "attachment":
      return describeAttachmentProblem(error.reason, error.waiting);
  }
}

/** An action on an attachment that could not be done (a file's own refusal is on its chip). */
function describeAttachmentProblem(reason: AttachmentProblem, waiting: number): string {
  switch (reason) {
    case "unknownAttachment":
      return "This attachment is no longer staged here. Attach the file again.";
    case "unknownDrop":
      return "The dropped file is no longer known to the app. Drop it on the window again.";
    case "notAnImage":
      return "Only images can be shown full size; this file is not an image.";
    case "fileGone":
      return "The file is no longer on this computer where it was, so it can't be shown or sent. Attach it again.";
    case "notUploaded":
      return waiting === 1
        ? "One attachment hasn't finished uploading. Wait for it, or remove it, then send."
        : `${formatCount(waiting)} attachments haven't finished uploading. Wait for them, or remove them, then send.`;
  }
}

/** A command tool's field as the form names it. */
function commandToolField(field: string): string {
  const last = field.split(".").pop() ?? field;
  const names: Record<string, string> = {
    name: "name",
    description: "description",
    parameters: "parameters",
    executable: "program",
    args: "fixed arguments",
    timeoutSecs: "time limit",
    outputLimitBytes: "output limit",
    sample: "sample arguments",
    commandTools: "list",
  };
  return names[last] ?? field;
}

/**
 * What is wrong with one field, said under that field (so without naming it). The
 * backend sends the code and its parameters; see `FieldProblem` in bindings.ts.
 */
export function describeProblem(problem: Problem): string {
  switch (problem.code) {
    case "required":
      return "Required: fill this in.";
    case "tooLong":
      return `Too long: at most ${formatCount(problem.limit)} characters.`;
    case "notAUrl":
      return "Not a web address: write it as https://server.example.";
    case "httpsRequired":
      return "Use https://: plain http is only allowed for a server on this computer.";
    case "hasCredentials":
      return "Remove the user name or password from the address: the key is sent separately.";
    case "hasQueryOrFragment":
      return "Remove the part after ? or #: the address ends at the path.";
    case "badPrefix":
      return `Should start with ${problem.expected} followed by the name, as Athena shows it.`;
    case "badKeyPrefix":
      return "Not an Athena key: keys start with eak_ (end-user key) or wak_ (workspace key).";
    case "hasWhitespace":
      return "Remove the spaces: this can't contain any.";
    case "duplicate":
      return "Already used: each one must be different.";
    case "notANumber":
      return "Not a number: write digits, with . for decimals.";
    case "notAnInteger":
      return "Must be a whole number.";
    case "belowMinimum":
      return `Too small: at least ${formatNumber(problem.minimum)}.`;
    case "aboveMaximum":
      return `Too large: at most ${formatNumber(problem.maximum)}.`;
    case "notAChoice":
      return `Pick one of: ${problem.choices.join(", ")}.`;
    case "notABoolean":
      return "Must be true or false.";
    case "tooLarge":
      return `Too large: at most ${formatBytes(problem.limit)} in all (this is ${formatBytes(problem.actual)}). Shorten the longest values.`;
    case "noChoices":
      return "Give at least one choice.";
    case "minimumAboveMaximum":
      return "The minimum is above the maximum: swap them or change one.";
    case "badDefault":
      return "The default doesn't fit this variable's type, bounds or choices.";
    case "unknownVariable":
      return "This agent has no variable of this name.";
    case "badCertificate":
      return `Not a certificate the app can use (${problem.reason}). Choose a PEM or DER file of the certificate authority.`;
    case "badCharacters":
      return "Use only plain letters, digits and punctuation (no spaces, accents or symbols).";
  }
  return unknownProblem(problem);
}

/** A code newer than this UI. */
function unknownProblem(_problem: { code: string }): string {
  return "This value isn't accepted.";
}

/** Numbers cross IPC as `number | null` (a NaN arrives as null): say so rather than guess. */
function formatNumber(n: number | null): string {
  if (n === null) return "?";
  return n.toLocaleString("en-US", { maximumFractionDigits: 6 });
}

/** Every problem of an `invalidInput`, each named by its field, for where there is no form to show them in. */
export function describeProblems(problems: readonly FieldProblem[]): string {
  if (problems.length === 0) return "Some values weren't accepted. Check them and try again.";
  return `Some values weren't accepted. ${problems.map((p) => `${p.field}: ${describeProblem(p.problem)}`).join(" ")}`;
}

/** What the check of an agent (a cost preview) found, in plain words. */
export function describeAgentCheck(check: AgentCheck): string {
  switch (check.outcome) {
    case "ok":
      return `The agent answered: a run costs at least ${formatCount(check.preview.credits)} credits.`;
    case "unknownAgent":
      return "This workspace has no agent with this id. Check the id.";
    case "badKey":
      return "The server refused the key (HTTP 401). Check the workspace's key.";
    case "wrongWorkspace":
      return "The key isn't allowed in this workspace (HTTP 403). Check the workspace id.";
    case "unreachable":
      return "The server can't be reached. Check the base URL and your connection.";
    case "tls":
      return `The server's certificate isn't trusted (${check.reason}). If your company uses its own certificate authority, add its certificate to the workspace.`;
    case "redirect":
      return check.location
        ? `The server answered with a redirect to ${check.location}; the app doesn't follow redirects. Check the base URL.`
        : `The server answered with a redirect (HTTP ${check.status}); the app doesn't follow redirects. Check the base URL.`;
    case "timeout":
      return "The server took too long to answer the check. Try again in a moment; if it keeps happening, check the base URL.";
    case "refused":
      if (check.serverMessage) return `The server refused the check (HTTP ${check.status}). The server said: "${check.serverMessage}"`;
      return check.serverCode
        ? `The server refused the check (HTTP ${check.status}, server code ${check.serverCode}).`
        : `The server refused the check (HTTP ${check.status}).`;
    case "unexpected":
      return `The server's answer wasn't what the app expected (${check.reason}). Check the base URL: it should be an Athena server.`;
  }
}

/**
 * A note for an execution that stopped without a final answer, or null when the status
 * needs none (running, completed).
 */
export function describeStatus(status: ExecutionStatus): string | null {
  switch (status) {
    case "running":
    case "completed":
      return null;
    case "failed":
      return "The agent reported that this run failed. Try again, or rephrase the message.";
    case "stopped":
      // The API has no cancel: stopping only stops listening.
      return "You stopped this answer. The server may still finish it and charge for it.";
    case "awaitingApproval":
      return "The agent is waiting for an approval before it continues.";
    case "waitingForExternalEvent":
      return "The agent is waiting for an outside event before it continues.";
    case "awaitingClientTool":
      return "The agent is waiting for a tool on this computer before it continues.";
  }
}

export const LOAD_WORKSPACE_FAILED =
  "Couldn't load the workspace and its agents. Check it under Workspaces, then restart the app.";
export const LOAD_CHAT_FAILED =
  "Couldn't load the earlier messages. New messages still work; restart the app to see the earlier ones.";
export const LOAD_CONVERSATIONS_FAILED = "Couldn't load your chats.";
export const OPEN_CONVERSATION_FAILED = "Couldn't open this chat.";
export const NO_AGENTS =
  "This workspace has no agents yet. Add one by its id under Workspaces, or import a file of agents there.";

/** Why a generated file was not saved on this computer (see `MediaFailure` in bindings.ts). */
export function describeMediaFailure(failure: MediaFailure): string {
  switch (failure.code) {
    case "invalidUrl":
      return "The server gave an address that isn't a web address, so it wasn't downloaded.";
    case "insecureUrl":
      return "The server offered it over plain http from another computer; only https is used, so it wasn't downloaded.";
    case "redirectRefused":
      return `The server sent the download elsewhere (${failure.location}); only https addresses are followed, so it wasn't downloaded.`;
    case "status":
      return failure.status === 403 || failure.status === 404 || failure.status === 410
        ? `The server no longer offers this file (HTTP ${failure.status}); its link may have expired.`
        : `The server refused the download (HTTP ${failure.status}). Try again in a moment.`;
    case "tooLarge":
      return `The file is larger than ${formatBytes(failure.limitBytes)}, the most the app downloads.`;
    case "wrongContentType":
      return `The server sent ${failure.served} instead of ${failure.expected}, so it wasn't kept.`;
    case "transport":
      return ensurePeriod(`The download failed: ${failure.detail}`);
    case "io":
      return ensurePeriod(`The file couldn't be written on this computer: ${failure.detail}`);
    case "fileMissing":
      return "The saved copy is gone from the app's data folder.";
  }
}
