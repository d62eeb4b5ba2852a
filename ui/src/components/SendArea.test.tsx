import { act, cleanup, fireEvent, render, screen, within } from "@testing-library/react";
import { useState } from "react";
import { afterEach, describe, expect, it, vi } from "vitest";
import type { AgentSummary, AppError, CostPreview } from "../bindings";
import type { Result } from "../result";
import type { Variables } from "../wizard";
import { SendArea } from "./SendArea";

const wizard: AgentSummary = {
  id: "agent:report",
  name: "Report",
  description: "",
  requiresUserMessage: false,
  variables: [
    { name: "topic", description: "What the report is about", required: true, kind: { type: "text" }, default: null },
    { name: "pages", description: "", required: false, kind: { type: "number", minimum: 1, maximum: 20, integer: true }, default: "3" },
    { name: "ratio", description: "", required: false, kind: { type: "number", minimum: null, maximum: null, integer: false }, default: null },
    { name: "tone", description: "", required: true, kind: { type: "choice", choices: ["formal", "casual"] }, default: null },
    { name: "style", description: "", required: false, kind: { type: "choice", choices: ["plain", "fancy"] }, default: "fancy" },
    { name: "charts", description: "Add charts", required: false, kind: { type: "boolean" }, default: "true" },
    { name: "appendix", description: "", required: false, kind: { type: "boolean" }, default: null },
  ],
};

const chat: AgentSummary = { id: "agent:chat", name: "Chat", description: "", requiresUserMessage: true, variables: [] };

const preview: CostPreview = {
  credits: 1500,
  baseCost: 1000,
  rules: [
    { name: "Charts", description: "Each chart is drawn", credits: 400 },
    { name: "Long", description: null, credits: 100 },
  ],
};

type Send = (text: string, variables: Variables | null) => Promise<Result<string, AppError>>;
type Preview = (variables: Variables | null) => Promise<Result<CostPreview, AppError>>;

function setup({
  agent = wizard,
  always = false,
  send = vi.fn<Send>(async () => ({ status: "ok", data: "h1" })),
  previewCost = vi.fn<Preview>(async () => ({ status: "ok", data: preview })),
  text: initialText = "",
}: { agent?: AgentSummary; always?: boolean; send?: ReturnType<typeof vi.fn<Send>>; previewCost?: ReturnType<typeof vi.fn<Preview>>; text?: string } = {}) {
  function Owner() {
    const [text, setText] = useState(initialText);
    const [values, setValues] = useState<Variables | undefined>(undefined);
    return (
      <SendArea
        agent={agent}
        resetKey={1}
        text={text}
        onTextChange={setText}
        values={values}
        onValuesChange={setValues}
        onSend={async (t, v) => {
          const result = await send(t, v);
          if (result.status === "ok") setText("");
          return result;
        }}
        onPreviewCost={previewCost}
        alwaysPreviewCost={always}
        onBlur={() => undefined}
        disabled={false}
        placeholder="Message…"
        focusKey={0}
      />
    );
  }
  render(<Owner />);
  return { send, previewCost };
}

const control = (name: string) => screen.getByTestId(`variable-${name}`) as HTMLInputElement & HTMLSelectElement;
const sendButton = () => act(async () => fireEvent.click(screen.getByTestId("send")));

afterEach(cleanup);

describe("wizard form", () => {
  it("has one control per variable, as its kind asks, starting from the defaults", () => {
    setup();
    const form = screen.getByTestId("wizard-form");
    expect(form.querySelector("legend")!.textContent).toBe("Report's variables");
    expect(control("topic").type).toBe("text");
    expect(control("topic").value).toBe("");
    expect(control("pages").type).toBe("number");
    expect(control("pages").value).toBe("3");
    expect([control("pages").min, control("pages").max, control("pages").step]).toEqual(["1", "20", "1"]);
    expect(control("ratio").step).toBe("any");
    expect(control("tone").tagName).toBe("SELECT");
    expect([...control("tone").options].map((o) => o.textContent)).toEqual(["Choose…", "formal", "casual"]);
    expect([...control("style").options].map((o) => o.value)).toEqual(["", "plain", "fancy"]);
    expect(control("style").value).toBe("fancy");
    expect(control("charts").type).toBe("checkbox");
    expect(control("charts").checked).toBe(true);
    expect(control("appendix").checked).toBe(false);
  });

  it("labels each control with its name, marks the required ones and gives the description as a hint", () => {
    setup();
    expect(screen.getByLabelText(/^topic/)).toBe(control("topic"));
    expect(screen.getByLabelText(/^topic/).closest(".form-field")!.textContent).toContain("(required)");
    expect(control("topic").getAttribute("aria-required")).toBe("true");
    expect(control("pages").getAttribute("aria-required")).toBeNull();
    const hint = document.getElementById(control("charts").getAttribute("aria-describedby")!);
    expect(hint!.textContent).toBe("Add charts");
  });

  it("flags the required variables left blank before sending, and focuses the first", async () => {
    const s = setup();
    await sendButton();
    expect(s.send).not.toHaveBeenCalled();
    expect(screen.getByTestId("problem-topic").textContent).toBe("Required: fill this in.");
    expect(screen.getByTestId("problem-tone").textContent).toBe("Required: fill this in.");
    expect(screen.queryByTestId("problem-pages")).toBeNull();
    expect(document.activeElement).toBe(control("topic"));
    expect(screen.getByTestId("composer-error").textContent).toBe("Some variables need attention: see the messages under them.");
  });

  it("drops the 'needs attention' message once the variables are edited", async () => {
    setup();
    await sendButton();
    expect(screen.getByTestId("composer-error")).toBeTruthy();
    await act(async () => fireEvent.change(control("topic"), { target: { value: "Quarterly planning" } }));
    expect(screen.queryByTestId("composer-error")).toBeNull();
  });

  it("sends the values as text, booleans as true/false, blank optional ones left out; the message may be empty", async () => {
    const s = setup();
    expect((screen.getByTestId("send") as HTMLButtonElement).disabled).toBe(false);
    fireEvent.change(control("topic"), { target: { value: "Quarterly sales" } });
    fireEvent.change(control("tone"), { target: { value: "casual" } });
    fireEvent.click(control("charts"));
    fireEvent.change(control("pages"), { target: { value: "12" } });
    await sendButton();
    expect(s.send).toHaveBeenCalledWith("", {
      topic: "Quarterly sales",
      pages: "12",
      tone: "casual",
      style: "fancy",
      charts: "false",
      appendix: "false",
    });
    expect(screen.queryByTestId("composer-error")).toBeNull();
  });

  it("shows the backend's problems under the named variables, and the 16 KiB limit for the whole", async () => {
    const send = vi.fn<Send>(async () => ({
      status: "error",
      error: {
        code: "invalidInput",
        problems: [
          { field: "pages", problem: { code: "aboveMaximum", maximum: 20 } },
          { field: "variables", problem: { code: "tooLarge", limit: 16384, actual: 17000 } },
        ],
      },
    }));
    setup({ send });
    fireEvent.change(control("topic"), { target: { value: "x".repeat(100) } });
    fireEvent.change(control("tone"), { target: { value: "formal" } });
    await sendButton();
    expect(screen.getByTestId("problem-pages").textContent).toBe("Too large: at most 20.");
    expect(screen.getByTestId("problem-variables").textContent).toBe(
      "Too large: at most 16 KiB in all (this is 16.6 KiB). Shorten the longest values.",
    );
    expect(screen.getByTestId("composer-error").textContent).toBe("Some variables need attention: see the messages under them.");
  });

  it("needs a message for an agent that requires one, and sends no variables", async () => {
    const s = setup({ agent: chat });
    expect(screen.queryByTestId("wizard-form")).toBeNull();
    await sendButton();
    expect(s.send).not.toHaveBeenCalled();
    expect(screen.getByTestId("composer-error").textContent).toMatch(/Type a message first/);
    fireEvent.change(screen.getByTestId("composer"), { target: { value: "Hello" } });
    await sendButton();
    expect(s.send).toHaveBeenCalledWith("Hello", null);
  });
});

describe("cost preview", () => {
  it("shows the total, the base cost and each rule's share", async () => {
    const s = setup({ agent: chat });
    await act(async () => fireEvent.click(screen.getByTestId("preview-cost")));
    expect(s.previewCost).toHaveBeenCalledWith(null);
    const panel = screen.getByTestId("cost-preview");
    expect(within(panel).getByTestId("cost-total").textContent).toBe("1,500 credits");
    expect(within(panel).getByTestId("cost-base").textContent).toBe("Base cost1,000 credits");
    expect(within(panel).getAllByTestId("cost-rule").map((r) => r.textContent)).toEqual([
      "ChartsEach chart is drawn400 credits",
      "Long100 credits",
    ]);
    expect(screen.queryByTestId("confirm-send")).toBeNull();
    fireEvent.click(within(panel).getByRole("button", { name: "Close the cost preview" }));
    expect(screen.queryByTestId("cost-preview")).toBeNull();
  });

  it("previews with the wizard's values, after flagging the required ones", async () => {
    const s = setup();
    await act(async () => fireEvent.click(screen.getByTestId("preview-cost")));
    expect(s.previewCost).not.toHaveBeenCalled();
    expect(screen.getByTestId("problem-topic")).toBeTruthy();
    fireEvent.change(control("topic"), { target: { value: "Sales" } });
    fireEvent.change(control("tone"), { target: { value: "formal" } });
    await act(async () => fireEvent.click(screen.getByTestId("preview-cost")));
    expect(s.previewCost).toHaveBeenCalledWith({ topic: "Sales", pages: "3", tone: "formal", style: "fancy", charts: "true", appendix: "false" });
    // A changed value makes the preview stale: it goes.
    fireEvent.change(control("pages"), { target: { value: "9" } });
    expect(screen.queryByTestId("cost-preview")).toBeNull();
  });

  it("words a preview that failed", async () => {
    const previewCost = vi.fn<Preview>(async () => ({ status: "error", error: { code: "unreachable" } }));
    setup({ agent: chat, previewCost });
    await act(async () => fireEvent.click(screen.getByTestId("preview-cost")));
    expect(screen.getByTestId("cost-error").textContent).toMatch(/Couldn't reach the workspace's server/);
  });

  it("with always-preview on, Send shows the cost and the message goes only on the panel's Send", async () => {
    const s = setup({ agent: chat, always: true, text: "Hello" });
    await sendButton();
    expect(s.previewCost).toHaveBeenCalledOnce();
    expect(s.send).not.toHaveBeenCalled();
    expect(screen.getByTestId("cost-preview").textContent).toContain("Send this message for this cost?");
    expect(document.activeElement).toBe(screen.getByTestId("confirm-send"));
    await act(async () => fireEvent.click(screen.getByTestId("confirm-send")));
    expect(s.send).toHaveBeenCalledWith("Hello", null);
    expect(screen.queryByTestId("cost-preview")).toBeNull();
    expect((screen.getByTestId("composer") as HTMLTextAreaElement).value).toBe("");
  });

  it("with always-preview on, Cancel sends nothing and the next Send asks again", async () => {
    const s = setup({ agent: chat, always: true, text: "Hello" });
    await sendButton();
    fireEvent.click(screen.getByTestId("cancel-send"));
    expect(screen.queryByTestId("cost-preview")).toBeNull();
    expect(s.send).not.toHaveBeenCalled();
    await sendButton();
    expect(s.previewCost).toHaveBeenCalledTimes(2);
    expect(s.send).not.toHaveBeenCalled();
    expect(screen.getByTestId("confirm-send")).toBeTruthy();
  });
});
