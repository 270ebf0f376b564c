/**
 * An RFC 9457 problem as both HTTP APIs answer it. `field` is the input at fault, named as the
 * client sent it; present only when the error is about one input.
 */
export interface Problem<Code extends string = string> {
  type: string;
  title: string;
  status: number;
  detail: string;
  code: Code;
  field?: string;
}

export const PROBLEM_CONTENT_TYPE = 'application/problem+json';

export interface ProblemCatalogOptions<Code extends string> {
  /** The service's name in the type URN: `urn:calculator:<service>:<name>`. */
  service: string;
  /** The prefix every code carries and the type leaves out (service-b's `ERR_`). */
  codePrefix?: string;
  /** The service's own table: the status and title of a code. */
  entryOf: (code: Code) => { status: number; title: string };
}

export interface ProblemCatalog<Code extends string> {
  /** The type of a code: the URN prefix, then the code without its prefix, lower case with dashes. */
  problemType(code: Code): string;
  problemOf(code: Code, detail: string, field?: string): Problem<Code>;
}

/** The problem builders over one service's code table; the table itself stays the service's. */
export function createProblemCatalog<Code extends string>(options: ProblemCatalogOptions<Code>): ProblemCatalog<Code> {
  const prefix = options.codePrefix ?? '';
  const problemType = (code: Code): string => {
    const name = code.startsWith(prefix) ? code.slice(prefix.length) : code;
    return `urn:calculator:${options.service}:${name.toLowerCase().replaceAll('_', '-')}`;
  };
  return {
    problemType,
    problemOf(code, detail, field) {
      const { status, title } = options.entryOf(code);
      const problem: Problem<Code> = { type: problemType(code), title, status, detail, code };
      if (field !== undefined) problem.field = field;
      return problem;
    },
  };
}

/** One error of fastify's schema validator (ajv), as far as naming its field needs. */
export interface ValidationError {
  instancePath: string;
  keyword: string;
  params: { missingProperty?: unknown };
}

/**
 * The input a validation error is about: the first step of its path (`/operands/0` → `operands`,
 * `/limit` → `limit`), or the name of a missing required one; undefined for the input as a whole.
 */
export function validationField(error: ValidationError | undefined): string | undefined {
  if (error === undefined) return undefined;
  const name = error.instancePath.split('/')[1];
  if (name !== undefined && name !== '') return name;
  const missing = error.params.missingProperty;
  return error.keyword === 'required' && typeof missing === 'string' ? missing : undefined;
}

/** What fastify throws before a handler runs: a schema validation, or a refusal with a 4xx status. */
export interface RequestError {
  code?: unknown;
  statusCode?: unknown;
  message: string;
  validation?: readonly ValidationError[];
}
