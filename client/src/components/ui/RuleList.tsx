import type { Rule } from "../../validation/rules";

interface RuleListProps {
  id: string;
  rules: Rule[];
  value: string;
}

/** Each rule for a field, marked met or not as soon as the user starts typing. */
export function RuleList({ id, rules, value }: RuleListProps) {
  const typed = value.length > 0;
  return (
    <ul id={id} className="list-unstyled small mb-0 mt-1">
      {rules.map((rule) => {
        const met = rule.test(value);
        const state = !typed ? "neutral" : met ? "met" : "unmet";
        return (
          <li key={rule.label} className={RULE_CLASS[state]}>
            <span aria-hidden="true">{RULE_MARK[state]} </span>
            {rule.label}
            {typed && <span className="visually-hidden">{met ? " (done)" : " (not yet)"}</span>}
          </li>
        );
      })}
    </ul>
  );
}

const RULE_CLASS = { neutral: "text-body-secondary", met: "text-success", unmet: "text-danger" } as const;
const RULE_MARK = { neutral: "•", met: "✓", unmet: "✗" } as const;
