export { calculatorDescriptorSet } from './descriptor-set.js';
export {
  SUM_CALCULATED_EVENT_TYPE,
  type SumCalculated,
  sumCalculatedAvroSchema,
  valueSubjectFor,
} from './events/sum-calculated.js';
export {
  type CalculateSumRequest,
  type CalculateSumResponse,
  type CalculateSumsRequest,
  type CalculateSumsResponse,
  type CalculatorServiceClient,
  CalculatorServiceDefinition,
  type CalculatorServiceImplementation,
} from './generated/calculator/v1/calculator.js';
export { buildOpenApiDocument, type DocumentedRoute, type OpenApiDocument } from './http/openapi-document.js';
export {
  createProblemCatalog,
  PROBLEM_CONTENT_TYPE,
  type Problem,
  type ProblemCatalog,
  type RequestError,
  type ValidationError,
  validationField,
} from './http/problem-details.js';
export { type AnsweredRequest, observeRequest, type SentReply, UNMATCHED_ROUTE } from './http/request-metric.js';
export { type RuleViolation, sumRules } from './rules/sum-rules.js';
export { createTracing, type Tracing, type TracingOptions } from './tracing/create-tracing.js';
export { contextFromTraceparent, traceparentOf } from './tracing/trace-context.js';
