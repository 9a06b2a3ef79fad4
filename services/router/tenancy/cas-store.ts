/**
 * A key-value store with compare-and-set: what the ledger needs to stay exact when several
 * replicas write the same counter. JetStream key-value (kv-cas-store.ts) across replicas; this
 * file's in-memory store within one process.
 */

export interface CasEntry {
  value: string;
  /** Changes on every write; 0 never names a stored entry. */
  revision: number;
}

export interface CasStore {
  get(key: string): Promise<CasEntry | undefined>;
  /**
   * Writes `value` if the key is still at `revision` (0: the key must not exist). False when
   * another writer got there first; throws when the store cannot be reached.
   */
  put(key: string, value: string, revision: number): Promise<boolean>;
}

export class MemoryCasStore implements CasStore {
  private readonly entries = new Map<string, CasEntry>();
  private revision = 0;

  async get(key: string): Promise<CasEntry | undefined> {
    return this.entries.get(key);
  }

  async put(key: string, value: string, revision: number): Promise<boolean> {
    if ((this.entries.get(key)?.revision ?? 0) !== revision) return false;
    this.entries.set(key, { value, revision: ++this.revision });
    return true;
  }
}
