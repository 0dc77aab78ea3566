import { Module } from '@nestjs/common';
import { AuditModule } from '../audit/audit.module.js';
import { ApplySessions } from './apply-sessions.js';
import { ApplyAttempt } from './apply-attempt.usecase.js';

/** Applying one attempt (the use case) and the apply sessions trusted DDL runs in. Knows no queue. */
@Module({
  imports: [AuditModule],
  providers: [ApplySessions, ApplyAttempt],
  exports: [ApplySessions, ApplyAttempt],
})
export class ApplyModule {}
