import { useId } from 'react';
import type { PageMeta } from '../app/api-types';
import { pageSizes } from '../lib/page-sizes';
import { buttonSecondary, inputClass } from './ui';

interface PaginationProps {
  meta: PageMeta;
  /** What is being paged, one and many: `['task', 'tasks']`. */
  noun: readonly [one: string, many: string];
  onPageChange: (page: number) => void;
  onPageSizeChange?: (size: number) => void;
}

export function Pagination({ meta, noun, onPageChange, onPageSizeChange }: PaginationProps) {
  const sizeId = useId();
  const totalPages = Math.max(1, meta.total_pages);
  const first = meta.total === 0 ? 0 : (meta.page - 1) * meta.limit + 1;
  const last = Math.min(meta.total, meta.page * meta.limit);
  const [one, many] = noun;
  // "1 task", "1–20 of 45 tasks", "21 of 21 tasks": never "1 tasks" or "1–1 of 1".
  let shown = `${first === last ? first : `${first}–${last}`} of ${meta.total} ${many}`;
  if (meta.total === 1) shown = `1 ${one}`;
  else if (meta.total === 0) shown = `No ${many}`;
  return (
    <nav
      aria-label={`Pages of ${many}`}
      className="flex flex-wrap items-center justify-between gap-3 border-t border-slate-200 px-3 py-2 text-sm text-slate-600 dark:border-slate-800 dark:text-slate-400"
    >
      <p>{shown}</p>
      <div className="flex flex-wrap items-center gap-2">
        {onPageSizeChange && (
          <span className="flex items-center gap-2 whitespace-nowrap max-sm:hidden">
            <label htmlFor={sizeId}>Per page</label>
            <select
              id={sizeId}
              className={`${inputClass} w-auto py-1`}
              value={meta.limit}
              onChange={(event) => onPageSizeChange(Number(event.target.value))}
            >
              {pageSizes.map((size) => (
                <option key={size} value={size}>
                  {size}
                </option>
              ))}
            </select>
          </span>
        )}
        <button
          type="button"
          className={buttonSecondary}
          disabled={meta.page <= 1}
          onClick={() => onPageChange(meta.page - 1)}
        >
          Previous
        </button>
        {/* On a phone the count says where the page is: this stays for screen readers only. */}
        <span aria-live="polite" className="whitespace-nowrap max-sm:sr-only">
          Page {Math.min(meta.page, totalPages)} of {totalPages}
        </span>
        <button
          type="button"
          className={buttonSecondary}
          disabled={meta.page >= totalPages}
          onClick={() => onPageChange(meta.page + 1)}
        >
          Next
        </button>
      </div>
    </nav>
  );
}
