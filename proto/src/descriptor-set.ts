import { readFileSync } from 'node:fs';

/** The FileDescriptorSet of calculator.v1 and grpc.health.v1 (built by `npm run generate`), for server reflection. */
export const calculatorDescriptorSet: Uint8Array = readFileSync(
  new URL('../src/generated/calculator.binpb', import.meta.url),
);
