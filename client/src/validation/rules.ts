// Field rules shown next to each field as the user types. The limits come from the API's own
// document (api/constraints.ts, generated from openapi.json); only the wording lives here.
import { EMAIL, NEW_PASSWORD, USERNAME } from "../api/constraints";
import type { StrengthEstimate } from "./passwordStrength";

export interface Rule {
  /** What the rule asks for, phrased as a requirement. */
  label: string;
  test: (value: string) => boolean;
}

// The API counts Unicode code points, not UTF-16 units.
const length = (value: string) => [...value].length;

function lengthRule({ minLength, maxLength }: { minLength: number; maxLength: number }): Rule {
  return {
    label: `${minLength} to ${maxLength} characters`,
    test: (v) => length(v) >= minLength && length(v) <= maxLength,
  };
}

const USERNAME_SHAPE = new RegExp(USERNAME.pattern, "u");

export const USERNAME_RULES: Rule[] = [
  lengthRule(USERNAME),
  { label: "Only letters, digits, underscore, dot or hyphen", test: (v) => USERNAME_SHAPE.test(v) },
];

// Deliberately simple: the server normalises and validates properly; this catches typos early.
const EMAIL_SHAPE = /^[^\s@]+@[^\s@.]+(\.[^\s@.]+)+$/;

export const EMAIL_RULES: Rule[] = [
  { label: "A valid email address", test: (v) => length(v) <= EMAIL.maxLength && EMAIL_SHAPE.test(v.trim()) },
];

export const PASSWORD_RULES: Rule[] = [lengthRule(NEW_PASSWORD)];

/** The lowest zxcvbn score (0 to 4) the API accepts for a new password. */
export const MIN_STRENGTH_SCORE = NEW_PASSWORD.minScore;

/** True once the estimate is in and below what the API accepts; unknown is not "too easy". */
export function tooEasyToGuess(estimate: StrengthEstimate | null): boolean {
  return estimate !== null && estimate.score < MIN_STRENGTH_SCORE;
}

export function passesAll(rules: Rule[], value: string): boolean {
  return rules.every((rule) => rule.test(value));
}
