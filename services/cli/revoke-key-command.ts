/**
 * `switchyard revoke-key`: revokes an API key on every replica, through the NATS key-value
 * bucket the replicas watch. The key is given by its SHA-256, or read from a variable and
 * hashed here: it is never sent anywhere.
 */
import { parseArgs } from 'node:util';
import { loadConfig } from '../shared/config/load-config.js';
import { hashKey, revokeKey } from '../server/revoke-key.js';
import type { CommandIO } from './command-io.js';

export const REVOKE_KEY_USAGE =
  'usage: switchyard revoke-key (--sha256 HEX | --key-env NAME) [--config FILE] [--json]\n' +
  '  revokes the key on every replica within moments; needs NATS (NATS_URL or bus.nats.servers). Without NATS, take the key out of the config and restart.';

export async function revokeKeyCommand(argv: string[], io: CommandIO): Promise<number> {
  const { values } = parseArgs({ args: argv, options: { sha256: { type: 'string' }, 'key-env': { type: 'string' }, config: { type: 'string' }, json: { type: 'boolean' }, help: { type: 'boolean' } } });
  if (values.help) {
    io.out.write(REVOKE_KEY_USAGE + '\n');
    return 0;
  }
  let hash: string;
  if (values.sha256 !== undefined && values['key-env'] === undefined) {
    if (!/^[0-9a-f]{64}$/.test(values.sha256)) {
      io.err.write('switchyard revoke-key: --sha256 must be 64 lowercase hex digits\n');
      return 2;
    }
    hash = values.sha256;
  } else if (values['key-env'] !== undefined && values.sha256 === undefined) {
    const key = io.env[values['key-env']];
    if (!key) {
      io.err.write(`switchyard revoke-key: --key-env: the variable ${values['key-env']} is not set\n`);
      return 2;
    }
    hash = hashKey(key);
  } else {
    io.err.write(`switchyard revoke-key: give one of --sha256 or --key-env\n${REVOKE_KEY_USAGE}\n`);
    return 2;
  }
  const configPath = values.config ?? io.env.SWITCHYARD_CONFIG;
  try {
    await revokeKey(loadConfig(configPath).config, io.env, hash);
  } catch (e) {
    io.err.write(`switchyard revoke-key: ${(e as Error).message}\n`);
    return 1;
  }
  io.out.write(values.json ? JSON.stringify({ revoked: hash }) + '\n' : `revoked key sha256:${hash.slice(0, 12)}… on every replica\n`);
  return 0;
}
