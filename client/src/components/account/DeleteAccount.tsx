import { useState } from "react";
import Alert from "react-bootstrap/Alert";
import Button from "react-bootstrap/Button";
import { useApi } from "../../api/ApiContext";
import type { User } from "../../api/types";
import { useForm } from "../../forms/useForm";
import { ConfirmDeleteModal } from "../ui/ConfirmDeleteModal";
import { TextField } from "../ui/TextField";

/**
 * Deletes the signed-in account once its password is given again. On success the API has ended
 * every session; the client then signs out here and says so (AuthProvider, reason "deleted").
 */
export function DeleteAccount({ user }: { user: User }) {
  const api = useApi();
  const [asking, setAsking] = useState(false);
  const { values, set, textField, errors, busy, handleSubmit } = useForm({
    initial: { password: "" },
    submit: (entered) => api.deleteMe(entered),
  });

  return (
    <section aria-labelledby="delete-account-heading">
      {/* Not "Delete my account": a heading query for "My account" must find the page's own. */}
      <h2 id="delete-account-heading" className="h5">
        Delete account
      </h2>
      <p>
        Deleting your account removes it and everything about it for good (nothing is kept) and signs you out
        everywhere. We send a confirmation to {user.email}.
      </p>
      <Button variant="outline-danger" onClick={() => setAsking(true)}>
        Delete my account
      </Button>
      <ConfirmDeleteModal
        subject={asking ? "your account" : null}
        busy={busy}
        ready={values.password.length > 0}
        focusId="delete-account-password"
        onConfirm={handleSubmit}
        onCancel={() => {
          setAsking(false);
          set("password", ""); // a password typed and abandoned is not kept
        }}
      >
        <p>This cannot be undone. Enter your password to confirm.</p>
        {errors.formError && <Alert variant="danger">{errors.formError}</Alert>}
        <input type="text" name="username" autoComplete="username" value={user.username} readOnly hidden />
        <TextField
          id="delete-account-password"
          label="Password"
          type="password"
          autoComplete="current-password"
          {...textField("password")}
        />
      </ConfirmDeleteModal>
    </section>
  );
}
