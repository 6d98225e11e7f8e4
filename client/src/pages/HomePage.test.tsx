import { screen, within } from "@testing-library/react";
import { http, HttpResponse } from "msw";
import { makeUser } from "../test/fixtures";
import { renderApp } from "../test/renderApp";
import { api, server } from "../test/server";

const publicUser = (id: number, username: string, created_at: string) => ({ id, username, created_at });

describe("HomePage", () => {
  it("lists members newest first with the date they joined, loading more by cursor", async () => {
    const cursors: (string | null)[] = [];
    server.use(
      http.get(api("/users"), ({ request }) => {
        const cursor = new URL(request.url).searchParams.get("cursor");
        cursors.push(cursor);
        return HttpResponse.json(
          cursor === null
            ? {
                status: "success",
                data: {
                  users: [publicUser(3, "carol", "2026-03-03T09:00:00Z"), publicUser(2, "bob", "2026-02-02T09:00:00Z")],
                  next_cursor: "page-2",
                },
              }
            : {
                status: "success",
                data: { users: [publicUser(1, "alice", "2026-01-01T09:00:00Z")], next_cursor: null },
              },
        );
      }),
    );
    const { user } = renderApp("/");

    const list = await screen.findByRole("list", { name: "Members" });
    expect(
      within(list)
        .getAllByRole("listitem")
        .map((item) => item.textContent),
    ).toEqual(["carolJoined 3 Mar 2026", "bobJoined 2 Feb 2026"]);

    await user.click(screen.getByRole("button", { name: "Load more" }));
    expect(await within(list).findByText("alice")).toBeInTheDocument();
    expect(cursors).toEqual([null, "page-2"]);
    expect(screen.queryByRole("button", { name: "Load more" })).not.toBeInTheDocument();
  });

  it("shows that it is loading", async () => {
    renderApp("/");
    expect(screen.getByText("Loading members…")).toBeInTheDocument();
    expect(await screen.findByText("No members yet. Be the first to register.")).toBeInTheDocument();
  });

  it("says what failed and can try again", async () => {
    // Handlers added later take precedence: the first request fails, the retry succeeds.
    server.use(
      http.get(api("/users"), () =>
        HttpResponse.json({ status: "success", data: { users: [makeUser({ username: "dave" })], next_cursor: null } }),
      ),
    );
    server.use(http.get(api("/users"), () => HttpResponse.error(), { once: true }));
    const { user } = renderApp("/");

    expect(
      await screen.findByText("Could not load members. Cannot reach the server. Check your connection and try again."),
    ).toBeInTheDocument();
    await user.click(screen.getByRole("button", { name: "Try again" }));
    expect(await screen.findByText("dave")).toBeInTheDocument();
  });

  it("has a heading and the page title", async () => {
    renderApp("/");
    expect(screen.getByRole("heading", { level: 1, name: "Members" })).toBeInTheDocument();
    await screen.findByText("No members yet. Be the first to register.");
  });
});
