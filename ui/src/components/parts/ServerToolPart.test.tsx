import { cleanup, fireEvent, render, screen } from "@testing-library/react";
import { afterEach, describe, expect, it } from "vitest";
import { ServerToolPart } from "./ServerToolPart";
import { tool, toolDone } from "./samples";

afterEach(cleanup);

describe("ServerToolPart", () => {
  it("expands to the pretty-printed arguments and result, as text", () => {
    const { container } = render(
      <ServerToolPart part={{ ...toolDone, result: '{"hits":3,"html":"<img src=x onerror=alert(1)>"}' }} running={false} />,
    );
    const button = screen.getByTestId("tool-toggle");
    expect(button.getAttribute("aria-expanded")).toBe("false");
    expect(screen.queryByTestId("tool-arguments")).toBeNull();
    fireEvent.click(button);
    expect(button.getAttribute("aria-expanded")).toBe("true");
    const body = document.getElementById(button.getAttribute("aria-controls")!)!;
    expect(body.hidden).toBe(false);
    expect(screen.getByTestId("tool-arguments").textContent).toBe('{\n  "query": "athena",\n  "limit": 3\n}');
    expect(screen.getByTestId("tool-result").textContent).toBe(
      '{\n  "hits": 3,\n  "html": "<img src=x onerror=alert(1)>"\n}',
    );
    expect(container.querySelector("img")).toBeNull();
    fireEvent.click(button);
    expect(button.getAttribute("aria-expanded")).toBe("false");
    expect(body.hidden).toBe(true);
  });

  it("says there is no result yet while it runs", () => {
    render(<ServerToolPart part={tool} running />);
    fireEvent.click(screen.getByTestId("tool-toggle"));
    expect(screen.queryByTestId("tool-result")).toBeNull();
    expect(screen.getByTestId("part-server-tool").textContent).toContain("No result yet.");
  });

  it("does not claim to run once the execution has ended", () => {
    render(<ServerToolPart part={tool} running={false} />);
    expect(screen.getByTestId("tool-status").textContent).toBe("Not finished");
  });

  it("labels a failed call's result as the error", () => {
    render(<ServerToolPart part={{ ...tool, state: "failed", result: '"quota"', durationMs: 10 }} running />);
    fireEvent.click(screen.getByTestId("tool-toggle"));
    expect(screen.getByTestId("part-server-tool").dataset.state).toBe("failed");
    expect(screen.getByText("Error")).toBeTruthy();
    expect(screen.getByTestId("tool-result").textContent).toBe('"quota"');
  });
});
