import { render, screen } from "@testing-library/react";
import userEvent from "@testing-library/user-event";
import { ApiError, SERVER_MESSAGE } from "../api/errors";
import { SubmitButton } from "../components/ui/SubmitButton";
import { TextField } from "../components/ui/TextField";
import { useForm } from "./useForm";

type Submit = (values: { name: string }) => Promise<{ name: string } | void>;

function NameForm({ submit }: { submit: Submit }) {
  const { textField, errors, busy, handleSubmit } = useForm({ initial: { name: "" }, submit });
  return (
    <form aria-label="Your name" onSubmit={handleSubmit}>
      {errors.formError && <p role="alert">{errors.formError}</p>}
      <TextField id="name" label="Name" {...textField("name")} />
      <SubmitButton busy={busy} busyLabel="Saving…">
        Save
      </SubmitButton>
    </form>
  );
}

async function typeAndSave(submit: Submit, name = "ada") {
  const user = userEvent.setup();
  render(<NameForm submit={submit} />);
  await user.type(screen.getByLabelText("Name"), name);
  await user.click(screen.getByRole("button", { name: "Save" }));
  return user;
}

describe("useForm", () => {
  it("sends the values and shows that the submit is running", async () => {
    let finish: (next: { name: string }) => void = () => undefined;
    const submit = vi.fn<Submit>(() => new Promise((resolve) => (finish = resolve)));
    await typeAndSave(submit);

    expect(submit).toHaveBeenCalledWith({ name: "ada" });
    expect(screen.getByRole("button", { name: "Saving…" })).toBeDisabled();
    finish({ name: "" });
    expect(await screen.findByRole("button", { name: "Save" })).toBeEnabled();
    expect(screen.getByLabelText("Name")).toHaveValue("");
  });

  it("keeps the values when the submit resolves to nothing", async () => {
    await typeAndSave(async () => undefined);
    expect(await screen.findByRole("button", { name: "Save" })).toBeEnabled();
    expect(screen.getByLabelText("Name")).toHaveValue("ada");
  });

  it("puts a field's error next to it until the field is edited", async () => {
    const taken = new ApiError("rejected", "Name is taken.", {
      status: 409,
      fieldErrors: { name: ["Name is taken."] },
    });
    const user = await typeAndSave(() => Promise.reject(taken));

    expect(await screen.findByLabelText("Name")).toHaveAccessibleDescription("Name is taken.");
    expect(screen.queryByRole("alert")).not.toBeInTheDocument();
    await user.type(screen.getByLabelText("Name"), "2");
    expect(screen.queryByText("Name is taken.")).not.toBeInTheDocument();
  });

  it.each([
    [
      "a field the form lacks",
      new ApiError("rejected", "Invalid payload.", { fieldErrors: { nickname: ["Unknown field."] } }),
      "Invalid payload. nickname: Unknown field.",
    ],
    ["a failure with no field", new Error("bug"), SERVER_MESSAGE],
  ])("reports %s for the whole form", async (_case, error, message) => {
    await typeAndSave(() => Promise.reject(error));
    expect(await screen.findByRole("alert")).toHaveTextContent(message);
    expect(screen.getByRole("button", { name: "Save" })).toBeEnabled();
  });

  it("says nothing more when the session expired, since the app is on its way to Log in", async () => {
    await typeAndSave(() => Promise.reject(new ApiError("expired", "Your session has expired.")));
    expect(await screen.findByRole("button", { name: "Save" })).toBeEnabled();
    expect(screen.queryByRole("alert")).not.toBeInTheDocument();
  });
});
