// The words the UI shows, in one place so they can be changed or translated together.
// Group them by the part of the UI that says them; a phrase with a parameter is a
// function. Error sentences live in `errors.ts`.

export const messages = {
  /** The rendered answer of an agent (`components/markdown`). */
  markdown: {
    /** The copy button of a code block, before and after a click. */
    copy: "Copy",
    copied: "Copied",
    copyFailed: "Copy failed",
    /** The copy button's accessible name. */
    copyCode: (language: string | null) => (language ? `Copy ${language} code` : "Copy code"),
    /** The label of a code block that names no language. */
    code: "Code",
    /** Images in an answer never load; they show as this label, the alt text and the host. */
    image: "Image:",
    imageWithoutDescription: "(no description)",
    openInBrowser: "Open in browser",
    /** The tooltip of link text whose address was removed (not a web or e-mail address). */
    linkRemoved: "Link removed: only web and e-mail addresses can be opened.",
  },

  /** One exchange: the agent's answer, its controls and its end (`components/Exchange`). */
  exchange: {
    /** The Stop button while an answer streams, and its accessible name. */
    stop: "Stop",
    stopLabel: "Stop answering",
    stopping: "Stopping…",
    /** Shown under a running answer after a while without any event. */
    silence: (elapsed: string) =>
      `Nothing new for ${elapsed}. The agent may still be working (the server keeps running it); Stop ends it here.`,
    /** Said after the error sentence of an `executionFailed`. */
    refunded: "The credits for this run were refunded.",
    /** Sends a message that failed before any answer again, as the same message. */
    resend: "Resend",
    resending: "Resending…",
    resendLabel: "Send this message again",
    /** Sends the message again as a new message, for a new answer. */
    regenerate: "Regenerate",
    regenerating: "Regenerating…",
    regenerateLabel: "Send this message again for a new answer",
    /** The help under an `alreadyReceived` error. */
    alreadyReceivedHelp: "Regenerate sends it again as a new message (it may be charged again).",
    /** A partial answer the app stopped following (closed, crashed). */
    interrupted: "Interrupted — the app closed before this answer finished. What had arrived is kept.",
    /** Thumbs up / down on an answer. */
    feedbackUp: "Good answer",
    feedbackDown: "Bad answer",
    feedbackFailed: "Feedback wasn't sent.",
    feedbackRetry: "Try again",
    /** The message actions of a finished answer. */
    copy: "Copy",
    copyLabel: "Copy the answer as Markdown",
    copied: "Copied",
    copyFailed: "Copy failed",
    inspect: "Inspect",
    inspectLabel: "Inspect the raw events of this answer",
    /** The streaming indicator's name (it is hidden from screen readers: the announcer speaks). */
    answering: (agent: string) => `${agent} is answering`,
  },

  /** The conversation list on the left (`components/ConversationList`). */
  sidebar: {
    label: "Chats",
    newChat: "New chat",
    newChatLabel: "Start a new chat",
    /** A conversation without a title yet (no message sent). */
    untitled: "New chat",
    /** The running indicator's accessible name. */
    answering: "answering",
    archived: "Archived",
    noChats: "No chats yet.",
    noArchived: "No archived chats.",
    loading: "Loading…",
    more: "More",
    retry: "Try again",
  },

  /** The open conversation: its header, notices, and what replaces the composer. */
  conversation: {
    agent: "Agent",
    /** The header of a chat whose agent is fixed. */
    with: (agent: string) => `with ${agent}`,
    loading: "Loading the chat…",
    earlier: "Show earlier messages",
    loadingEarlier: "Loading earlier messages…",
    emptyTitle: "New chat",
    emptyBody: (agent: string | null) =>
      agent ? `Write your first message to ${agent} below.` : "Pick an agent above and write your first message below.",
    archived: "This chat is archived: it can be read, not continued.",
    continueNew: "Continue in a new chat",
    previousArchived: (agent: string) =>
      `Your previous chat with ${agent} was archived on the server, so this one starts fresh. It's under Archived.`,
    localOnly: (agent: string, status: number | null) =>
      status === null
        ? `Kept on this computer only: the server doesn't keep conversations for this key, so ${agent} won't remember earlier messages.`
        : `Kept on this computer only: the server doesn't keep conversations for this key (${status}), so ${agent} won't remember earlier messages.`,
    placeholder: (agent: string | null) => (agent ? `Message ${agent}…` : "Write a message…"),
  },

  /** The banner about the chat history at start (`components/HistoryBanner`). */
  history: {
    movedAside: (movedTo: string) =>
      `Your chat history couldn't be read. It was moved to ${movedTo} and a new history was started.`,
    newerSchema: (found: number, known: number) =>
      `Your chat history was made by a newer version of Athena Desktop (schema ${found}; this version knows ${known}). It was left untouched; chats in this session won't be saved. Update the app to see them.`,
    unavailable: (reason: string) => `Chat history is unavailable (${reason}); chats in this session won't be saved.`,
    dismiss: "Dismiss",
    dismissLabel: "Dismiss this notice",
  },

  /** Relative times in the conversation list. */
  time: {
    justNow: "just now",
    minutes: (n: number) => `${n} min ago`,
    hours: (n: number) => `${n} h ago`,
    yesterday: "yesterday",
  },

  /** The one polite live region of the chat (`components/ChatAnnouncer`). */
  announce: {
    started: (agent: string) => `${agent} is answering`,
    finished: (agent: string) => `${agent} finished answering`,
    stopped: (agent: string) => `${agent}'s answer was stopped`,
    waiting: (agent: string, note: string) => `${agent} paused. ${note}`,
    failed: (agent: string, error: string) => `${agent} could not finish. ${error}`,
  },

  /** The pieces of an answer (`components/parts`). */
  parts: {
    /** Shown by a step, tool or job that had not finished when the run ended. */
    notFinished: "Not finished",
    reasoning: {
      thinking: "Thinking…",
      thoughtFor: (duration: string) => `Thought for ${duration}`,
      /** A reasoning block that ended without a duration (the run stopped). */
      thoughts: "Thoughts",
    },
    tool: {
      running: "Running…",
      doneIn: (duration: string) => `Done in ${duration}`,
      done: "Done",
      failed: "Failed",
      /** The expand button's accessible name. */
      details: (name: string) => `Details of the ${name} tool call`,
      arguments: "Arguments",
      result: "Result",
      error: "Error",
      noResult: "No result yet.",
      noArguments: "(no arguments)",
    },
    workflow: {
      /** The timeline's accessible name. */
      label: "Workflow steps",
      running: "Running…",
    },
    media: {
      kind: (kind: string) => (kind === "image" ? "Image" : kind === "video" ? "Video" : `Media (${kind})`),
      generating: (kind: string) =>
        kind === "image" ? "Generating an image…" : kind === "video" ? "Generating a video…" : `Generating ${kind}…`,
      ready: (kind: string) => (kind === "image" ? "Image ready" : kind === "video" ? "Video ready" : `${kind} ready`),
      elapsed: (elapsed: string) => `${elapsed} elapsed`,
      stillWorking: "still working",
      size: (width: number, height: number) => `${width} × ${height} px`,
      prompt: "Prompt",
    },
    clientTool: {
      title: "Tool on this computer",
      asked: (name: string) => `The agent asked to run ${name} on this computer.`,
      arguments: "Arguments",
      notEnabled:
        "Running tools on this computer isn't enabled in this version of Athena Desktop, so the agent keeps waiting for the result.",
    },
    structured: {
      title: "Structured output",
      fromAnswer: "read from the answer text",
      showRaw: "Raw JSON",
      showTable: "Table",
      /** The raw toggle's accessible name. */
      rawLabel: "Show the raw JSON",
      copy: "Copy JSON",
      copied: "Copied",
      copyFailed: "Copy failed",
      key: "Key",
      value: "Value",
      items: (n: number) => (n === 1 ? "1 item" : `${n} items`),
      keys: (n: number) => (n === 1 ? "1 key" : `${n} keys`),
      /** The expand button of a nested value, for screen readers. */
      expand: (key: string) => `Show ${key}`,
      notJson: "This output isn't valid JSON, so it is shown as it arrived.",
      moreRows: (n: number) => (n === 1 ? "1 more row: see the raw JSON." : `${n} more rows: see the raw JSON.`),
    },
    waiting: {
      awaitingApproval: "Waiting for a person to approve this run on the server before the agent continues.",
      waitingForExternalEvent: "Waiting for an outside event before the agent continues.",
      awaitingClientTool: "Waiting for a tool on this computer before the agent continues.",
    },
    unknown: {
      title: (eventType: string) => `Unrecognised event: ${eventType}`,
      problem: (problem: string) => `(${problem})`,
    },
  },

  /** The raw events of one answer (`components/InspectView`). */
  inspect: {
    title: "Raw events",
    close: "Close",
    closeLabel: "Close the raw events",
    loading: "Loading events…",
    none: "No events were recorded for this answer.",
    cut: (n: number) =>
      n === 1 ? "1 older event is not shown (only the newest are kept)." : `${n} older events are not shown (only the newest are kept).`,
    number: (n: number) => `#${n}`,
    at: (ms: string) => `+${ms} ms`,
  },

  /** The chat's own context menu, in place of the webview's (`components/ChatContextMenu`). */
  contextMenu: {
    /** The menu's accessible name. */
    label: "Chat actions",
    /** Copies the selected text. */
    copy: "Copy",
    /** Copies the address of the link under the pointer. */
    copyLink: "Copy link",
    /** Opens the link through the app's "Open link?" question. */
    openLink: "Open link…",
    copyFailed: "Couldn't copy to the clipboard.",
  },
} as const;
