// A refusal that names one field (the service's error `field`) is shown on that field of the form,
// translated by its code; anything else is left to the screen's error line.
import type { FormInstance } from 'antd';
import i18n from '../../i18n/index.ts';
import { ApiError } from '../../api/client.ts';

export function onFields(form: FormInstance, e: unknown, map: Record<string, string>): boolean {
  if (!(e instanceof ApiError) || !e.field) return false;
  // "links.laneTransactionId" → "laneTransactionId"; "items.0.x" keeps its last name
  const name = map[e.field] ?? map[e.field.split('.').pop()!];
  if (!name) return false;
  const key = `error.codes.${e.code}`;
  const text = i18n.exists(key) ? i18n.t(key) : e.message;
  form.setFields([{ name, errors: [text] }]);
  return true;
}

/** Clears every field's errors (a field's rules run again when the form is sent). */
export function clearErrors(form: FormInstance): void {
  form.setFields(form.getFieldsError().map((f) => ({ name: f.name, errors: [] })));
}
