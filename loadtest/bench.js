// What `make bench` runs: (a) CalculateSum at RATE/s and, beside it, (c) the end-to-end visibility
// probe at VISIBILITY_RATE/s, in one k6 process (two would cost the machine another core).

import { options as visibilityOptions } from './end-to-end-visibility.js';
import { options as grpcOptions } from './grpc-calculate-sum.js';

export { visibility } from './end-to-end-visibility.js';
export { calculateSum, setup } from './grpc-calculate-sum.js';

export const options = {
  scenarios: { ...grpcOptions.scenarios, ...visibilityOptions.scenarios },
  thresholds: { ...grpcOptions.thresholds, ...visibilityOptions.thresholds },
};
