import { createHash, timingSafeEqual } from 'node:crypto';
import { Inject, Injectable } from '@nestjs/common';
import type { ApiToken } from '../config/api-tokens.js';
import type { AppConfig } from '../config/app-config.js';
import { APP_CONFIG } from '../config/config.module.js';

const digest = (value: string) => createHash('sha256').update(value).digest();

/** Looks tokens up in constant time: every configured token is compared, by digest. */
@Injectable()
export class TokenRegistry {
  private readonly entries: { token: ApiToken; digest: Buffer }[];

  constructor(@Inject(APP_CONFIG) config: AppConfig) {
    this.entries = config.apiTokens.map((token) => ({ token, digest: digest(token.token) }));
  }

  /** The token whose secret this is, if any. */
  bySecret(secret: string): ApiToken | undefined {
    const candidate = digest(secret);
    let found: ApiToken | undefined;
    for (const entry of this.entries) {
      if (timingSafeEqual(entry.digest, candidate)) found = entry.token;
    }
    return found;
  }

  /** For HTTP Basic auth: the name must match too. */
  byNameAndSecret(name: string, secret: string): ApiToken | undefined {
    const token = this.bySecret(secret);
    return token && token.name === name ? token : undefined;
  }
}
