import { afterEach, describe, expect, it, vi } from 'vitest';
import { isMeshError } from '../errors.js';

describe('createTestCertificates without its optional peer', () => {
  afterEach(() => {
    vi.doUnmock('selfsigned');
    vi.resetModules();
  });

  it('reports MISSING_DEPENDENCY naming the package to install', async () => {
    vi.resetModules();
    vi.doMock('selfsigned', () => {
      throw new Error("Cannot find package 'selfsigned'");
    });
    const { createTestCertificates } = await import('./certificates.js');
    const error = await createTestCertificates().catch((e: unknown) => e);
    expect(isMeshError(error)).toBe(true);
    expect(error).toMatchObject({ code: 'MISSING_DEPENDENCY' });
    expect((error as Error).message).toContain('selfsigned');
  });

  it('generates a CA-signed pair when it is installed', async () => {
    const { createTestCertificates } = await import('./certificates.js');
    const certs = await createTestCertificates();
    expect(certs.server.cert).toContain('BEGIN CERTIFICATE');
    expect(certs.client.key).toContain('PRIVATE KEY');
  });
});
