// Valid-looking customer data for tests and benchmarks: resident ID numbers with their check
// character, Anhui plates, mobile numbers.
import { randomInt } from 'node:crypto';

// An 18-character resident ID number with a valid ISO 7064 MOD 11-2 check character.
export function residentId(): string {
  const body = `340104${1960 + randomInt(40)}${String(1 + randomInt(12)).padStart(2, '0')}${String(1 + randomInt(28)).padStart(2, '0')}${String(randomInt(1000)).padStart(3, '0')}`;
  const weights = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2];
  const sum = [...body].reduce((s, d, i) => s + Number(d) * weights[i], 0);
  return body + '10X98765432'[sum % 11];
}

const LETTERS = 'ABCDEFGHJKLMNPQRSTUVWXYZ';
export function plate(): string {
  let tail = '';
  for (let i = 0; i < 5; i++) tail += i < 2 ? LETTERS[randomInt(LETTERS.length)] : String(randomInt(10));
  return `皖${LETTERS[randomInt(LETTERS.length)]}${tail}`;
}

export function mobile(): string {
  return `139${String(randomInt(100_000_000)).padStart(8, '0')}`;
}
