/**
 * PostgreSQL's text cannot hold a NUL character (it answers 22021): such input is refused up
 * front with a 400 naming the field, before anything is stored.
 */
export function findNul(value: unknown, path: string): string | undefined {
  if (typeof value === 'string') return value.includes('\u0000') ? path : undefined;
  if (Array.isArray(value)) {
    for (const [index, item] of value.entries()) {
      const found = findNul(item, `${path}[${index}]`);
      if (found) return found;
    }
    return undefined;
  }
  if (value !== null && typeof value === 'object') {
    for (const [key, item] of Object.entries(value)) {
      const found = findNul(key, path ? `${path} (a field name)` : 'a field name') ?? findNul(item, path ? `${path}.${key}` : key);
      if (found) return found;
    }
  }
  return undefined;
}

export const nulMessage = (field: string) => `${field} must not contain a NUL character (\\u0000)`;
