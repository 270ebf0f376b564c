// Sends one sum through nginx and waits until service-b serves it: the stack's proof of life.
import { calculatorClient, eventually, freshUserId, getServiceB, stack } from './stack.js';

const { client, close } = calculatorClient();
const userId = freshUserId('smoke');
const started = Date.now();
const answer = await client.calculateSum({ userId, operands: [19, 23] }, { signal: AbortSignal.timeout(10_000) });
close();
console.log(
  `  CalculateSum via ${stack.grpcAddress}: user ${userId}, 19 + 23 = ${answer.sum}, event ${answer.eventId}`,
);
const calculation = await eventually(
  `event ${answer.eventId} in service-b`,
  async () => {
    const { status, body } = await getServiceB(`/v1/calculations/${answer.eventId}`);
    return status === 200 ? body : undefined;
  },
  60_000,
);
console.log(`  service-b ${stack.serviceBUrl}/v1/calculations/${answer.eventId} after ${Date.now() - started} ms:`);
console.log(`  ${JSON.stringify(calculation)}`);
