import { screen, waitFor, within } from "@testing-library/react";
import { http, HttpResponse } from "msw";
import type { LiveSession } from "../../api/types";
import { alice, makeSession } from "../../test/fixtures";
import { currentPath, renderApp } from "../../test/renderApp";
import { api, fail, server, sessionsBody, signedInAs } from "../../test/server";

const here = makeSession({ current: true, device: "Chrome 131 on Linux", ip: "192.0.2.10" });
const phone = makeSession({ device: "Mobile Safari 18 on iOS (iPhone)", ip: "198.51.100.4" });
const laptop = makeSession({ device: "Firefox 120 on Windows", ip: "203.0.113.9" });

function serveSessions(sessions: LiveSession[]) {
  server.use(http.get(api("/users/me/sessions"), () => HttpResponse.json(sessionsBody(sessions))));
}

async function openSessions(sessions: LiveSession[] = [here, phone, laptop]) {
  signedInAs(alice);
  serveSessions(sessions);
  const view = renderApp("/status");
  const table = await screen.findByRole("table", { name: "Your sessions" });
  return { ...view, table };
}

const row = (device: string) => screen.getByRole("row", { name: new RegExp(`^${device.replace(/[()]/g, "\\$&")}`) });

describe("MySessions", () => {
  it("lists device, address, sign-in and last use, and marks this device", async () => {
    const { table } = await openSessions();
    expect(
      within(table)
        .getAllByRole("columnheader")
        .map((cell) => cell.textContent),
    ).toEqual(["Device", "IP address", "Signed in", "Last used", "Actions"]);
    expect(within(row("Chrome 131 on Linux")).getByText("This device")).toBeInTheDocument();
    expect(within(row("Chrome 131 on Linux")).queryByRole("button")).not.toBeInTheDocument();
    const cells = within(row("Firefox 120 on Windows"))
      .getAllByRole("cell")
      .map((cell) => cell.textContent);
    expect(cells[0]).toBe("203.0.113.9");
    expect(cells[1]).toMatch(/^1 Mar 2026/);
    expect(cells[2]).toMatch(/^2 Mar 2026/);
    expect(within(row("Firefox 120 on Windows")).queryByText("This device")).not.toBeInTheDocument();
  });

  it("ends one other session and takes it off the list", async () => {
    const ended: string[] = [];
    const { user } = await openSessions();
    server.use(
      http.delete(api("/users/me/sessions/:id"), ({ params }) => {
        ended.push(String(params.id));
        return new HttpResponse(null, { status: 204 });
      }),
    );
    await user.click(
      screen.getByRole("button", { name: "End the session on Mobile Safari 18 on iOS (iPhone) from 198.51.100.4" }),
    );

    expect(await screen.findByText("Signed out of Mobile Safari 18 on iOS (iPhone).")).toBeInTheDocument();
    expect(ended).toEqual([phone.id]);
    expect(screen.queryByRole("row", { name: /^Mobile Safari/ })).not.toBeInTheDocument();
    expect(row("Firefox 120 on Windows")).toBeInTheDocument();
  });

  it("ends every other session and shows what is left", async () => {
    const { user } = await openSessions();
    server.use(
      http.delete(api("/users/me/sessions"), () => {
        serveSessions([here]);
        return HttpResponse.json({ status: "success", message: "Ended 2 sessions." });
      }),
    );
    await user.click(screen.getByRole("button", { name: "End every other session" }));

    expect(await screen.findByText("Ended 2 sessions.")).toBeInTheDocument();
    expect(await screen.findByText("You are signed in only here.")).toBeInTheDocument();
    expect(screen.getAllByRole("row")).toHaveLength(2); // the header and this device
    expect(screen.queryByRole("button", { name: "End every other session" })).not.toBeInTheDocument();
  });

  it("shows that ending is running, and reports a session that had already ended", async () => {
    let answer: (() => void) | null = null;
    const { user } = await openSessions();
    server.use(
      http.delete(api("/users/me/sessions/:id"), async () => {
        await new Promise<void>((resolve) => (answer = resolve));
        serveSessions([here, laptop]);
        return fail(404, "Session not found.");
      }),
    );
    await user.click(screen.getByRole("button", { name: /^End the session on Mobile Safari/ }));
    expect(within(row("Mobile Safari")).getByRole("button")).toHaveTextContent("Ending…");
    expect(screen.getByRole("button", { name: "End every other session" })).toBeDisabled();
    await waitFor(() => expect(answer).not.toBeNull());
    answer!();

    expect(
      await screen.findByText("Could not end the session on Mobile Safari 18 on iOS (iPhone). Session not found."),
    ).toBeInTheDocument();
    await waitFor(() => expect(screen.queryByRole("row", { name: /^Mobile Safari/ })).not.toBeInTheDocument());
  });

  it("reports a failure to end the other sessions", async () => {
    const { user } = await openSessions();
    server.use(http.delete(api("/users/me/sessions"), () => HttpResponse.error()));
    await user.click(screen.getByRole("button", { name: "End every other session" }));
    expect(
      await screen.findByText(
        "Could not end your other sessions. Cannot reach the server. Check your connection and try again.",
      ),
    ).toBeInTheDocument();
    expect(row("Firefox 120 on Windows")).toBeInTheDocument();
  });

  it("says when the sessions cannot be loaded and tries again", async () => {
    signedInAs(alice);
    server.use(
      http.get(api("/users/me/sessions"), () => HttpResponse.json({ status: "error", message: "x" }, { status: 500 }), {
        once: true,
      }),
    );
    const { user } = renderApp("/status");
    expect(
      await screen.findByText(
        "Could not load your sessions. The server ran into a problem. Please try again in a moment.",
      ),
    ).toBeInTheDocument();
    await user.click(screen.getByRole("button", { name: "Try again" }));
    expect(await screen.findByRole("table", { name: "Your sessions" })).toBeInTheDocument();
  });

  it("leaves an expired session to the site's own message", async () => {
    const { user } = await openSessions();
    server.use(
      http.delete(api("/users/me/sessions/:id"), () => fail(401, "Token expired.")),
      http.post(api("/auth/refresh"), () => fail(401, "Missing or invalid refresh token.")),
    );
    await user.click(screen.getByRole("button", { name: /^End the session on Mobile Safari/ }));

    expect(await screen.findByText("Your session has expired. Please log in again.")).toBeInTheDocument();
    await waitFor(() => expect(currentPath()).toBe("/login"));
    expect(screen.queryByText(/^Could not end the session/)).not.toBeInTheDocument();
  });
});
