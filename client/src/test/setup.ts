import "@testing-library/jest-dom/vitest";
import { configure } from "@testing-library/react";
import { server } from "./server";

// Any request without a handler is a test bug: fail loudly instead of reaching the network.
beforeAll(() => server.listen({ onUnhandledRequest: "error" }));
afterEach(() => server.resetHandlers());
afterAll(() => server.close());

// findBy* waits up to this long for the page to catch up; 1 s (the default) timed out on a loaded machine.
configure({ asyncUtilTimeout: 5000 });
