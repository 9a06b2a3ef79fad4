/**
 * The time a request is metered at: when it began, read from its decision id. Decision ids are
 * UUIDv7 (decide/decision-id.ts), whose first 48 bits are the milliseconds since the epoch at
 * which Decide made them, and every call a request causes carries its id, as does its record.
 * So the ledger reserves and settles every call of a request (stages, fallbacks, judges) in the
 * day and month the request began, and a reconciliation counts the record there too, however
 * far past midnight UTC the request ran or its record was written.
 *
 * `at` (the time of the call, or of the record) is used instead when the id is not a UUIDv7 or
 * names a time no request could have begun at: more than a day before `at` or after it.
 */
const UUID_V7 = /^([0-9a-f]{8})-([0-9a-f]{4})-7[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/i;
const MAX_AGE_MS = 86_400_000;
/** Clocks of the process that decided and the one that meters may differ by a little. */
const MAX_AHEAD_MS = 60_000;

export function requestTime(decisionId: string, at: number): number {
  const m = UUID_V7.exec(decisionId);
  if (!m) return at;
  const t = Number.parseInt(`${m[1]}${m[2]}`, 16);
  return t >= at - MAX_AGE_MS && t <= at + MAX_AHEAD_MS ? t : at;
}
