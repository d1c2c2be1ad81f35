import { describe, expect, it } from 'vitest';
import {
  DEFAULT_STATUS,
  invalidStatusMessage,
  statusFromCodeOrLabel,
  statusFromLabel,
  statusFromLabelInsensitive,
  statusLabel,
} from '../../src/apps/jobs/status.ts';
import { CleanupUsageError, parseCleanupArgs } from '../../src/apps/jobs/cleanup.ts';

describe('task statuses', () => {
  it('maps upstream codes and labels', () => {
    expect(DEFAULT_STATUS).toBe(20);
    expect(statusLabel(20)).toBe('Waiting');
    expect(statusLabel(60)).toBe('Complete');
    expect(statusLabel(10)).toBeNull();
    expect(statusFromLabel('Errored')).toBe(40);
    expect(statusFromLabel('errored')).toBeNull();
    expect(statusFromLabel(40)).toBeNull();
    expect(statusFromLabelInsensitive('ABANDONED')).toBe(45);
    expect(statusFromCodeOrLabel('55')).toBe(55);
    expect(statusFromCodeOrLabel('10')).toBeNull();
    expect(statusFromCodeOrLabel('held')).toBe(25);
    expect(invalidStatusMessage()).toBe(
      'Invalid status, choices are: Waiting, Held, Started, Errored, Abandoned, Empty, Incomplete, Complete',
    );
  });
});

describe('tasks cleanup arguments', () => {
  it('reads every option, in both spellings', () => {
    expect(parseCleanupArgs(['cleanup', '--before', '2020-01-01', '--status=20', '--dry'], 'UTC')).toEqual({
      before: '2020-01-01',
      status: { code: 20, exclude: false },
      limit: null,
      signedOff: false,
      dry: true,
    });
    expect(parseCleanupArgs(['tasks', 'cleanup', '--status', '~complete', '--limit=200', '--signed-off'], 'UTC')).toMatchObject({
      status: { code: 60, exclude: true },
      limit: 200,
      signedOff: true,
      dry: false,
    });
  });

  it('defaults --before to today in the lab time zone', () => {
    expect(parseCleanupArgs(['cleanup'], 'UTC').before).toBe(new Date().toISOString().slice(0, 10));
  });

  it('refuses unknown actions, statuses, dates and options', () => {
    expect(() => parseCleanupArgs(['purge'], 'UTC')).toThrow(CleanupUsageError);
    expect(() => parseCleanupArgs(['cleanup', '--status', 'Done'], 'UTC')).toThrow('Status "Done" not recognized');
    expect(() => parseCleanupArgs(['cleanup', '--status', '10'], 'UTC')).toThrow('Status "10" not recognized');
    expect(() => parseCleanupArgs(['cleanup', '--before', '2020-13-01'], 'UTC')).toThrow(/not a date/);
    expect(() => parseCleanupArgs(['cleanup', '--limit', '-1'], 'UTC')).toThrow(/--limit/);
    expect(() => parseCleanupArgs(['cleanup', '--force'], 'UTC')).toThrow(/unknown option/);
    expect(() => parseCleanupArgs(['cleanup', '--status'], 'UTC')).toThrow(/needs a value/);
  });
});
