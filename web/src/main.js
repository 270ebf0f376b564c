import { mountLiveTable } from './live-table.js';
import { mountPipelineStatus } from './pipeline-status.js';
import { mountSumForm } from './sum-form.js';
import { mountUserHistory } from './user-history.js';

// The page's composition root: each panel owns its part of index.html; they talk only through here.
// `?stream=service-b-2` picks the instance the live table streams from (service-b-1 by default).
const params = new URLSearchParams(location.search);
const history = mountUserHistory();
const live = mountLiveTable({
  initialInstance: params.get('stream') ?? 'service-b-1',
  onCalculation: (calculation) => history.refreshIfShown(calculation.userId),
});
mountSumForm({ onAccepted: ({ userId }) => void history.show(userId) });
mountPipelineStatus({ onInstances: (serviceB) => live.setInstances(serviceB) });
