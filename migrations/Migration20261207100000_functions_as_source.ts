import { Migration } from '@mikro-orm/migrations';
import { functionSources, sqlStatements } from '../src/database/sql-source.js';

/**
 * Every function of the service's database now has its current text in db/functions/ (one file a
 * function, with its owner and privileges): this loads them all, so that the database holds exactly
 * those texts (test/database-source.e2e-spec.ts). Until now the migrations that created or replaced
 * a function held its text. The functions are the same; their texts only lose the migrations'
 * indentation and gain comments. A later migration that changes a function loads its file again.
 */
export class Migration20261207100000_functions_as_source extends Migration {
  override async up(): Promise<void> {
    for (const file of await functionSources()) for (const sql of await sqlStatements(file)) this.addSql(sql);
  }

  /** Nothing to undo: the earlier migrations' downs drop these functions, whatever their text. */
  override down(): void {}
}
