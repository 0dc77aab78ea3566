import { applyJobLabel } from './job-labels.js';

describe('applyJobLabel', () => {
  it('names the tenant and version of an attempt', () => {
    const job = { name: 'apply', data: { tenant_schema_id: 'x', tenant_id: '4b1f0c2e-9d8c-4f5e-a1b2-c3d4e5f60718', version_applied: 3 } };
    expect(applyJobLabel(job)).toBe('apply · tenant 4b1f0c2e… · v3');
  });

  it('falls back to the migration id, then to the bare name, while the job does not know them yet', () => {
    expect(applyJobLabel({ name: 'apply', data: { migration_id: 'f1e2d3c4-b5a6-7890-4321-abcdef123456' } })).toBe('apply · migration f1e2d3c4…');
    expect(applyJobLabel({ name: 'apply', data: { tenant_schema_id: 'x' } })).toBe('apply');
    expect(applyJobLabel({ name: 'apply', data: null })).toBe('apply');
  });
});
