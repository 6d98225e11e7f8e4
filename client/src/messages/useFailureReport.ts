import { useCallback } from "react";
import { ApiError, describeError } from "../api/errors";
import { useMessages } from "./MessageContext";

/** Shows "<what failed> <why>" as the site's message; an expired session already has its own. */
export function useFailureReport(): (what: string, error: unknown) => void {
  const { show } = useMessages();
  return useCallback(
    (what: string, error: unknown) => {
      if (error instanceof ApiError && error.kind === "expired") return;
      show("danger", `${what} ${describeError(error)}`);
    },
    [show],
  );
}
