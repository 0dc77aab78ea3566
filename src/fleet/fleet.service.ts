import { Injectable } from '@nestjs/common';
import { AttemptsRepository } from '../audit/attempts.repository.js';
import { DriftChecks } from '../drift/drift-checks.service.js';
import { toDriftCheckJson } from '../drift/drift.mapper.js';

/**
 * The fleet at a glance (docs/contract.md §11): every tenant with a definition by its current
 * version (0 included), how many have an attempt pending, how many whose latest attempt failed,
 * and how many the latest completed drift check found drifted.
 */
@Injectable()
export class FleetService {
  constructor(
    private readonly attempts: AttemptsRepository,
    private readonly checks: DriftChecks,
  ) {}

  async fleet() {
    const [versions, latest] = await Promise.all([this.attempts.fleetVersions(), this.checks.latestCompleted()]);
    const sum = (key: 'tenants' | 'pending' | 'failed') => versions.reduce((n, v) => n + v[key], 0);
    return {
      tenants: sum('tenants'),
      versions: versions.map(({ version, tenants }) => ({ version, tenants })),
      pending: sum('pending'),
      failed: sum('failed'),
      drifted: latest?.drifted ?? 0,
      last_drift_check: latest ? toDriftCheckJson(latest) : null,
    };
  }
}
