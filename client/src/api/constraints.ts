// Generated from src/api/openapi.json by `npm run gen:api`. Do not edit.

// What the API enforces on the fields people type (src/validation/rules.ts phrases it) and on the
// token in a mailed link (src/hooks/useLinkToken.ts).

export const USERNAME = {"minLength":3,"maxLength":32,"pattern":"^[A-Za-z0-9_.-]+$"} as const;
export const EMAIL = {"maxLength":254} as const;
export const NEW_PASSWORD = {"minLength":8,"maxLength":128,"minScore":3} as const;
export const LINK_TOKEN = {"minLength":16,"maxLength":128,"pattern":"^[A-Za-z0-9_-]+$"} as const;
