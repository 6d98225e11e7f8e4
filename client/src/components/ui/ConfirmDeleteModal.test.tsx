import { render, screen, waitFor } from "@testing-library/react";
import userEvent from "@testing-library/user-event";
import { ConfirmDeleteModal } from "./ConfirmDeleteModal";

describe("ConfirmDeleteModal", () => {
  it("is hidden without a subject", () => {
    render(<ConfirmDeleteModal subject={null} busy={false} onConfirm={vi.fn()} onCancel={vi.fn()} />);
    expect(screen.queryByRole("dialog")).not.toBeInTheDocument();
  });

  it("names what it deletes and confirms or cancels", async () => {
    const user = userEvent.setup();
    const onConfirm = vi.fn();
    const onCancel = vi.fn();
    render(<ConfirmDeleteModal subject="bob" busy={false} onConfirm={onConfirm} onCancel={onCancel} />);

    expect(screen.getByRole("dialog", { name: "Delete bob?" })).toHaveTextContent(
      "This removes the account and cannot be undone.",
    );
    await user.click(screen.getByRole("button", { name: "Delete bob" }));
    expect(onConfirm).toHaveBeenCalledOnce();
    await user.click(screen.getByRole("button", { name: "Cancel" }));
    await user.keyboard("{Escape}");
    expect(onCancel).toHaveBeenCalledTimes(2);
  });

  it("shows that the deletion is running, and cannot be closed until it ends", async () => {
    const user = userEvent.setup();
    const onCancel = vi.fn();
    render(<ConfirmDeleteModal subject="bob" busy onConfirm={vi.fn()} onCancel={onCancel} />);
    expect(screen.getByRole("button", { name: "Deleting…" })).toBeDisabled();
    expect(screen.getByRole("button", { name: "Cancel" })).toBeDisabled();
    expect(screen.queryByRole("button", { name: "Close" })).not.toBeInTheDocument();
    await user.keyboard("{Escape}");
    await user.click(document.querySelector(".modal")!);
    expect(onCancel).not.toHaveBeenCalled();
    expect(screen.getByRole("dialog")).toBeInTheDocument();
  });

  it("holds a field, focuses it, waits until it is ready and confirms on Enter", async () => {
    const user = userEvent.setup();
    const onConfirm = vi.fn();
    const { rerender } = render(
      <ConfirmDeleteModal
        subject="it"
        busy={false}
        ready={false}
        focusId="why"
        onConfirm={onConfirm}
        onCancel={vi.fn()}
      >
        <label htmlFor="why">Why</label>
        <input id="why" />
      </ConfirmDeleteModal>,
    );
    expect(screen.getByRole("button", { name: "Delete it" })).toBeDisabled();
    await waitFor(() => expect(screen.getByLabelText("Why")).toHaveFocus());

    rerender(
      <ConfirmDeleteModal subject="it" busy={false} focusId="why" onConfirm={onConfirm} onCancel={vi.fn()}>
        <label htmlFor="why">Why</label>
        <input id="why" />
      </ConfirmDeleteModal>,
    );
    await user.type(screen.getByLabelText("Why"), "because{Enter}");
    expect(onConfirm).toHaveBeenCalledOnce();
  });
});
