import { act, cleanup, fireEvent, render, screen } from "@testing-library/react";
import { afterEach, describe, expect, it, vi } from "vitest";
import type { AppError, NotificationsView } from "../../bindings";
import type { Result } from "../../result";
import { NotificationsSection } from "./NotificationsSection";

afterEach(cleanup);

async function setup(enabled: boolean, answer: (on: boolean) => Result<NotificationsView, AppError>) {
  const api = {
    getNotifications: vi.fn(async () => ({ enabled })),
    setNotifications: vi.fn(async (on: boolean) => answer(on)),
  };
  await act(async () => {
    render(<NotificationsSection api={api} />);
  });
  return api;
}

const box = () => screen.getByTestId("notifications-enabled") as HTMLInputElement;

describe("NotificationsSection", () => {
  it("shows the saved setting and turns notifications off and on", async () => {
    const api = await setup(true, (on) => ({ status: "ok", data: { enabled: on } }));
    expect(box().checked).toBe(true);
    expect(screen.getByRole("checkbox", { name: /Notify me when an answer arrives/ })).toBe(box());
    await act(async () => fireEvent.click(box()));
    expect(api.setNotifications).toHaveBeenCalledWith(false);
    expect(box().checked).toBe(false);
    await act(async () => fireEvent.click(box()));
    expect(api.setNotifications).toHaveBeenLastCalledWith(true);
    expect(box().checked).toBe(true);
  });

  it("takes back a change that was not saved and says why", async () => {
    const api = await setup(false, () => ({ status: "error", error: { code: "storage" } }));
    expect(box().checked).toBe(false);
    await act(async () => fireEvent.click(box()));
    expect(api.setNotifications).toHaveBeenCalledWith(true);
    expect(box().checked).toBe(false);
    expect(screen.getByTestId("notifications-error").textContent).toMatch(/^The notification setting was not saved: /);
  });

  it("shows nothing without its commands", () => {
    const { container } = render(<NotificationsSection api={{}} />);
    expect(container.innerHTML).toBe("");
  });
});
