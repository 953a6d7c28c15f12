import { screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { describe, expect, it } from 'vitest';
import { mockFetch } from '../../test/fetch-mock';
import { page, taskItem } from '../../test/fixtures';
import { renderApp } from '../../test/render-app';

const punctual = taskItem({
  id: '11111111-1111-4111-8111-111111111111',
  task_name: 'Punctual hook',
  lateness_p99_ms: 31,
});
const late = taskItem({
  id: '22222222-2222-4222-8222-222222222222',
  task_name: 'Late hook',
  lateness_p99_ms: 95_000,
});
const fresh = taskItem({
  id: '33333333-3333-4333-8333-333333333333',
  task_name: 'Fresh hook',
  lateness_p99_ms: null,
});

function punctualityCellOf(name: string): HTMLElement {
  const row = screen.getByRole('link', { name }).closest('tr');
  if (!row) throw new Error(`no row for ${name}`);
  return within(row).getAllByRole('cell')[5]!;
}

describe('task table: punctuality column', () => {
  it('shows each task’s 99th percentile lateness, a dash while it has none', async () => {
    mockFetch({ 'GET /api/tasks': page([punctual, late, fresh]) });
    renderApp('/tasks');

    await screen.findByRole('link', { name: 'Punctual hook' });
    expect(screen.getByRole('columnheader', { name: /Punctuality \(p99\)/ })).toBeInTheDocument();
    expect(punctualityCellOf('Punctual hook')).toHaveTextContent('31 ms');
    expect(punctualityCellOf('Late hook')).toHaveTextContent('1.6 min');
    expect(punctualityCellOf('Fresh hook')).toHaveTextContent('—');
  });

  it('its header sorts the list by lateness: least punctual first, then the other way', async () => {
    const api = mockFetch({ 'GET /api/tasks': page([punctual, late, fresh]) });
    const user = userEvent.setup();
    renderApp('/tasks');
    await screen.findByRole('link', { name: 'Punctual hook' });
    const header = () => screen.getByRole('columnheader', { name: /Punctuality \(p99\)/ });
    expect(header()).not.toHaveAttribute('aria-sort');

    const sortedBy = () => {
      const last = api.find('GET', '/api/tasks').at(-1)!;
      const params = new URL(last.url).searchParams;
      return `${params.get('sort')}:${params.get('order')}`;
    };
    await user.click(within(header()).getByRole('button', { name: /Punctuality \(p99\)/ }));
    await waitFor(() => expect(sortedBy()).toBe('lateness_p99_ms:desc'));
    expect(header()).toHaveAttribute('aria-sort', 'descending');
    // The sort menu says the same.
    expect(screen.getByLabelText('Sort')).toHaveValue('lateness_p99_ms:desc');

    await user.click(within(header()).getByRole('button', { name: /Punctuality \(p99\)/ }));
    await waitFor(() => expect(sortedBy()).toBe('lateness_p99_ms:asc'));
    expect(header()).toHaveAttribute('aria-sort', 'ascending');
  });
});
