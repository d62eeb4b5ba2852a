// Model output never becomes HTML, script, a request or a navigation: every payload of
// the XSS corpus, whole and cut off as while streaming (every 7th character and each of
// the last 10), alone and inside a long answer, renders without any element or
// attribute that could act.

import { cleanup, fireEvent, render } from "@testing-library/react";
import { afterEach, describe, expect, it, vi } from "vitest";
import { OpenLinkContext } from "../openLink";
import { Markdown } from "./Markdown";
import corpusJson from "./xss-corpus.json";
import { XSS_FLAG, xssCorpus } from "./xss-corpus";

afterEach(() => {
  cleanup();
  delete (window as unknown as Record<string, unknown>)[XSS_FLAG];
});

/** Elements that can run script, load something, submit or change the page's base. */
const FORBIDDEN_ELEMENTS =
  "script, iframe, frame, object, embed, applet, form, base, meta, link, style, img, image, video, audio, source, " +
  "picture, svg script, foreignObject, use, template, textarea, select, portal, marquee, details, noscript";

/** Attributes whose value is an address. */
const URL_ATTRIBUTES = new Set([
  "href", "src", "srcset", "xlink:href", "action", "formaction", "poster", "data", "cite", "background",
  "codebase", "longdesc", "usemap", "ping", "manifest", "profile", "classid", "archive", "lowsrc", "dynsrc",
]);
const SAFE_URL = /^(?:https?:\/\/[^\s]+|mailto:[^\s]+|#[\w.:-]*)$/i;

/** Everything the renderer itself may produce: markdown, KaTeX and its own controls. */
const ALLOWED_TAGS = new Set(
  (
    "div span p a strong em del code pre h1 h2 h3 h4 h5 h6 ul ol li blockquote hr br table thead tbody tfoot tr th td " +
    "input button sup sub section math semantics annotation mrow mi mn mo ms mtext mspace msup msub msubsup mfrac " +
    "msqrt mroot mover munder munderover mtable mtr mtd mlabeledtr menclose mstyle mpadded mphantom svg path line g"
  ).split(" "),
);

function expectSafe(container: HTMLElement, what: string) {
  expect(container.querySelector(FORBIDDEN_ELEMENTS), what).toBeNull();
  for (const element of Array.from(container.querySelectorAll("*"))) {
    const tag = element.tagName.toLowerCase();
    expect(ALLOWED_TAGS.has(tag), `${what}: <${tag}>`).toBe(true);
    if (tag === "input") {
      expect(element.getAttribute("type"), what).toBe("checkbox");
      expect(element.hasAttribute("disabled"), what).toBe(true);
    }
    for (const attribute of Array.from(element.attributes)) {
      const name = attribute.name.toLowerCase();
      expect(name.startsWith("on"), `${what}: <${tag} ${name}>`).toBe(false);
      expect(["srcdoc", "formtarget", "target", "is"].includes(name), `${what}: <${tag} ${name}>`).toBe(false);
      if (URL_ATTRIBUTES.has(name) || name.endsWith(":href")) {
        expect(attribute.value, `${what}: <${tag} ${name}="${attribute.value}">`).toMatch(SAFE_URL);
      }
      if (name === "style") {
        expect(attribute.value, `${what}: style`).not.toMatch(/url\(|expression\(|javascript:|position\s*:\s*fixed/i);
      }
    }
  }
  expect((window as unknown as Record<string, unknown>)[XSS_FLAG], what).toBeUndefined();
}

/** Clicks every link: none navigates, and the backend is asked only about web or e-mail addresses. */
function expectLinksGoToTheBackend(container: HTMLElement, openLink: ReturnType<typeof vi.fn>, what: string) {
  for (const link of Array.from(container.querySelectorAll("a"))) {
    const click = new MouseEvent("click", { bubbles: true, cancelable: true });
    fireEvent(link, click);
    expect(click.defaultPrevented, `${what}: click on ${link.outerHTML}`).toBe(true);
  }
  for (const [url] of openLink.mock.calls) expect(String(url), what).toMatch(/^(?:https?|mailto):/);
}

/**
 * Where to cut a payload, as a stream would: every 7th character (the stride keeps
 * the suite fast) and each of the last 10, where a payload completes its attack.
 */
function cutOffs(length: number): number[] {
  const ends = new Set<number>();
  for (let end = 1; end <= length; end += 7) ends.add(end);
  for (let end = Math.max(1, length - 9); end <= length; end++) ends.add(end);
  return [...ends].sort((a, b) => a - b);
}

function backend() {
  return vi.fn(async () => ({ status: "ok" as const, data: true }));
}

describe("the XSS corpus", () => {
  it("is plain data, at least 40 payloads with unique names, the same in the .ts and the .json", () => {
    expect(xssCorpus.length).toBeGreaterThanOrEqual(40);
    expect(new Set(xssCorpus.map((entry) => entry.name)).size).toBe(xssCorpus.length);
    expect(JSON.parse(JSON.stringify(xssCorpus))).toEqual(corpusJson);
    for (const entry of xssCorpus) expect(Object.keys(entry).sort()).toEqual(["markdown", "name"]);
  });
});

describe("Markdown with hostile model output", () => {
  it.each(xssCorpus.map((entry) => [entry.name, entry.markdown]))("renders %s inertly, whole", (name, markdown) => {
    for (const streaming of [false, true]) {
      const openLink = backend();
      const { container, unmount } = render(
        <OpenLinkContext.Provider value={openLink}>
          <Markdown source={markdown} streaming={streaming} />
        </OpenLinkContext.Provider>,
      );
      expectSafe(container, `${name} (streaming: ${streaming})`);
      expectLinksGoToTheBackend(container, openLink, name);
      unmount();
    }
  });

  it.each(xssCorpus.map((entry) => [entry.name, entry.markdown]))(
    "renders %s inertly at many points while it streams in",
    (name, markdown) => {
      const view = render(<Markdown source="" streaming />);
      for (const end of cutOffs(markdown.length)) {
        view.rerender(<Markdown source={markdown.slice(0, end)} streaming />);
        expectSafe(view.container, `${name}, cut at ${end}: ${JSON.stringify(markdown.slice(0, end))}`);
      }
    },
  );

  it("renders the whole corpus as one long answer inertly, streamed and finished", () => {
    // Reference definitions end up far from their uses, in other blocks.
    const answer = xssCorpus.map((entry) => `### ${entry.name}\n\n${entry.markdown}`).join("\n\n");
    const openLink = backend();
    const tree = (source: string, streaming: boolean) => (
      <OpenLinkContext.Provider value={openLink}>
        <Markdown source={source} streaming={streaming} />
      </OpenLinkContext.Provider>
    );
    const view = render(tree("", true));
    // A coarse stride: the cut-offs inside each payload are checked above.
    for (let end = 61; end < answer.length + 61; end += 61) {
      view.rerender(tree(answer.slice(0, end), true));
      expectSafe(view.container, `whole corpus, cut at ${end}`);
    }
    view.rerender(tree(answer, false));
    expectSafe(view.container, "whole corpus");
    expectLinksGoToTheBackend(view.container, openLink, "whole corpus");
    // The legitimate links of the corpus are still links, to what they say.
    const hrefs = Array.from(view.container.querySelectorAll("a[href]"), (link) => link.getAttribute("href"));
    expect(hrefs).toContain("https://examp1e.com/");
    expect(hrefs).toContain("https://xn--pple-43d.com/");
  }, 60_000);

  it("shows raw HTML as text: what the model wrote stays readable", () => {
    const { container } = render(<Markdown streaming={false} source={'<img src=x onerror="window.__xss=1"> and <script>x()</script>'} />);
    expect(container.textContent).toBe('<img src=x onerror="window.__xss=1"> and <script>x()</script>');
  });

  it("keeps KaTeX commands that could link, load or style as text, with KaTeX's own markup only", () => {
    const { container } = render(
      <Markdown
        streaming={false}
        source={"$\\href{javascript:alert(1)}{x}$ $\\url{https://e.example}$ $\\includegraphics{https://e.example/p.png}$ $\\htmlStyle{color:red}{y}$"}
      />,
    );
    expect(container.querySelectorAll(".katex").length).toBe(4);
    expect(container.querySelector("a, img, [href], [src]")).toBeNull();
    expect(container.textContent).toContain("\\href");
    expect(container.textContent).toContain("\\includegraphics");
  });
});
