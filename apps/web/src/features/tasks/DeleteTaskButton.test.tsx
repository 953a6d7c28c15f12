import { screen, waitFor } from '@testing-library/react';
import { describe, expect, it } from 'vitest';
import { mockFetch } from '../../test/fetch-mock';
import { page, taskItem } from '../../test/fixtures';
import { renderApp } from '../../test/render-app';

const digest = taskItem({ id: '11111111-1111-4111-8111-111111111111', task_name: 'Morning digest' });
const backup = taskItem({ id: '22222222-2222-4222-8222-222222222222', task_name: 'Backup hook' });
const report = taskItem({ id: '33333333-3333-4333-8333-333333333333', task_name: 'Weekly report' });

/** The task list over a server-side list that deletions really shrink. */
function serveTasks(initial: (typeof digest)[]) {
  let tasks = initial;
  const routes: Record<string, unknown> = { 'GET /api/tasks': () => page(tasks) };
  for (const task of initial) {
    routes[`DELETE /api/tasks/${task.id}`] = () => {
      tasks = tasks.filter(({ id }) => id !== task.id);
      return { status: 204 };
    };
  }
  return mockFetch(routes);
}

async function deleteFromList(user: ReturnType<typeof renderApp>['user'], name: string) {
  await user.click(await screen.findByRole('button', { name: `Delete ${name}` }));
  await user.click(screen.getByRole('button', { name: 'Delete task' }));
  await waitFor(() => expect(screen.queryByRole('link', { name })).not.toBeInTheDocument());
}

describe('deleting from the task list', () => {
  it("moves focus to the next row's Delete button, so the keyboard keeps its place", async () => {
    serveTasks([digest, backup, report]);
    const { user } = renderApp('/tasks');
    await deleteFromList(user, 'Backup hook');
    expect(screen.getByRole('button', { name: 'Delete Weekly report' })).toHaveFocus();
  });

  it("moves focus to the previous row's Delete button when the last row goes", async () => {
    serveTasks([digest, backup]);
    const { user } = renderApp('/tasks');
    await deleteFromList(user, 'Backup hook');
    expect(screen.getByRole('button', { name: 'Delete Morning digest' })).toHaveFocus();
  });

  it('moves focus to the page heading when the list is left empty', async () => {
    serveTasks([digest]);
    const { user } = renderApp('/tasks');
    await deleteFromList(user, 'Morning digest');
    expect(await screen.findByText('No tasks yet.')).toBeInTheDocument();
    expect(screen.getByRole('heading', { level: 1, name: 'Tasks' })).toHaveFocus();
  });
});
