/**
 * Where a process's memory is, as the process itself can tell: Node's totals, V8's heap spaces
 * (committed against used), and the kernel's split of the resident set (anonymous memory, file
 * mappings, shared memory). Read in the process being measured (a benchmark child answers it
 * on IPC); the figures are MB with one decimal.
 */
import { readFileSync } from 'node:fs';
import { getHeapSpaceStatistics } from 'node:v8';

export interface SpaceFigure {
  committedMb: number;
  usedMb: number;
}

export interface MemoryBreakdown {
  rssMb: number;
  heapTotalMb: number;
  heapUsedMb: number;
  /** Memory of C++ objects bound to JavaScript ones, array buffers included. */
  externalMb: number;
  arrayBuffersMb: number;
  /** V8's heap spaces by short name (new, old, code, large_object, ...). */
  spaces: Record<string, SpaceFigure>;
  /** The kernel's split of the resident set, when /proc tells it. */
  rssAnonMb?: number;
  rssFileMb?: number;
  rssShmemMb?: number;
  /** The live heap right after a full collection, when one was forced for the sample (`--expose-gc`). */
  heapAfterGcMb?: number;
}

const mb = (bytes: number) => Math.round((bytes / 1048576) * 10) / 10;

function procStatus(): Pick<MemoryBreakdown, 'rssAnonMb' | 'rssFileMb' | 'rssShmemMb'> {
  try {
    const text = readFileSync('/proc/self/status', 'utf8');
    const kb = (key: string) => {
      const v = new RegExp(`^${key}:\\s+(\\d+) kB`, 'm').exec(text)?.[1];
      return v === undefined ? undefined : mb(Number(v) * 1024);
    };
    const out: Pick<MemoryBreakdown, 'rssAnonMb' | 'rssFileMb' | 'rssShmemMb'> = {};
    const anon = kb('RssAnon');
    const file = kb('RssFile');
    const shmem = kb('RssShmem');
    if (anon !== undefined) out.rssAnonMb = anon;
    if (file !== undefined) out.rssFileMb = file;
    if (shmem !== undefined) out.rssShmemMb = shmem;
    return out;
  } catch {
    return {};
  }
}

/**
 * The breakdown now. With `collect` and a `gc` function (node --expose-gc), the figures are read
 * first and then a full collection is forced, so the resident set is the one the process would
 * have had, and `heapAfterGcMb` the live objects beside it.
 */
export function memoryBreakdown(collect?: () => void): MemoryBreakdown {
  const u = process.memoryUsage();
  const spaces: Record<string, SpaceFigure> = {};
  for (const s of getHeapSpaceStatistics()) {
    spaces[s.space_name.replace(/_space$/, '')] = { committedMb: mb(s.physical_space_size), usedMb: mb(s.space_used_size) };
  }
  const out: MemoryBreakdown = {
    rssMb: mb(u.rss),
    heapTotalMb: mb(u.heapTotal),
    heapUsedMb: mb(u.heapUsed),
    externalMb: mb(u.external),
    arrayBuffersMb: mb(u.arrayBuffers),
    spaces,
    ...procStatus(),
  };
  if (collect) {
    collect();
    out.heapAfterGcMb = mb(process.memoryUsage().heapUsed);
  }
  return out;
}
