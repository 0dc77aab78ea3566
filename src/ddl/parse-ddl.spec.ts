import { DdlSyntaxError, EmptyDdlError, parseDdl } from './parse-ddl.js';

describe('parseDdl', () => {
  it('splits three statements into ordinals with kinds and exact texts', async () => {
    const ddl = [
      'CREATE TABLE orders (id bigint PRIMARY KEY, total numeric(12, 2));',
      'ALTER TABLE orders ADD COLUMN note text;',
      'CREATE INDEX orders_total_idx ON orders (total);',
    ].join('\n');

    const statements = await parseDdl(ddl);

    expect(statements.map(({ ordinal, kind, text }) => ({ ordinal, kind, text }))).toEqual([
      { ordinal: 1, kind: 'CreateStmt', text: 'CREATE TABLE orders (id bigint PRIMARY KEY, total numeric(12, 2))' },
      { ordinal: 2, kind: 'AlterTableStmt', text: 'ALTER TABLE orders ADD COLUMN note text' },
      { ordinal: 3, kind: 'IndexStmt', text: 'CREATE INDEX orders_total_idx ON orders (total)' },
    ]);
    expect(statements[0].node).toHaveProperty('relation');
    expect((statements[2].node as { idxname?: string }).idxname).toBe('orders_total_idx');
  });

  it('keeps the last statement whole when it has no terminating semicolon', async () => {
    const statements = await parseDdl('CREATE TABLE a (x int);\n  CREATE INDEX a_x ON a (x)  \n');

    expect(statements.map((s) => s.text)).toEqual(['CREATE TABLE a (x int)', 'CREATE INDEX a_x ON a (x)']);
  });

  it('slices texts by bytes when multi-byte UTF-8 precedes later statements', async () => {
    const ddl = [
      "-- café ☕ menu 😀; not a statement",
      "CREATE TABLE menu (name text DEFAULT 'crème brûlée 🍮');",
      "COMMENT ON TABLE menu IS 'é';",
      'ALTER TABLE menu ADD COLUMN price int;',
      'CREATE INDEX menu_name_idx ON menu (name);',
    ].join('\n');

    const statements = await parseDdl(ddl);

    expect(statements.map(({ ordinal, kind, text }) => ({ ordinal, kind, text }))).toEqual([
      { ordinal: 1, kind: 'CreateStmt', text: "CREATE TABLE menu (name text DEFAULT 'crème brûlée 🍮')" },
      { ordinal: 2, kind: 'CommentStmt', text: "COMMENT ON TABLE menu IS 'é'" },
      { ordinal: 3, kind: 'AlterTableStmt', text: 'ALTER TABLE menu ADD COLUMN price int' },
      { ordinal: 4, kind: 'IndexStmt', text: 'CREATE INDEX menu_name_idx ON menu (name)' },
    ]);
  });

  it('reports a syntax error on line 2 with 1-based position, line and column', async () => {
    const ddl = 'CREATE TABLE a (x int);\nCREATE TABLE b (y int,);';
    // The parser stops at the ')' after the trailing comma: 24 characters on line 1, then 22 on line 2.
    const offset = ddl.indexOf(',)') + 1;

    const error = await parseDdl(ddl).then(
      () => undefined,
      (e: unknown) => e,
    );

    expect(error).toBeInstanceOf(DdlSyntaxError);
    const syntax = error as DdlSyntaxError;
    expect(syntax.position).toBe(offset + 1);
    expect(syntax.position).toBe(47);
    expect(syntax.line).toBe(2);
    expect(syntax.column).toBe(23);
    expect(syntax.parserMessage).toBe('syntax error at or near ")"');
    expect(syntax.message).toBe('syntax error at or near ")" at position 47 (line 2, column 23)');
  });

  it('reports a syntax error on line 1 at the start of the bad token', async () => {
    const error = await parseDdl('CREAT TABLE a (x int);').catch((e: unknown) => e);

    expect(error).toBeInstanceOf(DdlSyntaxError);
    expect(error).toMatchObject({ position: 1, line: 1, column: 1, parserMessage: 'syntax error at or near "CREAT"' });
  });

  it.each([
    // Positions as PostgreSQL itself reports them for the same text (characters, not bytes).
    ['-- é😀é\nCREATE TABLE t (a int);\nSELEC 1;', 32, 3, 1],
    ["CREATE TABLE t (a text DEFAULT 'é😀');\nSELEC 1;", 39, 2, 1],
  ])('counts characters, not bytes, in a syntax error after multi-byte text', async (ddl, position, line, column) => {
    const error = await parseDdl(ddl).catch((e: unknown) => e);
    expect(error).toMatchObject({ position, line, column });
  });

  it.each([
    ['empty', ''],
    ['whitespace-only', ' \n\t  \r\n'],
    ['only semicolons', ';'],
    ['several semicolons and blanks', ' ; ;\n;'],
    ['only a comment', '-- nothing here\n/* nor here */'],
  ])('rejects %s input with EmptyDdlError', async (_label, ddl) => {
    await expect(parseDdl(ddl)).rejects.toBeInstanceOf(EmptyDdlError);
  });
});
