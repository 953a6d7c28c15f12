import { render, screen } from '@testing-library/react';
import { describe, expect, it } from 'vitest';
import { Pagination } from './Pagination';

const noop = () => undefined;

describe('Pagination', () => {
  it.each([
    [{ page: 1, limit: 20, total: 1, total_pages: 1 }, '1 task'],
    [{ page: 1, limit: 20, total: 45, total_pages: 3 }, '1–20 of 45 tasks'],
    [{ page: 3, limit: 20, total: 41, total_pages: 3 }, '41 of 41 tasks'],
    [{ page: 1, limit: 20, total: 0, total_pages: 0 }, 'No tasks'],
  ])('counts %o as "%s"', (meta, text) => {
    render(<Pagination meta={meta} noun={['task', 'tasks']} onPageChange={noop} />);
    expect(screen.getByRole('navigation', { name: 'Pages of tasks' })).toHaveTextContent(text);
    expect(screen.getByText(text)).toBeInTheDocument();
  });
});
