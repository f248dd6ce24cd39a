// Valid-looking customer data for tests and benchmarks: resident ID numbers with their check
// character, Anhui plates, mobile numbers. ID numbers and plates are unique within a process: drawn
// at random from ~13 million each, 2,000 draws would repeat one in about one run of eight, and the
// service refuses a second customer with the same ID number (and a second vehicle with the plate).
import { randomInt } from 'node:crypto';

function unique(drawn: Set<string>, draw: () => string): string {
  for (;;) {
    const value = draw();
    if (!drawn.has(value)) {
      drawn.add(value);
      return value;
    }
  }
}

// An 18-character resident ID number with a valid ISO 7064 MOD 11-2 check character.
const residentIds = new Set<string>();
export function residentId(): string {
  const body = unique(
    residentIds,
    () =>
      `340104${1960 + randomInt(40)}${String(1 + randomInt(12)).padStart(2, '0')}${String(1 + randomInt(28)).padStart(2, '0')}${String(randomInt(1000)).padStart(3, '0')}`,
  );
  const weights = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2];
  const sum = [...body].reduce((s, d, i) => s + Number(d) * weights[i], 0);
  return body + '10X98765432'[sum % 11];
}

const LETTERS = 'ABCDEFGHJKLMNPQRSTUVWXYZ';
const plates = new Set<string>();
export function plate(): string {
  return unique(plates, () => {
    let tail = '';
    for (let i = 0; i < 5; i++) tail += i < 2 ? LETTERS[randomInt(LETTERS.length)] : String(randomInt(10));
    return `皖${LETTERS[randomInt(LETTERS.length)]}${tail}`;
  });
}

export function mobile(): string {
  return `139${String(randomInt(100_000_000)).padStart(8, '0')}`;
}
