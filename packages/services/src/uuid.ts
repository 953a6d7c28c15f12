const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** Whether `id` can be a row id: anything else is unknown without asking PostgreSQL (which would refuse it). */
export function isUuid(id: string): boolean {
  return UUID.test(id);
}
