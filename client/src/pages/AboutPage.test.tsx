import { screen } from "@testing-library/react";
import { http, HttpResponse } from "msw";
import { renderApp } from "../test/renderApp";
import { api, server } from "../test/server";

describe("AboutPage", () => {
  it("shows the platform version from /ping and links to the API docs", async () => {
    server.use(
      http.get(api("/ping"), () => HttpResponse.json({ status: "success", message: "pong!", version: "1.2.3" })),
    );
    renderApp("/about");

    expect(await screen.findByRole("heading", { name: "About" })).toBeInTheDocument();
    expect(await screen.findByText("1.2.3")).toBeInTheDocument();
    expect(screen.getByRole("link", { name: "API documentation" })).toHaveAttribute("href", "/api/v1/docs");
  });

  it("says when the version cannot be fetched", async () => {
    server.use(http.get(api("/ping"), () => HttpResponse.json({ status: "error", message: "x" }, { status: 503 })));
    renderApp("/about");
    expect(
      await screen.findByText("Unknown (The server ran into a problem. Please try again in a moment.)"),
    ).toBeInTheDocument();
  });
});
