import "@testing-library/jest-dom/vitest";
import { server } from "./server";

// Any request without a handler is a test bug: fail loudly instead of reaching the network.
beforeAll(() => server.listen({ onUnhandledRequest: "error" }));
afterEach(() => server.resetHandlers());
afterAll(() => server.close());
