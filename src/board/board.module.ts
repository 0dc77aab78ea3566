import { createBullBoard } from '@bull-board/api';
import { BullMQAdapter } from '@bull-board/api/bullMQAdapter';
import { ExpressAdapter } from '@bull-board/express';
import { type DynamicModule, Module, type OnModuleInit } from '@nestjs/common';
import { HttpAdapterHost } from '@nestjs/core';
import { TokenRegistry } from '../auth/token-registry.js';
import { RetentionScheduler } from '../retention/retention.scheduler.js';
import { ReconcileScheduler } from '../schema-apply/reconcile.scheduler.js';
import { SchemaApplyProducer } from '../schema-apply/schema-apply.producer.js';
import { boardAuth } from './board-auth.middleware.js';

export const BOARD_ROUTE = '/admin/queues';

/** The Bull Board over every queue, behind Basic auth with admin tokens. */
@Module({})
export class BoardModule implements OnModuleInit {
  /** `queues`: the very module instances that own the queues. */
  static register(queues: DynamicModule[]): DynamicModule {
    return { module: BoardModule, imports: queues };
  }

  constructor(
    private readonly adapterHost: HttpAdapterHost,
    private readonly tokens: TokenRegistry,
    private readonly applyProducer: SchemaApplyProducer,
    private readonly reconcile: ReconcileScheduler,
    private readonly retention: RetentionScheduler,
  ) {}

  onModuleInit() {
    const serverAdapter = new ExpressAdapter().setBasePath(BOARD_ROUTE);
    createBullBoard({
      queues: [
        new BullMQAdapter(this.applyProducer.queue),
        new BullMQAdapter(this.reconcile.queue, { readOnlyMode: true }),
        new BullMQAdapter(this.retention.queue, { readOnlyMode: true }),
      ],
      serverAdapter,
      options: { uiConfig: { boardTitle: 'BSS queues' } },
    });
    this.adapterHost.httpAdapter.use(BOARD_ROUTE, boardAuth(this.tokens), serverAdapter.getRouter());
  }
}
