import { cleanup, render, screen } from "@testing-library/react";
import { afterEach, describe, expect, it } from "vitest";
import type { Part } from "../bindings";
import type { ChatEntry } from "../store/chat";
import { snapshot, text } from "../testFixtures";
import { ChatAnnouncer, toolAnnouncementFor, useChatAnnouncement } from "./ChatAnnouncer";
import {
  clientTool,
  clientToolDenied,
  clientToolDone,
  clientToolFailed,
  clientToolNotTaken,
  clientToolRunning,
  clientToolRunningByRule,
  clientToolWaiting,
} from "./parts/samples";

afterEach(cleanup);

const nameOf = () => "Helper";

function Harness({ entries }: { entries: ChatEntry[] }) {
  return <ChatAnnouncer text={useChatAnnouncement(entries, nameOf)} />;
}

const at = (seq: number, parts: Part[], status: ChatEntry["status"] = "running") => snapshot("a", { seq, parts, status });

describe("tool calls on this computer, for screen readers", () => {
  it("has words for each state but the first", () => {
    expect(toolAnnouncementFor(undefined, clientTool, "Helper")).toBeNull();
    expect(toolAnnouncementFor("received", clientToolWaiting, "Helper")).toBe(
      "Helper asks to run read_file on this computer. Answer the approval dialog.",
    );
    expect(toolAnnouncementFor("waitingForYou", clientToolRunning, "Helper")).toBe("read_file is running, allowed by you");
    expect(toolAnnouncementFor("received", clientToolRunningByRule, "Helper")).toBe("read_file is running, allowed by your rule");
    expect(toolAnnouncementFor("running", clientToolDone, "Helper")).toBe("read_file finished");
    expect(toolAnnouncementFor("running", clientToolFailed, "Helper")).toBe("read_file failed");
    expect(toolAnnouncementFor("waitingForYou", clientToolDenied, "Helper")).toBe("read_file was denied");
    expect(toolAnnouncementFor("running", clientToolNotTaken, "Helper")).toBe("The result of read_file was not delivered");
    expect(toolAnnouncementFor("done", clientToolDone, "Helper")).toBeNull();
    expect(toolAnnouncementFor("received", { ...clientToolFailed, name: "x\u202Ey" }, "Helper")).toBe("x⟨U+202E⟩y failed");
  });

  it("announces each change of a call's state, in the chat's one live region", () => {
    const view = render(<Harness entries={[at(1, [])]} />);
    const live = screen.getByTestId("chat-announcer");
    expect(live.textContent).toBe("");
    view.rerender(<Harness entries={[at(2, [clientTool])]} />);
    expect(live.textContent).toBe("");
    view.rerender(<Harness entries={[at(3, [clientToolWaiting])]} />);
    expect(live.textContent).toBe("Helper asks to run read_file on this computer. Answer the approval dialog.");
    view.rerender(<Harness entries={[at(4, [clientToolRunning])]} />);
    expect(live.textContent).toBe("read_file is running, allowed by you");
    view.rerender(<Harness entries={[at(5, [clientToolDone, text("Ok")])]} />);
    expect(live.textContent).toBe("read_file finished");
    view.rerender(<Harness entries={[at(6, [clientToolDone], "completed")]} />);
    expect(live.textContent).toBe("Helper finished answering");
  });

  it("announces a call that arrived and ended between two renders", () => {
    const view = render(<Harness entries={[at(1, [])]} />);
    view.rerender(<Harness entries={[at(2, [clientToolDenied])]} />);
    expect(screen.getByTestId("chat-announcer").textContent).toBe("read_file was denied");
  });

  it("says nothing of the calls there at load, nor of settled calls in an answer first seen later", () => {
    const view = render(<Harness entries={[at(1, [clientToolWaiting])]} />);
    const live = screen.getByTestId("chat-announcer");
    expect(live.textContent).toBe("");
    const old = at(1, [clientToolWaiting]);
    view.rerender(<Harness entries={[old, snapshot("b", { parts: [clientToolDone], status: "completed" })]} />);
    expect(live.textContent).toBe("");
    view.rerender(
      <Harness
        entries={[old, snapshot("b", { parts: [clientToolDone], status: "completed" }), snapshot("c", { parts: [clientToolWaiting] })]}
      />,
    );
    expect(live.textContent).toBe("Helper asks to run read_file on this computer. Answer the approval dialog. Helper is answering");
  });
});
