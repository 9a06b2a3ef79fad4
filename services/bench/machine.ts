/** The machine a benchmark ran on, as the report states it. */
import { readFileSync } from 'node:fs';
import { availableParallelism, loadavg, platform, release, totalmem } from 'node:os';

export interface Machine {
  nproc: number;
  cpu: string;
  memoryGb: number;
  node: string;
  os: string;
  h2load: string | undefined;
  /** 1-minute load average when the run started and when it ended: other work on the machine. */
  loadAverage: { start: number; end?: number };
}

function cpuModel(): string {
  try {
    return /^model name\s*:\s*(.+)$/m.exec(readFileSync('/proc/cpuinfo', 'utf8'))?.[1]?.trim() ?? 'unknown';
  } catch {
    return 'unknown';
  }
}

export function describeMachine(h2load: string | undefined): Machine {
  return {
    nproc: availableParallelism(),
    cpu: cpuModel(),
    memoryGb: Math.round(totalmem() / 2 ** 30),
    node: process.version,
    os: `${platform()} ${release()}`,
    h2load,
    loadAverage: { start: loadavg()[0]! },
  };
}

export function machineLine(m: Machine): string {
  const load = `load average ${m.loadAverage.start.toFixed(1)} at the start${m.loadAverage.end !== undefined ? `, ${m.loadAverage.end.toFixed(1)} at the end` : ''}`;
  return `${m.nproc} cores (${m.cpu}), ${m.memoryGb} GB, Node ${m.node}, ${m.h2load ?? 'no h2load'}, ${m.os}; ${load}`;
}
