// The last rehype step before React: a second wall behind "no raw HTML".
//
// react-markdown never turns model text into HTML (raw HTML nodes become text, and
// `rehype-raw` is not used), so the tree here comes from the markdown parser, KaTeX
// (trust off) and highlight.js. This step still checks every element, so that a bug or
// a new feature in one of them cannot put script, a frame, a form, an image or an event
// handler into the page:
// - elements outside the allowed set are removed with their content when they can act
//   (script, style, iframe, object, form, img, ...) and unwrapped otherwise;
// - every `on*` attribute and `srcdoc` is removed;
// - every attribute that holds an address keeps only what `safeUrl` allows.
//
// It also turns a raw `<br>` (alone, no attributes) into a line break: models write it
// in table cells, where markdown has no other way to break a line. Any other raw HTML
// is left for react-markdown, which shows it as text.

import type { Element, ElementContent, Root, RootContent } from "hast";
import { safeUrl } from "./urls";

/** What markdown (with GFM and footnotes) produces. */
const MARKDOWN_ELEMENTS = [
  "a", "blockquote", "br", "code", "del", "div", "em", "h1", "h2", "h3", "h4", "h5", "h6",
  "hr", "img", "input", "li", "ol", "p", "pre", "section", "span", "strong", "sup", "sub",
  "table", "tbody", "td", "tfoot", "th", "thead", "tr", "ul",
];

/** What KaTeX produces: HTML spans, MathML for screen readers, SVG for stretchy marks. */
const KATEX_ELEMENTS = [
  "math", "semantics", "annotation", "mrow", "mi", "mn", "mo", "ms", "mtext", "mspace",
  "msup", "msub", "msubsup", "mfrac", "msqrt", "mroot", "mover", "munder", "munderover",
  "mtable", "mtr", "mtd", "mlabeledtr", "menclose", "mstyle", "mpadded", "mphantom",
  "svg", "path", "line", "g",
];

const ALLOWED = new Set([...MARKDOWN_ELEMENTS, ...KATEX_ELEMENTS]);

/** Elements that are dropped with everything inside them. */
const DROPPED_WITH_CONTENT = new Set([
  "script", "style", "iframe", "frame", "frameset", "object", "embed", "applet", "param",
  "form", "button", "textarea", "select", "option", "base", "meta", "link", "template",
  "noscript", "video", "audio", "source", "track", "picture", "image", "canvas", "dialog",
  "portal", "foreignObject", "foreignobject", "use", "animate", "set", "animateMotion",
  "animateTransform", "mglyph", "maction", "title", "head", "html", "body",
]);

/** Properties (hast names, compared lower-case) whose value is an address. */
const URL_PROPERTIES = new Set([
  "href", "src", "srcset", "xlinkhref", "action", "formaction", "poster", "data", "cite",
  "background", "codebase", "longdesc", "usemap", "ping", "manifest", "profile", "classid",
  "archive", "lowsrc", "dynsrc", "icon", "itemid", "itemtype",
]);

function hardenProperties(element: Element): void {
  const properties = element.properties;
  for (const name of Object.keys(properties)) {
    const lower = name.toLowerCase();
    if (lower.startsWith("on") || lower === "srcdoc" || lower === "is") {
      delete properties[name];
    } else if (URL_PROPERTIES.has(lower)) {
      const value = properties[name];
      const safe = typeof value === "string" ? safeUrl(value) : null;
      if (safe === null) delete properties[name];
      else properties[name] = safe;
    }
  }
  if (element.tagName === "input") {
    // Only the checkbox of a task list item, and never editable.
    for (const name of Object.keys(properties)) {
      if (name !== "type" && name !== "checked" && name !== "disabled") delete properties[name];
    }
    properties.disabled = true;
  }
}

function isBreak(node: RootContent): boolean {
  return node.type === "raw" && /^<br\s*\/?>$/i.test(node.value.trim());
}

function hardenChildren(children: Array<RootContent | ElementContent>): Array<RootContent | ElementContent> {
  const result: Array<RootContent | ElementContent> = [];
  for (const child of children) {
    if (isBreak(child)) {
      result.push({ type: "element", tagName: "br", properties: {}, children: [] });
      continue;
    }
    if (child.type !== "element") {
      result.push(child);
      continue;
    }
    const tagName = child.tagName;
    if (DROPPED_WITH_CONTENT.has(tagName) || DROPPED_WITH_CONTENT.has(tagName.toLowerCase())) continue;
    if (tagName === "input" && child.properties.type !== "checkbox") continue;
    const children = hardenChildren(child.children) as ElementContent[];
    if (!ALLOWED.has(tagName)) {
      result.push(...children);
      continue;
    }
    hardenProperties(child);
    child.children = children;
    result.push(child);
  }
  return result;
}

/** The rehype plugin. */
export function rehypeHarden() {
  return (tree: Root): undefined => {
    tree.children = hardenChildren(tree.children) as RootContent[];
  };
}

/** The text inside a hast node, as written (for copy buttons and link checks). */
export function textOf(node: Root | RootContent | ElementContent): string {
  if (node.type === "text") return node.value;
  if (node.type === "element" || node.type === "root") {
    let text = "";
    for (const child of node.children) text += textOf(child);
    return text;
  }
  return "";
}
