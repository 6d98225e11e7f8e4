import { useId } from "react";
import type { StrengthEstimate } from "../../validation/passwordStrength";
import { MIN_STRENGTH_SCORE } from "../../validation/rules";

const SCORE_WORDS = ["Very weak", "Weak", "Fair", "Strong", "Very strong"] as const;

interface PasswordStrengthProps {
  password: string;
  estimate: StrengthEstimate | null;
}

/** Live strength of a password, mirroring the API's "too easy to guess" rule. */
export function PasswordStrength({ password, estimate }: PasswordStrengthProps) {
  const meterId = useId();
  if (!password) {
    return (
      <p className="small text-body-secondary mb-0">
        • Hard enough to guess (strength {SCORE_WORDS[MIN_STRENGTH_SCORE]} or better)
      </p>
    );
  }
  if (!estimate) {
    return (
      <p className="small text-body-secondary mb-0" role="status">
        Checking strength…
      </p>
    );
  }
  const accepted = estimate.score >= MIN_STRENGTH_SCORE;
  const word = SCORE_WORDS[estimate.score];
  return (
    <div className="small" aria-live="polite">
      <div className="d-flex align-items-center gap-2">
        <label htmlFor={meterId} className="mb-0">
          Strength: {word}
        </label>
        <meter id={meterId} min={0} max={4} low={2} high={3} optimum={4} value={estimate.score}>
          {word}
        </meter>
      </div>
      <p className={`mb-0 ${accepted ? "text-success" : "text-danger"}`}>
        <span aria-hidden="true">{accepted ? "✓ " : "✗ "}</span>
        {accepted ? "Hard enough to guess" : "This password is too easy to guess."}
        {!accepted && estimate.warning ? ` ${estimate.warning}` : ""}
      </p>
    </div>
  );
}
