import { InvalidInputError } from './domain-errors.js';
import { UUID_PATTERN } from './uuid.js';

/** A request's `tenant_ids`, checked element by element (each message names the element at fault), lower-cased. */
export function tenantIdsOf(raw: unknown[] | undefined): string[] | undefined {
  if (raw === undefined) return undefined;
  const seen = new Map<string, number>();
  return raw.map((value, i) => {
    if (typeof value !== 'string' || !UUID_PATTERN.test(value)) throw new InvalidInputError(`tenant_ids[${i}] must be a UUID`);
    const id = value.toLowerCase();
    const first = seen.get(id);
    if (first !== undefined) throw new InvalidInputError(`tenant_ids[${i}] repeats tenant_ids[${first}]`);
    seen.set(id, i);
    return id;
  });
}
