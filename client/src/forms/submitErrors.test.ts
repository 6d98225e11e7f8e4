import { ApiError } from "../api/errors";
import { NO_ERRORS, splitSubmitError } from "./submitErrors";

describe("splitSubmitError", () => {
  it("puts field errors next to the form's fields", () => {
    const error = new ApiError("rejected", "Username is already taken.", {
      status: 409,
      fieldErrors: { username: ["Username is already taken."] },
    });
    expect(splitSubmitError(error, ["username", "email"])).toEqual({
      fieldErrors: { username: ["Username is already taken."] },
      formError: null,
    });
  });

  it("reports errors about fields the form does not have at the top", () => {
    const error = new ApiError("rejected", "Invalid payload.", { fieldErrors: { nickname: ["Unknown field."] } });
    expect(splitSubmitError(error, ["username"])).toEqual({
      fieldErrors: {},
      formError: "Invalid payload. nickname: Unknown field.",
    });
  });

  it("uses the error's own words when no field is at fault", () => {
    expect(splitSubmitError(new ApiError("offline", "Cannot reach the server."), ["email"]).formError).toBe(
      "Cannot reach the server.",
    );
    expect(splitSubmitError(new Error("bug"), ["email"]).formError).toBe(
      "The server ran into a problem. Please try again in a moment.",
    );
  });

  it("says nothing when the session expired (the app is redirecting to Log in)", () => {
    expect(splitSubmitError(new ApiError("expired", "Your session has expired."), ["email"])).toBe(NO_ERRORS);
  });
});
