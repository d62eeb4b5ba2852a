import { describe, expect, it } from "vitest";
import { displayTarget, safeUrl, textIsAddress } from "./urls";

describe("safeUrl", () => {
  it("keeps absolute http(s) and mailto addresses, as the URL parser writes them", () => {
    expect(safeUrl("https://example.com")).toBe("https://example.com/");
    expect(safeUrl("  HTTP://Example.COM/a b ")).toBe("http://example.com/a%20b");
    expect(safeUrl("mailto:someone@example.com")).toBe("mailto:someone@example.com");
    expect(safeUrl("#user-content-fn-1")).toBe("#user-content-fn-1");
  });

  it.each([
    "javascript:alert(1)",
    "JaVaScRiPt:alert(1)",
    "java\tscript:alert(1)",
    "java\nscript:alert(1)",
    "\u0000javascript:alert(1)",
    " javascript:alert(1)",
    "data:text/html,<script>alert(1)</script>",
    "vbscript:msgbox(1)",
    "file:///etc/passwd",
    "smb://host/share",
    "calculator:",
    "tauri://localhost/x",
    "ipc://localhost/x",
    "//evil.example/",
    "/relative",
    "relative.html",
    "https:",
    "http://",
    "#a b",
    "#\"onmouseover=x",
    "",
  ])("drops %j", (value) => {
    expect(safeUrl(value)).toBeNull();
  });
});

describe("displayTarget and textIsAddress", () => {
  it("show the host, international hosts in xn-- form, and a mailto's address", () => {
    expect(displayTarget("https://user@sub.example.com:8443/x")).toBe("sub.example.com:8443");
    expect(displayTarget(safeUrl("https://аpple.com/")!)).toBe("xn--pple-43d.com");
    expect(displayTarget("mailto:a@b.example")).toBe("a@b.example");
  });

  it("recognise text that is the address itself", () => {
    expect(textIsAddress("https://example.com", "https://example.com/")).toBe(true);
    expect(textIsAddress("www.example.com", "http://www.example.com/")).toBe(true);
    expect(textIsAddress("a@b.example", "mailto:a@b.example")).toBe(true);
    expect(textIsAddress("https://example.com", "https://examp1e.com/")).toBe(false);
    expect(textIsAddress("click here", "https://example.com/")).toBe(false);
  });
});
