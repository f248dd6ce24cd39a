// Code tables the customers module validates against. Vehicle codes follow ETC-REFERENCE §5;
// the identity-document codes are this project's own choice (see ID_TYPES).

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

export const VEHICLE_CLASSES: ReadonlySet<number> = new Set([1, 2, 3, 4, 11, 12, 13, 14, 15, 16, 21, 22, 23, 24, 25, 26]);
export const TRUCK_CLASSES: ReadonlySet<number> = new Set([11, 12, 13, 14, 15, 16]);
export const VEHICLE_CATEGORIES: ReadonlySet<number> = new Set([0, 6, 8, 10, 12, 14, 21, 22, 23, 24, 25, 26, 27, 28]);
export const PLATE_COLOURS: ReadonlySet<number> = new Set([0, 1, 2, 3, 4, 5, 6, 9]);
// gradient green and yellow-green plates are new-energy plates, one character longer
export const NEW_ENERGY_COLOURS: ReadonlySet<number> = new Set([4, 5]);

export const isIdType = (n: number): boolean => Object.hasOwn(ID_TYPES, n);
export const codeList = (s: ReadonlySet<number>): string => [...s].join(', ');
