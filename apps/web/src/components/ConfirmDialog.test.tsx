import { screen, within } from '@testing-library/react';
import { describe, expect, it } from 'vitest';
import { mockFetch } from '../test/fetch-mock';
import { page, taskItem } from '../test/fixtures';
import { renderApp } from '../test/render-app';

const digest = taskItem({ task_name: 'Morning digest' });

/** The task list with the delete confirmation of its one task open. */
async function openDeleteDialog() {
  const api = mockFetch({
    'GET /api/tasks': page([digest]),
    [`DELETE /api/tasks/${digest.id}`]: { status: 204 },
  });
  const view = renderApp('/tasks');
  const opener = await screen.findByRole('button', { name: 'Delete Morning digest' });
  await view.user.click(opener);
  const dialog = screen.getByRole('alertdialog', { name: 'Delete "Morning digest"?' });
  return { ...view, api, opener, dialog };
}

describe('confirm dialog', () => {
  it('starts on Cancel and keeps Tab and Shift+Tab inside the dialog', async () => {
    const { user, dialog } = await openDeleteDialog();
    const cancel = within(dialog).getByRole('button', { name: 'Cancel' });
    const confirm = within(dialog).getByRole('button', { name: 'Delete task' });
    expect(cancel).toHaveFocus();

    await user.tab();
    expect(confirm).toHaveFocus();
    await user.tab();
    expect(cancel).toHaveFocus();
    await user.tab();
    await user.tab();
    expect(cancel).toHaveFocus();

    await user.tab({ shift: true });
    expect(confirm).toHaveFocus();
    await user.tab({ shift: true });
    expect(cancel).toHaveFocus();
  });

  it('cancels on Escape, even after tabbing around, deleting nothing and giving focus back', async () => {
    const { user, api, opener } = await openDeleteDialog();
    await user.tab();
    await user.tab();
    await user.tab();
    await user.keyboard('{Escape}');

    expect(screen.queryByRole('alertdialog')).not.toBeInTheDocument();
    expect(opener).toHaveFocus();
    expect(api.find('DELETE', `/api/tasks/${digest.id}`)).toHaveLength(0);
    expect(screen.getByRole('link', { name: 'Morning digest' })).toBeInTheDocument();
  });

  it('cancels on a click on the backdrop but not on a click inside', async () => {
    const { user, api, opener, dialog } = await openDeleteDialog();
    await user.click(within(dialog).getByText(/cannot be undone/));
    expect(dialog).toBeInTheDocument();

    // A click on the backdrop of a modal <dialog> reaches the <dialog> element itself.
    await user.click(dialog);
    expect(screen.queryByRole('alertdialog')).not.toBeInTheDocument();
    expect(opener).toHaveFocus();
    expect(api.find('DELETE', `/api/tasks/${digest.id}`)).toHaveLength(0);
  });
});
