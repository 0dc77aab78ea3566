import { BadRequestException, Controller, Get, Header, HttpCode, HttpStatus, Param, Post, Query, Req, UseGuards } from '@nestjs/common';
import { ApiExcludeController } from '@nestjs/swagger';
import type { Request } from 'express';
import { Public } from '../auth/scopes.decorator.js';
import { UuidParam } from '../common/uuid.js';
import type { ApiToken } from '../config/api-tokens.js';
import { ROLLOUT_ACTIONS, type RolloutAction, RolloutJobs } from '../rollouts/rollout-jobs.service.js';
import { RolloutsService } from '../rollouts/rollouts.service.js';
import { FLEET_CSS, FLEET_JS } from './fleet-page.assets.js';
import { FleetPageGuard } from './fleet-page.guard.js';
import { fleetSection, page, type RolloutView, rolloutsSection, tenantItems } from './fleet-page.view.js';
import { FleetService } from './fleet.service.js';

/** Rollouts the page shows, newest first; tenants per failed or skipped list, per page. */
const ROLLOUTS_SHOWN = 10;
const TENANTS_SHOWN = 20;
const NO_STORE = 'no-store';
/** Everything from the service itself: no CDN can be reached from the page. */
const CSP = "default-src 'self'; style-src 'self' 'unsafe-inline'; frame-ancestors 'none'";

type PageRequest = Request & { token: ApiToken };

/**
 * The fleet page (docs/contract.md §12): server-rendered HTML, whose script swaps in the rollouts
 * section once a second and sends the operators' actions. Its reads stay independent of the
 * fleet's size: the newest rollouts with their kept counts (per wave too), and the first page of
 * each one's failed and skipped tenants; the tenants per version only at load and on request.
 * Not an API: it is not in the OpenAPI document.
 */
@ApiExcludeController()
@Public()
@UseGuards(FleetPageGuard)
@Controller('admin/fleet')
export class FleetPageController {
  constructor(
    private readonly fleet: FleetService,
    private readonly rollouts: RolloutsService,
    private readonly jobs: RolloutJobs,
  ) {}

  @Get()
  @Header('Content-Type', 'text/html; charset=utf-8')
  @Header('Cache-Control', NO_STORE)
  @Header('Content-Security-Policy', CSP)
  async page(@Req() req: PageRequest): Promise<string> {
    const canWrite = req.token.scopes.has('write');
    const [fleet, rollouts] = await Promise.all([this.fleetSection(), this.rolloutsSection(canWrite)]);
    return page({ fleet, rollouts, who: req.token.name, canWrite, boardRoute: '/admin/queues' });
  }

  @Get('sections/fleet')
  @Header('Content-Type', 'text/html; charset=utf-8')
  @Header('Cache-Control', NO_STORE)
  fleetFragment(): Promise<string> {
    return this.fleetSection();
  }

  @Get('sections/rollouts')
  @Header('Content-Type', 'text/html; charset=utf-8')
  @Header('Cache-Control', NO_STORE)
  rolloutsFragment(@Req() req: PageRequest): Promise<string> {
    return this.rolloutsSection(req.token.scopes.has('write'));
  }

  @Get('rollouts/:rollout_id/tenants')
  @Header('Cache-Control', NO_STORE)
  async tenants(@UuidParam('rollout_id') rolloutId: string, @Query('status') status: string, @Query('after') after: string) {
    if (status !== 'failed' && status !== 'skipped') throw new BadRequestException('status must be one of failed, skipped');
    if (!/^\d{1,9}$/.test(after ?? '')) throw new BadRequestException('after must be a tenant position');
    const page = await this.rollouts.tenants(rolloutId, { status, after: Number(after), limit: TENANTS_SHOWN });
    return { html: tenantItems(page.items), next: page.nextPosition };
  }

  /** The same action as POST /v1/rollouts/:rollout_id/<action> (RolloutJobs.act); 409 names the status that forbids it. */
  @Post('rollouts/:rollout_id/:action')
  @HttpCode(HttpStatus.OK)
  async act(@UuidParam('rollout_id') rolloutId: string, @Param('action') action: string) {
    if (!(ROLLOUT_ACTIONS as readonly string[]).includes(action)) throw new BadRequestException(`action must be one of ${ROLLOUT_ACTIONS.join(', ')}`);
    const rollout = await this.jobs.act(action as RolloutAction, rolloutId);
    return { rollout_id: rolloutId, status: rollout.row.status };
  }

  @Get('fleet.css')
  @Header('Content-Type', 'text/css; charset=utf-8')
  css(): string {
    return FLEET_CSS;
  }

  @Get('fleet.js')
  @Header('Content-Type', 'text/javascript; charset=utf-8')
  js(): string {
    return FLEET_JS;
  }

  private async fleetSection(): Promise<string> {
    return fleetSection(await this.fleet.fleet(), new Date());
  }

  private async rolloutsSection(canWrite: boolean): Promise<string> {
    const { items } = await this.rollouts.list({ limit: ROLLOUTS_SHOWN });
    const views: RolloutView[] = await Promise.all(
      items.map(async ({ row, waves }) => {
        const list = async (status: 'failed' | 'skipped', count: number) => {
          if (count === 0) return { items: [], next: null };
          const page = await this.rollouts.tenants(row.rollout_id, { status, after: 0, limit: TENANTS_SHOWN });
          return { items: page.items, next: page.nextPosition };
        };
        return { row, waves, failed: await list('failed', row.failed), skipped: await list('skipped', row.skipped) };
      }),
    );
    return rolloutsSection(views, canWrite);
  }
}
