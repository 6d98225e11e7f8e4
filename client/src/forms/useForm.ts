import { useState, type FormEvent } from "react";
import { NO_ERRORS, splitSubmitError, type SubmitErrors } from "./submitErrors";

interface FormOptions<V> {
  /** The fields' starting values, named as the API names them, so its errors land next to them. */
  initial: V;
  /** Sends the values. Resolves to what the fields should hold afterwards, or to nothing to keep them. */
  submit: (values: V) => Promise<V | void>;
}

/** The names of the fields that hold text. */
type TextKey<V> = { [K in keyof V]: V[K] extends string ? K : never }[keyof V] & string;

export interface FormState<V> {
  values: V;
  set: <K extends keyof V & string>(field: K, value: V[K]) => void;
  /** A text field's value, change handler and server errors, to spread onto a TextField. */
  textField: (field: TextKey<V>) => { value: string; onChange: (value: string) => void; errors?: string[] };
  errors: SubmitErrors;
  /** True while the submit is in flight. */
  busy: boolean;
  handleSubmit: (event: FormEvent) => Promise<void>;
}

/** A form's values, its submit in flight, and the API's errors, each next to the field it concerns. */
export function useForm<V extends object>({ initial, submit }: FormOptions<V>): FormState<V> {
  const [values, setValues] = useState(initial);
  const [errors, setErrors] = useState<SubmitErrors>(NO_ERRORS);
  const [busy, setBusy] = useState(false);

  function set<K extends keyof V & string>(field: K, value: V[K]) {
    setValues((previous) => ({ ...previous, [field]: value }));
    // The server's word on a field no longer applies once the field is edited.
    setErrors((previous) =>
      previous.fieldErrors[field] ? { ...previous, fieldErrors: { ...previous.fieldErrors, [field]: [] } } : previous,
    );
  }

  async function handleSubmit(event: FormEvent) {
    event.preventDefault();
    setBusy(true);
    setErrors(NO_ERRORS);
    try {
      const next = await submit(values);
      if (next) setValues(next);
    } catch (error) {
      setErrors(splitSubmitError(error, Object.keys(initial)));
    } finally {
      setBusy(false);
    }
  }

  function textField(field: TextKey<V>) {
    return {
      value: values[field] as string,
      onChange: (value: string) => set(field, value as V[typeof field]),
      errors: errors.fieldErrors[field],
    };
  }

  return { values, set, textField, errors, busy, handleSubmit };
}
