import { BullMQAdapter } from '@bull-board/api/bullMQAdapter';
import { ExpressAdapter } from '@bull-board/express';
import { BullBoardModule } from '@bull-board/nestjs';
import { type DynamicModule, Module } from '@nestjs/common';
import type { Queue } from 'bullmq';
import { TokenRegistry } from '../auth/token-registry.js';
import { DRIFT_QUEUE } from '../drift/drift.queue.js';
import { RETENTION_QUEUE } from '../retention/retention.queue.js';
import { ROLLOUT_SWEEP_QUEUE, ROLLOUTS_QUEUE } from '../rollouts/rollouts.queue.js';
import { RECONCILE_QUEUE, SCHEMA_APPLY_QUEUE } from '../schema-apply/schema-apply.queue.js';
import { boardAuth } from './board-auth.middleware.js';
import { applyJobLabel, driftJobLabel, PURGE_JOB_LABEL, RECONCILE_JOB_LABEL, rolloutJobLabel, SWEEP_JOB_LABEL } from './job-labels.js';

export const BOARD_ROUTE = '/admin/queues';

/** A BullMQ queue on the board whose jobs are named by `label`. */
function labelled(label: (job: { name?: string; data?: unknown }) => string) {
  return class extends BullMQAdapter {
    constructor(queue: Queue, options?: ConstructorParameters<typeof BullMQAdapter>[1]) {
      super(queue, options);
      this.setFormatter('name', label);
    }
  };
}

/** The Bull Board over every queue, behind Basic auth with admin tokens. */
@Module({})
export class BoardModule {
  static forRoot(): DynamicModule {
    return {
      module: BoardModule,
      imports: [
        BullBoardModule.forRootAsync({
          inject: [TokenRegistry],
          useFactory: (tokens: TokenRegistry) => ({
            route: BOARD_ROUTE,
            adapter: ExpressAdapter,
            middleware: boardAuth(tokens),
            boardOptions: { uiConfig: { boardTitle: 'BSS queues', miscLinks: [{ text: 'Fleet page', url: '/admin/fleet' }] } },
          }),
        }),
        BullBoardModule.forFeature(
          { name: SCHEMA_APPLY_QUEUE, adapter: labelled(applyJobLabel) },
          { name: RECONCILE_QUEUE, adapter: labelled(() => RECONCILE_JOB_LABEL), options: { readOnlyMode: true } },
          { name: RETENTION_QUEUE, adapter: labelled(() => PURGE_JOB_LABEL), options: { readOnlyMode: true } },
          { name: ROLLOUTS_QUEUE, adapter: labelled(rolloutJobLabel), options: { readOnlyMode: true } },
          { name: ROLLOUT_SWEEP_QUEUE, adapter: labelled(() => SWEEP_JOB_LABEL), options: { readOnlyMode: true } },
          { name: DRIFT_QUEUE, adapter: labelled(driftJobLabel), options: { readOnlyMode: true } },
        ),
      ],
    };
  }
}
