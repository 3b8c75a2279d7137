import { describe, expect, it } from 'vitest';
import { routeTemplate, runHooks } from './hooks.js';

describe('hooks', () => {
  it.each([
    ['POST /messageexchange/{mailbox}', '/messageexchange/{mailbox}'],
    ['GET /messageexchange/{mailbox}/inbox', '/messageexchange/{mailbox}/inbox'],
    ['GET /messageexchange/{mailbox}/inbox/20260101-ABC', '/messageexchange/{mailbox}/inbox/{messageId}'],
    [
      'GET /messageexchange/{mailbox}/inbox/20260101-ABC/3',
      '/messageexchange/{mailbox}/inbox/{messageId}/{chunk}',
    ],
    [
      'PUT /messageexchange/{mailbox}/inbox/X1/status/acknowledged',
      '/messageexchange/{mailbox}/inbox/{messageId}/status/acknowledged',
    ],
    ['POST /messageexchange/{mailbox}/outbox', '/messageexchange/{mailbox}/outbox'],
    ['POST /messageexchange/{mailbox}/outbox/X1/2', '/messageexchange/{mailbox}/outbox/{messageId}/{chunk}'],
    [
      'GET /messageexchange/{mailbox}/outbox/tracking?messageID={messageId}',
      '/messageexchange/{mailbox}/outbox/tracking?messageID={messageId}',
    ],
    [
      'GET /messageexchange/endpointlookup/{odsCode}/{workflowId}',
      '/messageexchange/endpointlookup/{odsCode}/{workflowId}',
    ],
  ])('templates %s', (route, template) => {
    expect(routeTemplate(route)).toEqual({ method: route.split(' ')[0], route: template });
  });

  it('runs every hook even when one throws', () => {
    const seen: number[] = [];
    const errors: unknown[] = [];
    runHooks(
      [
        (n: number) => seen.push(n),
        () => {
          throw new Error('boom');
        },
        (n: number) => seen.push(n * 2),
      ],
      21,
      (e) => errors.push(e),
    );
    expect(seen).toEqual([21, 42]);
    expect(errors).toHaveLength(1);
  });
});
