import { ApiError, describeError, type FieldErrors } from "../api/errors";

export interface SubmitErrors {
  /** Errors shown next to the field they concern. */
  fieldErrors: FieldErrors;
  /** An error about the form as a whole, or null. */
  formError: string | null;
}

export const NO_ERRORS: SubmitErrors = { fieldErrors: {}, formError: null };

/** Splits a failed submit into messages next to the form's own fields and one message for the rest. */
export function splitSubmitError(error: unknown, fields: readonly string[]): SubmitErrors {
  // The app is already on its way to Log in with its own message.
  if (error instanceof ApiError && error.kind === "expired") return NO_ERRORS;
  if (!(error instanceof ApiError)) return { fieldErrors: {}, formError: describeError(error) };

  const fieldErrors: FieldErrors = {};
  const strays: string[] = [];
  for (const [field, messages] of Object.entries(error.fieldErrors)) {
    if (fields.includes(field)) fieldErrors[field] = messages;
    else strays.push(`${field}: ${messages.join(" ")}`);
  }
  const mapped = Object.keys(fieldErrors).length > 0;
  const formError = mapped && strays.length === 0 ? null : [error.message, ...strays].join(" ");
  return { fieldErrors, formError };
}
