import { compareDescriptions, summarizeDifferences } from './schema-description.js';

const col = (name: string, definition: string) => ({ object_type: 'column', name, definition });

describe('compareDescriptions', () => {
  it('finds nothing between equal descriptions, in any order', () => {
    expect(compareDescriptions([col('t.a', 'integer'), col('t.b', 'text')], [col('t.b', 'text'), col('t.a', 'integer')])).toEqual([]);
  });

  it('names missing, unexpected and changed objects', () => {
    const differences = compareDescriptions([col('t.a', 'integer'), col('t.b', 'text')], [col('t.a', 'bigint'), col('t.c', 'text')]);
    expect(differences).toEqual([
      { change: 'changed', object_type: 'column', name: 't.a', expected: 'integer', actual: 'bigint' },
      { change: 'missing', object_type: 'column', name: 't.b', expected: 'text', actual: null },
      { change: 'unexpected', object_type: 'column', name: 't.c', expected: null, actual: 'text' },
    ]);
  });

  it('tells objects of different types with the same name apart', () => {
    expect(compareDescriptions([{ object_type: 'index', name: 'x', definition: 'd' }], [{ object_type: 'table', name: 'x', definition: 'd' }]).map((d) => d.change)).toEqual([
      'missing',
      'unexpected',
    ]);
  });
});

describe('summarizeDifferences', () => {
  it('names the first few and counts the rest', () => {
    const differences = compareDescriptions([], ['a', 'b', 'c'].map((n) => col(n, 'int')));
    expect(summarizeDifferences(differences, 2)).toBe('3 difference(s) from its versions: unexpected column a, unexpected column b, and 1 more');
  });
});
