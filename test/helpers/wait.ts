/** The product's one polling loop (src/util/wait.ts), for tests: every wait has a deadline and says what it awaited. */
export { sleep, waitFor, waitForOutput, type OutputSource, type WaitOptions } from '../../src/util/wait.js';
