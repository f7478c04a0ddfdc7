/** @module Who is calling: set by the auth middleware on every authenticated request. */

export interface Principal {
  /** Client name from AUTH_CLIENTS (also the OAuth client_id and the JWT client_id claim). */
  clientName: string;
  subject: string;
  /** RBAC profile name. */
  profile: string;
  authMethod: 'jwt' | 'oauth2';
  /** jti of the token presented. */
  tokenId: string;
  /** Token expiry (epoch seconds). */
  expiresAt: number;
}
