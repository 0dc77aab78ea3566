import type { MigrationObject } from '@mikro-orm/core';
import { Migration20261124000000_audit_log } from './Migration20261124000000_audit_log.js';
import { Migration20261124010000_attempt_uniqueness } from './Migration20261124010000_attempt_uniqueness.js';
import { Migration20261124020000_sandbox_and_append_only } from './Migration20261124020000_sandbox_and_append_only.js';
import { Migration20261124030000_retention_runs } from './Migration20261124030000_retention_runs.js';
import { Migration20261124040000_apply_functions } from './Migration20261124040000_apply_functions.js';
import { Migration20261130000000_definition_policies } from './Migration20261130000000_definition_policies.js';
import { Migration20261130010000_least_privilege } from './Migration20261130010000_least_privilege.js';
import { Migration20261130050000_attempt_jobs } from './Migration20261130050000_attempt_jobs.js';
import { Migration20261130100000_rollouts } from './Migration20261130100000_rollouts.js';
import { Migration20261130300000_trusted_sessions } from './Migration20261130300000_trusted_sessions.js';
import { Migration20261207000000_trusted_as_written } from './Migration20261207000000_trusted_as_written.js';
import { Migration20261207100000_functions_as_source } from './Migration20261207100000_functions_as_source.js';
import { Migration20261208000000_drift } from './Migration20261208000000_drift.js';
import { Migration20261208100000_wave_counts } from './Migration20261208100000_wave_counts.js';

/** Every migration, in order. Listed explicitly so the built service and the tests run the same set. */
export const migrationsList: MigrationObject[] = [
  { name: 'Migration20261124000000_audit_log', class: Migration20261124000000_audit_log },
  { name: 'Migration20261124010000_attempt_uniqueness', class: Migration20261124010000_attempt_uniqueness },
  { name: 'Migration20261124020000_sandbox_and_append_only', class: Migration20261124020000_sandbox_and_append_only },
  { name: 'Migration20261124030000_retention_runs', class: Migration20261124030000_retention_runs },
  { name: 'Migration20261124040000_apply_functions', class: Migration20261124040000_apply_functions },
  { name: 'Migration20261130000000_definition_policies', class: Migration20261130000000_definition_policies },
  { name: 'Migration20261130010000_least_privilege', class: Migration20261130010000_least_privilege },
  { name: 'Migration20261130050000_attempt_jobs', class: Migration20261130050000_attempt_jobs },
  { name: 'Migration20261130100000_rollouts', class: Migration20261130100000_rollouts },
  { name: 'Migration20261130300000_trusted_sessions', class: Migration20261130300000_trusted_sessions },
  { name: 'Migration20261207000000_trusted_as_written', class: Migration20261207000000_trusted_as_written },
  { name: 'Migration20261207100000_functions_as_source', class: Migration20261207100000_functions_as_source },
  { name: 'Migration20261208000000_drift', class: Migration20261208000000_drift },
  { name: 'Migration20261208100000_wave_counts', class: Migration20261208100000_wave_counts },
];
