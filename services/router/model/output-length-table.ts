/**
 * Expected output tokens per task family, fitted by services/train/fit-output-length.ts
 * from dev.jsonl.gz (SHA-256 of the JSONL e96dba9219d47cfce21b9bad72d7a32d6aa90378fc9f790a94ec7ebb0e309ab4).
 * Generated: rebuild with `node dist/services/train/fit-output-length.js --write`.
 */
export const FITTED_OUTPUT_TOKENS: Readonly<Record<string, number>> = {
  'chit-chat': 191, // n 35, measured mean 229, stated 60
  lookup: 79, // n 7, measured mean 135, stated 40
  extraction: 161, // n 16, measured mean 230, stated 50
  classification: 27, // n 5, measured mean 62, stated 10
  summary: 161, // n 11, measured mean 235, stated 80
  arithmetic: 42, // n 1, measured mean 57, stated 40
  short: 284, // n 372, measured mean 289, stated 120
  proof: 613, // n 5, measured mean 239, stated 800
  math: 405, // n 4, measured mean 166, stated 500
  code: 523, // n 18, measured mean 314, stated 900
  design: 773, // n 10, measured mean 345, stated 1200
  expert: 599, // n 5, measured mean 397, stated 700
};
