import { decideRetry } from '@scheduler/core';
import type { TaskDetail } from '../../app/api-types';

/**
 * Why a failed task failed, from its latest attempt, by the rule the worker applied (core's
 * `decideRetry`): a refused request fails at once, which "out of retries" would misstate.
 */
export function failureReason(task: Pick<TaskDetail, 'logs' | 'max_retry'>): string {
  const [last] = task.logs;
  if (last?.status !== 'failed') return 'Its last run failed.';
  const answer = last.http_status === null ? 'No HTTP answer' : `HTTP ${last.http_status}`;
  const decision = decideRetry(
    last.http_status === null
      ? { kind: 'network-error', message: last.message ?? '' }
      : { kind: 'http-error', httpStatus: last.http_status },
    last.retry_count,
    task.max_retry,
    0,
  );
  switch (decision.kind) {
    case 'fail':
      return `${answer} — ${decision.reason}.`;
    // The retry budget was raised since the run ended: say what happened, not the rule of today.
    case 'retry':
    case 'done':
      return `${answer} at attempt ${last.retry_count + 1}.`;
  }
}
