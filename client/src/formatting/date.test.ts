import { formatDate, formatDateTime } from "./date";

describe("date formatting", () => {
  it("shows day, month and year", () => expect(formatDate("2026-03-01T10:00:00Z")).toBe("1 Mar 2026"));
  it("adds the time when asked", () =>
    expect(formatDateTime("2026-03-01T10:00:00Z")).toMatch(/^1 Mar 2026.*\d\d:\d\d$/));
  it("shows unreadable input as it came", () => expect(formatDate("yesterday")).toBe("yesterday"));
});
