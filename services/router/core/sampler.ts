import {
  CHUNK_UNITS,
  HEAD_UNITS,
  MIDDLE_CHUNKS,
  SAMPLE_MAX_BYTES,
  SAMPLE_WHOLE_UNITS,
  TAIL_UNITS,
} from './feature-spec.js';

/** What the sampler wrote: the byte count and how much of the prompt it stands for. */
export interface Sample {
  /** Bytes written to the buffer. */
  bytes: number;
  /** Length of the whole prompt in UTF-16 code units. */
  totalUnits: number;
  /** Code units that the sample holds. */
  sampledUnits: number;
}

const encoder = new TextEncoder();

/**
 * UTF-8 encodes the bounded sample of `text` that feature-spec.ts defines into `out`
 * (at least SAMPLE_MAX_BYTES long). Never reads more than SAMPLE_WHOLE_UNITS code units.
 */
export function samplePrompt(text: string, out: Uint8Array): Sample {
  if (out.length < SAMPLE_MAX_BYTES) throw new RangeError(`sample buffer must hold ${SAMPLE_MAX_BYTES} bytes`);
  const total = text.length;
  if (total <= SAMPLE_WHOLE_UNITS) {
    const { written } = encoder.encodeInto(text, out);
    return { bytes: written, totalUnits: total, sampledUnits: total };
  }
  let pos = encoder.encodeInto(text.slice(0, HEAD_UNITS), out).written;
  const middleStart = HEAD_UNITS;
  const middleSpan = total - TAIL_UNITS - HEAD_UNITS - CHUNK_UNITS;
  for (let i = 0; i < MIDDLE_CHUNKS; i++) {
    const start = middleStart + Math.floor((middleSpan * (i + 1)) / (MIDDLE_CHUNKS + 1));
    pos += encoder.encodeInto(text.slice(start, start + CHUNK_UNITS), out.subarray(pos)).written;
  }
  pos += encoder.encodeInto(text.slice(total - TAIL_UNITS), out.subarray(pos)).written;
  return { bytes: pos, totalUnits: total, sampledUnits: HEAD_UNITS + MIDDLE_CHUNKS * CHUNK_UNITS + TAIL_UNITS };
}
