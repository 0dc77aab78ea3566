import type { MigrationObject } from '@mikro-orm/core';
import { Migration20261124000000_audit_log } from './Migration20261124000000_audit_log.js';
import { Migration20261124010000_attempt_uniqueness } from './Migration20261124010000_attempt_uniqueness.js';

/** Every migration, in order. Listed explicitly so the built service and the tests run the same set. */
export const migrationsList: MigrationObject[] = [
  { name: 'Migration20261124000000_audit_log', class: Migration20261124000000_audit_log },
  { name: 'Migration20261124010000_attempt_uniqueness', class: Migration20261124010000_attempt_uniqueness },
];
