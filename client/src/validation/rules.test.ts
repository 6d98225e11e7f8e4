import { EMAIL_RULES, PASSWORD_RULES, USERNAME_RULES, passesAll } from "./rules";

const verdicts = (rules: typeof USERNAME_RULES, value: string) =>
  Object.fromEntries(rules.map((rule) => [rule.label, rule.test(value)]));

describe("username rules", () => {
  it.each([
    ["ab", false, true],
    ["abc", true, true],
    ["a".repeat(32), true, true],
    ["a".repeat(33), false, true],
    ["john doe", true, false],
    ["jo_hn.d-1", true, true],
    ["jöhn", true, false],
  ])("%s: length %s, characters %s", (value, lengthOk, charactersOk) => {
    expect(verdicts(USERNAME_RULES, value)).toEqual({
      "3 to 32 characters": lengthOk,
      "Only letters, digits, underscore, dot or hyphen": charactersOk,
    });
  });
});

describe("email rule", () => {
  it.each([
    ["alice@example.com", true],
    ["  alice@example.com ", true],
    ["alice@example", false],
    ["alice example.com", false],
    ["@example.com", false],
    [`${"a".repeat(250)}@b.co`, false],
  ])("%s -> %s", (value, ok) => expect(passesAll(EMAIL_RULES, value)).toBe(ok));
});

describe("password length rule", () => {
  it.each([
    ["1234567", false],
    ["12345678", true],
    ["x".repeat(128), true],
    ["x".repeat(129), false],
    ["🔒🔒🔒🔒🔒🔒🔒🔒", true], // eight code points, sixteen UTF-16 units
    ["🔒🔒🔒🔒", false],
  ])("%s -> %s", (value, ok) => expect(passesAll(PASSWORD_RULES, value)).toBe(ok));
});
