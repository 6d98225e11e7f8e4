// Field rules that mirror the API's validation, shown next to each field as the user types.

export interface Rule {
  /** What the rule asks for, phrased as a requirement. */
  label: string;
  test: (value: string) => boolean;
}

// The API counts Unicode code points, not UTF-16 units.
const length = (value: string) => [...value].length;

export const USERNAME_RULES: Rule[] = [
  { label: "3 to 32 characters", test: (v) => v.length >= 3 && v.length <= 32 },
  { label: "Only letters, digits, underscore, dot or hyphen", test: (v) => /^[A-Za-z0-9_.-]+$/.test(v) },
];

// Deliberately simple: the server normalises and validates properly; this catches typos early.
const EMAIL_SHAPE = /^[^\s@]+@[^\s@.]+(\.[^\s@.]+)+$/;

export const EMAIL_RULES: Rule[] = [
  { label: "A valid email address", test: (v) => v.length <= 254 && EMAIL_SHAPE.test(v.trim()) },
];

export const PASSWORD_RULES: Rule[] = [
  { label: "8 to 128 characters", test: (v) => length(v) >= 8 && length(v) <= 128 },
];

export function passesAll(rules: Rule[], value: string): boolean {
  return rules.every((rule) => rule.test(value));
}
