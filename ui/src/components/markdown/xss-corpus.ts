// Known XSS payloads in markdown form, as plain data. The component tests render each
// one (whole and cut off mid-way, as while streaming); the real-window suite (plain
// Node ESM) imports `xss-corpus.json` directly. A payload that runs sets
// `window.__xss`.

import corpus from "./xss-corpus.json";

export interface XssPayload {
  /** What the payload tries, unique. */
  name: string;
  /** The markdown a model (or a page it read) could write. */
  markdown: string;
}

export const xssCorpus: readonly XssPayload[] = corpus;

/** The global that a payload sets when it manages to run. */
export const XSS_FLAG = "__xss";
