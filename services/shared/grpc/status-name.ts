/** The name of a gRPC status code (`OK`, `INVALID_ARGUMENT`, …), for logs. */
import { status } from '@grpc/grpc-js';

const NAMES: Readonly<Record<number, string>> = Object.fromEntries(
  Object.entries(status)
    .filter(([, v]) => typeof v === 'number')
    .map(([k, v]) => [v, k]),
);

export function statusName(code: number): string {
  return NAMES[code] ?? String(code);
}
