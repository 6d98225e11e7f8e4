import spec from "../api/openapi.json";
import { EMAIL_RULES, MIN_STRENGTH_SCORE, PASSWORD_RULES, USERNAME_RULES, passesAll, tooEasyToGuess } from "./rules";

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

describe("rules follow the API's document", () => {
  const { username, email, password } = spec.components.schemas.RegisterRequest.properties;

  it("username length and characters", () => {
    expect(passesAll(USERNAME_RULES, "a".repeat(username.minLength))).toBe(true);
    expect(passesAll(USERNAME_RULES, "a".repeat(username.minLength - 1))).toBe(false);
    expect(passesAll(USERNAME_RULES, "a".repeat(username.maxLength))).toBe(true);
    expect(passesAll(USERNAME_RULES, "a".repeat(username.maxLength + 1))).toBe(false);
    const shape = new RegExp(username.pattern, "u");
    for (const value of ["abc", "a b", "jöhn", "x.y-z_1", "abc\n", "ab$"]) {
      expect(USERNAME_RULES[1]!.test(value)).toBe(shape.test(value));
    }
  });

  it("email length", () => {
    const at = "@example.com";
    expect(passesAll(EMAIL_RULES, "a".repeat(email.maxLength - at.length) + at)).toBe(true);
    expect(passesAll(EMAIL_RULES, "a".repeat(email.maxLength - at.length + 1) + at)).toBe(false);
  });

  it("password length and strength", () => {
    expect(passesAll(PASSWORD_RULES, "x".repeat(password.minLength))).toBe(true);
    expect(passesAll(PASSWORD_RULES, "x".repeat(password.minLength - 1))).toBe(false);
    expect(passesAll(PASSWORD_RULES, "x".repeat(password.maxLength))).toBe(true);
    expect(passesAll(PASSWORD_RULES, "x".repeat(password.maxLength + 1))).toBe(false);
    expect(MIN_STRENGTH_SCORE).toBe(password["x-zxcvbn-min-score"]);
  });
});

describe("tooEasyToGuess", () => {
  it.each([
    [null, false],
    [{ score: 0, warning: null }, true],
    [{ score: 2, warning: "Common." }, true],
    [{ score: 3, warning: null }, false],
    [{ score: 4, warning: null }, false],
  ] as const)("%o -> %s", (estimate, tooEasy) => expect(tooEasyToGuess(estimate)).toBe(tooEasy));
});
