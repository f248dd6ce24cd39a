// The service desk's error codes and their HTTP statuses (registered when the module loads).
import { registerErrorCodes } from '../../platform/http/errors.ts';

export const SERVICEDESK_ERRORS = {
  'ticket-not-found': 404,
  'ticket-state-conflict': 409,
  'ticket-confirmation-required': 409,
  'ticket-root-cause-required': 422,
  'ticket-link-not-found': 422,
  'ticket-customer-required': 422,
  'root-cause-not-found': 422,
  'unit-not-found': 404,
  'servicedesk-user-not-found': 422,
  'remedy-not-found': 404,
  'remedy-state-conflict': 409,
  'remedy-exists': 409,
  'remedy-four-eyes-required': 409,
  'remedy-not-justified': 409,
  'work-order-not-found': 404,
  'work-order-state-conflict': 409,
  'calendar-day-invalid': 422,
  'hotline-ticket-conflict': 409,
  'ticket-transaction-not-linked': 409,
  'unit-inactive': 409,
} as const;

type Codes = typeof SERVICEDESK_ERRORS;
declare module '../../platform/http/errors.ts' {
  interface ErrorCodes extends Codes {}
}

registerErrorCodes('servicedesk', SERVICEDESK_ERRORS);
