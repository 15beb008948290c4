/**
 * Rows per stream from Singer METRIC lines. The MELTANO_OUTPUT lines were
 * captured from `meltano run` 4.4.1 with a tap and a target that log their
 * metrics the way the Singer SDK and singer-python do (Meltano's plugin column,
 * then the plugin's own logger prefix).
 */
import { describe, expect, it } from 'vitest';
import { RowCounter } from '../../src/meltano/metrics.js';

const MELTANO_OUTPUT =
  `2026-11-25T15:15:46.514412Z [info     ] meltano      Meltano 4.4.1, Python 3.11.7, Linux (x86_64)
2026-11-25T15:15:46.864338Z [info     ] tap-sdk      2026-11-25 14:00:00,000 | INFO     | singer_sdk.metrics   | METRIC: {"type": "counter", "metric": "record_count", "value": 2, "tags": {"stream": "users", "context": {}}}
2026-11-25T15:15:46.877894Z [info     ] tap-sdk      2026-11-25 14:00:00,000 | INFO     | singer_sdk.metrics   | METRIC: {"type": "timer", "metric": "sync_duration", "value": 0.5, "tags": {"stream": "users", "status": "succeeded"}}
2026-11-25T15:15:46.878622Z [info     ] tap-sdk      2026-11-25 14:00:00,000 | INFO     | singer_sdk.metrics   | METRIC: {"type": "counter", "metric": "record_count", "value": 3, "tags": {"stream": "orders", "context": {}}}
2026-11-25T15:15:46.879004Z [info     ] tap-sdk      2026-11-25 14:00:00,000 | INFO     | singer_sdk.metrics   | METRIC: {"type": "timer", "metric": "sync_duration", "value": 0.5, "tags": {"stream": "orders", "status": "succeeded"}}
2026-11-25T15:15:46.879338Z [info     ] tap-sdk      INFO METRIC: {"type": "counter", "metric": "record_count", "value": 7, "tags": {"database": "shop", "table": "t"}}
2026-11-25T15:15:46.990214Z [info     ] target-sdk-with-a-long-name 2026-11-25 14:00:01,000 | INFO     | singer_sdk.metrics   | METRIC: {"type": "counter", "metric": "record_count", "value": 2, "tags": {"stream": "users"}}
2026-11-25T15:15:46.994870Z [info     ] target-sdk-with-a-long-name 2026-11-25 14:00:01,000 | INFO     | singer_sdk.metrics   | METRIC: {"type": "counter", "metric": "record_count", "value": 3, "tags": {"stream": "orders"}}
2026-11-25T15:15:47.102733Z [info     ] Block run completed.           block_type=ExtractLoadBlocks err=None set_number=0 success=True`.split(
    '\n',
  );

const BLOCKS = ['tap-sdk', 'target-sdk-with-a-long-name'];

function counted(lines: string[]): { counter: RowCounter; accepted: boolean[] } {
  const counter = new RowCounter();
  return { counter, accepted: lines.map((l) => counter.add(l)) };
}

const perPlugin = (c: RowCounter): Record<string, Record<string, number>> =>
  Object.fromEntries([...c.byPlugin].map(([plugin, streams]) => [plugin, Object.fromEntries(streams)]));

describe('RowCounter', () => {
  it("keeps a tap's and a target's counts apart by Meltano's plugin column, whatever the logger prefix", () => {
    const { counter, accepted } = counted(MELTANO_OUTPUT);
    expect(accepted).toEqual([false, true, false, true, false, true, true, true, false]);
    expect(perPlugin(counter)).toEqual({
      'tap-sdk': { users: 2, orders: 3, 'shop-t': 7 },
      'target-sdk-with-a-long-name': { users: 2, orders: 3 },
    });
    expect(counter.rowsPerStream(BLOCKS)).toEqual({ users: 2, orders: 3, 'shop-t': 7 });
  });

  it('adds up the increments of several streams', () => {
    const line = (stream: string, value: number): string =>
      `2026-11-25T14:05:44.844605Z [info     ] tap-count    METRIC: {"type": "counter", "metric": "record_count", "value": ${value}, "tags": {"stream": "${stream}"}}`;
    const { counter } = counted([line('a', 100), line('b', 1), line('a', 50), line('c', 0), line('a', 1)]);
    expect(counter.rowsPerStream(['tap-count', 'target-lines'])).toEqual({ a: 151, b: 1, c: 0 });
  });

  it('ignores other metrics, malformed JSON and lines that only mention METRIC', () => {
    const prefix = '2026-11-25T14:05:44.844605Z [info     ] tap-x        ';
    const lines = [
      `${prefix}METRIC: {"type": "timer", "metric": "http_request_duration", "value": 0.2, "tags": {"stream": "a"}}`,
      `${prefix}METRIC: {"type": "counter", "metric": "http_request_count", "value": 4, "tags": {"stream": "a"}}`,
      `${prefix}METRIC: {"type": "counter", "metric": "batch_processing_time", "value": 4, "tags": {"stream": "a"}}`,
      `${prefix}METRIC: {"type": "counter", "metric": "record_count", "value": 3, "tags": {"stream": "a"}`,
      `${prefix}METRIC: {"type": "counter", "metric": "record_count", "value": 3}} trailing`,
      `${prefix}METRIC: {not json}`,
      `${prefix}METRIC: {"metric": "record_count", "value": "3", "tags": {"stream": "a"}}`,
      `${prefix}METRIC: {"metric": "record_count", "tags": {"stream": "a"}}`,
      `${prefix}METRIC: {"metric": "record_count", "value": null}`,
      `${prefix}NOMETRIC: {"metric": "record_count", "value": 3}`,
      `${prefix}the METRIC: line format is {"metric": "record_count", "value": 3} per the spec, see docs`,
      `${prefix}METRIC:`,
      '',
    ];
    const { counter, accepted } = counted(lines);
    expect(accepted.every((a) => !a)).toBe(true);
    expect(counter.byPlugin.size).toBe(0);
    expect(counter.rowsPerStream(['tap-x'])).toEqual({});
  });

  it('names a stream by its stream tag, else database-table, else table, else (unknown)', () => {
    const prefix = '2026-11-25T14:05:44.844605Z [info     ] tap-x        METRIC: ';
    const { counter } = counted(
      [
        { stream: 's', table: 'ignored' },
        { database: 'shop', table: 'orders' },
        { table: 'bare' },
        { stream: 5, table: 'numeric-stream' },
        {},
        undefined,
      ].map((tags) => `${prefix}${JSON.stringify({ type: 'counter', metric: 'record_count', value: 1, tags })}`),
    );
    expect(counter.rowsPerStream(['tap-x'])).toEqual({
      s: 1,
      'shop-orders': 1,
      bare: 1,
      'numeric-stream': 1,
      '(unknown)': 2,
    });
  });

  it('takes the first block that reported, command suffixes aside, else the first plugin that reported', () => {
    const { counter } = counted(MELTANO_OUTPUT);
    expect(counter.rowsPerStream(['target-sdk-with-a-long-name', 'tap-sdk'])).toEqual({ users: 2, orders: 3 });
    expect(counter.rowsPerStream(['hash-emails', 'tap-sdk:extract', 'target-sdk-with-a-long-name'])).toEqual({
      users: 2,
      orders: 3,
      'shop-t': 7,
    });
    // A job used as a block, or an inherited plugin's name: the first reporter.
    expect(counter.rowsPerStream(['some-job'])).toEqual({ users: 2, orders: 3, 'shop-t': 7 });
    expect(new RowCounter().rowsPerStream(BLOCKS)).toEqual({});
  });

  it('counts lines without Meltano’s prefix (a plugin run directly) under no plugin', () => {
    const { counter, accepted } = counted([
      'METRIC: {"type": "counter", "metric": "record_count", "value": 4, "tags": {"stream": "a"}}',
      '2026-11-25 14:00:00,000 | INFO     | singer_sdk.metrics   | METRIC: {"type": "counter", "metric": "record_count", "value": 1, "tags": {"stream": "a"}}',
    ]);
    expect(accepted).toEqual([true, true]);
    expect(perPlugin(counter)).toEqual({ '': { a: 5 } });
    expect(counter.rowsPerStream(['tap-x'])).toEqual({ a: 5 });
  });
});
