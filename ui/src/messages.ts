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
    /** Shown there instead while a tool call on this computer waits for the user's answer. */
    waitingForYou: "Waiting for your answer in the approval dialog",
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

  /** Search across chats, and what the user does to a whole chat (the sidebar's menu). */
  conversationActions: {
    searchLabel: "Search chats",
    searchPlaceholder: "Search chats",
    resultsLabel: "Search results",
    searching: "Searching…",
    noResults: (query: string) => `No messages match “${query}”.`,
    searchFailed: "Couldn't search your chats.",
    /** The marker on a result from an archived chat. */
    archivedMarker: "Archived",
    resultCount: (n: number) => (n === 1 ? "1 message" : `${n} messages`),
    menuButton: (title: string) => `Actions for “${title}”`,
    menuLabel: "Chat actions",
    rename: "Rename",
    renameLabel: "New title",
    archive: "Archive",
    exportJson: "Export as JSON…",
    exportMarkdown: "Export as Markdown…",
    delete: "Delete…",
    importButton: "Import…",
    importLabel: "Import a chat from a JSON export",
    imported: (title: string) => `Imported “${title}” (read only, in Archived).`,
    exported: (fileName: string) => `Saved as ${fileName}.`,
    deleteTitle: "Delete this chat?",
    deleteBody: (title: string) =>
      `“${title}” and all its messages will be deleted from this computer. This can't be undone.`,
    deleteHint: "To keep it out of the way instead, archive it.",
    deleteConfirm: "Delete",
    deleteCancel: "Cancel",
    deleteClose: "Close",
    deleteCloseLabel: "Close without deleting",
    deleting: "Deleting…",
  },

  /** The open conversation: its header, notices, and what replaces the composer. */
  conversation: {
    agent: "Agent",
    /** The header of a chat whose agent is fixed. */
    with: (agent: string) => `with ${agent}`,
    loading: "Loading the chat…",
    earlier: "Show earlier messages",
    loadingEarlier: "Loading earlier messages…",
    /** The button that scrolls a chat back to its newest message. */
    jumpToLatest: "Jump to latest",
    /** The scrolling list of a chat's messages, for screen readers. */
    messagesLabel: "Messages",
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
    /** The composer's placeholder for an agent that runs without a message. */
    placeholderOptional: (agent: string | null) =>
      agent ? `Message ${agent} (optional)…` : "Write a message (optional)…",
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
    /** A call of a tool on this computer changed state. */
    toolWaiting: (agent: string, tool: string) => `${agent} asks to run ${tool} on this computer. Answer the approval dialog.`,
    toolRunning: (tool: string, by: "you" | "rule" | null) =>
      by === "rule" ? `${tool} is running, allowed by your rule` : by === "you" ? `${tool} is running, allowed by you` : `${tool} is running`,
    toolDone: (tool: string) => `${tool} finished`,
    toolFailed: (tool: string) => `${tool} failed`,
    toolDenied: (tool: string) => `${tool} was denied`,
    toolNotTaken: (tool: string) => `The result of ${tool} was not delivered`,
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
      /** The gallery of generated files, shown from the app's own copy. */
      downloading: "Saving a copy on this computer…",
      notDownloaded: "Not saved on this computer",
      retry: "Retry",
      openFull: "Open full size",
      saveAs: "Save as…",
      copyImage: "Copy image",
      copied: "Image copied",
      savedAs: (name: string) => `Saved as ${name}`,
      imageAlt: (prompt: string | null) => (prompt ? `Generated image: ${prompt}` : "Generated image"),
      videoLabel: (prompt: string | null) => (prompt ? `Generated video: ${prompt}` : "Generated video"),
      fullTitle: (kind: string) => (kind === "video" ? "Generated video" : "Generated image"),
      close: "Close",
      closeLabel: "Close the full-size view",
      /** The gallery's accessible name. */
      files: (count: number) => (count === 1 ? "Generated file" : `${count} generated files`),
    },
    clientTool: {
      title: "Tool on this computer",
      /** The card's accessible name. */
      label: (name: string, state: string) => `Tool on this computer: ${name}. ${state}`,
      states: {
        received: "Checking…",
        waitingForYou: "Waiting for you — answer the dialog",
        running: "Running",
        done: "Done",
        failed: "Failed",
        denied: "Denied by you",
        notTaken: "Not delivered",
      },
      doneIn: (duration: string) => `Done in ${duration}`,
      allowedBy: { you: "allowed by you", rule: "allowed by your rule" },
      /** Under the header while the native dialog asks. */
      waitingHelp:
        "Athena Desktop asks you in its own dialog window (it may be behind this one). Nothing runs until you answer there.",
      arguments: "Arguments",
      noArguments: "(no arguments)",
      copy: "Copy",
      copied: "Copied",
      copyFailed: "Copy failed",
      copyLabel: "Copy the arguments",
      result: "Result",
      why: "Why",
      hiddenCharacters:
        "This text contains invisible or direction-changing characters; each is shown as its code, like ⟨U+202E⟩.",
      hiddenCharacter: (code: string) => `Invisible character ${code}`,
      showAll: (n: string) => `Show all ${n} lines`,
      showFewer: "Show fewer lines",
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

  /** The Workspaces button and the dialog it opens (`components/settings`). */
  settings: {
    open: "Workspaces",
    openLabel: "Workspaces, agents and preferences",
    title: "Workspaces and preferences",
    close: "Close",
    closeLabel: "Close workspaces and preferences",
    loading: "Loading workspaces…",
    loadFailed: "Couldn't load the workspaces.",
    retry: "Try again",
  },

  /** The list of workspaces in the dialog. */
  profiles: {
    title: "Workspaces",
    demo: "demo",
    demoNote: "Built in: it can't be edited or deleted.",
    runOnly: "this run only",
    runOnlyNote: "Given on the command line for this run; it isn't saved.",
    active: "in use",
    server: "Server",
    workspaceId: "Workspace id",
    key: (kind: "endUser" | "workspace" | null, hint: string | null, state: string) => {
      const what = kind === "endUser" ? "End-user key" : kind === "workspace" ? "Workspace key" : "Key";
      const named = hint ? `${what} ${hint}` : what;
      switch (state) {
        case "keychain":
          return `${named}, in the system keychain`;
        case "session":
          return `${named}, kept in memory for this session`;
        case "missing":
          return "No key: enter it again";
        case "runOnly":
          return `${named}, given for this run`;
        case "demo":
          return "Made by the app for the demo server";
        default:
          return named;
      }
    },
    creditsLeft: (n: number, shown: string) => (n === 1 ? "1 credit left" : `${shown} credits left`),
    agents: (n: number) => (n === 1 ? "1 agent" : `${n} agents`),
    edit: "Edit",
    editLabel: (name: string) => `Edit workspace ${name}`,
    delete: "Delete",
    deleteLabel: (name: string) => `Delete workspace ${name}`,
    deleteQuestion: (name: string) =>
      `Delete workspace ${name}? Its conversations on this computer are deleted too; its key is removed from the keychain.`,
    confirmDelete: "Delete",
    deleting: "Deleting…",
    cancel: "Cancel",
    add: "Add workspace",
    keychainUnavailable: (reason: string | null) =>
      reason
        ? `The system keychain isn't available (${reason}): a key can only be kept in memory for this session.`
        : "The system keychain isn't available: a key can only be kept in memory for this session.",
  },

  /** The form that adds or edits a workspace. */
  profileForm: {
    addTitle: "Add a workspace",
    editTitle: (name: string) => `Edit ${name}`,
    name: "Name",
    nameHint: "How the app shows this workspace.",
    baseUrl: "Server address",
    baseUrlHint: (fallback: string) => `Leave empty for ${fallback}.`,
    workspaceId: "Workspace id",
    workspaceIdPlaceholder: "workspace:…",
    workspaceIdHint: "Starts with workspace:, as Athena shows it.",
    apiKey: "API key",
    apiKeyHint: "Kept in the system keychain. It is never shown again once saved.",
    keySet: (hint: string) => `Key set, ends in ${hint}. Leave empty to keep it.`,
    keyMissing: "No key is stored for this workspace: enter it again.",
    keyRunOnly: "The key was given for this run; enter it to save it with the workspace.",
    keyEndUser: "End-user key",
    keyWorkspace: "Workspace key",
    keyUnknown: "Athena keys start with eak_ (end-user key) or wak_ (workspace key).",
    externalUserId: "External user id (optional)",
    externalUserIdHint:
      "Sent with every run so the server can tell your own users apart. Leave empty if you don't need it.",
    caCertificate: "CA certificate (optional)",
    caHint: "Only if the server's certificate comes from your company's own certificate authority.",
    caNone: "None: the system's trusted certificates are used.",
    chooseCa: "Choose file…",
    choosingCa: "Choosing…",
    removeCa: "Remove",
    removeCaLabel: "Remove the CA certificate",
    save: "Save",
    saving: "Saving…",
    cancel: "Cancel",
    problems: "Some fields need attention: see the messages under them.",
    keychainFailed: (reason: string) =>
      `The key couldn't be saved in the system keychain (${reason}). Tick the box below to keep it in memory for this session only, then save again.`,
    keepInMemory: "Keep the key in memory for this session only (you'll enter it again next time)",
    saved: (name: string) => `Workspace ${name} saved.`,
    deleted: (name: string) => `Workspace ${name} deleted.`,
  },

  /** The agents of one workspace, in the dialog. */
  agents: {
    builtIn: "The demo workspace's agents are built in: they can be exported, not changed.",
    title: "Agents",
    workspace: "Agents of",
    none: "No agents yet. Add one by its id below, or import a file.",
    notListed: (count: string) =>
      `This workspace has ${count}. Switch to it to see them listed here; you can still add, import and export.`,
    needsMessage: "needs a message",
    noMessage: "runs without a message",
    wizard: (n: number) => (n === 1 ? "wizard: 1 variable" : `wizard: ${n} variables`),
    remove: "Remove",
    removeLabel: (name: string) => `Remove agent ${name}`,
    removing: "Removing…",
    import: "Import…",
    importLabel: "Import agents from a file",
    importing: "Importing…",
    imported: (added: number, replaced: number) =>
      `Imported: ${added === 1 ? "1 agent" : `${added} agents`} added, ${replaced} replaced.`,
    export: "Export…",
    exportLabel: "Export these agents to a file",
    exporting: "Exporting…",
    exported: "Agents exported.",
    add: "Add agent",
  },

  /** The form that adds an agent by id. */
  agentForm: {
    title: "Add an agent",
    id: "Agent id",
    idPlaceholder: "agent:…",
    idHint: "Starts with agent:, as Athena shows it.",
    name: "Name",
    description: "Description (optional)",
    requiresMessage: "Needs a message",
    requiresMessageHint: "Untick for a wizard agent that runs on its variables alone.",
    variables: "Variables",
    noVariables: "No variables: the agent runs on the message alone.",
    addVariable: "Add variable",
    variable: (n: number) => `Variable ${n}`,
    removeVariable: "Remove",
    removeVariableLabel: (n: number) => `Remove variable ${n}`,
    variableName: "Name",
    kind: "Type",
    kinds: { text: "Text", number: "Number", choice: "Choice", boolean: "Yes / no" },
    minimum: "Minimum",
    maximum: "Maximum",
    integer: "Whole numbers only",
    choices: "Choices (comma-separated)",
    default: "Default (optional)",
    noDefault: "(none)",
    required: "Required",
    variableDescription: "Description",
    save: "Add and check",
    checking: "Checking the agent…",
    cancel: "Cancel",
    problems: "Some fields need attention: see the messages under them.",
    added: (credits: string) => `Agent added. It costs at least ${credits} credits a run.`,
    choiceProblem: (n: number, words: string) => `Choice ${n}: ${words}`,
  },

  /** The form of a wizard agent's variables, above the composer. */
  wizard: {
    legend: (agent: string) => `${agent}'s variables`,
    required: "required",
    requiredLabel: "(required)",
    choose: "Choose…",
    none: "(none)",
    problems: "Some variables need attention: see the messages under them.",
  },

  /** The cost preview beside Send. */
  cost: {
    preview: "Preview cost",
    previewLabel: "Preview what this run costs",
    previewing: "Working out the cost…",
    title: "Cost of this run",
    credits: (n: number, shown: string) => (n === 1 ? "1 credit" : `${shown} credits`),
    base: "Base cost",
    rule: "Rule",
    confirm: "Send this message for this cost?",
    send: "Send",
    cancel: "Cancel",
    close: "Close",
    closeLabel: "Close the cost preview",
  },

  /** Preferences, in the dialog. */
  preferences: {
    title: "Preferences",
    alwaysPreview: "Always preview the cost before sending",
    alwaysPreviewHint: "Send shows the cost first and waits for you to confirm.",
  },

  /** The Appearance section of the settings (`components/settings/AppearanceSection`). */
  appearance: {
    title: "Appearance",
    theme: "Theme",
    system: "System",
    systemHint: "Light or dark, as your computer is set",
    light: "Light",
    dark: "Dark",
    saveFailed: "The theme was not saved:",
  },

  /** The Notifications section of the settings (`components/settings/NotificationsSection`). */
  notifications: {
    title: "Notifications",
    notify: "Notify me when an answer arrives, fails or needs my approval",
    hint: "Only while the Athena Desktop window is not in front. Clicking a notification opens its chat.",
    loadFailed: "The notification setting could not be read:",
    saveFailed: "The notification setting was not saved:",
  },

  /** The keyboard shortcuts and their help (`keyboard/`, `components/ShortcutHelp`). */
  shortcuts: {
    /** The header's button that opens the help, and its accessible name. */
    open: "?",
    openLabel: "Keyboard shortcuts",
    title: "Keyboard shortcuts",
    close: "Close",
    closeLabel: "Close the keyboard shortcuts",
    /** What each shortcut does, by action. */
    actions: {
      newChat: "New chat",
      search: "Search conversations",
      focusComposer: "Go to the message box",
      stop: "Stop the answer",
      previousConversation: "Previous conversation",
      nextConversation: "Next conversation",
      openSettings: "Settings",
      showHelp: "Show this list",
    },
    /** Said after a key that works only in the message box. */
    inComposer: "in the message box",
    or: "or",
    /** How keys pressed together are joined, for screen readers too. */
    then: "+",
  },

  /** Tools on this computer, in the dialog (`components/settings/ToolsSection`). */
  tools: {
    title: "Tools on this computer",
    intro: "Agents can ask to run these tools on this computer. Each call asks you first, unless you chose Always allow.",
    agent: "Agent",
    noAgents: "The active workspace has no agents yet: add one above to offer it tools.",
    noWorkspace: "The active workspace couldn't be loaded, so its agents can't be listed.",
    loading: "Loading the tools…",
    retry: "Try again",
    offer: (agent: string) => `Offer to ${agent}`,
    parameters: "Parameters",
    parametersLabel: (tool: string) => `Parameters of ${tool}`,
    alwaysAllowed: "Runs without asking",
    revoke: "Revoke",
    revokeLabel: (tool: string) => `Revoke Always allow for ${tool}: it will ask again`,
    revoked: (tool: string) => `${tool} will ask again before it runs.`,
    ruleOutdated: "Always allow no longer applies: the tool changed; it will ask again",
    removeRule: "Remove rule",
    removeRuleLabel: (tool: string) => `Remove the outdated Always allow rule for ${tool}`,
    count: (n: number, limit: number) => `${n} of ${limit} tools offered to this agent`,
    atLimit: (limit: number) =>
      `That is the most one message can offer (the server accepts at most ${limit} tools), so no more can be added. Stop offering one to offer another.`,
    foldersTitle: "Folders the file tools may read",
    foldersNone: "No folders granted: the file tools can't read anything yet.",
    folderName: "Name the agent uses",
    folderPath: "Folder",
    removeFolder: "Remove",
    removeFolderLabel: (name: string) => `Stop granting the folder ${name}`,
    grantFolder: "Grant a folder…",
    granted: (name: string, path: string) => `Granted ${path}: the agent calls it ${name}.`,
    granting: "Choose a folder in the dialog…",
    ledgerTitle: "Ledger for query_transactions",
    ledgerNone: "None chosen",
    chooseLedger: "Choose ledger…",
    choosingLedger: "Choose a file in the dialog…",
    forgetLedger: "Forget",
    forgetLedgerLabel: "Forget the ledger file",
    /** Where a tool not built in comes from. */
    source: (source: string) => (source === "command" ? "your command tool" : source.startsWith("mcp:") ? `from MCP server ${source.slice(4)}` : source),
  },

  /** The user's command tools (`components/settings/CommandToolsSection`). */
  commandTools: {
    title: "Your command tools",
    intro:
      "A command tool is a program on this computer that agents can call: it gets the call's arguments as JSON on its standard input and prints its result as JSON. It is started directly, never through a shell. Each call still asks you first.",
    none: "No command tools yet.",
    loadFailed: "Your command tools couldn't be listed. Close and reopen Settings to try again.",
    readOnly: "The settings file can't be written this run: changes last until you quit.",
    add: "Add command tool",
    edit: "Edit",
    remove: "Remove",
    removeQuestion: (name: string) => `Remove the tool “${name}”? Agents will no longer be offered it.`,
    removeYes: "Remove",
    removeNo: "Keep",
    leftOut: (name: string, reason: string) => `“${name}” is not offered: ${reason}`,
    runs: (program: string) => `Runs ${program}`,
    limits: (seconds: number, output: string) => `stopped after ${seconds} s or ${output} of output`,
    name: "Name",
    nameHint: "What the agent calls it: lower-case letters, digits and _, starting with a letter (at most 64).",
    description: "Description",
    descriptionHint: "What it does and when to use it, written for the agent (at most 4,000 characters).",
    parameters: "Parameters (JSON Schema)",
    parametersHint: "The arguments the agent must pass, as a JSON Schema of an object.",
    executable: "Program",
    executableHint: "An absolute path (/usr/local/bin/lookup) or a program name found in PATH.",
    args: "Fixed arguments",
    argsHint: "One per line, each passed exactly as written: ; | $( ) and quotes mean nothing special (at most 64).",
    timeout: "Time limit (seconds)",
    outputLimit: "Output limit (bytes)",
    limitHint: (max: string) => `At most ${max}. A run past a limit is stopped and the call fails with the reason.`,
    save: "Save",
    cancel: "Cancel",
    saved: (name: string) => `Saved “${name}”. Offer it to an agent above; each call asks you first.`,
    removed: (name: string) => `Removed “${name}”.`,
    sample: "Sample arguments (JSON)",
    sampleHint: "Test runs the program once with these arguments, after you allow it in the dialog that names the program.",
    test: "Test",
    testing: "Running…",
    testOk: (ms: string) => `It worked (${ms}). Result:`,
    testFailed: (ms: string) => `It failed (${ms}):`,
    problem: {
      nameRequired: "Name: required.",
      nameFormat: "Name: use lower-case letters, digits and _, starting with a letter, at most 64 characters.",
      descriptionRequired: "Description: required — say what the tool does.",
      parametersJson: (why: string) => `Parameters: not valid JSON (${why}).`,
      parametersObject: "Parameters: must be a JSON Schema object with \"type\": \"object\".",
      executableRequired: "Program: required.",
      timeout: (max: number) => `Time limit: a whole number of seconds from 1 to ${max}.`,
      outputLimit: (max: number) => `Output limit: a whole number of bytes from 1 to ${max}.`,
      sampleJson: (why: string) => `Sample arguments: not valid JSON (${why}).`,
    },
  },

  /** The audit log of tool calls (`components/settings/ToolActivitySection`). */
  toolActivity: {
    title: "Tool activity",
    intro: "Every call of a tool on this computer: who asked, what was decided and by whom, and how it ended.",
    loadFailed: "The tool activity couldn't be read.",
    none: "No tool calls match.",
    agent: "Agent",
    tool: "Tool",
    decision: "Decision",
    outcome: "Outcome",
    any: "Any",
    refresh: "Refresh",
    exportCsv: "Export CSV…",
    exportJsonl: "Export JSONL…",
    exported: (path: string) => `Saved to ${path}.`,
    previous: "Newer",
    next: "Older",
    range: (from: number, to: number, total: number) => `${from}–${to} of ${total}`,
    columns: { time: "When", agent: "Agent", tool: "Tool", decision: "Decision", outcome: "Outcome", duration: "Took", arguments: "Arguments" },
    decisions: { approved: "Approved", denied: "Denied", refused: "Refused", notTaken: "Not taken" } as Record<string, string>,
    by: { you: "by you", rule: "by an Always allow rule", app: "by Athena Desktop" } as Record<string, string>,
    outcomes: { success: "Succeeded", failure: "Failed" } as Record<string, string>,
    source: { "built-in": "built-in", command: "command tool" } as Record<string, string>,
  },

  /** The bar at the bottom of the window. */
  mcp: {
    title: "MCP servers",
    intro:
      "Add a Model Context Protocol server by its command line: Athena Desktop starts it when its tools are needed and offers them as tools on this computer (choose above which agent may use which). Each call still asks you first.",
    none: "No MCP servers yet.",
    loadFailed: "The MCP servers couldn't be listed. Close and reopen Settings to try again.",
    add: "Add MCP server",
    edit: "Edit",
    restart: "Restart",
    remove: "Remove",
    removeQuestion: (name: string) => `Remove “${name}” and stop it?`,
    removeYes: "Remove",
    removeNo: "Keep",
    name: "Name",
    commandLine: "Command line",
    commandLineHint:
      "The program and its arguments, quoted as in a terminal (\"my file.py\"). It is started directly, never through a shell, so ; | > $( ) are passed as they are.",
    enabled: "Enabled",
    test: "Test",
    save: "Save",
    cancel: "Cancel",
    disabled: "Disabled",
    stopped: "Stopped: starts when its tools are needed",
    starting: "Starting…",
    running: (tools: number) => `Running, ${tools === 1 ? "1 tool" : `${tools} tools`}`,
    failed: (reason: string) => `Failed: ${reason}. Fix the command line or the server, then Restart.`,
    testListed: (tools: number) =>
      tools === 0 ? "It started, but lists no tools." : `It started and lists ${tools === 1 ? "1 tool" : `${tools} tools`}:`,
    testFailed: (reason: string) => `It did not work: ${reason}.`,
    toolLeftOut: (reason: string) => `Not offered: ${reason}.`,
    sampleTitle: "Try a tool",
    sampleHint: "Run calls the tool once with these arguments, after you allow it in the dialog that names the tool.",
    sampleTool: "Tool",
    sampleArguments: "Arguments (JSON object)",
    sampleRun: "Run",
    sampleFailed: (reason: string) => `The call failed: ${reason}`,
  },
  status: {
    label: "Workspace status",
    creditsLeft: (n: number, shown: string) => (n === 1 ? "1 credit left" : `${shown} credits left`),
    version: (version: string) => `version ${version}`,
    versionTitle: "The workspace's version on the server",
  },

  /** The Batch screen: many messages to one agent (`components/batch`). */
  batch: {
    open: "Batch",
    openLabel: "Send many messages to one agent",
    back: "Back to chats",
    newBatch: "New batch",
    newBatchLabel: "Prepare a new batch",
    runs: {
      title: "Batch runs",
      loading: "Loading…",
      none: "No batch runs yet.",
      failed: "Couldn't load the batch runs.",
      retry: "Try again",
      retryOf: "retry",
      counts: (done: string, total: string, failed: number, shownFailed: string) =>
        failed === 0 ? `${done} of ${total} done` : `${done} of ${total} done · ${shownFailed} failed`,
    },
    status: { running: "Running", completed: "Completed", cancelled: "Cancelled", failed: "Failed" },
    input: {
      title: "New batch",
      intro: "Each message becomes its own run of the agent: one per line, or one per row of a CSV or JSON Lines file.",
      agent: "Agent",
      noAgents: "No agents",
      paste: "Messages, one per line",
      pastePlaceholder: "Paste or type messages here, one per line…",
      import: "Import file…",
      importLabel: "Import messages from a CSV, JSON Lines or text file",
      importing: "Opening…",
      dropHint: "Or drop one CSV, JSON Lines or text file on the window.",
      dropOne: (n: number) => `Drop one file at a time: ${n} files were dropped.`,
      file: (name: string, size: string) => `${name} (${size})`,
      useText: "Use pasted text instead",
      reading: "Reading…",
      options: "How to read the messages",
      format: "Read as",
      formats: { auto: "Detect", lines: "Lines", csv: "CSV", jsonl: "JSON Lines" },
      detected: (format: string) => `Read as ${format}.`,
      messageColumn: "Message column",
      keyColumn: "Key column",
      generateKeys: "Generate keys",
      column: (index: number, name: string) => (name.trim() === "" ? `Column ${index + 1}` : name),
      header: "The first row is a header",
      delimiter: "Delimiter",
      delimiters: { auto: "Detect", comma: "Comma", semicolon: "Semicolon", tab: "Tab" },
      detectedDelimiter: (name: string) => `Detect (${name.toLowerCase()} found)`,
      problems: (n: number) => (n === 1 ? "1 line couldn't be read:" : `${n} lines couldn't be read:`),
      problem: (line: string, reason: string) => `Line ${line}: ${reason}`,
      moreProblems: (n: string) => `…and ${n} more.`,
    },
    preview: {
      label: "Messages to send",
      rows: (n: number, shown: string) => (n === 1 ? "1 message" : `${shown} messages`),
      flagged: (n: number, shown: string) => (n === 1 ? "1 needs attention" : `${shown} need attention`),
      onlyFlagged: "Only rows that need attention",
      line: "Line",
      key: "Key",
      message: "Message",
      problem: "Problem",
      none: "No messages yet: paste some above or import a file.",
      noFlagged: "No row needs attention.",
      flags: {
        duplicateKey: (firstLine: string) => `Duplicate key (first used on line ${firstLine})`,
        emptyKey: "Empty key",
        emptyMessage: "Empty message",
        tooLong: (length: string, limit: string) => `Too long: ${length} of ${limit} characters`,
      },
    },
    cost: {
      working: "Working out the cost…",
      line: (items: string, each: string, total: string) => `${items} × ${each} = ${total}`,
      atLeast: (items: string, each: string, total: string) => `${items} × at least ${each} = at least ${total}`,
      atLeastNote: "This agent is also priced by the tokens it uses, so the preview gives only the base cost.",
      items: (n: number, shown: string) => (n === 1 ? "1 item" : `${shown} items`),
      credits: (n: number | null, shown: string) => (n === 1 ? "1 credit" : `${shown} credits`),
      failed: "Couldn't work out the cost.",
    },
    start: "Start",
    starting: "Starting…",
    blocked: {
      noAgent: "Pick an agent first.",
      empty: "Add at least one message.",
      reading: "Reading the messages…",
      unreadable: "The messages couldn't be read.",
      costing: "Working out the cost…",
      flagged: (n: number, shown: string) =>
        n === 1
          ? "1 row needs attention (highlighted below): fix it in the source, then Start."
          : `${shown} rows need attention (highlighted below): fix them in the source, then Start.`,
    },
    confirm: {
      about: (items: string, total: string) => `Run ${items} for about ${total}?`,
      atLeast: (items: string, total: string) => `Run ${items} for at least ${total}?`,
      unknown: (items: string) => `Run ${items}? The cost couldn't be worked out.`,
      run: "Run",
      cancel: "Cancel",
    },
    run: {
      title: (agent: string) => `Batch for ${agent}`,
      retryOf: "Retry of the failed items of an earlier run.",
      started: (when: string) => `Started ${when}`,
      loading: "Loading the run…",
      loadFailed: "Couldn't open this run.",
      retry: "Try again",
      progress: "Progress",
      progressText: (settled: string, total: string) => `${settled} of ${total} finished`,
      counts: (c: { done: string; failed: string; running: string; queued: string; cancelled: string; total: string }) =>
        `${c.done} done · ${c.failed} failed · ${c.running} running · ${c.queued} queued · ${c.cancelled} cancelled · of ${c.total}`,
      elapsed: (t: string) => `Elapsed ${t}`,
      took: (t: string) => `Took ${t}`,
      remaining: (t: string) => `about ${t} left`,
      error: (reason: string) => `The batch stopped: ${reason}`,
      cancel: "Cancel batch",
      cancelQuestion: "Stop sending? Items already sent may still run on the server and be charged.",
      stopSending: "Stop sending",
      keepRunning: "Keep running",
      cancelling: "Stopping…",
      retryFailed: (n: string) => `Retry failed (${n})`,
      retrying: "Starting the retry…",
      exportCsv: "Export CSV",
      exportJsonl: "Export JSONL",
      exporting: "Exporting…",
      exported: "Results saved.",
      items: "Items",
      key: "Key",
      message: "Message",
      state: "State",
      itemStatus: { queued: "Queued", running: "Running…", done: "Done", failed: "Failed", cancelled: "Cancelled" },
      expand: (key: string) => `Answer for ${key}`,
      waiting: "Not answered yet.",
      noOutput: "The agent gave no answer text.",
      itemError: (reason: string) => `Failed: ${reason}`,
      cancelledItem: "Cancelled before it was sent.",
      cost: (shown: string) => `Cost ${shown}`,
      announceEnded: (status: string, counts: string) => `Batch ${status.toLowerCase()}: ${counts}`,
    },
  },

  /** `athena-desktop://` links from outside the app (`components/useDeepLinks`). */
  deepLinks: {
    refused: (why: string) =>
      `A link tried to open Athena Desktop and was refused: ${why}. Links can only open a chat or start one with text you can read before sending.`,
    reasons: {
      tooLong: "it is too long",
      unsafeCharacter: "it has characters a link cannot have",
      notAnAppLink: "it is not an Athena Desktop link",
      unknownVerb: "it asks for something the app does not do from a link",
      unknownParameter: "it carries something the app does not take from a link",
      badEncoding: "it is garbled",
      doubleEncoded: "it is encoded twice, a way of hiding what it says",
      controlCharacter: "it has invisible control characters",
      nestedScheme: "its text carries another kind of link",
      badConversationId: "it names no valid chat",
      badAgentId: "it names no valid agent",
    },
  },

  /** Files attached to a message: chips, the Attach button, the drop zone (`attachments/`). */
  attachments: {
    attach: "Attach",
    attachLabel: "Attach files to this message",
    /** The drop zone shown while files are dragged over the window. */
    dropTitle: "Drop files to attach them",
    dropHint: "Images (PNG, JPEG, GIF, WebP), PDF, text, CSV or Markdown · up to 50 MiB each · 10 per message",
    /** The chip's list, and each chip's state. */
    listLabel: "Attachments",
    checking: "Checking…",
    uploading: (percent: number) => `Uploading… ${percent}%`,
    progressLabel: (name: string) => `Uploading ${name}`,
    uploaded: "Ready",
    cancelled: "Upload cancelled",
    failed: (why: string) => `Upload failed: ${why}`,
    refused: (why: string) => `Can't be attached: ${why}`,
    cancel: "Cancel",
    cancelLabel: (name: string) => `Cancel uploading ${name}`,
    retry: "Retry",
    retryLabel: (name: string) => `Upload ${name} again`,
    remove: "Remove",
    removeLabel: (name: string) => `Remove ${name}`,
    /** Why Send is disabled. */
    waitForUploads: "Send is available once the attachments have finished uploading.",
    removeFailed: "Remove or retry the attachments that failed before sending.",
    removeRefused: "Remove the files that can't be attached before sending.",
    /** A refusal: what is wrong with the file, naming the limit. */
    tooLarge: (actual: string, limit: string) => `too large: ${actual}, the limit is ${limit}`,
    unsupportedType: (extension: string) =>
      extension === "" ? "not a supported type (the name has no extension)" : `not a supported type (.${extension})`,
    typeMismatch: (claimed: string, found: string) => `says .${claimed} but is ${found}`,
    folder: "a folder cannot be attached",
    unreadable: (reason: string) => `it couldn't be read (${reason})`,
    empty: "is empty",
    tooMany: (limit: number) => `at most ${limit} files per message`,
    /** What a content type is called in a refusal ("says .png but is text"). */
    kinds: {
      text: "text",
      image: (subtype: string) => `a ${subtype.toUpperCase()} image`,
      pdf: "a PDF",
      other: (contentType: string) => contentType,
      /** The bytes are not what the name says ("not a PNG image"). */
      notThat: (kind: string) => `not ${kind}`,
    },
    /** A paste or drop that could not become an attachment (never dropped silently). */
    pasteUnreadable: (name: string) => `The pasted file ${name} couldn't be read, so it wasn't attached.`,
    pastedFile: "pasted file",
    attachFailed: (why: string) => `The files weren't attached: ${why}`,
    dismiss: "Dismiss",
    /** A document's chip: its icon's label. */
    document: "Document",
    /** The full-size view of an image. */
    fullViewTitle: (name: string) => name,
    fullViewLabel: (name: string) => `Show ${name} full size`,
    fullViewLoading: "Loading…",
    fullViewFailed: (why: string) => `The image couldn't be shown: ${why}`,
    close: "Close",
    closeLabel: "Close the image",
    /** A sent message's attachments. */
    sentLabel: "Attached files",
  },

  /** Quiet notices under the header. */
  notices: {
    appVersion: (version: string | null) =>
      version
        ? `This workspace was updated (version ${version}). Its agents were checked again.`
        : "This workspace was updated. Its agents were checked again.",
    agentCheck: (agent: string, words: string) => `${agent}: ${words}`,
    settingsUnreadable: (reason: string, backup: string | null) =>
      backup
        ? `Your settings file couldn't be read (${reason}). It was kept as ${backup} and the defaults are in use.`
        : `Your settings file couldn't be read (${reason}). The defaults are in use.`,
    settingsNewer:
      "Your settings were saved by a newer version of Athena Desktop; this version uses defaults and leaves them untouched.",
    settingsLeftAlone: (reason: string) =>
      `Your settings file couldn't be opened (${reason}). This session uses the defaults and leaves the file as it is.`,
    dismiss: "Dismiss",
    dismissLabel: "Dismiss this notice",
  },
} as const;
