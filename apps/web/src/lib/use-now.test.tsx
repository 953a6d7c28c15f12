import { act, screen } from '@testing-library/react';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { mockFetch } from '../test/fetch-mock';
import { page, taskItem } from '../test/fixtures';
import { renderApp } from '../test/render-app';

describe('relative times on screen', () => {
  beforeEach(() => {
    // Only the clock and the page's tick are fake: requests and waits run as usual.
    vi.useFakeTimers({ toFake: ['Date', 'setInterval', 'clearInterval'] });
    vi.setSystemTime(new Date('2025-03-07T08:59:50Z'));
  });
  afterEach(() => vi.useRealTimers());

  it('count down second by second, so a run one second away never reads "in 10 seconds"', async () => {
    mockFetch({ 'GET /api/tasks': page([taskItem({ next_run_at: '2025-03-07T09:00:00.000Z' })]) });
    renderApp('/tasks');
    expect(await screen.findByText('in 10 seconds')).toBeInTheDocument();

    await act(() => vi.advanceTimersByTimeAsync(9000));
    expect(screen.getByText('in 1 second')).toBeInTheDocument();
    await act(() => vi.advanceTimersByTimeAsync(3000));
    expect(screen.getByText('2 seconds ago')).toBeInTheDocument();
  });
});
