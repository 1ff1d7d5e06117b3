/**
 * The LLM judge's prompts, in the spirit of the two pipelines that use one (our own wording and
 * examples, no text copied):
 * - MathVista answer extraction (EVAL.md 10 (b)): lupantech/MathVista `evaluation/prompts/ext_ans.py`
 *   @ 53d52587 — an instruction, five worked demos (integer, one- and two-decimal floats, a list, a
 *   multiple-choice letter), each `Hint/Question`, `Model response`, `Extracted answer`, then the test
 *   item in the same shape, ending at `Extracted answer:`.
 * - MCQ matching: VLMEvalKit `vlmeval/utils/matching_util.py` / `dataset/utils/multiple_choice.py`
 *   (`build_prompt`) — question, options, the model's answer, reply with one option letter or `Z` when
 *   no option matches, with three short examples.
 */

/** One option of a multiple-choice question. */
export interface JudgeOption {
  readonly letter: string;
  readonly text: string;
}

const EXTRACTION_INSTRUCTION =
  "Below are examples of a math question, a model's response to it, and the final answer taken from " +
  'that response. Study them, then give the final answer of the last response in the same form: only ' +
  'the number, the list, or the option letter, with no units, words or explanation.';

const EXTRACTION_DEMOS: readonly { query: string; response: string; answer: string }[] = [
  {
    query:
      'Hint: Please answer the question requiring an integer answer and provide the final value, e.g., 1, 2, 3, at the end.\n' +
      'Question: How many birds are sitting on the wire?',
    response:
      'I can see four birds on the left side of the pole and three on the right, so seven birds in all.',
    answer: '7',
  },
  {
    query:
      'Hint: Please answer the question requiring a floating-point number with one decimal place and provide the final value, e.g., 1.2, 1.3, 1.4, at the end.\n' +
      'Question: What is the height of the tallest plant in the photo? (Unit: cm)',
    response: 'Reading the scale next to it, the tallest plant reaches about 12.5 cm.',
    answer: '12.5',
  },
  {
    query:
      'Hint: Please answer the question requiring a floating-point number with two decimal places and provide the final value, e.g., 1.23, 1.34, 1.45, at the end.\n' +
      'Question: What is the slope of the line through the two marked points?',
    response: 'The points are (0, 1) and (3, 2). Rise over run is 1/3, roughly 0.33.',
    answer: '0.33',
  },
  {
    query:
      'Hint: Please answer the question requiring a Python list as an answer and provide the final list, e.g., [1, 2, 3], [1.2, 1.3, 1.4], at the end.\n' +
      'Question: At which x values does the parabola cross the x-axis?',
    response: 'Setting y = 0 gives (x + 2)(x - 4) = 0, so the curve crosses at x = -2 and at x = 4.',
    answer: '[-2, 4]',
  },
  {
    query:
      'Hint: Please answer the question and provide the correct option letter, e.g., A, B, C, D, at the end.\n' +
      'Question: Which shape covers the largest area?\nChoices:\n(A) the circle\n(B) the square\n(C) the triangle',
    response: 'The square is 4 by 4, larger than the other two shapes, so the answer is (B) the square.',
    answer: 'B',
  },
];

const demoBlock = (query: string, response: string) =>
  `${query}\n\nModel response: ${response}\n\nExtracted answer:`;

/** The MathVista extraction prompt for one response (`query` = the dataset's full query text). */
export function extractionPrompt(query: string, response: string): string {
  const demos = EXTRACTION_DEMOS.map((d) => `${demoBlock(d.query, d.response)} ${d.answer}`);
  return [EXTRACTION_INSTRUCTION, ...demos, demoBlock(query, response)].join('\n\n');
}

const MATCHING_EXAMPLES = `Example 1:
Question: What is the main colour of the bus?
Options:
A. red
B. blue
C. white
Answer: The bus is painted bright blue with a white stripe.
Your output: B

Example 2:
Question: How many legs does the table have?
Options:
A. 3
B. 4
C. 6
Answer: I cannot see the table clearly.
Your output: Z

Example 3:
Question: Which organ pumps blood through the body?
Options:
A. lungs
B. liver
C. heart
D. kidney
Answer: (C)
Your output: C`;

/** The MCQ matching prompt: which option (letter) the model's answer chose, or `Z` for none. */
export function matchingPrompt(question: string, options: readonly JudgeOption[], answer: string): string {
  const letters = options.map((o) => o.letter).join(', ');
  return (
    'You help grade multiple-choice questions. Given a question, its options and the answer someone ' +
    'wrote, decide which option the answer chose or means. Reply with that single option letter ' +
    `(one of ${letters}), or with Z if the answer matches none of the options or chooses more than ` +
    `one. Reply with the letter only.\n\n${MATCHING_EXAMPLES}\n\nNow this one:\nQuestion: ${question}\n` +
    `Options:\n${options.map((o) => `${o.letter}. ${o.text}`).join('\n')}\nAnswer: ${answer}\nYour output:`
  );
}
