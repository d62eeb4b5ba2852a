import { act, cleanup, fireEvent, render, screen, waitFor } from "@testing-library/react";
import { afterEach, describe, expect, it, vi } from "vitest";
import { OpenLinkContext, type OpenLink } from "../openLink";
import { Markdown } from "./Markdown";
import { sampleAnswer } from "./sampleAnswer";

afterEach(() => {
  cleanup();
  vi.useRealTimers();
});

function opened(): OpenLink & ReturnType<typeof vi.fn> {
  return vi.fn(async () => ({ status: "ok" as const, data: true })) as never;
}

/** Renders `source` the way it streams in, `step` characters at a time; calls `check` after each delta. */
function stream(source: string, step: number, check: (container: HTMLElement, shown: string) => void) {
  const view = render(<Markdown source="" streaming />);
  for (let end = step; end < source.length + step; end += step) {
    const shown = source.slice(0, end);
    view.rerender(<Markdown source={shown} streaming />);
    check(view.container, shown);
  }
  return view;
}

describe("Markdown", () => {
  it("renders GFM: headings, emphasis, lists, tables, task lists, strikethrough, autolinks", () => {
    const { container } = render(
      <Markdown
        streaming={false}
        source={
          "# Title\n\n**bold** *it* ~~gone~~ https://example.com\n\n- [x] done\n- [ ] todo\n\n| a | b |\n|---|--:|\n| 1 | 2 |\n\n> quoted"
        }
      />,
    );
    expect(container.querySelector("h1")?.textContent).toBe("Title");
    expect(container.querySelector("strong")?.textContent).toBe("bold");
    expect(container.querySelector("em")?.textContent).toBe("it");
    expect(container.querySelector("del")?.textContent).toBe("gone");
    expect(container.querySelector("a")?.getAttribute("href")).toBe("https://example.com/");
    const boxes = container.querySelectorAll<HTMLInputElement>('input[type="checkbox"]');
    expect(Array.from(boxes, (box) => [box.checked, box.disabled])).toEqual([
      [true, true],
      [false, true],
    ]);
    expect(container.querySelector(".md-table-scroll > table td")?.textContent).toBe("1");
    expect(container.querySelector("blockquote")?.textContent?.trim()).toBe("quoted");
  });

  it("renders inline and display math with KaTeX", () => {
    const { container } = render(<Markdown streaming={false} source={"Inline $x^2$ and\n\n$$\n\\frac{1}{2}\n$$"} />);
    expect(container.querySelectorAll(".katex").length).toBe(2);
    expect(container.querySelector(".katex-display .mfrac")).not.toBeNull();
    expect(container.querySelector("annotation")?.textContent).toBe("x^2");
  });

  it("highlights code and labels it with its language", () => {
    const { container } = render(<Markdown streaming={false} source={"```python\ndef f():\n    return 1\n```"} />);
    expect(container.querySelector(".md-code-language")?.textContent).toBe("python");
    expect(container.querySelector("code.hljs .hljs-keyword")?.textContent).toBe("def");
  });

  it("keeps footnotes where they are written, even in another block", () => {
    const { container } = render(
      <Markdown streaming={false} source={"A claim[^1] and another[^b].\n\nMore.\n\n[^1]: The source.\n[^b]: Another\nsource.\n\nEnd."} />,
    );
    expect(Array.from(container.querySelectorAll("sup"), (sup) => sup.textContent)).toEqual(["[1]", "[b]"]);
    expect(Array.from(container.querySelectorAll(".md-footnote"), (note) => note.textContent)).toEqual([
      "[1]The source.",
      "[b]Another\nsource.",
    ]);
    expect(container.textContent).not.toContain("[^");
  });

  it("resolves a reference link defined in another block", () => {
    const { container } = render(<Markdown streaming={false} source={"See [the docs][d].\n\nMore.\n\n[d]: https://docs.example.com/"} />);
    expect(container.querySelector("a")?.getAttribute("href")).toBe("https://docs.example.com/");
  });

  it("shows raw HTML as text and a lone <br> as a line break", () => {
    const { container } = render(<Markdown streaming={false} source={"<b>bold</b> a<br>b <br onclick=x>"} />);
    expect(container.querySelector("b")).toBeNull();
    expect(container.querySelectorAll("br").length).toBe(1);
    expect(container.textContent).toContain("<b>bold</b>");
    expect(container.textContent).toContain("<br onclick=x>");
  });

  it("ends up, after streaming, exactly as the whole answer rendered at once", () => {
    const streamed = stream(sampleAnswer, 97, () => {});
    streamed.rerender(<Markdown source={sampleAnswer} streaming={false} />);
    const whole = render(<Markdown source={sampleAnswer} streaming={false} />);
    // (React leaves `style=""` where a style it set earlier was removed: the same page.)
    expect(streamed.container.innerHTML.replaceAll(' style=""', "")).toBe(whole.container.innerHTML);
  });
});

describe("Markdown while streaming", () => {
  it("renders a code fence that is still open as a code block, never as ``` text", () => {
    const answer = "Here it is:\n\n```python\ndef f(x):\n    # **not bold**\n    return x * 2\n\n\nprint(f(2))\n```\n\nDone.";
    const fenceAt = answer.indexOf("```");
    stream(answer, 1, (container, shown) => {
      if (shown.length < fenceAt + 3) return;
      expect(container.textContent).not.toContain("```");
      const code = container.querySelector("pre code");
      expect(code).not.toBeNull();
      expect(container.querySelector("strong")).toBeNull();
      if (shown.length >= answer.indexOf("def")) {
        expect(container.querySelector(".md-code-language")?.textContent).toBe("python");
      }
    });
  });

  it("shows a fence left open mid-stream with its code so far", () => {
    const { container } = render(<Markdown streaming source={"Intro\n\n```ts\nconst a = 1;\nconst b = <div>"} />);
    expect(container.querySelector(".md-code-language")?.textContent).toBe("ts");
    expect(container.querySelector("pre code")?.textContent).toBe("const a = 1;\nconst b = <div>\n");
    expect(container.querySelector("div > div > div")).not.toBeNull();
  });

  it("renders a table streamed row by row as a table from its first cell", () => {
    const rows = ["| Name | Score |", "|:-----|------:|", "| Ada  | 10 |", "| Bob  | 7 |", "| Cy   | 12 |"];
    const answer = `Results:\n\n${rows.join("\n")}\n\nThat's all.`;
    const tableAt = answer.indexOf("| N");
    stream(answer, 1, (container, shown) => {
      if (shown.length < tableAt + 3) return;
      expect(container.querySelector("table")).not.toBeNull();
      expect(container.textContent).not.toMatch(/\||---/);
    });
    // Row by row, each row arriving whole.
    const view = render(<Markdown source="" streaming />);
    for (let count = 1; count <= rows.length; count++) {
      view.rerender(<Markdown source={rows.slice(0, count).join("\n") + "\n"} streaming />);
      const table = view.container.querySelector("table");
      expect(table?.querySelectorAll("th").length).toBe(2);
      expect(table?.querySelectorAll("tbody tr").length).toBe(Math.max(0, count - 2));
    }
  });

  it("renders a list as a list while it grows, and unfinished emphasis as emphasis", () => {
    const answer = "Plan:\n\n- first **important** step\n- second step\n  with more\n- third";
    const listAt = answer.indexOf("- first");
    stream(answer, 1, (container, shown) => {
      if (shown.length < listAt + 2) return;
      expect(container.querySelector("ul > li")).not.toBeNull();
      expect(container.textContent).not.toContain("**");
    });
  });

  it("shows no half link and no placeholder address", () => {
    const answer = "Read [the guide](https://guide.example.com/start) first.";
    stream(answer, 1, (container) => {
      expect(container.textContent).not.toContain("](");
      for (const link of Array.from(container.querySelectorAll("a"))) {
        expect(link.getAttribute("href")).toBe("https://guide.example.com/start");
      }
    });
  });
});

describe("links", () => {
  it("opens through the backend on click, never by navigating", () => {
    const openLink = opened();
    render(
      <OpenLinkContext.Provider value={openLink}>
        <Markdown streaming={false} source="Read [the guide](https://guide.example.com/a?b=1)." />
      </OpenLinkContext.Provider>,
    );
    const link = screen.getByRole("link");
    expect(link.getAttribute("title")).toBe("https://guide.example.com/a?b=1");
    expect(link.textContent).toBe("the guide (guide.example.com)");
    const click = new MouseEvent("click", { bubbles: true, cancelable: true });
    fireEvent(link, click);
    expect(click.defaultPrevented).toBe(true);
    expect(openLink).toHaveBeenCalledWith("https://guide.example.com/a?b=1");
  });

  it("shows the real host when the text looks like another address", () => {
    render(<Markdown streaming={false} source="[https://bank.example.com](https://bank.examp1e.com/login)" />);
    expect(screen.getByRole("link").textContent).toBe("https://bank.example.com (bank.examp1e.com)");
  });

  it("shows international hosts in their xn-- form", () => {
    render(<Markdown streaming={false} source="[apple](https://аpple.com/)" />);
    expect(screen.getByRole("link").textContent).toMatch(/\(xn--pple-43d\.com\)$/);
  });

  it("adds nothing to an address shown as itself", () => {
    render(<Markdown streaming={false} source="<https://example.com> and www.example.org" />);
    expect(screen.getAllByRole("link").map((link) => link.textContent)).toEqual(["https://example.com", "www.example.org"]);
  });

  it("keeps the text of a link whose address may not be opened, without the address", () => {
    const { container } = render(<Markdown streaming={false} source="[the file](file:///etc/passwd) [calc](calculator:)" />);
    expect(container.querySelector("a")).toBeNull();
    expect(container.querySelectorAll(".md-link-removed").length).toBe(2);
    expect(container.textContent).toBe("the file calc");
  });

  it("shows the backend's refusal", async () => {
    const openLink = vi.fn(async () => ({
      status: "error" as const,
      error: { code: "linkRefused" as const, reason: "hasCredentials" as const, scheme: null },
    }));
    render(
      <OpenLinkContext.Provider value={openLink}>
        <Markdown streaming={false} source="[x](https://user:pw@example.com/)" />
      </OpenLinkContext.Provider>,
    );
    fireEvent.click(screen.getByRole("link"));
    await waitFor(() => expect(screen.getByRole("alert").textContent).toMatch(/user name or password/));
  });

  it("is reachable from the keyboard", () => {
    render(<Markdown streaming={false} source="[x](https://example.com/)" />);
    const link = screen.getByRole("link");
    link.focus();
    expect(document.activeElement).toBe(link);
  });
});

describe("images", () => {
  it("never load: the description, the host and a link to open it in the browser", () => {
    const openLink = opened();
    const { container } = render(
      <OpenLinkContext.Provider value={openLink}>
        <Markdown streaming={false} source="![A chart](https://img.example.com/chart.png)" />
      </OpenLinkContext.Provider>,
    );
    expect(container.querySelector("img")).toBeNull();
    expect(screen.getByTestId("md-image").textContent).toBe("Image: A chart (img.example.com) Open in browser");
    const open = screen.getByRole("link", { name: "Open in browser" });
    fireEvent.click(open);
    expect(openLink).toHaveBeenCalledWith("https://img.example.com/chart.png");
  });

  it("inside a link, add no link of their own", () => {
    const { container } = render(<Markdown streaming={false} source="[![logo](https://a.example/l.png)](https://b.example/)" />);
    expect(container.querySelectorAll("a").length).toBe(1);
    expect(container.querySelector("a a")).toBeNull();
    expect(container.querySelector("img")).toBeNull();
  });

  it("with an address that may not be opened show only their description", () => {
    const { container } = render(<Markdown streaming={false} source="![x](data:image/png;base64,AAAA)" />);
    expect(container.querySelector("img, a")).toBeNull();
    expect(container.textContent).toBe("Image: x");
  });
});

describe("code blocks", () => {
  function clipboard(writeText: (text: string) => Promise<void>) {
    Object.defineProperty(navigator, "clipboard", { value: { writeText }, configurable: true });
  }

  it("copy the code as written, say Copied, then Copy again", async () => {
    vi.useFakeTimers();
    const writeText = vi.fn(async () => {});
    clipboard(writeText);
    render(<Markdown streaming={false} source={"```html\n<script>alert(1)</script>\n  indented\n```"} />);
    const button = screen.getByRole("button", { name: "Copy html code" });
    expect(button.textContent).toBe("Copy");
    await act(async () => {
      fireEvent.click(button);
    });
    expect(writeText).toHaveBeenCalledWith("<script>alert(1)</script>\n  indented");
    expect(button.textContent).toBe("Copied");
    expect(button.getAttribute("aria-label")).toBe("Copied");
    await act(async () => {
      vi.advanceTimersByTime(2500);
    });
    expect(button.textContent).toBe("Copy");
  });

  it("say so when the clipboard refuses", async () => {
    clipboard(async () => {
      throw new Error("denied");
    });
    render(<Markdown streaming={false} source={"```\nx\n```"} />);
    const button = screen.getByRole("button", { name: "Copy code" });
    await act(async () => {
      fireEvent.click(button);
    });
    expect(button.textContent).toBe("Copy failed");
  });

  it("have a copy button reachable from the keyboard", () => {
    render(<Markdown streaming={false} source={"```rust\nfn main() {}\n```"} />);
    const button = screen.getByRole("button", { name: "Copy rust code" });
    expect(button.getAttribute("type")).toBe("button");
    button.focus();
    expect(document.activeElement).toBe(button);
  });
});
