import { act, fireEvent, render, screen } from "@testing-library/react";
import { useMessages } from "../../messages/MessageContext";
import { MessageProvider } from "../../messages/MessageProvider";
import { FlashMessage, MESSAGE_LIFETIME_MS } from "./FlashMessage";

function Trigger() {
  const { show } = useMessages();
  return (
    <>
      <button onClick={() => show("success", "Saved.")}>Save</button>
      <button onClick={() => show("danger", "Could not save.")}>Fail</button>
    </>
  );
}

// fireEvent rather than user-event: clicks stay synchronous while the clock is fake.
const click = (name: string) => fireEvent.click(screen.getByRole("button", { name }));

function renderMessages() {
  render(
    <MessageProvider>
      <FlashMessage />
      <Trigger />
    </MessageProvider>,
  );
}

describe("FlashMessage", () => {
  beforeEach(() => vi.useFakeTimers());
  afterEach(() => vi.useRealTimers());

  it("shows nothing until there is a message", () => {
    renderMessages();
    expect(screen.queryByRole("status")).not.toBeInTheDocument();
    expect(screen.queryByRole("alert")).not.toBeInTheDocument();
  });

  it("goes away by itself after a few seconds", () => {
    renderMessages();
    click("Save");
    expect(screen.getByRole("status")).toHaveTextContent("Saved.");

    act(() => vi.advanceTimersByTime(MESSAGE_LIFETIME_MS - 100));
    expect(screen.getByText("Saved.")).toBeInTheDocument();
    act(() => vi.advanceTimersByTime(100));
    expect(screen.queryByText("Saved.")).not.toBeInTheDocument();
  });

  it("can be dismissed", () => {
    renderMessages();
    click("Fail");
    expect(screen.getByRole("alert")).toHaveTextContent("Could not save.");

    click("Dismiss message");
    expect(screen.queryByRole("alert")).not.toBeInTheDocument();
  });

  it("replaces the old message with a new one, which gets its own full lifetime", () => {
    renderMessages();
    click("Save");
    act(() => vi.advanceTimersByTime(MESSAGE_LIFETIME_MS - 1000));
    click("Fail");

    expect(screen.queryByText("Saved.")).not.toBeInTheDocument();
    expect(screen.getByRole("alert")).toHaveTextContent("Could not save.");
    act(() => vi.advanceTimersByTime(2000));
    expect(screen.getByText("Could not save.")).toBeInTheDocument();
    act(() => vi.advanceTimersByTime(MESSAGE_LIFETIME_MS));
    expect(screen.queryByText("Could not save.")).not.toBeInTheDocument();
  });
});
