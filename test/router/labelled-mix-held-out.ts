/**
 * A second labelled mix, held out: 40 prompts written for this project after the task reader
 * (core/task-family.ts) and the first mix (labelled-mix.ts) were, by someone who did not tune
 * either, so it measures how the routing generalises to prompts phrased in other words. Like the
 * first mix it is a check, never training data: do not add cues to the task reader from it.
 */
import { easy, hard, type LabelledPrompt } from './labelled-mix.js';

export const HELD_OUT_MIX: readonly LabelledPrompt[] = [
  ...easy('chit-chat', [
    'yo, what\'s up?',
    'Could you give me three ideas for a birthday card message for my aunt?',
    'Recommend a good sci-fi book for a teenager.',
  ]),
  ...easy('lookup', [
    'Which planet is closest to the sun?',
    'In what year did the Berlin Wall fall?',
    'What\'s the chemical symbol for gold?',
  ]),
  ...easy('extraction', [
    'Get the phone number out of this text: Call Marco on 020 7946 0958 after 5pm.',
    'From the sentence \'Order #4471 shipped to Lisbon on 12 March\', give me the order number and the city.',
  ]),
  ...easy('classification', [
    'Is this review happy or unhappy? \'The battery died after two days and support never answered.\'',
    'Put this support ticket into billing, technical or other: \'I was charged twice this month.\'',
  ]),
  ...easy('rewriting', [
    'Make this sound more professional: hey guys, cant make it tmrw, sorry',
    'Turn these into a bulleted list: eggs, milk, flour, sugar',
    'Change this sentence to past tense: She walks to the station every morning.',
  ]),
  ...easy('translation', [
    'Say \'where is the train station\' in Spanish.',
    'What does \'Entschuldigung\' mean?',
  ]),
  ...easy('summary', [
    'Give me a one-line gist of: The council met on Tuesday and agreed to extend library opening hours on weekends starting next month.',
    'Sum up in a sentence: our Q3 sales rose 4% while marketing spend fell, mostly thanks to repeat customers.',
  ]),
  ...easy('arithmetic', [
    'What\'s 15% of 240?',
    'How much is 1,250 minus 387?',
    'If a train leaves at 14:20 and the ride takes 45 minutes, when does it arrive?',
  ]),
  ...hard('proof', [
    'Show rigorously that the sum of the reciprocals of the primes diverges.',
    'Let f be continuous on [0,1] with f(0)=f(1). Prove there exist x, y with |x-y| = 1/2 and f(x) = f(y).',
  ]),
  ...hard('math', [
    'A bag has 5 red and 7 blue balls. We draw 4 without replacement. What is the probability of exactly 2 red given at least 1 red? Work it out carefully.',
    'Find all real solutions of the system x^2 + y^2 = 25, xy = 12, and explain each step.',
    'Derive the closed form of the n-th Fibonacci number using generating functions.',
  ]),
  ...hard('code', [
    'My Go service leaks goroutines under load; pprof shows thousands blocked on a channel send in the worker pool. Here is the pool code: func (p *Pool) Submit(j Job) { p.jobs <- j } ... What\'s wrong and how should I restructure it?',
    'Write a thread-safe LRU cache in Java with O(1) get and put, and explain how you avoid lock contention.',
    'Our React app re-renders the whole list on every keystroke in the search box, making typing laggy with 5,000 rows. Diagnose likely causes and give a fix with code.',
    'This SQL query is slow on 200M rows: SELECT user_id, COUNT(*) FROM events WHERE created_at > now() - interval \'7 days\' GROUP BY user_id. Explain the plan you\'d expect and how to make it fast.',
    'Design an algorithm to find the k-th smallest element in the union of two sorted arrays in O(log(m+n)) time and prove its correctness.',
    'Given a directed graph with negative edge weights but no negative cycles, how do you compute all-pairs shortest paths efficiently? Compare Johnson\'s and Floyd-Warshall.',
    'Implement a parser for arithmetic expressions with precedence and parentheses in TypeScript, with error messages that point to the column.',
  ]),
  ...hard('design', [
    'How would you build a notification system that sends 50 million push messages per hour across three regions, with per-user rate limits and retries, and no duplicates?',
    'Plan the migration of a monolithic Rails app with a 2 TB Postgres database to microservices without taking the site offline.',
  ]),
  ...hard('expert', [
    'A 68-year-old with atrial fibrillation and CKD stage 4 needs anticoagulation. Compare the options and dosing considerations.',
    'A toddler has a barking cough, stridor at rest and mild retractions. What is the likely cause, and how should it be managed in the emergency department?',
    'Under English contract law, can a supplier rely on a limitation clause buried in standard terms that were never signed? Discuss the relevant principles.',
    'An employee in California signed an agreement not to work for competitors for two years. Is it enforceable, and what changed recently?',
    'A company has EBITDA of 40M, net debt of 120M and trades at 9x EV/EBITDA. Peers trade at 11x. Estimate the equity value per share with 50M shares and discuss what could justify the discount.',
    'Explain how a rise in interest rates affects the price of a 10-year zero-coupon bond versus a 10-year coupon bond, with numbers.',
  ]),
];
