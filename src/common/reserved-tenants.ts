import { registerDecorator } from 'class-validator';

/**
 * Tenant ids the service keeps for itself: its scratch tenants, whose schemas replays use
 * (src/replay/). No definition may be stored for one.
 */
export const RESERVED_TENANT_PREFIX = 'ffffffff-ffff-ffff-ffff-ffff';

export function isReservedTenant(tenantId: string): boolean {
  return tenantId.toLowerCase().startsWith(RESERVED_TENANT_PREFIX);
}

/** class-validator: a tenant id the service does not keep for itself. */
export function IsNotReservedTenant(): PropertyDecorator {
  return (target, propertyName) =>
    registerDecorator({
      name: 'isNotReservedTenant',
      target: target.constructor,
      propertyName: propertyName as string,
      options: { message: `${String(propertyName)} must not start with ${RESERVED_TENANT_PREFIX}: those ids are the service's own (scratch tenants)` },
      validator: { validate: (value: unknown) => typeof value !== 'string' || !isReservedTenant(value) },
    });
}
