/** One page of a list, as every list use-case returns it (and the API sends it). */
export interface Page<T> {
  data: T[];
  meta: { page: number; limit: number; total: number; total_pages: number };
}

export function toPage<T>(rows: T[], total: number, page: number, limit: number): Page<T> {
  return { data: rows, meta: { page, limit, total, total_pages: Math.ceil(total / limit) } };
}
