import type { ApiVersion } from './exchange.js';

/**
 * The API version from the Accept header: v2 for `application/vnd.mesh.v2+json`, v1 for
 * `application/json`, `application/vnd.mesh.v1+json`, `*\/*` or no header. Parameters after `;` are allowed;
 * a comma-separated list is refused (as MESH's parser does), because a client must send exactly one type.
 */
export function negotiateVersion(accept: string | undefined): ApiVersion | 'invalid' {
  if (accept === undefined || accept.trim() === '') return 1;
  if (accept.includes(',')) return 'invalid';
  const type = accept.split(';')[0]?.trim().toLowerCase();
  switch (type) {
    case 'application/vnd.mesh.v2+json':
      return 2;
    case 'application/vnd.mesh.v1+json':
    case 'application/json':
    case '*/*':
      return 1;
    default:
      return 'invalid';
  }
}
