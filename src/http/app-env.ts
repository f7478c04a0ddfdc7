/** @module Hono context variables shared by every middleware and route. */
import type { Principal } from '../auth/principal.ts';

export interface AppVariables {
  /** Peer address of the TCP connection (never taken from X-Forwarded-For). */
  clientIp: string;
  requestId: string;
  principal: Principal | undefined;
  /**
   * The Fail2Ban guard checked this request's address and found no block (so the bearer
   * middleware, which also checks when no guard runs, does not read the same block again).
   */
  addressNotBlocked: boolean | undefined;
}

export interface AppEnv { Variables: AppVariables }
