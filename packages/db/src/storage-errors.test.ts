import { expect, test } from 'vitest';
import { isPostgresUnavailable, isSchemaMissing, isTransientStorageError } from './storage-errors';

const pgError = (code: string, message = 'refused') => Object.assign(new Error(message), { code });

test.each([
  ['connection refused', pgError('ECONNREFUSED', 'connect ECONNREFUSED 127.0.0.1:5432')],
  ['both addresses refused', new AggregateError([pgError('ECONNREFUSED')], '')],
  ['the server shutting down', pgError('57P01', 'terminating connection due to administrator command')],
  ['a connection exception', pgError('08006')],
  ['the pool giving up', new Error('timeout exceeded when trying to connect')],
  ['the socket closing mid-query', new Error('Connection terminated unexpectedly')],
])('%s: PostgreSQL is unavailable, and a write may pass later', (_, error) => {
  expect(isPostgresUnavailable(error)).toBe(true);
  expect(isTransientStorageError(error)).toBe(true);
});

test.each([
  ['a deadlock', pgError('40P01')],
  ['a serialization failure', pgError('40001')],
  ['too many connections', pgError('53300')],
  ['a statement timeout', pgError('57014')],
])('%s: reachable, and a write may pass later', (_, error) => {
  expect(isPostgresUnavailable(error)).toBe(false);
  expect(isTransientStorageError(error)).toBe(true);
});

test.each([
  ['a check constraint', pgError('23514')],
  ['a missing column (a half-done upgrade)', pgError('42703')],
  ['a bad value', pgError('22P02')],
  ['a bug in our code', new TypeError('Cannot read properties of undefined')],
  ['not an error at all', 'boom'],
])('%s: a fault that would recur', (_, error) => {
  expect(isPostgresUnavailable(error)).toBe(false);
  expect(isTransientStorageError(error)).toBe(false);
});

test.each([
  ['a missing table', pgError('42P01', 'relation "tasks" does not exist'), true],
  ['a missing database', pgError('3D000', 'database "scheduler" does not exist'), true],
  ['a missing column', pgError('42703'), false],
  ['a refused connection', pgError('ECONNREFUSED'), false],
])('%s: the database is not migrated? %s', (_, error, missing) => {
  expect(isSchemaMissing(error)).toBe(missing);
});
