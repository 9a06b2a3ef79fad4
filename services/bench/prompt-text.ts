/** Seeded benchmark prompts: English prose with code and numbers, or CJK text. */
import { seededRandom } from './random-model.js';

export type BenchText = 'prose' | 'cjk';

const WORDS = (
  'the of and to in is you that it for on are as with they at be this have from or one had by ' +
  'word but not what all were we when your can said there use each which she do how their if ' +
  'will up other about out many then them these so some would make like into time has look two ' +
  'more write see number way could people than first water been call who its now find long down ' +
  'day did get come made may part model route request latency budget review summarise explain'
).split(' ');
const CODE_LINES = [
  'function sum(xs: number[]): number { let s = 0; for (const x of xs) s += x * 2; return s; }',
  'if (a[i] >= b && !done) { total += (price * 17) / 100; }',
  'SELECT id, name FROM users WHERE age > 30 ORDER BY name;',
];
const CJK = '请用中文解释量子计算的基本原理和应用场景日本語のテキストとひらがなカタカナ한국어문장';

/**
 * `units` UTF-16 code units (bytes, for prose) of seeded text: prose with capitals,
 * punctuation, numbers and code lines, or CJK with punctuation.
 */
export function promptText(kind: BenchText, units: number, seed: number): string {
  const rand = seededRandom(seed);
  const parts: string[] = [];
  let n = 0;
  while (n < units) {
    const r = rand();
    let s: string;
    if (kind === 'cjk') {
      s = r < 0.1 ? '，' : r < 0.13 ? '。\n' : CJK[Math.floor(rand() * CJK.length)]!;
    } else if (r < 0.01) {
      s = `\n${CODE_LINES[Math.floor(rand() * CODE_LINES.length)]!}\n`;
    } else if (r < 0.03) {
      s = `${Math.floor(rand() * 10_000)} `;
    } else {
      const w = WORDS[Math.floor(rand() * WORDS.length)]!;
      const p = rand();
      s = (p < 0.08 ? w[0]!.toUpperCase() + w.slice(1) : w) + (p < 0.06 ? '. ' : p < 0.1 ? ', ' : p < 0.11 ? '? ' : ' ');
    }
    parts.push(s);
    n += s.length;
  }
  return parts.join('').slice(0, units);
}

/** "200 B", "4 KB", "1 MB". */
export function sizeLabel(units: number): string {
  if (units >= 1 << 20) return `${units / (1 << 20)} MB`;
  if (units >= 1 << 10) return `${units / (1 << 10)} KB`;
  return `${units} B`;
}
