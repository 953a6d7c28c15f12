import { screen } from '@testing-library/react';
import { describe, expect, it } from 'vitest';
import { loadPersistedState, persistStore } from '../../app/persistence';
import { apiError, mockFetch } from '../../test/fetch-mock';
import { stats } from '../../test/fixtures';
import { renderApp } from '../../test/render-app';

const noKey = { settings: { apiUrl: '', apiKey: '' } };

describe('settings page', () => {
  it('tests the typed key against the stats endpoint before saving it', async () => {
    const api = mockFetch({ 'GET /api/dashboard/stats': stats() });
    const { user, store } = renderApp('/settings', noKey);
    await user.type(screen.getByLabelText('API key'), 'typed-key-0123456789');
    await user.click(screen.getByRole('button', { name: 'Test connection' }));

    expect(await screen.findByText('Connected: the API answered and knows 4 tasks.')).toBeInTheDocument();
    const [request] = api.find('GET', '/api/dashboard/stats');
    expect(request?.headers.get('X-API-KEY')).toBe('typed-key-0123456789');
    expect(new URL(request?.url ?? '').origin).toBe(window.location.origin);
    expect(store.getState().settings.apiKey).toBe('');
  });

  it('tests an absolute API URL when one is typed', async () => {
    const api = mockFetch({ 'GET /api/dashboard/stats': stats() });
    const { user } = renderApp('/settings', noKey);
    await user.type(screen.getByLabelText('API URL'), 'http://127.0.0.1:3000/');
    await user.type(screen.getByLabelText('API key'), 'typed-key-0123456789');
    await user.click(screen.getByRole('button', { name: 'Test connection' }));
    await screen.findByText(/^Connected/);
    expect(api.find('GET', '/api/dashboard/stats')[0]?.url).toBe('http://127.0.0.1:3000/api/dashboard/stats');
  });

  it("shows the API's message when the connection test is refused", async () => {
    mockFetch({ 'GET /api/dashboard/stats': apiError(401, 'UNAUTHORIZED', 'Invalid API key.') });
    const { user } = renderApp('/settings', noKey);
    await user.type(screen.getByLabelText('API key'), 'wrong-key-0123456789');
    await user.click(screen.getByRole('button', { name: 'Test connection' }));
    expect(await screen.findByRole('alert')).toHaveTextContent('Connection failed: Invalid API key.');
  });

  it('explains a network failure', async () => {
    mockFetch({
      'GET /api/dashboard/stats': () => {
        throw new TypeError('Failed to fetch');
      },
    });
    const { user } = renderApp('/settings', noKey);
    await user.type(screen.getByLabelText('API key'), 'some-key-0123456789');
    await user.click(screen.getByRole('button', { name: 'Test connection' }));
    expect(await screen.findByRole('alert')).toHaveTextContent(/Could not reach the API .*Failed to fetch/);
  });

  it('refuses a relative API URL', async () => {
    mockFetch({});
    const { user } = renderApp('/settings', noKey);
    await user.type(screen.getByLabelText('API URL'), 'localhost:3000');
    expect(screen.getByLabelText('API URL')).toHaveAccessibleDescription(
      /Expected an absolute http\(s\) URL/,
    );
    expect(screen.getByRole('button', { name: 'Save' })).toBeDisabled();
  });

  it('saves the key so it survives a reload, and the other pages use it', async () => {
    const { user, store } = renderApp('/settings', noKey);
    persistStore(store, window.localStorage);
    await user.type(screen.getByLabelText('API key'), 'saved-key-0123456789');
    await user.click(screen.getByRole('button', { name: 'Save' }));
    expect(await screen.findByText('Connection settings saved.')).toBeInTheDocument();
    expect(screen.queryByRole('link', { name: 'No API key' })).not.toBeInTheDocument();
    expect(loadPersistedState(window.localStorage)?.settings.apiKey).toBe('saved-key-0123456789');
  });

  it('keeps the theme choice on <html>', async () => {
    const { user } = renderApp('/settings');
    await user.click(screen.getByRole('radio', { name: 'Dark' }));
    expect(document.documentElement).toHaveClass('dark');
    await user.click(screen.getByRole('radio', { name: 'Light' }));
    expect(document.documentElement).not.toHaveClass('dark');
  });
});
