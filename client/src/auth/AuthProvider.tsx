import { startTransition, useCallback, useEffect, useMemo, useRef, useState, type ReactNode } from "react";
import { useLocation, useNavigate } from "react-router";
import { useApi } from "../api/ApiContext";
import { ApiError } from "../api/errors";
import type { LoginRequest, RegisterRequest, User } from "../api/types";
import { useMessages } from "../messages/MessageContext";
import { AuthContext } from "./AuthContext";
import { REFRESH_RETRY_MS, refreshDelayMs } from "./refreshSchedule";

export const SESSION_EXPIRED_MESSAGE = "Your session has expired. Please log in again.";
export const ACCOUNT_DELETED_MESSAGE = "Your account was deleted, and you are signed out everywhere.";

export function refreshThrottledMessage(seconds: number): string {
  return `The server is busy. Still signed in; trying again in ${seconds} second${seconds === 1 ? "" : "s"}.`;
}

const isThrottled = (error: unknown) => error instanceof ApiError && error.kind === "throttled";

interface RefreshTimer {
  id: number;
  delayMs: number;
}

export function AuthProvider({ children }: { children: ReactNode }) {
  const api = useApi();
  const navigate = useNavigate();
  const location = useLocation();
  const { show } = useMessages();
  const [user, setUser] = useState<User | null>(null);
  const [ready, setReady] = useState(false);
  const [timer, setTimer] = useState<RefreshTimer | null>(null);
  const timerIds = useRef(0);
  // Where the user is when a session expires, read by the subscription below without resubscribing.
  const locationRef = useRef(location);
  useEffect(() => {
    locationRef.current = location;
  }, [location]);

  useEffect(
    () =>
      api.subscribe((event) => {
        if (event.type === "throttled") {
          // A rate limit is "not now", never "logged out": say so, and let the retry run.
          show("info", refreshThrottledMessage(event.retryInSeconds));
          return;
        }
        if (event.type === "started") {
          setUser(event.session.user);
          setTimer({ id: ++timerIds.current, delayMs: refreshDelayMs(event.session.expiresIn) });
          return;
        }
        if (event.reason === "deleted") {
          // React Router navigates in a transition; signing out in the same one means the account
          // page is never shown signed out, which would send the visitor to Log in instead.
          startTransition(() => {
            setUser(null);
            setTimer(null);
            navigate("/", { replace: true });
          });
          show("success", ACCOUNT_DELETED_MESSAGE);
          return;
        }
        setUser(null);
        setTimer(null);
        if (event.reason === "expired") {
          show("danger", SESSION_EXPIRED_MESSAGE);
          navigate("/login", { replace: true, state: { from: locationRef.current.pathname } });
        }
      }),
    [api, navigate, show],
  );

  // On load, the HttpOnly refresh cookie (if any) turns into a session. A ref keeps React's
  // development double-mount from spending the cookie twice. While rate-limited, the page keeps
  // waiting (with a notice) instead of showing a signed-in user as signed out.
  const startedRef = useRef(false);
  useEffect(() => {
    if (startedRef.current) return;
    startedRef.current = true;
    const start = () => {
      api.refresh().then(
        () => setReady(true),
        (error: unknown) => {
          if (isThrottled(error)) setTimeout(start, REFRESH_RETRY_MS);
          else setReady(true);
        },
      );
    };
    start();
  }, [api]);

  useEffect(() => {
    if (!timer) return;
    const handle = setTimeout(() => {
      api.refresh().catch((error: unknown) => {
        if (error instanceof ApiError && error.status === 401) api.expireSession();
        else setTimer({ id: ++timerIds.current, delayMs: REFRESH_RETRY_MS });
      });
    }, timer.delayMs);
    return () => clearTimeout(handle);
  }, [api, timer]);

  const login = useCallback((credentials: LoginRequest) => api.login(credentials), [api]);
  const register = useCallback((details: RegisterRequest) => api.register(details), [api]);
  const logout = useCallback(() => api.logout(), [api]);

  const value = useMemo(
    () => ({ ready, user, login, register, logout, setUser }),
    [ready, user, login, register, logout],
  );
  return <AuthContext.Provider value={value}>{children}</AuthContext.Provider>;
}
