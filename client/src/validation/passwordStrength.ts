// Loaded on demand: the dictionaries are large and must stay out of the initial bundle.
import { ZxcvbnFactory } from "@zxcvbn-ts/core";
import * as common from "@zxcvbn-ts/language-common";
import * as english from "@zxcvbn-ts/language-en";

const zxcvbn = new ZxcvbnFactory({
  translations: english.translations,
  graphs: common.adjacencyGraphs,
  dictionary: { ...common.dictionary, ...english.dictionary },
});

export interface StrengthEstimate {
  /** 0 (trivial) to 4 (very strong); the API refuses scores below MIN_STRENGTH_SCORE (rules.ts). */
  score: 0 | 1 | 2 | 3 | 4;
  warning: string | null;
}

export function estimateStrength(password: string, userInputs: string[]): StrengthEstimate {
  const result = zxcvbn.check(password, userInputs.filter(Boolean));
  return { score: result.score, warning: result.feedback.warning || null };
}
