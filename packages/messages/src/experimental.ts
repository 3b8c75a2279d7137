/**
 * Message shapes that are proposals of this project, not published by NHS England.
 * Everything exported from `@gpes/messages/experimental` may change when the GPES-I standard is obtained.
 */
export { VERSION } from './version.js';
