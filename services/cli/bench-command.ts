/**
 * `switchyard bench [--quick] [--json] [--out FILE]`: measures Switchyard on this machine (the
 * WASM core, Decide against a no-op gRPC server, Execute's added latency beside the Portkey
 * gateway, memory, scaling), prints a Markdown report or with --json the results object, and
 * writes the results to .bench/latest.json. It measures; it never fails on a figure.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { PACKAGE_ROOT } from '../shared/config/load-config.js';
import { formatBenchReport } from '../bench/bench-report.js';
import { FULL_PLAN, QUICK_PLAN } from '../bench/bench-plan.js';
import { MissingToolError, runBench } from '../bench/run-bench.js';
import { benchTelemetry, formatTelemetryBench, TELEMETRY_PLAN } from '../bench/telemetry-bench.js';
import type { CommandIO } from './command-io.js';

export const BENCH_USAGE = `usage: switchyard bench [--quick] [--json] [--out FILE] [--telemetry]

  --quick     shorter and fewer runs: about 2 minutes instead of about 6
  --json      print the results object instead of the report
  --out FILE  where to write the results (default .bench/latest.json in the package)
  --telemetry only compare Decide throughput with metrics and request logs off and on (about 1 minute)

Needs h2load (Debian's nghttp2-client; \`make bench\` installs it). Progress goes to stderr.`;

/** Rounds fractions to six significant digits: measurements carry no more. */
function sixDigits(_key: string, value: unknown): unknown {
  return typeof value === 'number' && !Number.isInteger(value) ? Number(value.toPrecision(6)) : value;
}

export async function benchCommand(argv: string[], io: CommandIO): Promise<number> {
  const { values, positionals } = parseArgs({
    args: argv,
    allowPositionals: true,
    options: {
      quick: { type: 'boolean', default: false },
      json: { type: 'boolean', default: false },
      out: { type: 'string' },
      telemetry: { type: 'boolean', default: false },
    },
  });
  if (positionals.length > 0) {
    io.err.write(`switchyard bench: unexpected argument "${positionals[0]}"\n${BENCH_USAGE}\n`);
    return 2;
  }
  if (values.telemetry) {
    const b = await benchTelemetry(TELEMETRY_PLAN, (line) => io.err.write(line + '\n'));
    io.out.write((values.json ? JSON.stringify(b, sixDigits, 2) : formatTelemetryBench(b)) + '\n');
    return 0;
  }
  const out = resolve(values.out ?? resolve(PACKAGE_ROOT, '.bench/latest.json'));
  let results;
  try {
    results = await runBench(values.quick ? QUICK_PLAN : FULL_PLAN, (line) => io.err.write(line + '\n'));
  } catch (e) {
    if (!(e instanceof MissingToolError)) throw e;
    io.err.write(`switchyard bench: ${e.message}\n`);
    return 1;
  }
  const json = JSON.stringify(results, sixDigits, 2) + '\n';
  mkdirSync(dirname(out), { recursive: true });
  writeFileSync(out, json);
  io.out.write(values.json ? json : formatBenchReport(results) + '\n');
  io.err.write(`results written to ${out}\n`);
  return 0;
}
