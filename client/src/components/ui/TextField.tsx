import type { ChangeEvent, ReactNode } from "react";
import Form from "react-bootstrap/Form";
import type { Rule } from "../../validation/rules";
import { RuleList } from "./RuleList";

interface TextFieldProps {
  id: string;
  label: string;
  value: string;
  onChange: (value: string) => void;
  type?: "text" | "email" | "password";
  autoComplete?: string;
  rules?: Rule[];
  /** A note about the field's current state, read out with it. */
  hint?: string;
  /** Messages from the server about this field. */
  errors?: string[];
  /** Marks the field invalid for a reason the rules do not cover (such as password strength). */
  invalid?: boolean;
  required?: boolean;
  children?: ReactNode;
}

/** A labelled input with its rules and any server errors next to it. */
export function TextField({
  id,
  label,
  value,
  onChange,
  type = "text",
  autoComplete,
  rules,
  hint,
  errors = [],
  invalid = false,
  required = true,
  children,
}: TextFieldProps) {
  const rulesId = `${id}-rules`;
  const errorsId = `${id}-errors`;
  const hintId = `${id}-hint`;
  const breaksRule = rules !== undefined && value.length > 0 && !rules.every((rule) => rule.test(value));
  const describedBy = [hint ? hintId : null, rules ? rulesId : null, errors.length ? errorsId : null]
    .filter(Boolean)
    .join(" ");

  return (
    <Form.Group className="mb-3" controlId={id}>
      <Form.Label>{label}</Form.Label>
      <Form.Control
        type={type}
        value={value}
        autoComplete={autoComplete}
        required={required}
        isInvalid={errors.length > 0 || breaksRule || invalid}
        aria-describedby={describedBy || undefined}
        onChange={(event: ChangeEvent<HTMLInputElement>) => onChange(event.target.value)}
      />
      {hint && (
        <Form.Text id={hintId} className="d-block">
          {hint}
        </Form.Text>
      )}
      {errors.length > 0 && (
        <Form.Control.Feedback type="invalid" id={errorsId}>
          {errors.join(" ")}
        </Form.Control.Feedback>
      )}
      {rules && <RuleList id={rulesId} rules={rules} value={value} />}
      {children}
    </Form.Group>
  );
}
