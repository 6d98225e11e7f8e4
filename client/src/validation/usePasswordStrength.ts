import { useEffect, useState } from "react";
import type { StrengthEstimate } from "./passwordStrength";

type Estimator = typeof import("./passwordStrength");
let estimatorLoad: Promise<Estimator> | null = null;

function loadEstimator(): Promise<Estimator> {
  estimatorLoad ??= import("./passwordStrength");
  return estimatorLoad;
}

/** The password's strength, or null while the estimator loads or the field is empty. */
export function usePasswordStrength(password: string, userInputs: string[]): StrengthEstimate | null {
  const [estimate, setEstimate] = useState<StrengthEstimate | null>(null);
  const inputsKey = userInputs.join("\u0000");
  // An emptied field forgets its estimate, so the next password starts at "Checking strength…".
  if (!password && estimate !== null) setEstimate(null);

  useEffect(() => {
    if (!password) return;
    let current = true;
    loadEstimator().then(
      ({ estimateStrength }) => {
        if (current) setEstimate(estimateStrength(password, inputsKey.split("\u0000")));
      },
      () => {
        // Without the estimator the server's verdict still shows next to the field.
        if (current) setEstimate(null);
      },
    );
    return () => {
      current = false;
    };
  }, [password, inputsKey]);

  return password ? estimate : null;
}
