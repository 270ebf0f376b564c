import type { CalculatorServiceImplementation } from '@calculator/proto';
import type { Calculator } from '../calculator.js';

/** calculator.v1.CalculatorService over gRPC; errors are mapped by grpc-middleware.ts. */
export function createCalculatorService(calculator: Calculator): CalculatorServiceImplementation {
  return {
    async calculateSum(request, context) {
      const traceparent = context.metadata.get('traceparent') ?? null;
      const { sum, eventId } = await calculator.calculateSum(request, { signal: context.signal, traceparent });
      return { sum, eventId };
    },
    async calculateSums(request, context) {
      const traceparent = context.metadata.get('traceparent') ?? null;
      const recorded = await calculator.calculateSums(request.items, { signal: context.signal, traceparent });
      return { results: recorded.map(({ sum, eventId }) => ({ sum, eventId })) };
    },
  };
}
