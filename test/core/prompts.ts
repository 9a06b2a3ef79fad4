/** Prompts that exercise the sampler, the counting pass and the lexical window at their edges. */
import { LEX_HEAD_BYTES, LEX_TAIL_BYTES, SAMPLE_WHOLE_UNITS } from '../../services/router/core/feature-spec.js';
import { seededRandom } from '../../services/bench/random-model.js';

export interface NamedPrompt {
  name: string;
  text: string;
}

const ENGLISH =
  'Could you summarise the attached quarterly report? Focus on revenue, margins, and the outlook: ' +
  'what changed since Q2, and why. Keep it under 200 words!\n';
const CODE =
  '```ts\nexport function fib(n: number): number {\n  if (n < 2) return n; // base case\n' +
  '  return fib(n - 1) + fib(n - 2);\n}\nconst xs = [1, 2, 3].map((x) => x * 2) as const;\n' +
  'type T<K extends keyof U, U> = { [P in K]: U[P] } | null & {};\n#include <stdio.h>\n```\n';
const MATH = 'Solve $\\int_0^1 x^2 \\, dx = 1/3$ and show 15% of 240 = 36; is (a+b)^2 = a^2 + 2ab + b^2?\n';
const CJK = '请用中文解释量子计算的基本原理。日本語のテキストも含めます：ひらがな、カタカナ。한국어 문장도 있습니다.\n';
const CYRILLIC = 'Пожалуйста, переведите этот текст на английский язык и объясните грамматику.\n';
const ARABIC_HEBREW = 'مرحبا، كيف يمكنني مساعدتك اليوم؟ שלום, מה שלומך היום?\n';
const EMOJI = 'Ship it 🚀🚀 — done ✅ 👩‍💻 family: 👨‍👩‍👧‍👦, flags 🇫🇷🇯🇵\n';
const LONE_SURROGATES = 'broken \ud800 pair \udfff here \ud83d and there\n';

/** `text` repeated to exactly `units` UTF-16 code units. */
export function repeatTo(text: string, units: number): string {
  return text.repeat(Math.ceil(units / text.length)).slice(0, units);
}

/** A seeded mix of ASCII, Latin-1, Cyrillic, Arabic, CJK, emoji and lone surrogates. */
export function randomText(seed: number, units: number): string {
  const rand = seededRandom(seed);
  const ranges: [number, number][] = [
    [0x20, 0x7f], [0x20, 0x7f], [0x20, 0x7f], [0x00, 0x20], [0xa0, 0x100],
    [0x400, 0x460], [0x5d0, 0x6ff], [0x3040, 0x30ff], [0x4e00, 0x9fff], [0xac00, 0xd7a3],
  ];
  const parts: string[] = [];
  let n = 0;
  while (n < units) {
    const r = rand();
    let s: string;
    if (r < 0.03) s = String.fromCodePoint(0x1f300 + Math.floor(rand() * 0x300));
    else if (r < 0.035) s = String.fromCharCode(0xd800 + Math.floor(rand() * 0x800));
    else if (r < 0.2) s = ' ';
    else {
      const [lo, hi] = ranges[Math.floor(rand() * ranges.length)]!;
      s = String.fromCharCode(lo + Math.floor(rand() * (hi - lo)));
    }
    parts.push(s);
    n += s.length;
  }
  return parts.join('').slice(0, units);
}

const ALL_ASCII = Array.from({ length: 128 }, (_, c) => String.fromCharCode(c)).join('');

/** English words such that one straddles the end of the lexical head region. */
function wordAcrossHeadEnd(): string {
  const head = repeatTo('ab cd ', LEX_HEAD_BYTES - 3);
  return head + 'straddling' + repeatTo(' tail words', 4000);
}

export function agreementPrompts(): NamedPrompt[] {
  const mixed = ENGLISH + CODE + MATH + CJK + CYRILLIC + ARABIC_HEBREW + EMOJI;
  return [
    { name: 'empty', text: '' },
    { name: '1 byte letter', text: 'a' },
    { name: '1 byte question', text: '?' },
    { name: '1 byte newline', text: '\n' },
    { name: 'english', text: ENGLISH },
    { name: 'code', text: CODE },
    { name: 'math', text: MATH },
    { name: 'cjk', text: CJK },
    { name: 'cyrillic', text: CYRILLIC },
    { name: 'arabic and hebrew', text: ARABIC_HEBREW },
    { name: 'emoji and surrogate pairs', text: EMOJI },
    { name: 'lone surrogates', text: LONE_SURROGATES },
    { name: 'every ASCII byte', text: ALL_ASCII + ALL_ASCII.toUpperCase() },
    { name: 'mixed scripts', text: mixed },
    ...[15, 16, 17, 4080, 4081, 8160, 8161].map((n) => ({ name: `${n} bytes (vector and flush edges)`, text: repeatTo(mixed, n) })),
    ...[LEX_HEAD_BYTES - 1, LEX_HEAD_BYTES, LEX_HEAD_BYTES + LEX_TAIL_BYTES, LEX_HEAD_BYTES + LEX_TAIL_BYTES + 1].map((n) => ({
      name: `${n} ASCII bytes (lexical window edges)`,
      text: repeatTo(ENGLISH, n),
    })),
    { name: 'word across the lexical head end', text: wordAcrossHeadEnd() },
    { name: `${SAMPLE_WHOLE_UNITS} units (whole-sample edge)`, text: repeatTo(mixed, SAMPLE_WHOLE_UNITS) },
    { name: `${SAMPLE_WHOLE_UNITS + 1} units (sampled)`, text: repeatTo(mixed, SAMPLE_WHOLE_UNITS + 1) },
    { name: 'largest sample (all 3-byte CJK)', text: repeatTo(CJK.replace(/[^\u4e00-\u9fff]/g, ''), SAMPLE_WHOLE_UNITS) },
    { name: '100 KB CJK', text: repeatTo(CJK, 100_000) },
    { name: 'mostly CJK with ASCII code and punctuation', text: repeatTo('中文文本，包括代码和问题以及更多的汉字内容 `x = a[1] + 2;` 对吗? 是的!\n', 6000) },
    { name: '100 KB english', text: repeatTo(ENGLISH + CODE, 100_000) },
    { name: '1 MB random', text: randomText(7, 1 << 20) },
    { name: '1 MB repetitive', text: repeatTo('lorem ipsum dolor sit amet ', 1 << 20) },
    { name: '1 MB one character', text: 'x'.repeat(1 << 20) },
  ];
}
