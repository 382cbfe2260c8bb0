export { latestReconciliation } from './reconcileStore';
