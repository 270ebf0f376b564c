// Test helpers for the HTTP contract, imported as '@calculator/proto/testing' by the services'
// unit tests and e2e; kept out of the package's main entry so no service loads vitest.
export { expectProblemAnswer, type ProblemAnswer } from './http/expect-problem.js';
export { requestCounts } from './http/request-counts.js';
