/**
 * A labelled mix of everyday and hard prompts, written for this project (none is copied from a
 * benchmark). It is a check against gross routing mistakes, never training data: nothing in
 * services/ reads it, and no model or policy default is fitted to it.
 *
 * easy: chit-chat, lookups, extraction, classification, rewriting/formatting, short translation,
 *       short summaries, simple arithmetic.
 * hard: proofs, multi-step math, non-trivial code and debugging, system design, expert
 *       medical / legal / financial reasoning.
 */
export type Difficulty = 'easy' | 'hard';

export interface LabelledPrompt {
  family: string;
  label: Difficulty;
  prompt: string;
  /** A system prompt sent before the user message, when the prompt came with one. */
  system?: string;
}

/** Prompts of one family and difficulty, as the mixes list them. */
export const easy = (family: string, prompts: string[]): LabelledPrompt[] => prompts.map((prompt) => ({ family, label: 'easy', prompt }));
export const hard = (family: string, prompts: string[]): LabelledPrompt[] => prompts.map((prompt) => ({ family, label: 'hard', prompt }));

export const LABELLED_MIX: readonly LabelledPrompt[] = [
  ...easy('chit-chat', [
    'hi',
    'Hello! How are you today?',
    'Thanks, that was helpful.',
    'Good morning :)',
    'Tell me a fun fact about otters.',
    'Write a haiku about autumn.',
    'Can you suggest a name for my new goldfish?',
    'What should I cook tonight? Something quick with pasta.',
  ]),
  ...easy('lookup', [
    'What is the capital of Australia?',
    'How many days are there in a leap year?',
    'Who wrote Pride and Prejudice?',
    'What is the boiling point of water in Fahrenheit?',
    'What does the acronym NASA stand for?',
    'Which planet is closest to the sun?',
    'What time zone is Lisbon in?',
    'How many centimetres are in an inch?',
  ]),
  ...easy('extraction', [
    'Extract the email address from: "Reach me at dana.k@example.org or call after 5pm."',
    'List the dates mentioned in this text: The kickoff is on March 3, the review on April 14 and the launch on May 30.',
    'Pull out the company names: We compared Acme Corp, Globex and Initech on price.',
    'From this receipt, what was the total? Coffee 3.20, Bagel 2.50, Total 5.70',
    'Extract the phone number: Office line is +44 20 7946 0958, ask for Priya.',
    'What city is mentioned in: "Our new office opens in Rotterdam next spring."',
    'Give me the order number from this message: Hi, my order #A-55812 has not arrived yet.',
    'Find the person names in: Maria met Tomasz and Aiko at the conference.',
  ]),
  ...easy('classification', [
    'Is this review positive or negative? "The battery dies in two hours and support never answered."',
    'Classify the sentiment: "Absolutely loved the hotel, staff were wonderful."',
    'Is this email spam? "Congratulations! You have won a free cruise, click here to claim."',
    'Which category fits this ticket: billing, shipping or technical? "I was charged twice for one order."',
    'Label the language of this sentence: "Ich habe heute keine Zeit."',
    'Is "tomato" a fruit or a vegetable in botanical terms? Answer in one word.',
    'Tag this headline with a topic (sports, politics, tech): "Local team wins the regional cup final"',
    'Is the following statement a question or a command? "Close the door."',
  ]),
  ...easy('rewriting', [
    'Fix the grammar: "me and him goes to the store yesterday."',
    'Convert to JSON with keys name and age: Alice, 31',
    'Make this sentence more polite: "Send me the report now."',
    'Rewrite in the passive voice: The committee approved the budget.',
    'Turn this list into a comma-separated line: apples\nbananas\ncherries',
    'Capitalise every word of: the quick brown fox jumps over the lazy dog',
    'Shorten this to under ten words: "We would like to inform you that the meeting has been moved to Thursday afternoon."',
    'Format this as a markdown table with columns Item and Price: pen 1.20, notebook 3.50, stapler 7.00',
    'Rewrite this tweet to sound more professional: "lol our app is down again, fixing it soon i guess"',
    'Correct the spelling: "I recieved the pakage on wensday."',
  ]),
  ...easy('translation', [
    'Translate to French: Where is the train station?',
    'How do you say "thank you very much" in Japanese?',
    'Translate into Spanish: The meeting starts at nine tomorrow.',
    'Translate to German: I would like a table for two, please.',
    'What does "gracias por todo" mean in English?',
    'Translate to Italian: Good luck with your exam!',
    'Übersetze ins Englische: Das Wetter ist heute schön.',
    'Traduis en anglais : Je voudrais un café, s’il vous plaît.',
  ]),
  ...easy('summary', [
    'Summarise in one sentence: The city council met on Tuesday to discuss parking. After two hours they agreed to add 200 spaces near the station and to raise evening fees slightly.',
    'Give me a two-line summary of this note: Team lunch moved to Friday. Bring your own drinks. We will order pizza for everyone.',
    'TL;DR: Our quarterly sales rose 4% thanks to the new store in Leeds, while online sales stayed flat.',
    'Summarise this message for my manager: The supplier delayed the parts by a week, so the assembly will start on the 12th instead of the 5th.',
    'In one sentence, what is this paragraph about? Bees communicate the direction of food sources to the hive through a waggle dance.',
    'Summarize: The library will close early on public holidays and open at 10am the following day.',
  ]),
  ...easy('arithmetic', [
    'What is 15% of 80?',
    'What is 48 divided by 6?',
    'Add 127 and 389.',
    'How many minutes are in 3.5 hours?',
    'If a shirt costs $20 and is 25% off, what is the sale price?',
    'What is 12 times 13?',
    'Convert 5 kilometres to metres.',
    'Round 3.14159 to two decimal places.',
  ]),
  ...hard('proof', [
    'Prove that there are infinitely many prime numbers congruent to 3 mod 4.',
    'Prove that the square root of 2 is irrational, and generalise the argument to the square root of any non-square integer.',
    'Show that every continuous function on a closed bounded interval is uniformly continuous.',
    'Prove that a group of order p^2, where p is prime, is abelian.',
    'Prove by induction that the sum of the first n odd numbers equals n^2, then prove the same identity combinatorially.',
    'Prove that the set of real numbers is uncountable using a diagonal argument, stating every step carefully.',
    'Let A be an n×n real symmetric matrix. Prove that A has n real eigenvalues and an orthonormal basis of eigenvectors.',
    'Prove Fermat’s little theorem and use it to show that 2^340 ≡ 1 (mod 341) does not imply 341 is prime.',
  ]),
  ...hard('multi-step math', [
    'A tank fills through pipe A in 6 hours and pipe B in 9 hours, while drain C empties it in 12 hours. Starting empty with A and B open, C is opened after 2 hours. When is the tank full? Show your work.',
    'Find all integer solutions of x^2 - 7y^2 = 1 with 0 < x < 1000, and explain the method.',
    'A particle moves along a curve with velocity v(t) = 3t^2 - 2t + sin(t). Find the displacement and the total distance travelled between t = 0 and t = 4.',
    'Compute the probability that in a room of 30 people at least three share a birthday. Derive the formula before computing.',
    'Evaluate the integral of x^3 e^{-x^2} from 0 to infinity, showing each substitution.',
    'A loan of $250,000 at 5.4% APR is repaid monthly over 25 years, with a lump sum of $20,000 paid at the end of year 7. How many months earlier is it paid off? Show the calculation.',
    'Solve the recurrence T(n) = 3T(n/4) + n log n and justify which case of the master theorem applies.',
    'Three dice are rolled. What is the expected value of the maximum? Derive it step by step.',
  ]),
  ...hard('code', [
    'Implement a lock-free multi-producer single-consumer queue in C++ with std::atomic, and explain the memory orderings you chose.',
    'My Go service leaks goroutines under load. Here is the handler:\n```go\nfunc handle(w http.ResponseWriter, r *http.Request) {\n  ch := make(chan result)\n  go func() { ch <- compute(r) }()\n  select {\n  case res := <-ch:\n    write(w, res)\n  case <-time.After(2 * time.Second):\n    http.Error(w, "timeout", 504)\n  }\n}\n```\nFind the leak, explain why it happens and fix it.',
    'Write a Python function that parses an arithmetic expression with +, -, *, /, parentheses and unary minus into an AST using a Pratt parser, with tests.',
    'This React component re-renders endlessly. Explain why and fix it:\n```jsx\nfunction List({ query }) {\n  const [items, setItems] = useState([]);\n  const opts = { q: query };\n  useEffect(() => { fetchItems(opts).then(setItems); }, [opts]);\n  return items.map(i => <Item key={i.id} {...i} />);\n}\n```',
    'Write a Rust implementation of an LRU cache with O(1) get and put without using unsafe code, and explain the ownership choices.',
    'Our PostgreSQL query takes 40 seconds:\n```sql\nSELECT o.id, SUM(l.amount) FROM orders o JOIN lines l ON l.order_id = o.id WHERE o.created_at > now() - interval \'30 days\' AND l.status <> \'void\' GROUP BY o.id ORDER BY 2 DESC LIMIT 50;\n```\nThere are 200M lines and 20M orders. Propose indexes and a rewrite, and explain the expected plan.',
    'Implement Dijkstra’s algorithm with a binary heap in TypeScript, then modify it to return the k shortest simple paths (Yen’s algorithm). Analyse the complexity.',
    'Debug this race condition: two threads increment a shared counter with `counter += 1` in Python under CPython, yet the final count is sometimes lower than expected. Explain exactly when the GIL allows this and give two correct fixes.',
    'Write a CUDA kernel for tiled matrix multiplication using shared memory, and explain how to choose the tile size for a given GPU.',
  ]),
  ...hard('system design', [
    'Design a distributed rate limiter for a multi-region API gateway handling 2 million requests per second, with per-tenant limits that stay accurate within 1% across regions.',
    'Design the storage layer for a chat application with 50 million daily users: message ordering, fan-out to group chats, search and retention. Compare at least two approaches.',
    'How would you design an exactly-once event processing pipeline on top of Kafka and a relational database? Discuss failure cases in detail.',
    'Design a feature flag service that evaluates flags in under 1 ms at the edge, supports gradual rollouts and can be rolled back globally within 10 seconds.',
    'Propose an architecture for a multi-tenant vector search service with strict tenant isolation, 100 ms p99 latency and hourly reindexing. Justify the trade-offs.',
    'Design a consensus-based configuration store like etcd: leader election, log replication, membership changes and linearisable reads. Explain the failure modes.',
    'We need to migrate a 40 TB MySQL database to a sharded setup with zero downtime. Lay out the migration plan, the dual-write strategy and how to verify consistency.',
  ]),
  ...hard('expert medical', [
    'A 67-year-old man on warfarin for atrial fibrillation presents with an INR of 7.8 and minor gum bleeding. He is also starting clarithromycin. Outline management and explain the interaction.',
    'Compare the evidence for SGLT2 inhibitors versus GLP-1 receptor agonists in a patient with type 2 diabetes, heart failure with reduced ejection fraction and CKD stage 3b.',
    'A 30-year-old woman has fatigue, a low ferritin, normal haemoglobin and heavy menstrual bleeding. Discuss the differential, investigations and whether to give intravenous iron.',
    'Explain the pathophysiology of hyperkalaemia in a patient on spironolactone and an ACE inhibitor with acute kidney injury, and rank the emergency treatments by onset of action.',
    'Interpret these arterial blood gases: pH 7.29, pCO2 28 mmHg, HCO3 13 mmol/L, Na 138, Cl 100. Compute the anion gap and the expected pCO2, and name the likely mixed disorders.',
  ]),
  ...hard('expert legal', [
    'Under the GDPR, can a company rely on legitimate interest to use customer purchase history for training a recommendation model? Analyse the balancing test and the transparency duties.',
    'A contractor in England delivered software late, and the contract has a liquidated damages clause of £5,000 per day capped at 10% of the price. Is the clause enforceable as a penalty? Discuss the leading authorities.',
    'Analyse whether an employee non-compete covering all of the US for two years is enforceable in California, New York and Texas, and how choice-of-law clauses affect the answer.',
    'Explain how the doctrine of promissory estoppel could apply when a landlord orally promised to waive rent during renovations and then sued for the arrears.',
    'A US company licenses open-source code under the GPLv3 into a SaaS product and a mobile app. What obligations arise in each case, and how does the AGPL change the analysis?',
  ]),
  ...hard('expert financial', [
    'Value a company with free cash flow of $12M growing 15% for five years and 3% thereafter, a WACC of 9% and net debt of $40M. Show the DCF and the sensitivity to WACC ±1%.',
    'Explain how to hedge the delta and vega of a short straddle on an equity index, and what happens to the hedge P&L when realised volatility exceeds implied.',
    'A retiree has $1.2M, needs $55k a year indexed to inflation, and faces sequence-of-returns risk. Compare a bucket strategy, a rising equity glide path and an annuity ladder quantitatively.',
    'Derive the duration and convexity of a 10-year bond with a 4% annual coupon priced at a 5% yield, and estimate the price change for a 75 basis point rise in yields.',
    'Under IFRS 16, how should a lessee account for a 7-year office lease with a rent-free period and an option to extend, and what is the effect on EBITDA and net debt?',
  ]),
];
