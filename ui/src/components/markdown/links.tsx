// Links and images in model output. A link shows where it really goes (its address as
// the tooltip, its host next to the text when the text is something else) and a click
// never navigates the window: it goes to the backend through `OpenLinkContext`, which
// allows only http(s) and asks the user first. An image never loads: it shows as its
// description and host, with a link to open it in the browser.

import { createContext, useContext, type ComponentProps, type MouseEvent, type ReactNode } from "react";
import type { ExtraProps } from "react-markdown";
import { messages } from "../../messages";
import { useOpenLink } from "../openLink";
import { textOf } from "./harden";
import { displayTarget, safeUrl, textIsAddress } from "./urls";

/** True inside a link, where an image must not add a link of its own. */
const InsideLinkContext = createContext(false);

/** Scrolls to a footnote inside the same answer (ids repeat across answers). */
function scrollToFragment(event: MouseEvent<HTMLAnchorElement>, href: string) {
  event.preventDefault();
  const id = decodeURIComponent(href.slice(1));
  const root = event.currentTarget.closest(".md-root");
  const target = root ? Array.from(root.querySelectorAll("[id]")).find((element) => element.id === id) : undefined;
  target?.scrollIntoView?.({ block: "nearest" });
}

type AnchorProps = ComponentProps<"a"> & ExtraProps;

export function MarkdownLink({ href, children, node, id, className, ...rest }: AnchorProps) {
  const { open, problemNote } = useOpenLink();
  const url = href ? safeUrl(href) : null;

  if (url === null) {
    // The address was not one that may be opened: the text stays, the address is gone.
    return (
      <span className="md-link-removed" title={messages.markdown.linkRemoved}>
        {children}
      </span>
    );
  }

  if (url.startsWith("#")) {
    // A footnote reference or back link (`aria-*` and `data-footnote-*` are kept).
    const { "aria-describedby": describedBy, "aria-label": label } = rest;
    return (
      <a
        href={url}
        id={id}
        className={className}
        aria-describedby={describedBy}
        aria-label={label}
        onClick={(event) => scrollToFragment(event, url)}
      >
        {children}
      </a>
    );
  }

  const text = node ? textOf(node) : "";
  const showTarget = !textIsAddress(text, url);
  return (
    <InsideLinkContext.Provider value={true}>
      <a
        href={url}
        title={url}
        className="md-link"
        data-testid="chat-link"
        onClick={(event) => {
          event.preventDefault();
          void open(url);
        }}
      >
        {children}
        {showTarget && <span className="md-link-host"> ({displayTarget(url)})</span>}
      </a>
      {problemNote}
    </InsideLinkContext.Provider>
  );
}

type ImageProps = ComponentProps<"img"> & ExtraProps;

/** An image in model output: never loaded, shown as its description and where it is. */
export function MarkdownImage({ src, alt }: ImageProps) {
  const insideLink = useContext(InsideLinkContext);
  const { open, problemNote } = useOpenLink();
  const url = typeof src === "string" ? safeUrl(src) : null;
  const web = url !== null && /^https?:/.test(url);
  const description = alt?.trim() ? alt : messages.markdown.imageWithoutDescription;

  let target: ReactNode = null;
  if (web && insideLink) {
    target = <span className="md-link-host"> ({displayTarget(url)})</span>;
  } else if (web) {
    target = (
      <>
        <span className="md-link-host"> ({displayTarget(url)})</span>{" "}
        <a
          href={url}
          title={url}
          className="md-link md-image-open"
          onClick={(event) => {
            event.preventDefault();
            void open(url);
          }}
        >
          {messages.markdown.openInBrowser}
        </a>
      </>
    );
  }

  return (
    <span className="md-image" data-testid="md-image">
      <span className="md-image-label">{messages.markdown.image}</span> {description}
      {target}
      {problemNote}
    </span>
  );
}
