import { Link } from 'react-router';
import { hasPlaceholders, upcomingRun, waitingFor } from '@scheduler/core';
import type { TaskDetail } from '../../app/api-types';
import { DetailItem as Item, When } from '../../components/DetailList';
import { cardClass } from '../../components/ui';
import { describeSchedule } from './describe-schedule';
import { payloadAsSent, UNKNOWN_RUN_ID } from './payload-preview';
import { describePunctuality } from './punctuality';

/** When the task really runs next (a paused or failed task: only once a user acts). */
function NextRunSetting({ task, now }: { task: TaskDetail; now: Date }) {
  const upcoming = upcomingRun(task);
  switch (upcoming.kind) {
    case 'waiting':
      return <>Not until {waitingFor(upcoming.until)}</>;
    case 'never':
      return <>Never: the schedule does not come due again</>;
    case 'after-dependencies':
      // Its last dependency deleted: nothing releases it until it gets one (or a schedule).
      return task.depends_on.length === 0 ? (
        <>Never: the tasks it ran after were deleted; give it one, or a schedule</>
      ) : (
        <>When the tasks it runs after have all finished</>
      );
    case 'due':
      return <When value={upcoming.at} now={now} />;
  }
}

function TaskLinks({ tasks, none }: { tasks: { id: string; task_name: string }[]; none: string }) {
  if (tasks.length === 0) return <>{none}</>;
  return (
    <ul className="space-y-0.5">
      {tasks.map((task) => (
        <li key={task.id}>
          <Link to={`/tasks/${task.id}`} className="text-indigo-600 hover:underline dark:text-indigo-400">
            {task.task_name}
          </Link>
        </li>
      ))}
    </ul>
  );
}

const catchUpWords = {
  latest: 'One run for all missed instants (the latest)',
  none: 'Missed instants are skipped',
  all: 'One run per missed instant (the latest 100)',
} as const;

/** SPEC §13: the active range, pause, deadline, catch-up and jitter, where set. */
function ExecutionControlSettings({ task, now }: { task: TaskDetail; now: Date }) {
  return (
    <>
      {task.starts_at && (
        <Item term="Starts at">
          <When value={task.starts_at} now={now} />
        </Item>
      )}
      {task.ends_at && (
        <Item term="Ends at">
          <When value={task.ends_at} now={now} />
        </Item>
      )}
      {task.paused_until && (
        <Item term="Paused until">
          <When value={task.paused_until} now={now} />
        </Item>
      )}
      {task.deliver_within_ms !== null && (
        <Item term="Deliver within">{`${task.deliver_within_ms} ms after it comes due, or the run expires`}</Item>
      )}
      <Item term="Missed instants">{catchUpWords[task.catch_up]}</Item>
      {task.jitter_ms > 0 && <Item term="Jitter">{`Up to ${task.jitter_ms} ms after each instant`}</Item>}
    </>
  );
}

const payloadClass =
  'max-h-72 overflow-auto rounded-md break-all whitespace-pre-wrap bg-slate-50 p-3 font-mono text-xs ring-1 ring-slate-200 dark:bg-slate-950 dark:ring-slate-800';

/** SPEC §14: a payload with placeholders, as the next run will send it (its first attempt). */
function PayloadAsSent({ task }: { task: TaskDetail }) {
  if (!hasPlaceholders(task.json_payload)) return null;
  const upcoming = upcomingRun(task);
  if (upcoming.kind !== 'due') return null;
  const sent = payloadAsSent(task.json_payload, task, new Date(upcoming.at));
  return (
    <Item term="Sent next">
      <pre className={payloadClass} aria-label="Payload as sent at the next run">
        {JSON.stringify(sent, null, 2)}
      </pre>
      <span className="block text-slate-500 dark:text-slate-400">
        Its placeholders rendered for the next run's first attempt; {UNKNOWN_RUN_ID} is the id the run gets.
      </span>
    </Item>
  );
}

export function TaskSettings({ task, now }: { task: TaskDetail; now: Date }) {
  const description = task.task_schedule === null ? undefined : describeSchedule(task.task_schedule);
  return (
    <section className={`${cardClass} p-5`} aria-labelledby="task-settings-title">
      <h2 id="task-settings-title" className="text-base font-semibold">
        Settings
      </h2>
      <dl className="mt-2 divide-y divide-slate-100 dark:divide-slate-800">
        {task.task_schedule === null ? (
          <Item term="Once at">
            <When value={task.run_at} now={now} />
            <span className="block text-slate-500 dark:text-slate-400">A one-time task: no schedule.</span>
          </Item>
        ) : (
          <Item term="Schedule">
            <code className="font-mono">{task.task_schedule}</code>
            {description && <span className="block text-slate-500 dark:text-slate-400">{description}</span>}
          </Item>
        )}
        <Item term="Timezone">{task.timezone} (the schedule is read in it)</Item>
        <Item term="Webhook URL">
          <span className="font-mono text-xs">{task.webhook_url}</span>
        </Item>
        <Item term="Retries">
          {task.max_retry === 0
            ? 'None: one attempt per run'
            : `Up to ${task.max_retry} after a failed attempt`}
        </Item>
        <Item term="Enabled">
          {task.enabled
            ? 'Yes'
            : task.disabled_reason === null
              ? 'No (paused)'
              : `No: disabled automatically (${task.disabled_reason})`}
        </Item>
        <Item term="Alerts to">
          {task.alert_url === null ? (
            'ALERT_WEBHOOK_URL only, if set'
          ) : (
            <span className="font-mono text-xs">{task.alert_url}</span>
          )}
        </Item>
        <Item term="Next run">
          <NextRunSetting task={task} now={now} />
        </Item>
        <Item term="Next runs">
          {task.next_runs.length === 0 ? (
            'None'
          ) : (
            <ol aria-label="Next runs" className="space-y-0.5">
              {task.next_runs.map((instant, index) => (
                <li key={`${instant}-${index}`}>
                  <When value={instant} now={now} />
                </li>
              ))}
            </ol>
          )}
        </Item>
        <ExecutionControlSettings task={task} now={now} />
        <Item term="Depends on">
          <TaskLinks tasks={task.dependencies} none="No dependency" />
        </Item>
        <Item term="Dependents">
          <TaskLinks tasks={task.dependents} none="No task runs after it" />
        </Item>
        <Item term="Last run">
          <When value={task.last_run_at} now={now} past />
        </Item>
        {task.punctuality && <Item term="Punctuality">{describePunctuality(task.punctuality)}</Item>}
        <Item term="Created">
          <When value={task.created_at} now={now} past />
        </Item>
        <Item term="Payload">
          <pre className={payloadClass}>{JSON.stringify(task.json_payload, null, 2)}</pre>
        </Item>
        <PayloadAsSent task={task} />
      </dl>
    </section>
  );
}
