// National code tables shared by every module (ETC-REFERENCE §5). One copy: customers validate
// vehicles against them, issuance writes them into card and OBU files, lanes price by class.

/** Vehicle class (车型, JT/T 489-2019): passenger 1–4, truck 11–16, special-purpose 21–26. */
export const VEHICLE_CLASS_LIST = Object.freeze([1, 2, 3, 4, 11, 12, 13, 14, 15, 16, 21, 22, 23, 24, 25, 26] as const);
export type VehicleClass = (typeof VEHICLE_CLASS_LIST)[number];
export const VEHICLE_CLASSES: ReadonlySet<number> = new Set(VEHICLE_CLASS_LIST);
export const TRUCK_CLASSES: ReadonlySet<number> = new Set([11, 12, 13, 14, 15, 16]);

/** Card type (卡类型): 22 a stored-value card (the purse pays), 23 a debit-account card (the account pays). */
export const CARD_TYPE = { storedValue: 22, debit: 23 } as const;

/** Vehicle category / user type (车种). */
export const VEHICLE_CATEGORIES: ReadonlySet<number> = new Set([0, 6, 8, 10, 12, 14, 21, 22, 23, 24, 25, 26, 27, 28]);

/** Plate colour: 0 blue, 1 yellow, 2 black, 3 white, 4 gradient green, 5 yellow-green, 6 blue-white, 9 undetermined. */
export const PLATE_COLOURS: ReadonlySet<number> = new Set([0, 1, 2, 3, 4, 5, 6, 9]);
/** Gradient green and yellow-green plates are new-energy plates, one character longer. */
export const NEW_ENERGY_COLOURS: ReadonlySet<number> = new Set([4, 5]);

export function isVehicleClass(value: unknown): value is VehicleClass {
  return typeof value === 'number' && VEHICLE_CLASSES.has(value);
}
