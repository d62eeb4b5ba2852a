import { act, cleanup, fireEvent, render, screen } from "@testing-library/react";
import { useState } from "react";
import { afterEach, describe, expect, it, vi } from "vitest";
import { Modal } from "./Modal";

afterEach(cleanup);

function guards(): HTMLElement[] {
  return Array.from(document.querySelectorAll<HTMLElement>("[data-focus-guard]"));
}

/** A page with a button that opens a dialog holding a text field and a radio group. */
function Page({ onClose }: { onClose?: () => void }) {
  const [open, setOpen] = useState(false);
  return (
    <>
      <button type="button" onClick={() => setOpen(true)}>
        Open
      </button>
      <button type="button">Behind</button>
      {open && (
        <Modal
          title="Dialog"
          closeText="Close"
          closeLabel="Close the dialog"
          onClose={() => {
            onClose?.();
            setOpen(false);
          }}
        >
          <input aria-label="Name" />
          <p hidden>
            <button type="button">Hidden</button>
          </p>
          <label>
            <input type="radio" name="choice" aria-label="First choice" defaultChecked />
          </label>
          <label>
            <input type="radio" name="choice" aria-label="Last choice" />
          </label>
        </Modal>
      )}
    </>
  );
}

function openDialog() {
  const opener = screen.getByRole("button", { name: "Open" });
  opener.focus();
  fireEvent.click(opener);
  return opener;
}

describe("Modal", () => {
  it("moves the focus in on open and back to the opener on Close and on Escape", () => {
    render(<Page />);
    const opener = openDialog();
    expect(document.activeElement).toBe(screen.getByRole("button", { name: "Close the dialog" }));

    fireEvent.click(screen.getByRole("button", { name: "Close the dialog" }));
    expect(screen.queryByRole("dialog")).toBeNull();
    expect(document.activeElement).toBe(opener);

    openDialog();
    fireEvent.keyDown(screen.getByLabelText("Name"), { key: "Escape" });
    expect(screen.queryByRole("dialog")).toBeNull();
    expect(document.activeElement).toBe(opener);
  });

  it("sends Tab round: past the last control to the first, before the first to the last", () => {
    render(<Page />);
    openDialog();
    const [before, after] = guards();
    expect(before).toBeDefined();
    expect(after).toBeDefined();
    // What the browser does on Tab from the last control: the guard after the dialog
    // takes the focus, and hands it to the first control.
    act(() => after!.focus());
    expect(document.activeElement).toBe(screen.getByRole("button", { name: "Close the dialog" }));
    // Shift+Tab from the first: the guard before hands it to the last (skipping what is hidden).
    act(() => before!.focus());
    expect(document.activeElement).toBe(screen.getByLabelText("Last choice"));
    // The guards are outside the dialog and hidden from assistive technology.
    expect(screen.getByRole("dialog").contains(before!)).toBe(false);
    expect(before!.getAttribute("aria-hidden")).toBe("true");
  });

  it("brings back a focus that lands on the page behind", () => {
    render(<Page />);
    openDialog();
    act(() => screen.getByRole("button", { name: "Behind", hidden: true }).focus());
    expect(screen.getByRole("dialog").contains(document.activeElement)).toBe(true);
  });

  it("lets only the top dialog of a stack answer Escape and keep the focus", () => {
    const outerClosed = vi.fn();
    const innerClosed = vi.fn();
    function Stack() {
      const [inner, setInner] = useState(true);
      return (
        <Modal title="Outer" closeText="Close" closeLabel="Close outer" onClose={outerClosed}>
          <button type="button">Outer action</button>
          {inner && (
            <Modal
              title="Inner"
              closeText="Close"
              closeLabel="Close inner"
              onClose={() => {
                innerClosed();
                setInner(false);
              }}
            >
              <button type="button">Inner action</button>
            </Modal>
          )}
        </Modal>
      );
    }
    render(<Stack />);
    // The inner dialog keeps the focus even when something of the outer one takes it.
    act(() => screen.getByRole("button", { name: "Outer action", hidden: true }).focus());
    expect(screen.getByRole("dialog", { name: "Inner" }).contains(document.activeElement)).toBe(true);
    fireEvent.keyDown(document.activeElement!, { key: "Escape" });
    expect(innerClosed).toHaveBeenCalledTimes(1);
    expect(outerClosed).not.toHaveBeenCalled();
    fireEvent.keyDown(document.body, { key: "Escape" });
    expect(outerClosed).toHaveBeenCalledTimes(1);
  });

  it("leaves the focus alone on close when the opener is gone", () => {
    function Vanishing() {
      const [opener, setOpener] = useState(true);
      const [open, setOpen] = useState(false);
      return (
        <>
          {opener && (
            <button type="button" onClick={() => setOpen(true)}>
              Open
            </button>
          )}
          <button type="button" onClick={() => setOpener(false)}>
            Remove
          </button>
          {open && (
            <Modal title="Dialog" closeText="Close" closeLabel="Close the dialog" onClose={() => setOpen(false)}>
              <button type="button" onClick={() => setOpener(false)}>
                Remove the opener
              </button>
            </Modal>
          )}
        </>
      );
    }
    render(<Vanishing />);
    openDialog();
    fireEvent.click(screen.getByRole("button", { name: "Remove the opener" }));
    fireEvent.click(screen.getByRole("button", { name: "Close the dialog" }));
    expect(screen.queryByRole("dialog")).toBeNull();
    expect(document.activeElement === document.body || document.activeElement === null).toBe(true);
  });
});
