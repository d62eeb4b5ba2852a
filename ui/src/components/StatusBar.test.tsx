import { cleanup, render, screen } from "@testing-library/react";
import { afterEach, describe, expect, it } from "vitest";
import { StatusBar } from "./StatusBar";

afterEach(cleanup);

describe("StatusBar", () => {
  it("shows the workspace, its credits with thousands separators and its version", () => {
    render(<StatusBar workspaceName="Acme" creditsRemaining={1234567} appVersion="7" />);
    expect(screen.getByTestId("status-workspace").textContent).toBe("Acme");
    expect(screen.getByTestId("credits-left").textContent).toBe("1,234,567 credits left");
    expect(screen.getByTestId("app-version").textContent).toBe("version 7");
  });

  it("says one credit in the singular", () => {
    render(<StatusBar workspaceName="Acme" creditsRemaining={1} appVersion={null} />);
    expect(screen.getByTestId("credits-left").textContent).toBe("1 credit left");
  });

  it("shows no credits when the server doesn't say (a workspace key), and no version when unknown", () => {
    render(<StatusBar workspaceName="Acme" creditsRemaining={null} appVersion={null} />);
    expect(screen.queryByTestId("credits-left")).toBeNull();
    expect(screen.queryByTestId("app-version")).toBeNull();
    expect(screen.getByTestId("status-bar").textContent).toBe("Acme");
  });
});
