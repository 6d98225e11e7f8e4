import { StrictMode } from "react";
import { render, screen } from "@testing-library/react";
import userEvent from "@testing-library/user-event";
import { MemoryRouter, useLocation, useNavigationType } from "react-router";
import { App } from "../App";
import { createApi } from "../api/client";

/** Shows the router's current path and fragment so tests can see where the app navigated. */
function PathProbe() {
  const location = useLocation();
  const navigationType = useNavigationType();
  return (
    <>
      <output aria-label="Current path">{location.pathname}</output>
      <output aria-label="Current fragment">{location.hash}</output>
      <output aria-label="Last navigation">{navigationType}</output>
    </>
  );
}

export function renderApp(route = "/", options: { advanceTimers?: (ms: number) => void; strict?: boolean } = {}) {
  const api = createApi({ baseUrl: window.location.origin });
  const user = userEvent.setup(options.advanceTimers ? { advanceTimers: options.advanceTimers } : {});
  const app = (
    <MemoryRouter initialEntries={[route]}>
      <App api={api} />
      <PathProbe />
    </MemoryRouter>
  );
  // Strict mode mounts, unmounts and mounts again, as `npm run dev` does: effects must cope.
  const view = render(options.strict ? <StrictMode>{app}</StrictMode> : app);
  return { api, user, ...view };
}

export const currentPath = () => screen.getByRole("status", { name: "Current path" }).textContent;

export const currentFragment = () => screen.getByRole("status", { name: "Current fragment" }).textContent;

/** PUSH, REPLACE or POP: a REPLACE leaves nothing of the old address in the history. */
export const lastNavigation = () => screen.getByRole("status", { name: "Last navigation" }).textContent;
