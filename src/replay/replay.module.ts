import { Module } from '@nestjs/common';
import { ApplyModule } from '../apply/apply.module.js';
import { ReplayService } from './replay.service.js';

/** Replays of tenants' applied definitions into scratch schemas (drift's expected schema, shadow dry runs). */
@Module({ imports: [ApplyModule], providers: [ReplayService], exports: [ReplayService] })
export class ReplayModule {}
