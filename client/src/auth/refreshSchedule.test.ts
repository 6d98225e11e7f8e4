import { refreshDelayMs } from "./refreshSchedule";

describe("refreshDelayMs", () => {
  it("refreshes a minute before a normal token expires", () => expect(refreshDelayMs(900)).toBe(840_000));
  it("refreshes a fifth early for short tokens", () => expect(refreshDelayMs(10)).toBe(8_000));
  it("never schedules sooner than a second", () => expect(refreshDelayMs(0)).toBe(1_000));
});
