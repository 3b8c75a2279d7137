/**
 * `@gpes/mesh-client/testing`: a conforming fake MESH server for tests, in-process or standalone.
 * @packageDocumentation
 */
export { VERSION } from '../version.js';
export { createTestCertificates, type PemPair, type TestCertificates } from './certificates.js';
export { Clock } from './clock.js';
export { startFakeMesh } from './server.js';
export type {
  FakeDeliverOptions,
  FakeFault,
  FakeMailbox,
  FakeMailboxConfig,
  FakeMailboxes,
  FakeMesh,
  FakeMeshOptions,
  FakeMessageStatus,
  FakeMessageSummary,
  FakeReportOptions,
  FakeRoute,
  RecordedRequest,
} from './types.js';
