import type { CalculatorServiceImplementation } from '@calculator/proto';
import type { Calculator } from '../calculator.js';
import type { TraceCallContext } from './grpc-middleware.js';

/** calculator.v1.CalculatorService over gRPC; errors are mapped and spans opened by grpc-middleware.ts. */
export function createCalculatorService(calculator: Calculator): CalculatorServiceImplementation<TraceCallContext> {
  return {
    async calculateSum(request, context) {
      const { sum, eventId } = await calculator.calculateSum(request, { signal: context.signal, trace: context.trace });
      return { sum, eventId };
    },
    async calculateSums(request, context) {
      const recorded = await calculator.calculateSums(request.items, { signal: context.signal, trace: context.trace });
      return { results: recorded.map(({ sum, eventId }) => ({ sum, eventId })) };
    },
  };
}
