import { createHash, createHmac, pbkdf2Sync, randomBytes } from 'node:crypto';

/**
 * A fresh secret for a tenant's session and the SCRAM-SHA-256 verifier PostgreSQL stores for it
 * (RFC 5802/7677, in PostgreSQL's `SCRAM-SHA-256$<iterations>:<salt>$<StoredKey>:<ServerKey>`
 * form), so that the secret itself never reaches the server, its logs or its statistics.
 *
 * One iteration: key stretching slows the guessing of a chosen password; this one is 192 random
 * bits and lives for one attempt. The server's default (4096) cost ~6 ms of PostgreSQL CPU per
 * trusted attempt in `ALTER ROLE ... PASSWORD`, and as much again for the client at login.
 */
export function tenantSessionSecret(): { secret: string; verifier: string } {
  const secret = randomBytes(24).toString('hex');
  return { secret, verifier: scramVerifier(secret, randomBytes(16), 1) };
}

export function scramVerifier(password: string, salt: Buffer, iterations: number): string {
  const salted = pbkdf2Sync(password, salt, iterations, 32, 'sha256');
  const storedKey = createHash('sha256').update(createHmac('sha256', salted).update('Client Key').digest()).digest();
  const serverKey = createHmac('sha256', salted).update('Server Key').digest();
  return `SCRAM-SHA-256$${iterations}:${salt.toString('base64')}$${storedKey.toString('base64')}:${serverKey.toString('base64')}`;
}
