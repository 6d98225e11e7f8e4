import {
  ApiError,
  describeError,
  errorFromResponse,
  isUnconfirmedEmail,
  parseRetryAfter,
  throttledMessage,
} from "./errors";

describe("parseRetryAfter", () => {
  it("reads delta-seconds", () => expect(parseRetryAfter("30")).toBe(30));
  it("reads an HTTP date relative to now", () => {
    const now = Date.parse("2026-01-01T00:00:00Z");
    expect(parseRetryAfter("Thu, 01 Jan 2026 00:01:30 GMT", now)).toBe(90);
  });
  it("gives null for a missing or unreadable header", () => {
    expect(parseRetryAfter(null)).toBeNull();
    expect(parseRetryAfter("soon")).toBeNull();
  });
});

describe("throttledMessage", () => {
  it("names the seconds, singular or plural", () => {
    expect(throttledMessage(1)).toBe("Too many attempts. Try again in 1 second.");
    expect(throttledMessage(5)).toBe("Too many attempts. Try again in 5 seconds.");
    expect(throttledMessage(null)).toBe("Too many attempts. Try again later.");
  });
});

describe("errorFromResponse", () => {
  it("keeps the API's message and field errors for client errors", () => {
    const error = errorFromResponse(new Response(null, { status: 400 }), {
      status: "fail",
      message: "Invalid payload.",
      errors: { email: ["Enter a valid email."] },
    });
    expect(error).toMatchObject({ kind: "rejected", status: 400, message: "Invalid payload." });
    expect(error.fieldErrors).toEqual({ email: ["Enter a valid email."] });
  });

  it("keeps the API's reason code, and knows an unconfirmed email by it", () => {
    const unconfirmed = errorFromResponse(new Response(null, { status: 403 }), {
      status: "fail",
      reason: "email_unverified",
      message: "Confirm your email address first. We can send you a new link.",
    });
    expect(unconfirmed.reason).toBe("email_unverified");
    expect(isUnconfirmedEmail(unconfirmed)).toBe(true);
    const other = errorFromResponse(new Response(null, { status: 403 }), { status: "fail", message: "No." });
    expect(other.reason).toBeNull();
    expect(isUnconfirmedEmail(other)).toBe(false);
    expect(isUnconfirmedEmail(new Error("email_unverified"))).toBe(false);
  });

  it("falls back to the status when the body is not an envelope", () => {
    expect(errorFromResponse(new Response(null, { status: 404 }), "Not Found").message).toBe("Request failed (404).");
  });
});

describe("describeError", () => {
  it("uses the ApiError's words, and a generic sentence for anything else", () => {
    expect(describeError(new ApiError("rejected", "User not found."))).toBe("User not found.");
    expect(describeError(new TypeError("x is undefined"))).toBe(
      "The server ran into a problem. Please try again in a moment.",
    );
  });
});
