/**
 * Feature extraction (feature-spec.ts, v1): dense features, estimated tokens and script into
 * the output areas, lexical tokens into OUT_TOKENS. Follows
 * services/router/core/features-reference.ts operation for operation, so that every f64 value
 * is the same except for the last ulp of `Math.log`.
 */
import { DenseFeature, Script } from './constants';
import { ByteClass, byteCount, countBytes } from './byte-count';
import { hashLexicalWindow, lexWordBytes, lexWords } from './lexical';
import { OUT_DENSE, OUT_ESTIMATED_TOKENS, OUT_SCRIPT, OUT_TOKEN_COUNT } from './layout';

// @ts-ignore: decorator
@inline function setDense(k: DenseFeature, value: f64): void {
  store<f64>(OUT_DENSE + (<usize>k << 3), value);
}

/** The reference's dominant-script rule: letters, then each script's lead bytes, in this order. */
function dominantScript(letters: i32, leads: i32, cjk: i32, cyrillic: i32, arabic: i32): Script {
  let script = Script.Latin;
  let best = letters;
  const other = leads - cjk - cyrillic - arabic;
  if (cjk > best) { best = cjk; script = Script.Cjk; }
  if (cyrillic > best) { best = cyrillic; script = Script.Cyrillic; }
  if (arabic > best) { best = arabic; script = Script.ArabicHebrew; }
  if (other > best) script = Script.Other;
  return script;
}

/**
 * Extracts the features of the `len` sample bytes at `buf`, which stand for a prompt of
 * `totalUnits` UTF-16 code units of which the sample holds `sampledUnits`. Returns the token
 * count.
 */
export function extractFeatures(buf: usize, len: i32, totalUnits: i32, sampledUnits: i32): i32 {
  countBytes(buf, len);
  const nonAscii = byteCount(ByteClass.NonAscii);
  const leads = byteCount(ByteClass.Lead);
  const cjk = byteCount(ByteClass.Cjk);
  const cyrillic = byteCount(ByteClass.Cyrillic);
  const arabic = byteCount(ByteClass.Arabic);
  const upper = byteCount(ByteClass.Upper);
  const backticks = byteCount(ByteClass.Backtick);

  const scale: f64 = sampledUnits > 0 ? <f64>totalUnits / <f64>sampledUnits : 1.0;
  const estimatedTokens = Math.ceil(<f64>(len - nonAscii) * scale / 4 + <f64>leads * scale);
  const inv: f64 = len > 0 ? 1.0 / <f64>len : 0.0;
  setDense(DenseFeature.LogBytes, Math.log(1 + <f64>len * scale) / 10);
  setDense(DenseFeature.LogTokens, Math.log(1 + estimatedTokens) / 10);
  setDense(DenseFeature.Digits, <f64>byteCount(ByteClass.Digit) * inv);
  setDense(DenseFeature.Upper, <f64>upper * inv);
  setDense(DenseFeature.Space, <f64>byteCount(ByteClass.Space) * inv);
  setDense(DenseFeature.Newline, <f64>byteCount(ByteClass.Newline) * inv);
  setDense(DenseFeature.NonAscii, <f64>nonAscii * inv);
  setDense(DenseFeature.CodePunct, <f64>(byteCount(ByteClass.Code) + backticks) * inv);
  setDense(DenseFeature.MathOps, <f64>byteCount(ByteClass.Math) * inv);
  setDense(DenseFeature.Questions, Math.log(1 + <f64>byteCount(ByteClass.Question) * scale) / 4);
  setDense(DenseFeature.SentencePunct, <f64>byteCount(ByteClass.Sentence) * inv);
  setDense(DenseFeature.Cjk, <f64>(cjk * 3) * inv);
  setDense(DenseFeature.Cyrillic, <f64>(cyrillic * 2) * inv);
  setDense(DenseFeature.ArabicHebrew, <f64>(arabic * 2) * inv);
  setDense(DenseFeature.Backticks, <f64>backticks * inv);

  const tokenCount = hashLexicalWindow(buf, len);
  setDense(DenseFeature.WordLength, lexWords > 0 ? <f64>lexWordBytes / <f64>lexWords / 10 : 0.0);

  const letters = byteCount(ByteClass.Letter);
  store<f64>(OUT_ESTIMATED_TOKENS, estimatedTokens);
  store<i32>(OUT_SCRIPT, dominantScript(letters, leads, cjk, cyrillic, arabic));
  store<i32>(OUT_TOKEN_COUNT, tokenCount);
  return tokenCount;
}

