import type { RunTrigger } from '../../app/api-types';

/** Why a run exists, in the dashboard's words (`manual` is what the Run now button makes). */
export const triggerLabel: Record<RunTrigger, string> = {
  schedule: 'Schedule',
  manual: 'Run now',
  retry: 'Retry',
  dependency: 'Dependency',
};
