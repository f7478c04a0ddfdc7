/** @module Put access tokens on the jti revocation list (kept until each token's own `exp`). */
import type { AuthContext } from '../auth-context.ts';

export async function revokeAccessTokens(ctx: AuthContext, tokens: ReadonlyArray<readonly [string, number]>, fields: Record<string, unknown>): Promise<void> {
  if (tokens.length === 0) return;
  ctx.audit.append('AUTH', 'token_revoked', { ...fields, jti: tokens.map(([jti]) => jti) });
  await ctx.revoked.add(tokens);
}
