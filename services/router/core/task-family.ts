/**
 * What kind of task a request is, read from the whole conversation: the last user message (its
 * head and tail), the system prompt (head and tail: a task is often stated after house rules),
 * the tools (names and the head of their descriptions: what the model may call names the work),
 * and, when those hold no task, the earlier user turn and code blocks in the last few messages
 * (a short follow-up carries on its conversation's task), and the response format. The learned
 * model reads the last user message only: it is trained on single questions.
 *
 * Families (the everyday/hard split):
 *   everyday  chit-chat, lookup, extraction, classification, rewriting, translation, summary,
 *             arithmetic: any capable model answers them; cost should decide;
 *   hard      proof, math (multi-step), code (non-trivial code, debugging), design (system
 *             design), expert (medical, legal, financial reasoning): strong models pull ahead;
 *   general   neither is clear, or a multiple-choice question (lettered options on their own
 *             lines: what the learned model is trained on): the learned prediction stands as it is.
 *
 * Cues are word stems, matched case-insensitively at word starts over at most HEAD_UNITS +
 * TAIL_UNITS code units of the message and SYSTEM_UNITS of the system prompt, so the work is
 * bounded whatever the request's size (a few µs on a 4 KB prompt). A field's vocabulary
 * (`domain`: law, medicine, finance, programming) is no task by itself, but keeps a short
 * message from reading as chit-chat. An everyday cue that opens the message is its instruction
 * and names the family whatever the material after it ("Translate to French: Good morning").
 * Structure
 * counts as well: a code fence (looked for in the first 16 K and last 4 K code units), an exponent or many
 * code/math symbols is a hard cue; a short message with
 * no hard cue leans everyday; a JSON response format on a short message is extraction or
 * formatting. Hard cues outweigh everyday ones: "summarise this proof" stays a proof.
 */
import type { NormalizedRequest } from '../decide/validate-request.js';

export type TaskTier = 'everyday' | 'hard' | 'general';

/** What readTask reads of a request. */
export type TaskInput = Pick<NormalizedRequest, 'qualityText' | 'messages' | 'responseFormat' | 'tools'>;

export interface TaskRead {
  family: string;
  tier: TaskTier;
}

const HEAD_UNITS = 512;
const TAIL_UNITS = 256;
const SYSTEM_UNITS = 512;
const SYSTEM_TAIL_UNITS = 128;
/** A message at most this long, with no hard cue, is everyday traffic. */
const SHORT_UNITS = 160;

/** Cue stem (lowercase) → family. Stems match at a word start; `*` marks a whole word. */
const CUES: Record<string, string> = {
  // everyday
  'hi*': 'chit-chat', 'hello': 'chit-chat', 'hey*': 'chit-chat', 'thanks': 'chit-chat', 'thank you': 'chit-chat',
  'good morning': 'chit-chat', 'good night': 'chit-chat', 'how are you': 'chit-chat', 'haiku': 'chit-chat',
  'poem': 'chit-chat', 'joke': 'chit-chat', 'fun fact': 'chit-chat',
  'what is the capital': 'lookup', 'who wrote': 'lookup', 'who is': 'lookup', 'stand for': 'lookup', 'time zone': 'lookup',
  'extract': 'extraction', 'pull out': 'extraction', 'find the': 'extraction', 'list the': 'extraction', 'mentioned in': 'extraction',
  'classify': 'classification', 'sentiment': 'classification', 'positive or negative': 'classification', 'spam': 'classification',
  'which category': 'classification', 'label the': 'classification', 'tag this': 'classification',
  'rewrite': 'rewriting', 'rephrase': 'rewriting', 'fix the grammar': 'rewriting', 'grammar': 'rewriting', 'spelling': 'rewriting',
  'proofread': 'rewriting', 'polite': 'rewriting', 'passive voice': 'rewriting', 'convert to json': 'rewriting',
  'format this': 'rewriting', 'format as': 'rewriting', 'capitali': 'rewriting', 'shorten': 'rewriting', 'markdown table': 'rewriting',
  'comma-separated': 'rewriting',
  'translat': 'translation', 'traduis': 'translation', 'traduce': 'translation', 'traduz': 'translation', 'übersetze': 'translation',
  'how do you say': 'translation', 'in english': 'translation',
  'summar': 'summary', 'tl;dr': 'summary', 'tldr': 'summary', 'in one sentence': 'summary', 'zusammenfass': 'summary', 'résume': 'summary',
  'what is \\d': 'arithmetic', 'divided by': 'arithmetic', 'times \\d': 'arithmetic', 'add \\d': 'arithmetic',
  'round \\d': 'arithmetic', 'how many minutes': 'arithmetic', 'how many days': 'arithmetic', 'convert \\d': 'arithmetic',
  // hard
  'prove': 'proof', 'proof': 'proof', 'show that': 'proof', 'theorem': 'proof', 'lemma': 'proof', 'by induction': 'proof',
  'derive': 'math', 'integral': 'math', 'probability': 'math', 'expected value': 'math', 'recurrence': 'math',
  'show your work': 'math', 'step by step': 'math', 'solutions of': 'math', 'eigen': 'math', 'differential equation': 'math',
  'implement': 'code', 'debug': 'code', 'bug*': 'code', 'stack trace': 'code', 'race condition': 'code', 'leak': 'code',
  'kernel': 'code', 'algorithm': 'code', 'complexity': 'code', 'refactor': 'code', 'compile': 'code', 'segfault': 'code',
  'function that': 'code', 'write a python': 'code', 're-render': 'code', 'query takes': 'code', 'lock-free': 'code',
  'design a': 'design', 'design the': 'design', 'architecture': 'design', 'distributed': 'design', 'multi-region': 'design',
  'scalab': 'design', 'exactly-once': 'design', 'consensus': 'design', 'replication': 'design', 'shard': 'design',
  'zero downtime': 'design', 'p99': 'design', 'requests per second': 'design',
  'patient': 'expert', 'diagnos': 'expert', 'differential': 'expert', 'pathophysiology': 'expert', 'contraindicat': 'expert',
  'mmol': 'expert', 'mg/': 'expert', 'year-old': 'expert', 'clinical': 'expert',
  'gdpr': 'expert', 'enforceable': 'expert', 'liability': 'expert', 'statute': 'expert', 'jurisdiction': 'expert',
  'estoppel': 'expert', 'case law': 'expert', 'authorities': 'expert', 'gpl': 'expert', 'non-compete': 'expert', 'tort': 'expert',
  'dcf': 'expert', 'wacc': 'expert', 'valuation': 'expert', 'hedge': 'expert', 'convexity': 'expert', 'duration of': 'expert',
  'ifrs': 'expert', 'gaap': 'expert', 'annuity': 'expert', 'basis point': 'expert', 'implied vol': 'expert', 'portfolio': 'expert',
  // domain: the vocabulary of a field where the measured gaps between models are wide
  // (MMLU-Pro's law, health, economics, business, engineering and computer science segments:
  // words common in their questions and rare in AlpacaEval's chat instructions; programming
  // languages and systems terms for code). Alone it is not a task: an everyday cue still reads
  // as everyday ("summarise what the court decided"), but a short message with no other cue and
  // a domain term is not assumed to be chit-chat: the learned prediction stands (general).
  'python': 'domain', 'javascript': 'domain', 'typescript': 'domain', 'c++': 'domain', 'c#': 'domain', 'rust*': 'domain',
  'golang': 'domain', 'kotlin': 'domain', 'sql*': 'domain', 'regex': 'domain', 'compiler': 'domain', 'concurren': 'domain',
  'mutex': 'domain', 'database': 'domain', 'microservice': 'domain', 'kubernetes': 'domain', 'throughput': 'domain',
  'court': 'domain', 'plaintiff': 'domain', 'defendant': 'domain', 'attorney': 'domain', 'lawsuit': 'domain', 'sued': 'domain',
  'negligen': 'domain', 'copyright': 'domain', 'legal': 'domain',
  'symptom': 'domain', 'dosage': 'domain', 'physician': 'domain', 'prognosis': 'domain', 'infection': 'domain',
  'blood pressure': 'domain', 'medication': 'domain', 'syndrome': 'domain', 'pulse': 'domain',
  'inflation': 'domain', 'bond': 'domain', 'yield': 'domain', 'equity': 'domain', 'monetary': 'domain', 'marginal': 'domain',
  'equilibrium': 'domain', 'depreciation': 'domain', 'loan': 'domain',
  'converge': 'domain', 'asymptot': 'domain', 'polynomial': 'domain', 'matrix': 'domain', 'vertices': 'domain',
};

const HARD_FAMILIES: ReadonlySet<string> = new Set(['proof', 'math', 'code', 'design', 'expert']);
/** A field's vocabulary: neither everyday nor hard by itself (see CUES). */
const DOMAIN = 'domain';

interface Cue {
  /** Lowercase text; '#' stands for one digit. */
  text: string;
  family: string;
  /** The cue must end at a word boundary. */
  whole: boolean;
}

const lower = (c: number) => (c >= 0x41 && c <= 0x5a) || (c >= 0xc0 && c <= 0xde && c !== 0xd7) ? c | 0x20 : c;
const isWordChar = (c: number) => (c >= 0x30 && c <= 0x39) || ((c | 0x20) >= 0x61 && (c | 0x20) <= 0x7a) || c >= 0xc0;
const isDigit = (c: number) => c >= 0x30 && c <= 0x39;

/** Class of a lowercase code unit for the cue index: a-z 0-25, a digit 26, anything else 27. */
const cls = (l: number) => (l >= 0x61 && l <= 0x7a ? l - 0x61 : l >= 0x30 && l <= 0x39 ? 26 : 27);

/**
 * What scanRange needs of a code unit, in one byte: the class of its lowercase form (cls, the
 * low 5 bits) and whether it is a word unit, code punctuation ({ } ; [ ]) or a math symbol
 * (^ = \\). Units from 0xC0 up are word units (isWordChar) of class 27.
 */
const WORD = 0x20;
const CODE = 0x40;
const MATH = 0x80;
const UNIT = Uint8Array.from({ length: 128 }, (_, c) => {
  let u = cls(lower(c));
  if (isWordChar(c)) u |= WORD;
  else if (c === 0x7b || c === 0x7d || c === 0x3b || c === 0x5b || c === 0x5d) u |= CODE;
  else if (c === 0x5e || c === 0x3d || c === 0x5c) u |= MATH;
  return u;
});
const unitOf = (c: number) => (c < 128 ? UNIT[c]! : c >= 0xc0 ? WORD | 27 : 27);

/**
 * Cues by the classes of their first three code units (a two-unit cue under every third class),
 * longest first, so that a word start costs one array index and rarely a comparison: no
 * regular expression, whose alternation of this many cues costs tens of µs on a 4 KB prompt.
 * INDEX holds a byte per class triple, the number of its list in LISTS (0: no cue starts so):
 * 21 KB, where an array of the lists themselves held a 4-byte reference per triple, 86 KB that
 * a decision made after a pause reads from cold memory, a line per word.
 */
const LISTS: Cue[][] = [[]];
const INDEX = new Uint8Array(28 * 28 * 28);
/** A cue's '#' (a digit) indexes as a digit. */
const cueCls = (u: number) => (u === 0x23 ? 26 : cls(u));
for (const [key, family] of Object.entries(CUES)) {
  const whole = key.endsWith('*');
  const text = (whole ? key.slice(0, -1) : key).replace(/\\d/g, '#');
  const at = (cueCls(text.charCodeAt(0)) * 28 + cueCls(text.charCodeAt(1))) * 28;
  const thirds = text.length > 2 ? [cueCls(text.charCodeAt(2))] : Array.from({ length: 28 }, (_, k) => k);
  for (const k of thirds) {
    if (INDEX[at + k] === 0) {
      if (LISTS.length > 0xff) throw new Error('task cues: more than 255 lists of cues; widen INDEX');
      INDEX[at + k] = LISTS.length;
      LISTS.push([]);
    }
    LISTS[INDEX[at + k]!]!.push({ text, family, whole });
  }
}
for (const list of LISTS) list.sort((a, b) => b.text.length - a.text.length);

function matchesAt(text: string, at: number, end: number, cue: Cue): boolean {
  const n = cue.text.length;
  if (at + n > end) return false;
  for (let k = 0; k < n; k++) {
    const want = cue.text.charCodeAt(k);
    const got = text.charCodeAt(at + k);
    if (want === 0x23 ? !isDigit(got) : lower(got) !== want) return false;
  }
  return !cue.whole || at + n >= end || !isWordChar(text.charCodeAt(at + n));
}

/** Code and math symbols counted by the last scanRange (Decide is synchronous: one scan at a time). */
const symbols = { code: 0, math: 0, exponents: 0 };

/**
 * Counts cue hits per family in text[from, to) into `hits` (the longest cue at each word
 * start), and the code and math symbols of the range into `symbols`.
 */
function scanRange(text: string, from: number, to: number, hits: Map<string, number>, first?: Map<string, number>): void {
  let prevWord = from > 0 && isWordChar(text.charCodeAt(from - 1));
  let code = 0;
  let math = 0;
  let exponents = 0;
  for (let i = from; i < to; i++) {
    const c = text.charCodeAt(i);
    const u = unitOf(c);
    const word = (u & WORD) !== 0;
    if (!word) {
      if ((u & CODE) !== 0) code++;
      else if ((u & MATH) !== 0) {
        math++;
        if (c === 0x5e && isExponent(text, i, from, to)) exponents++;
      }
    } else if (!prevWord && i + 1 < to) {
      const third = i + 2 < to ? unitOf(text.charCodeAt(i + 2)) & 31 : 27;
      const list = INDEX[((u & 31) * 28 + (unitOf(text.charCodeAt(i + 1)) & 31)) * 28 + third]!;
      if (list !== 0) {
        for (const cue of LISTS[list]!) {
          if (matchesAt(text, i, to, cue)) {
            hits.set(cue.family, (hits.get(cue.family) ?? 0) + 1);
            if (first !== undefined && !first.has(cue.family)) first.set(cue.family, i);
            break;
          }
        }
      }
    }
    prevWord = word;
  }
  symbols.code = code;
  symbols.math = math;
  symbols.exponents = exponents;
}

/** A '^' at `i` raising a letter, digit or ')' to a digit, '(' or '{': x^2, cm^3, (a+b)^{n}. */
function isExponent(text: string, i: number, from: number, to: number): boolean {
  if (i === from || i + 1 >= to) return false;
  const before = text.charCodeAt(i - 1);
  const after = text.charCodeAt(i + 1);
  return (isWordChar(before) || before === 0x29) && (isDigit(after) || after === 0x28 || after === 0x7b);
}

function scan(text: string, hits: Map<string, number>, head: number, tail: number, first?: Map<string, number>): void {
  if (text.length <= head + tail) scanRange(text, 0, text.length, hits, first);
  else {
    // The head last: structureFamily reads the symbols of the head's scan.
    if (tail > 0) scanRange(text, text.length - tail, text.length, hits);
    scanRange(text, 0, head, hits, first);
  }
  // "15% of 80": a percentage, which starts inside a word.
  if (text.length <= 4 * SHORT_UNITS && text.includes('% of')) hits.set('arithmetic', (hits.get('arithmetic') ?? 0) + 1);
}

/** Code fences are looked for in the first and last this many code units of a message: bounded work on a long prompt. */
const FENCE_HEAD_UNITS = 16 << 10;
const FENCE_TAIL_UNITS = 4 << 10;

/** `needle` within the fence windows (anywhere in a message up to 20 K code units). */
function inWindows(text: string, needle: string): boolean {
  if (text.length <= FENCE_HEAD_UNITS + FENCE_TAIL_UNITS) return text.includes(needle);
  // A forward search of the head (a slice is a view, not a copy): V8's backward lastIndexOf over the same 16 K is ten times slower.
  return text.slice(0, FENCE_HEAD_UNITS).includes(needle) || text.indexOf(needle, text.length - FENCE_TAIL_UNITS) >= 0;
}

const hasFence = (text: string) => inWindows(text, '```');


/**
 * A question with lettered options A, B and C on their own lines, in the fence windows. It is
 * the kind of prompt the learned model is trained on (MMLU-Pro, MMLU), so its prediction stands
 * as it is: on RouteLLM's MMLU, 5-fold, shrinking the gaps of the 2,734 questions that read as
 * everyday (short ones) cut the APGR from 0.659 to 0.653, and widening those of the 1,899 that
 * read as hard cut it to 0.656 (services/train/measure-task-priors.ts).
 */
function hasLetteredOptions(text: string): boolean {
  const long = text.length > FENCE_HEAD_UNITS + FENCE_TAIL_UNITS;
  const tailFrom = text.length - FENCE_TAIL_UNITS;
  let letters = 0;
  // One pass over the line starts: an option line is "\nA. ", "\nA) " or "\n(A) ", each whole within a window.
  for (let i = text.indexOf('\n'); i >= 0; i = text.indexOf('\n', i + 1)) {
    if (long && i > FENCE_HEAD_UNITS - 4 && i < tailFrom) {
      i = tailFrom - 1;
      continue;
    }
    const a = text.charCodeAt(i + 1);
    const bracketed = a === 0x28;
    const letter = bracketed ? text.charCodeAt(i + 2) - 0x41 : a - 0x41;
    if (letter < 0 || letter > 2) continue;
    const form = bracketed
      ? text.charCodeAt(i + 3) === 0x29 && text.charCodeAt(i + 4) === 0x20 && (!long || i <= FENCE_HEAD_UNITS - 5 || i >= tailFrom)
      : (text.charCodeAt(i + 2) === 0x2e || text.charCodeAt(i + 2) === 0x29) && text.charCodeAt(i + 3) === 0x20;
    if (form) letters |= 1 << letter;
    if (letters === 7) return true;
  }
  return false;
}

/**
 * Code fences, dense code or math symbols, and exponents in the head of the message (counted
 * by its scan). An exponent is an equation's mark: of MMLU-Pro's 801 questions that hold one,
 * all but 6 are math, physics, chemistry, engineering or quantitative business and economics,
 * yet 93 of them read as everyday without this cue ("Find the ..." as extraction, or short).
 */
function structureFamily(text: string): string | undefined {
  if (hasFence(text)) return 'code';
  const n = Math.min(text.length, HEAD_UNITS);
  if (n >= 80 && symbols.code / n > 0.03) return 'code';
  if (n >= 40 && symbols.math / n > 0.03) return 'math';
  if (symbols.exponents > 0) return 'math';
  return undefined;
}

/** Earlier messages looked at for a code fence (user or assistant), newest first. */
const EARLIER_FENCE_MESSAGES = 4;
/** Tools read for cues: each one's name and the head of its description. */
const TOOLS_READ = 8;
const TOOL_UNITS = 160;

/** Position of the first cue hit of each family in the last message (for the instruction, below). */
const firstAt = new Map<string, number>();

function scanText(parts: TaskInput['messages'][number]['content'], hits: Map<string, number>, head: number, tail: number): void {
  for (const part of parts) if (part.type === 'text') scan(part.text, hits, head, tail);
}

/** A code fence in one of the last few messages before the last (a code conversation). */
function earlierFence(messages: TaskInput['messages']): boolean {
  for (let i = messages.length - 2, seen = 0; i >= 0 && seen < EARLIER_FENCE_MESSAGES; i--) {
    const m = messages[i]!;
    if (m.role === 'system') continue;
    seen++;
    for (const part of m.content) if (part.type === 'text' && hasFence(part.text)) return true;
  }
  return false;
}

export function readTask(req: TaskInput): TaskRead {
  const text = req.qualityText;
  if (hasLetteredOptions(text)) return { family: 'multiple-choice', tier: 'general' };
  const hits = new Map<string, number>();
  firstAt.clear();
  scan(text, hits, HEAD_UNITS, TAIL_UNITS, firstAt);
  const structural = structureFamily(text);
  // The system prompt states the task for every turn: its head and its tail.
  const system = req.messages[0]?.role === 'system' ? req.messages[0].content : [];
  scanText(system, hits, SYSTEM_UNITS, SYSTEM_TAIL_UNITS);
  // Tools: what the model may call names the work (run_sql, execute_python, search_case_law).
  for (let t = 0; t < req.tools.length && t < TOOLS_READ; t++) {
    const tool = req.tools[t]!;
    scan(tool.name, hits, TOOL_UNITS, 0);
    if (tool.description) scan(tool.description, hits, TOOL_UNITS, 0);
  }
  if (hits.size === 0 || (hits.size === 1 && hits.has(DOMAIN))) {
    // A follow-up ("now make it faster") carries on the task of the earlier user turn, and a
    // code fence earlier in the conversation makes it a code conversation.
    for (let i = req.messages.length - 2; i >= 0; i--) {
      const m = req.messages[i]!;
      if (m.role !== 'user') continue;
      scanText(m.content, hits, HEAD_UNITS, 0);
      break;
    }
    if (structural === undefined && earlierFence(req.messages)) hits.set('code', (hits.get('code') ?? 0) + 2);
  }
  if (structural !== undefined) hits.set(structural, (hits.get(structural) ?? 0) + 2);

  let hard: string | undefined;
  let everyday: string | undefined;
  for (const [family, n] of hits) {
    if (family === DOMAIN) continue;
    if (HARD_FAMILIES.has(family)) {
      if (hard === undefined || n > hits.get(hard)!) hard = family;
    } else if (everyday === undefined || n > hits.get(everyday)!) everyday = family;
  }
  if (hard !== undefined) return { family: hard, tier: 'hard' };
  // The instruction: an everyday cue that opens the message names the task, whatever the
  // material after it holds ("Translate to French: Good morning, how are you?" is a translation).
  const opening = instructionFamily();
  if (opening !== undefined) everyday = opening;
  if (everyday !== undefined && text.length <= 8 * SHORT_UNITS) return { family: everyday, tier: 'everyday' };
  if (req.responseFormat.type !== 'text' && text.length <= 4 * SHORT_UNITS) return { family: 'extraction', tier: 'everyday' };
  if (text.length <= SHORT_UNITS && req.tools.length === 0 && !hits.has(DOMAIN)) return { family: 'short', tier: 'everyday' };
  return { family: hits.has(DOMAIN) ? DOMAIN : 'general', tier: 'general' };
}

/** Code units at the start of the message within which a cue is its instruction. */
const INSTRUCTION_UNITS = 24;

/** The everyday family whose cue comes first in the message, when it opens the message. */
function instructionFamily(): string | undefined {
  let family: string | undefined;
  let at = INSTRUCTION_UNITS;
  for (const [f, pos] of firstAt) {
    if (f === DOMAIN || HARD_FAMILIES.has(f) || pos >= at) continue;
    family = f;
    at = pos;
  }
  return family;
}
