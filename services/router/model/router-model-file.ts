/**
 * The router-model file: what the learned scorer loads.
 *
 * Layout (little-endian), version 1:
 *   0   "SYRM"                 magic
 *   4   u32 format version     (1)
 *   8   u32 header length      (bytes of UTF-8 JSON that follow)
 *   12  header JSON            (RouterModelHeader), zero-padded to a multiple of 4
 *   ..  f32 arrays, in order:  hashed [buckets × dim], denseProjection [dim × dense],
 *                              bias [profiles], ability [profiles × dim],
 *                              denseWeights [profiles × dense]
 *
 * For a prompt with dense features d and hashed tokens t_1..t_T of weight w, the latent
 * prompt vector is  z = denseProjection · d + w Σ hashed[t_i],  and profile p's predicted
 * quality is  sigmoid(bias_p + ability_p · z + denseWeights_p · d).
 * A profile is a model as the training data names it; the catalog maps its models onto them.
 */
import { BUCKETS, DENSE_FEATURES, FEATURE_VERSION } from '../core/feature-spec.js';
import { checkCorrections, type SegmentCorrection } from './segment-corrections.js';

export const MODEL_MAGIC = 'SYRM';
export const MODEL_FORMAT_VERSION = 1;

export interface ProfileInfo {
  /** The model id as the training data names it. */
  id: string;
  /** Observations the profile was trained on. */
  n: number;
  /** Mean observed quality in the training data. */
  meanQuality: number;
}

export interface RouterModelHeader {
  featureVersion: number;
  buckets: number;
  dim: number;
  dense: number;
  profiles: ProfileInfo[];
  /** How the model was made: data files, seed, hyper-parameters. Informational. */
  training: Record<string, unknown>;
  /**
   * Per profile and segment, logit offsets learned from the router's record (segment-corrections.ts),
   * applied to the predictions Decide ranks with. Absent in a model trained from data alone.
   */
  corrections?: SegmentCorrection[];
}

export interface RouterModel {
  header: RouterModelHeader;
  hashed: Float32Array;
  denseProjection: Float32Array;
  bias: Float32Array;
  ability: Float32Array;
  denseWeights: Float32Array;
}

export class RouterModelFormatError extends Error {
  constructor(message: string) {
    super(`router model: ${message}`);
    this.name = 'RouterModelFormatError';
  }
}

function arraySizes(h: RouterModelHeader): number[] {
  const p = h.profiles.length;
  return [h.buckets * h.dim, h.dim * h.dense, p, p * h.dim, p * h.dense];
}

export function encodeRouterModel(model: RouterModel): Uint8Array {
  const json = new TextEncoder().encode(JSON.stringify(model.header));
  const headerPadded = (json.length + 3) & ~3;
  const arrays = [model.hashed, model.denseProjection, model.bias, model.ability, model.denseWeights];
  const sizes = arraySizes(model.header);
  arrays.forEach((a, i) => {
    if (a.length !== sizes[i]) throw new RouterModelFormatError(`array ${i} has ${a.length} values, expected ${sizes[i]}`);
  });
  const total = 12 + headerPadded + sizes.reduce((s, n) => s + n * 4, 0);
  const out = new Uint8Array(total);
  const view = new DataView(out.buffer);
  out.set(new TextEncoder().encode(MODEL_MAGIC), 0);
  view.setUint32(4, MODEL_FORMAT_VERSION, true);
  view.setUint32(8, json.length, true);
  out.set(json, 12);
  let off = 12 + headerPadded;
  for (const a of arrays) {
    for (let i = 0; i < a.length; i++, off += 4) view.setFloat32(off, a[i]!, true);
  }
  return out;
}

export function decodeRouterModel(bytes: Uint8Array): RouterModel {
  if (bytes.length < 12) throw new RouterModelFormatError('file is too short');
  if (new TextDecoder().decode(bytes.subarray(0, 4)) !== MODEL_MAGIC) throw new RouterModelFormatError('not a router model (bad magic)');
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const version = view.getUint32(4, true);
  if (version !== MODEL_FORMAT_VERSION) throw new RouterModelFormatError(`format version ${version} is not supported (expected ${MODEL_FORMAT_VERSION})`);
  const headerLen = view.getUint32(8, true);
  if (12 + headerLen > bytes.length) throw new RouterModelFormatError('header runs past the end of the file');
  let header: RouterModelHeader;
  try {
    header = JSON.parse(new TextDecoder().decode(bytes.subarray(12, 12 + headerLen))) as RouterModelHeader;
  } catch (e) {
    throw new RouterModelFormatError(`header is not JSON: ${(e as Error).message}`);
  }
  if (header.featureVersion !== FEATURE_VERSION) throw new RouterModelFormatError(`feature version ${header.featureVersion} does not match this build's ${FEATURE_VERSION}`);
  if (header.buckets !== BUCKETS || header.dense !== DENSE_FEATURES) throw new RouterModelFormatError(`buckets/dense ${header.buckets}/${header.dense} do not match ${BUCKETS}/${DENSE_FEATURES}`);
  if (!Number.isInteger(header.dim) || header.dim < 1 || header.dim > 256) throw new RouterModelFormatError(`dim ${header.dim} is out of range 1..256`);
  if (!Array.isArray(header.profiles) || header.profiles.length === 0) throw new RouterModelFormatError('no profiles');
  try {
    checkCorrections(header.corrections, header.profiles.map((p) => p.id));
  } catch (e) {
    throw new RouterModelFormatError(`header ${(e as Error).message}`);
  }
  const sizes = arraySizes(header);
  let off = 12 + ((headerLen + 3) & ~3);
  const need = off + sizes.reduce((s, n) => s + n * 4, 0);
  if (bytes.length !== need) throw new RouterModelFormatError(`file has ${bytes.length} bytes, header implies ${need}`);
  const arrays = sizes.map((n) => {
    const a = new Float32Array(n);
    for (let i = 0; i < n; i++, off += 4) a[i] = view.getFloat32(off, true);
    return a;
  });
  return {
    header,
    hashed: arrays[0]!,
    denseProjection: arrays[1]!,
    bias: arrays[2]!,
    ability: arrays[3]!,
    denseWeights: arrays[4]!,
  };
}
