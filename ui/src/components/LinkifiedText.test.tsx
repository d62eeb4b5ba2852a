import { cleanup, fireEvent, render, screen, waitFor } from "@testing-library/react";
import { afterEach, describe, expect, it, vi } from "vitest";
import { LinkifiedText, OpenLinkContext, splitLinks } from "./LinkifiedText";

afterEach(cleanup);

describe("splitLinks", () => {
  it("finds http(s) addresses and leaves trailing punctuation outside", () => {
    expect(splitLinks("See https://example.com/a?b=1. Or http://x.org).")).toEqual([
      { kind: "text", text: "See " },
      { kind: "link", url: "https://example.com/a?b=1" },
      { kind: "text", text: ". Or " },
      { kind: "link", url: "http://x.org" },
      { kind: "text", text: ")." },
    ]);
  });

  it("never makes other schemes clickable", () => {
    const text = "file:///etc/passwd javascript:alert(1) smb://host/share calculator:";
    expect(splitLinks(text)).toEqual([{ kind: "text", text }]);
  });
});

describe("LinkifiedText", () => {
  it("renders markup in model output as text, never as HTML", () => {
    const { container } = render(<LinkifiedText text={'<img src=x onerror="alert(1)"> <b>bold</b>'} />);
    expect(container.querySelector("img")).toBeNull();
    expect(container.querySelector("b")).toBeNull();
    expect(container.textContent).toContain("<img src=x");
  });

  it("asks the backend instead of navigating, and shows a refusal", async () => {
    const openLink = vi.fn(async () => ({
      status: "error" as const,
      error: { code: "linkRefused" as const, reason: "hasCredentials" as const, scheme: null },
    }));
    render(
      <OpenLinkContext.Provider value={openLink}>
        <LinkifiedText text="go to https://user:pw@example.com now" />
      </OpenLinkContext.Provider>,
    );
    const link = screen.getByTestId("chat-link");
    const click = new MouseEvent("click", { bubbles: true, cancelable: true });
    fireEvent(link, click);
    expect(click.defaultPrevented).toBe(true);
    expect(openLink).toHaveBeenCalledWith("https://user:pw@example.com");
    await waitFor(() => expect(screen.getByTestId("link-error").textContent).toMatch(/user name or password/));
  });
});
