/**
 * A third labelled mix, 40 prompts written for this project after the second (held-out) mix had
 * been looked at while the task reader was changed, so that one unseen mix remains. Its author did
 * not read the task reader's cue table while writing it. A check, never training data: do not add
 * cues to the task reader from it, and do not read the prompts it misses before changing the reader.
 */
import { easy, hard, type LabelledPrompt } from './labelled-mix.js';

export const FRESH_MIX: readonly LabelledPrompt[] = [
  ...easy('chit-chat', [
    'good morning! how was your weekend?',
    'I am bored, tell me something fun to do on a rainy afternoon.',
    'thanks a lot, that helped',
  ]),
  ...easy('lookup', [
    'How many legs does a spider have?',
    'Who painted the Mona Lisa?',
    'What is the capital city of Australia?',
  ]),
  ...easy('extraction', [
    'Pull out every date mentioned here: The kickoff is on 3 May, the review on 17 June and the launch on 1 September.',
    'List the names of the people in this note: Priya will bring snacks, Tom the projector, and Ana the cables.',
  ]),
  ...easy('classification', [
    'Spam or not spam: "Congratulations, you have won a free cruise, click here to claim!"',
    'Which language is this sentence in: "Ik heb honger en wil graag eten."',
  ]),
  ...easy('rewriting', [
    'Shorten this to under ten words: We would like to remind all staff that the office will be closed on Friday.',
    'Rewrite in a friendlier tone: Your request has been denied.',
    'Fix the spelling: I recieved the pakage yesturday.',
  ]),
  ...easy('translation', [
    'How do you say "thank you very much" in Japanese?',
    'Translate into German: The meeting starts at nine.',
  ]),
  ...easy('summary', [
    'TL;DR: The library will stay open until 9pm on weekdays from next month because more students asked for evening study space.',
    'Summarize in one sentence: Rain is expected all week, so the outdoor concert has moved to the town hall on Saturday.',
  ]),
  ...easy('arithmetic', [
    'What is 48 times 12?',
    'Convert 5 kilometres to miles.',
    'If I buy three coffees at 3.40 each, how much do I pay?',
  ]),
  ...hard('proof', [
    'Prove that every finite group of prime order is cyclic.',
    'Show that there is no rational number whose square is 3, and explain why the argument fails for 4.',
    'Prove by induction that 1^3 + 2^3 + ... + n^3 = (n(n+1)/2)^2.',
  ]),
  ...hard('math', [
    'Evaluate the integral of x^2 e^(-x) from 0 to infinity, showing each step.',
    'A particle moves with velocity v(t) = 3t^2 - 12t + 9. Find when it changes direction and the total distance travelled between t = 0 and t = 4.',
    'How many ways can 10 identical balls be put into 4 distinct boxes so that no box is empty? Explain the counting.',
  ]),
  ...hard('code', [
    'My Python asyncio server stops accepting connections after a few hours; the event loop seems blocked. How do I find the blocking call and fix it?',
    'Write a Rust function that merges k sorted iterators into one sorted iterator using a binary heap, and explain its complexity.',
    'Our Kubernetes pods get OOMKilled only in production although memory limits match staging. Walk me through how to debug this.',
    'Implement a rate limiter in Go using the token bucket algorithm that is safe under concurrent use, with tests.',
  ]),
  ...hard('design', [
    'Design the data model and APIs for a multi-tenant invoicing service that must support partial payments, refunds and currency conversion with an audit trail.',
    'How would you architect a real-time collaborative text editor for 10,000 simultaneous users per document? Discuss consistency and conflict resolution.',
    'Propose a caching strategy for a read-heavy product catalogue served in five regions where prices change every few minutes.',
  ]),
  ...hard('expert', [
    'A patient on warfarin starts a course of clarithromycin. What interaction should I expect, and how should INR monitoring and dosing change?',
    'What are the tax consequences for a US citizen living in Germany who sells shares of a US mutual fund at a gain?',
    'Under GDPR, may a company keep customer emails for marketing after the customer closes the account? Explain the legal bases that could apply.',
    'A startup is choosing between a SAFE and a priced seed round. Compare dilution, investor rights and the effect on a later Series A.',
    'Interpret a chest X-ray report that says "bilateral interstitial infiltrates with Kerley B lines": what diagnoses should be considered and what tests come next?',
    'Explain how the Black-Scholes model prices a European call, which assumptions fail in practice, and how volatility smiles arise.',
    'A tenant in New York has had no heat for two weeks in January. What are their legal options and what remedies can a court order?',
  ]),
];
