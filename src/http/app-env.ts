/** @module Hono context variables shared by every middleware and route. */
import type { Principal } from '../auth/principal.ts';

export interface AppVariables {
  /** Peer address of the TCP connection (never taken from X-Forwarded-For). */
  clientIp: string;
  requestId: string;
  principal: Principal | undefined;
}

export interface AppEnv { Variables: AppVariables }
