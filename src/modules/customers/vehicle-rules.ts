// Plate, VIN and code-table rules for vehicles. Each check throws a 400 naming the field.
import { invalid } from '../../platform/http/errors.ts';
import {
  codeList,
  NEW_ENERGY_COLOURS,
  PLATE_COLOURS,
  TRUCK_CLASSES,
  VEHICLE_CATEGORIES,
  VEHICLE_CLASSES,
} from './codes.ts';

// Province abbreviations, plus 使 (embassy) and 领 (consulate) which take the same place.
export const PLATE_REGIONS = '京津沪渝冀豫云辽黑湘皖鲁新苏浙赣鄂桂甘晋蒙陕吉闽贵粤青藏川宁琼使领';
const ORDINARY = new RegExp(`^[${PLATE_REGIONS}][A-HJ-NP-Z][A-Z0-9]{5}$`);
const NEW_ENERGY = new RegExp(`^[${PLATE_REGIONS}][A-HJ-NP-Z][A-Z0-9]{6}$`);

// Upper-case and drop spaces and the middle dot people write after the region (皖A·12345), so
// the same plate typed two ways is the same plate.
export const normalisePlate = (s: string): string => s.replace(/[\s·•.]/g, '').toUpperCase();

export function checkPlate(raw: string, plateColor: number): string {
  const plate = normalisePlate(raw);
  const newEnergy = NEW_ENERGY_COLOURS.has(plateColor);
  if (!(newEnergy ? NEW_ENERGY : ORDINARY).test(plate)) {
    throw invalid(
      'plate',
      newEnergy
        ? 'a new-energy plate is a province character, a letter (not I or O) and 6 letters or digits'
        : 'a plate is a province character, a letter (not I or O) and 5 letters or digits',
    );
  }
  return plate;
}

export function checkCode(field: string, value: number, table: ReadonlySet<number>): number {
  if (!table.has(value)) throw invalid(field, `${value} is not one of ${codeList(table)}`);
  return value;
}

export const normaliseVin = (s: string): string => s.trim().toUpperCase();
export function checkVin(raw: string): string {
  const vin = normaliseVin(raw);
  if (!/^[A-HJ-NPR-Z0-9]{17}$/.test(vin)) throw invalid('vin', 'a VIN is 17 letters or digits without I, O or Q');
  return vin;
}

export type VehicleInput = {
  plate: string;
  plateColor: number;
  vehicleClass: number;
  category?: number;
  axles?: number | null;
  wheels?: number | null;
  seats?: number | null;
  loadKg?: number | null;
  lengthMm?: number | null;
  widthMm?: number | null;
  heightMm?: number | null;
  wheelbaseMm?: number | null;
  vin?: string | null;
  engineNo?: string | null;
  description?: string | null;
};

export type CheckedVehicle = Required<{ [K in keyof VehicleInput]: Exclude<VehicleInput[K], undefined> }>;

// Validates and normalises a new vehicle. Numeric ranges are the schema's (and the table's);
// here are the rules that need more than one field.
export function checkVehicle(v: VehicleInput): CheckedVehicle {
  const plateColor = checkCode('plateColor', v.plateColor, PLATE_COLOURS);
  const vehicleClass = checkCode('vehicleClass', v.vehicleClass, VEHICLE_CLASSES);
  const category = checkCode('category', v.category ?? 0, VEHICLE_CATEGORIES);
  const plate = checkPlate(v.plate, plateColor);
  const vin = v.vin == null || v.vin.trim() === '' ? null : checkVin(v.vin);
  // truck tolls and overload checks go by the registered vehicle, so a truck must be identifiable
  if (TRUCK_CLASSES.has(vehicleClass) && vin === null)
    throw invalid('vin', 'a VIN is required for trucks (classes 11-16)');
  const text = (s: string | null | undefined) => (s == null || s.trim() === '' ? null : s.trim());
  return {
    plate,
    plateColor,
    vehicleClass,
    category,
    axles: v.axles ?? null,
    wheels: v.wheels ?? null,
    seats: v.seats ?? null,
    loadKg: v.loadKg ?? null,
    lengthMm: v.lengthMm ?? null,
    widthMm: v.widthMm ?? null,
    heightMm: v.heightMm ?? null,
    wheelbaseMm: v.wheelbaseMm ?? null,
    vin,
    engineNo: text(v.engineNo)?.toUpperCase() ?? null,
    description: text(v.description),
  };
}
