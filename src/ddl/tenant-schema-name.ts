/** The tenant's own schema: `tenant_` and the id's 32 hex digits. Safe as an identifier by construction. */
export function tenantSchemaName(tenantId: string): string {
  const hex = tenantId.replace(/-/g, '').toLowerCase();
  if (!/^[0-9a-f]{32}$/.test(hex)) throw new Error(`not a tenant id: ${tenantId}`);
  return `tenant_${hex}`;
}
