/** One object of a schema description (docs/contract.md §11), its schema's name taken out. */
export interface DescribedObject {
  object_type: string;
  name: string;
  definition: string;
}

export interface Difference {
  change: 'missing' | 'unexpected' | 'changed';
  object_type: string;
  name: string;
  expected: string | null;
  actual: string | null;
}

const keyOf = (o: Pick<DescribedObject, 'object_type' | 'name'>) => `${o.object_type}\u0000${o.name}`;

/**
 * What differs between the expected and the actual description: objects missing, unexpected or
 * changed, ordered by object type and name. A renamed object is one missing and one unexpected.
 */
export function compareDescriptions(expected: readonly DescribedObject[], actual: readonly DescribedObject[]): Difference[] {
  const wanted = new Map(expected.map((o) => [keyOf(o), o]));
  const differences: Difference[] = [];
  for (const o of actual) {
    const e = wanted.get(keyOf(o));
    wanted.delete(keyOf(o));
    if (!e) differences.push({ change: 'unexpected', object_type: o.object_type, name: o.name, expected: null, actual: o.definition });
    else if (e.definition !== o.definition) differences.push({ change: 'changed', object_type: o.object_type, name: o.name, expected: e.definition, actual: o.definition });
  }
  for (const e of wanted.values()) differences.push({ change: 'missing', object_type: e.object_type, name: e.name, expected: e.definition, actual: null });
  return differences.sort((a, b) => a.object_type.localeCompare(b.object_type) || a.name.localeCompare(b.name) || a.change.localeCompare(b.change));
}

/** A short line naming the differences, for a skipped rollout tenant's details. */
export function summarizeDifferences(differences: readonly Difference[], limit = 5): string {
  const named = differences.slice(0, limit).map((d) => `${d.change} ${d.object_type} ${d.name}`);
  const more = differences.length > limit ? `, and ${differences.length - limit} more` : '';
  return `${differences.length} difference(s) from its versions: ${named.join(', ')}${more}`;
}
