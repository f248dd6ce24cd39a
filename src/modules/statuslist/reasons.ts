// The rules: which business event puts which medium on the list, or takes it off, with which reason
// code (ETC-REFERENCE §6; the table of codes and priorities is status_list_reasons, migration 0040).
import { CARD_NO, OBU_NO } from '../../platform/http/fast-check.ts';

export type Medium = 'card' | 'obu';
export type ListAction = 'enter' | 'leave';

export const CARD_REASON = {
  lost: 1,
  suspended: 2,
  cancelled: 3,
  overdrawn: 4,
  partner: 5,
  classMismatch: 6,
  lowBalance: 7,
} as const;
export const OBU_REASON = { lost: 1, suspended: 2, cancelled: 3, classMismatch: 4, tampered: 5 } as const;

// Reasons a supervisor may give by hand (the others come from rules or from peers' lists).
export const MANUAL_REASONS: Record<Medium, readonly number[]> = {
  card: [1, 2, 3, 4, 5, 6, 7],
  obu: [1, 2, 3, 4, 5, 101, 102, 103, 104, 105],
};

// Events the list reacts to: the issuance outbox's life-cycle events (overdrafts included, written by
// lane ingest), and the account events other modules may raise through raiseListEvent.
export type AccountEventName =
  'account-overdrawn' | 'account-covered' | 'account-in-arrears' | 'account-arrears-cleared' | 'purse-balance';

export type RuleEffect = { action: ListAction; reason: number } | null;

// payload: the outbox event's payload (afterTamper for a re-activated OBU) or an account event's facts.
export function ruleFor(
  medium: Medium,
  event: string,
  payload: Record<string, unknown>,
  lowBalanceFen: bigint,
): RuleEffect {
  if (medium === 'card') {
    switch (event) {
      case 'card-loss-reported':
        return { action: 'enter', reason: CARD_REASON.lost };
      case 'card-loss-cancelled':
        return { action: 'leave', reason: CARD_REASON.lost };
      // with or without the card in hand: a suspended card must not pass a lane
      case 'card-suspended':
        return { action: 'enter', reason: CARD_REASON.suspended };
      case 'card-resumed':
        return { action: 'leave', reason: CARD_REASON.suspended };
      // the old card of a replacement or reissue, and a cancelled card: "cancelled without card"
      case 'card-replaced':
      case 'card-reissued':
      case 'card-cancelled':
        return { action: 'enter', reason: CARD_REASON.cancelled };
      // lane ingest writes these to the outbox for each card of an account past its credit limit;
      // another module may raise the same through raiseListEvent
      case 'card-overdrawn':
      case 'account-overdrawn':
      // a debit account's bill overdue past the grace (credit): the same reason, "overdrawn / arrears"
      case 'account-in-arrears':
        return { action: 'enter', reason: CARD_REASON.overdrawn };
      case 'card-overdraft-cleared':
      case 'account-covered':
      case 'account-arrears-cleared':
        return { action: 'leave', reason: CARD_REASON.overdrawn };
      case 'purse-balance': {
        if (lowBalanceFen <= 0n) return null; // the optional rule is off
        const balance = BigInt(payload.balance as bigint | number | string);
        return { action: balance < lowBalanceFen ? 'enter' : 'leave', reason: CARD_REASON.lowBalance };
      }
      default:
        return null;
    }
  }
  switch (event) {
    case 'obu-loss-reported':
      return { action: 'enter', reason: OBU_REASON.lost };
    case 'obu-loss-cancelled':
      return { action: 'leave', reason: OBU_REASON.lost };
    case 'obu-suspended':
      return { action: 'enter', reason: OBU_REASON.suspended };
    case 'obu-resumed':
      return { action: 'leave', reason: OBU_REASON.suspended };
    case 'obu-replaced':
    case 'obu-cancelled':
      return { action: 'enter', reason: OBU_REASON.cancelled };
    case 'obu-tampered':
      return { action: 'enter', reason: OBU_REASON.tampered };
    // re-activation at the counter after a tamper report is how a refitted OBU comes back
    case 'obu-activated':
      return payload.afterTamper === true ? { action: 'leave', reason: OBU_REASON.tampered } : null;
    default:
      return null;
  }
}

export const MEDIUM_ID: Record<Medium, RegExp> = { card: CARD_NO, obu: OBU_NO };

export function issuerOf(mediumId: string): string {
  return mediumId.slice(0, 4);
}
