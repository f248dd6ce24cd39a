// Code tables the customers module validates against. Vehicle codes are the shared national
// tables (../codes.ts); the identity-document codes are this project's own choice (see ID_TYPES).

// Identity documents of personal customers. The national standard for file 0016 numbers its
// document types differently; these codes are the project's choice, and issuance maps them
// to whatever the card file needs.
export const ID_TYPES = {
  1: 'resident ID card',
  2: 'passport',
  3: 'military officer card',
  4: 'Hong Kong/Macao permit',
  5: 'Taiwan permit',
  9: 'other',
} as const satisfies Record<number, string>;
export const RESIDENT_ID = 1;

export { VEHICLE_CLASSES, TRUCK_CLASSES, VEHICLE_CATEGORIES, PLATE_COLOURS, NEW_ENERGY_COLOURS } from '../codes.ts';

export const isIdType = (n: number): boolean => Object.hasOwn(ID_TYPES, n);
export const codeList = (s: ReadonlySet<number>): string => [...s].join(', ');
