// The shapes the service sends, derived from its own declarations: bigint travels as a JSON
// integer and Date as an ISO string.
export type Json<T> = T extends bigint
  ? number
  : T extends Date
    ? string
    : T extends Array<infer U>
      ? Array<Json<U>>
      : T extends object
        ? { [K in keyof T]: Json<T[K]> }
        : T;
