// Search across the workspace's chats: the box at the top of the sidebar and the
// results that replace the lists while a query is typed. The backend cuts each
// excerpt into plain and matched runs; matched runs become <mark> text nodes, so a
// message's text is never read as markup.

import { useEffect, useRef, useState, type KeyboardEvent } from "react";
import type { AppError, SearchResult } from "../bindings";
import { describeError } from "../errors";
import { formatRelativeTime } from "../format";
import { messages } from "../messages";
import type { Result } from "../result";

const words = messages.conversationActions;

/** How long typing must pause before the search runs. */
export const SEARCH_DELAY_MS = 150;

export type SearchPhase =
  | { phase: "idle" }
  | { phase: "searching"; results: readonly SearchResult[] }
  | { phase: "done"; results: readonly SearchResult[] }
  | { phase: "failed"; error: AppError };

export type Search = {
  query: string;
  setQuery: (query: string) => void;
  /** Whether the results replace the lists (the query has a word). */
  active: boolean;
  state: SearchPhase;
  /** The highlighted result (arrow keys), -1 for none. */
  activeIndex: number;
  setActiveIndex: (index: number) => void;
};

/** Runs `search` for the query once typing pauses; a later answer replaces an earlier one, a stale one is dropped. */
export function useSearch(
  search: (query: string) => Promise<Result<SearchResult[], AppError>>,
  delayMs = SEARCH_DELAY_MS,
): Search {
  const [query, setQueryState] = useState("");
  const [state, setState] = useState<SearchPhase>({ phase: "idle" });
  const [activeIndex, setActiveIndex] = useState(-1);
  const asked = useRef(0);
  const trimmed = query.trim();

  useEffect(() => {
    const ticket = ++asked.current;
    if (trimmed === "") {
      setState({ phase: "idle" });
      return undefined;
    }
    setState((s) => ({ phase: "searching", results: s.phase === "done" || s.phase === "searching" ? s.results : [] }));
    const timer = setTimeout(() => {
      void search(trimmed).then((result) => {
        if (ticket !== asked.current) return;
        setState(result.status === "ok" ? { phase: "done", results: result.data } : { phase: "failed", error: result.error });
        setActiveIndex(result.status === "ok" && result.data.length > 0 ? 0 : -1);
      });
    }, delayMs);
    return () => clearTimeout(timer);
  }, [trimmed, search, delayMs]);

  return {
    query,
    setQuery: setQueryState,
    active: trimmed !== "",
    state,
    activeIndex,
    setActiveIndex,
  };
}

function resultsOf(state: SearchPhase): readonly SearchResult[] {
  return state.phase === "done" || state.phase === "searching" ? state.results : [];
}

/** The DOM id of a result row, for aria-activedescendant. */
const resultId = (listId: string, index: number) => `${listId}-${index}`;

type BoxProps = {
  search: Search;
  listId: string;
  onOpen: (result: SearchResult) => void;
};

/**
 * The search field. Arrows move through the results, Enter opens the highlighted one,
 * Escape clears the query (a second Escape leaves the field). Keep its id: the
 * keyboard shortcut for search focuses `#conversation-search`.
 */
export function SearchBox({ search, listId, onOpen }: BoxProps) {
  const results = resultsOf(search.state);

  function onKeyDown(event: KeyboardEvent<HTMLInputElement>) {
    const count = results.length;
    switch (event.key) {
      case "ArrowDown":
        if (count === 0) return;
        search.setActiveIndex((search.activeIndex + 1) % count);
        break;
      case "ArrowUp":
        if (count === 0) return;
        search.setActiveIndex(search.activeIndex <= 0 ? count - 1 : search.activeIndex - 1);
        break;
      case "Enter": {
        const chosen = results[search.activeIndex] ?? results[0];
        if (!chosen) return;
        onOpen(chosen);
        break;
      }
      case "Escape":
        if (search.query === "") {
          event.currentTarget.blur();
        } else {
          search.setQuery("");
        }
        break;
      default:
        return;
    }
    event.preventDefault();
    // Escape here is the search's, not a dialog's or the window's.
    event.stopPropagation();
  }

  const expanded = search.active && results.length > 0;
  return (
    <div className="conversation-search" role="search">
      <input
        id="conversation-search"
        data-testid="conversation-search"
        type="search"
        className="conversation-search-input"
        placeholder={words.searchPlaceholder}
        aria-label={words.searchLabel}
        role="combobox"
        aria-expanded={expanded}
        aria-controls={listId}
        aria-autocomplete="list"
        aria-activedescendant={expanded && search.activeIndex >= 0 ? resultId(listId, search.activeIndex) : undefined}
        autoComplete="off"
        spellCheck={false}
        value={search.query}
        onChange={(e) => search.setQuery(e.target.value)}
        onKeyDown={onKeyDown}
      />
    </div>
  );
}

type ResultsProps = {
  search: Search;
  listId: string;
  nowMs: number;
  /** The conversation open now: its results are marked current. */
  selectedId: string | null;
  onOpen: (result: SearchResult) => void;
};

/** The results of the query, in place of the lists: title, excerpt, archived, when. */
export function SearchResults({ search, listId, nowMs, selectedId, onOpen }: ResultsProps) {
  const { state } = search;
  const results = resultsOf(state);
  return (
    <div className="search-results" data-testid="search-results" aria-busy={state.phase === "searching"}>
      {results.length > 0 && (
        <p className="search-count" aria-live="polite">
          {words.resultCount(results.length)}
        </p>
      )}
      <ul id={listId} className="search-result-rows" role="listbox" aria-label={words.resultsLabel}>
        {results.map((r, i) => (
          <li
            key={r.handle}
            id={resultId(listId, i)}
            role="option"
            aria-selected={i === search.activeIndex}
            className="search-result"
            data-testid="search-result"
            data-conversation-id={r.conversationId}
            data-handle={r.handle}
            data-current={r.conversationId === selectedId ? "true" : undefined}
            // The focus stays in the field: a click opens without moving it.
            onMouseDown={(e) => e.preventDefault()}
            onMouseEnter={() => search.setActiveIndex(i)}
            onClick={() => onOpen(r)}
          >
            <span className="search-result-top">
              <span className={`search-result-title${r.conversationTitle === "" ? " untitled" : ""}`}>
                {r.conversationTitle === "" ? messages.sidebar.untitled : r.conversationTitle}
              </span>
              {r.archived && (
                <span className="search-result-archived" data-testid="search-result-archived">
                  {words.archivedMarker}
                </span>
              )}
              <time className="search-result-time" dateTime={new Date(r.sentAtMs ?? 0).toISOString()}>
                {formatRelativeTime(r.sentAtMs ?? 0, nowMs)}
              </time>
            </span>
            <span className="search-result-snippet" data-testid="search-result-snippet">
              {r.snippet.map((s, j) => (s.highlighted ? <mark key={j}>{s.text}</mark> : <span key={j}>{s.text}</span>))}
            </span>
          </li>
        ))}
      </ul>
      {state.phase === "searching" && results.length === 0 && <p className="conversation-list-note">{words.searching}</p>}
      {state.phase === "done" && results.length === 0 && (
        <p className="conversation-list-note" data-testid="search-empty">
          {words.noResults(search.query.trim())}
        </p>
      )}
      {state.phase === "failed" && (
        <p className="conversation-list-note error" role="alert" data-testid="search-error">
          {words.searchFailed} {describeError(state.error)}
        </p>
      )}
    </div>
  );
}
