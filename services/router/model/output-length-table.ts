/**
 * Expected output tokens per task family, fitted by services/train/fit-output-length.ts from
 *   data/alpaca-eval/dev.jsonl.gz (SHA-256 of its JSONL e96dba9219d47cfce21b9bad72d7a32d6aa90378fc9f790a94ec7ebb0e309ab4)
 *   data/mmlu-pro/dev.jsonl.gz (SHA-256 of its JSONL 374c046130ab445ec99e9d160c3c2b8d54a604ff2cc53e8b5d828d6ed3e11934)
 * Generated: rebuild with `node dist/services/train/fit-output-length.js --write`.
 */
export const FITTED_OUTPUT_TOKENS: Readonly<Record<string, number>> = {
  'chit-chat': 194, // n 34, measured mean 234, stated 60
  lookup: 79, // n 7, measured mean 135, stated 40
  extraction: 164, // n 15, measured mean 240, stated 50
  classification: 27, // n 5, measured mean 62, stated 10
  summary: 157, // n 12, measured mean 221, stated 80
  arithmetic: 42, // n 1, measured mean 57, stated 40
  short: 282, // n 362, measured mean 287, stated 120
  proof: 613, // n 5, measured mean 239, stated 800
  math: 393, // n 5, measured mean 179, stated 500
  code: 523, // n 18, measured mean 314, stated 900
  design: 773, // n 10, measured mean 345, stated 1200
  expert: 599, // n 5, measured mean 397, stated 700
  'multiple-choice': 124, // n 9644, measured mean 124, stated 80
};
