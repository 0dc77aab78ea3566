import { AllowOptionsError, checkAllowed, DdlRejectedError, type DefinitionPolicy, extensionsCreated, TooManyStatementsError } from '../ddl/allow-list.js';
import { parseDdlCached } from '../ddl/parse-cache.js';
import { summarize } from '../ddl/summary.js';
import { tenantSchemaName } from '../ddl/tenant-schema-name.js';
import type { TenantRun } from './apply.types.js';

/** A definition about to run on its tenant, with where the tenant stands (read under its lock). */
export interface DefinitionOnTenant {
  migrationId: string;
  tenantId: string;
  tenantSchemaId: string;
  version: number;
  ddl: string;
  policy: DefinitionPolicy;
  transactional: boolean;
  currentVersion: number;
  previousPending: boolean;
}

export type CheckResult = { kind: 'run'; run: TenantRun } | { kind: 'refused'; details: string } | { kind: 'wait'; reason: string };

/**
 * Everything decided before running anything, for an apply and a dry run alike: version order
 * (N only on top of N-1) and the definition's policy, checked again here since a definition may
 * have been stored by other means than the API.
 */
export async function checkBeforeRunning(definition: DefinitionOnTenant, trustedExtensions: readonly string[]): Promise<CheckResult> {
  const { version, currentVersion: current } = definition;
  if (current >= version) return { kind: 'refused', details: `Version ${version} is already applied (current version ${current}).` };
  if (current < version - 1) {
    if (definition.previousPending) return { kind: 'wait', reason: `version ${version - 1} is still pending` };
    return {
      kind: 'refused',
      details: `Version ${version} applies only on top of version ${version - 1}, which is neither applied nor pending (current version ${current}).`,
    };
  }
  const statements = await parseDdlCached(definition.ddl);
  const schema = tenantSchemaName(definition.tenantId);
  const { policy, transactional } = definition;
  try {
    checkAllowed(statements, schema, { policy, transactional, trustedExtensions });
  } catch (error) {
    if (!(error instanceof DdlRejectedError || error instanceof TooManyStatementsError || error instanceof AllowOptionsError)) throw error;
    return { kind: 'refused', details: `Refused before running anything: ${error.message}.` };
  }
  const { migrationId, tenantId, tenantSchemaId } = definition;
  const extensions = policy === 'trusted' ? extensionsCreated(statements, { trustedExtensions }) : [];
  return { kind: 'run', run: { migrationId, tenantId, tenantSchemaId, schema, policy, transactional, statements, extensions, details: summarize(version, statements) } };
}
