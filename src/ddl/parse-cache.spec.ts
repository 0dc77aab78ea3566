import { ParseCache } from './parse-cache.js';
import { DdlSyntaxError } from './parse-ddl.js';

const DDL = 'CREATE TABLE a (x int); CREATE INDEX a_x ON a (x)';

describe('ParseCache', () => {
  it('returns the same frozen statements for the same text', async () => {
    const cache = new ParseCache();

    const first = await cache.parse(DDL);
    const second = await cache.parse(DDL);

    expect(second).toBe(first);
    expect(first.map((s) => s.kind)).toEqual(['CreateStmt', 'IndexStmt']);
    expect(Object.isFrozen(first)).toBe(true);
    expect(Object.isFrozen(first[0].node)).toBe(true);
    expect(() => {
      (first[0] as { text: string }).text = 'DROP TABLE a';
    }).toThrow(TypeError);
  });

  it('does not keep a failed parse', async () => {
    const cache = new ParseCache();

    await expect(cache.parse('CREAT TABLE a (x int)')).rejects.toBeInstanceOf(DdlSyntaxError);
    await Promise.resolve();

    expect(cache.size).toBe(0);
  });

  it('forgets the least recently used text beyond its size', async () => {
    const cache = new ParseCache(2);
    const a = await cache.parse('CREATE TABLE a (x int)');
    const b = await cache.parse('CREATE TABLE b (x int)');
    await cache.parse('CREATE TABLE a (x int)'); // a is now the most recent
    await cache.parse('CREATE TABLE c (x int)'); // evicts b

    expect(cache.size).toBe(2);
    expect(await cache.parse('CREATE TABLE a (x int)')).toBe(a);
    expect(await cache.parse('CREATE TABLE b (x int)')).not.toBe(b);
  });
});
