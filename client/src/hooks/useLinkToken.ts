import { useEffect, useState } from "react";
import { useLocation, useNavigate } from "react-router";
import { LINK_TOKEN } from "../api/constraints";

const TOKEN_SHAPE = new RegExp(LINK_TOKEN.pattern);

/** What a page says when its link came without a usable token (cut short by a mail program, say). */
export const INCOMPLETE_LINK = "This link is incomplete. Open the link from your email again, or ask for a new one.";

/** The token in a mailed link's fragment (`#token=...`), or "" when there is none or it was cut short. */
function tokenFromFragment(hash: string): string {
  const token = new URLSearchParams(hash.replace(/^#/, "")).get("token") ?? "";
  const fits = token.length >= LINK_TOKEN.minLength && token.length <= LINK_TOKEN.maxLength;
  return fits && TOKEN_SHAPE.test(token) ? token : "";
}

/**
 * Reads the token a mailed link carries in its fragment, then takes it out of the address bar.
 * Replacing the entry (history.replaceState, through the router) leaves no copy in the history,
 * where the next person at this browser could find a token that still works.
 */
export function useLinkToken(): string {
  const location = useLocation();
  const navigate = useNavigate();
  const [token] = useState(() => tokenFromFragment(location.hash));
  const { hash, pathname, search } = location;

  useEffect(() => {
    if (hash) navigate({ pathname, search }, { replace: true });
  }, [hash, pathname, search, navigate]);

  return token;
}
