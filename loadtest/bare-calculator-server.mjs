// The gRPC transport's own floor: calculator.v1.CalculatorService on plain grpc-js with the
// project's generated definitions, answering at once (no database, no tracing, no metrics).
//   node loadtest/bare-calculator-server.mjs 127.0.0.1:50069
import { CalculatorServiceDefinition } from '@calculator/proto';
import * as grpc from '@grpc/grpc-js';

const definition = {};
const handlers = {};
for (const [key, method] of Object.entries(CalculatorServiceDefinition.methods)) {
  definition[method.name] = {
    path: `/${CalculatorServiceDefinition.fullName}/${method.name}`,
    originalName: key,
    requestStream: false,
    responseStream: false,
    requestSerialize: (value) => Buffer.from(method.requestType.encode(value).finish()),
    requestDeserialize: (bytes) => method.requestType.decode(bytes),
    responseSerialize: (value) => Buffer.from(method.responseType.encode(value).finish()),
    responseDeserialize: (bytes) => method.responseType.decode(bytes),
  };
}
const sumOf = (operands) => operands.reduce((total, operand) => total + operand, 0);
handlers.CalculateSum = (call, callback) => callback(null, { sum: sumOf(call.request.operands), eventId: '' });
handlers.CalculateSums = (call, callback) =>
  callback(null, { results: call.request.items.map((item) => ({ sum: sumOf(item.operands), eventId: '' })) });

const server = new grpc.Server();
server.addService(definition, handlers);
server.bindAsync(process.argv[2] ?? '127.0.0.1:50069', grpc.ServerCredentials.createInsecure(), (error) => {
  if (error) {
    console.error(error.message);
    process.exit(1);
  }
  console.log('listening');
});
process.on('SIGTERM', () => server.forceShutdown());
