export {
  createGuardedXmlParser,
  type GuardedParserHandlers,
  type GuardedParserOptions,
  type GuardedXmlParser,
  type XmlTag,
} from './guarded-parser.js';
export { DEFAULT_XML_LIMITS, resolveLimits, type XmlLimits } from './limits.js';
export { type ParseXmlOptions, parseXmlDocument, type XmlElement } from './tree.js';
