/**
 * The walls between the rooms under services/: each room may import only the rooms listed for it
 * here, the one place the allowed edges are written down (ARCHITECTURE.md explains them).
 * Production code never imports test/. A new room fails this test until it is listed.
 */
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { PACKAGE_ROOT } from '../../services/shared/config/load-config.js';

/** room → the rooms it may import (besides itself). `generated` is the protobuf types. */
const ALLOWED: Record<string, readonly string[]> = {
  generated: [],
  shared: ['generated'],
  executor: ['shared', 'generated'],
  router: ['shared', 'generated'],
  train: ['router', 'shared', 'generated'],
  gateway: ['router', 'shared', 'generated'],
  // server assembles the monitoring of a router (services/status/) in router roles.
  server: ['gateway', 'status', 'router', 'executor', 'shared', 'generated'],
  // status: the drift monitor's wiring and the status page, a route of the HTTP front door.
  status: ['evaluation', 'gateway', 'router', 'shared', 'generated'],
  bench: ['server', 'router', 'shared', 'generated'],
  // executor: the learning scenario replays recorded outcomes through the simulator's ReplayPlayer.
  evaluation: ['train', 'router', 'executor', 'shared', 'generated'],
  cli: ['server', 'train', 'evaluation', 'bench', 'shared', 'generated'],
};

const SERVICES = resolve(PACKAGE_ROOT, 'services');
const IMPORT = /(?:from\s+|import\s*\(\s*|require\(\s*)['"](\.[^'"]+)['"]/g;

function sources(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) return sources(path);
    return /\.(ts|mts|js|mjs)$/.test(name) && !name.endsWith('.d.ts') ? [path] : [];
  });
}

function roomOf(path: string): string {
  const parts = relative(PACKAGE_ROOT, path).split('/');
  return parts[0] === 'services' ? parts[1]! : parts[0]!;
}

function crossings(): string[] {
  const bad: string[] = [];
  for (const file of sources(SERVICES)) {
    const from = roomOf(file);
    for (const m of readFileSync(file, 'utf8').matchAll(IMPORT)) {
      const to = roomOf(resolve(dirname(file), m[1]!));
      const where = `${relative(PACKAGE_ROOT, file)} imports ${m[1]}`;
      if (to === from) continue;
      if (!(from in ALLOWED)) bad.push(`${where}: room "${from}" is not listed in ALLOWED`);
      else if (!ALLOWED[from]!.includes(to)) bad.push(`${where}: ${from} -> ${to} is not an allowed edge`);
    }
  }
  return bad;
}

describe('walls - imports between rooms', () => {
  it('every room under services/ is listed, and no import crosses a wall', () => {
    const rooms = new Set(sources(SERVICES).map(roomOf));
    expect(rooms.size).toBeGreaterThan(5);
    expect(crossings()).toEqual([]);
  });

  it('the allowed edges form no cycle', () => {
    const seen = new Set<string>();
    const visit = (room: string, path: string[]): void => {
      if (path.includes(room)) throw new Error(`cycle: ${[...path, room].join(' -> ')}`);
      if (seen.has(room)) return;
      for (const next of ALLOWED[room] ?? []) visit(next, [...path, room]);
      seen.add(room);
    };
    for (const room of Object.keys(ALLOWED)) visit(room, []);
    expect(seen.size).toBe(Object.keys(ALLOWED).length);
  });

  it('a crossing is reported with the file and the edge', () => {
    const file = join(SERVICES, 'shared', 'x.ts');
    const to = roomOf(resolve(dirname(file), '../router/decide/decide.js'));
    expect([roomOf(file), to]).toEqual(['shared', 'router']);
    expect(ALLOWED.shared).not.toContain('router');
  });
});
