/**
 * Our search attributes on the namespace. The server refuses a schedule or
 * run carrying an attribute it does not know, so sync, `up` and schedule
 * edits register them first (operator API).
 */
import type { Client } from '@temporalio/client';
import { REGISTERED_SEARCH_ATTRIBUTES } from '../../workflows/contract.js';
import { protoSdk } from './sdk.js';

/** Register those missing; returns their names. */
export async function ensureSearchAttributes(client: Client): Promise<string[]> {
  const { temporal } = protoSdk();
  const namespace = client.options.namespace;
  const existing = await client.connection.operatorService.listSearchAttributes({ namespace });
  const have = new Set(Object.keys(existing.customAttributes ?? {}));
  const missing = REGISTERED_SEARCH_ATTRIBUTES.filter((n) => !have.has(n));
  if (missing.length) {
    await client.connection.operatorService.addSearchAttributes({
      namespace,
      searchAttributes: Object.fromEntries(
        missing.map((n) => [n, temporal.api.enums.v1.IndexedValueType.INDEXED_VALUE_TYPE_KEYWORD]),
      ),
    });
  }
  return missing;
}
