/**
 * XSD validation with libxml2 (WebAssembly) for the tests: the published GPES-I schemas in ../../xsd validate
 * what the encoders write. Test-only; never shipped.
 */
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { XmlDocument, XsdValidator } from 'libxml2-wasm';
import { xmlRegisterFsInputProviders } from 'libxml2-wasm/lib/nodejs.mjs';

xmlRegisterFsInputProviders();

const validators = new Map<string, XsdValidator>();

/** Path of a schema copied into the package (`xsd/<name>`). */
export function xsdPath(name: string): string {
  return fileURLToPath(new URL(`../../xsd/${name}`, import.meta.url));
}

/** Validates `xml` against `schema` (e.g. `GPES-Q-E-RTP.xsd`); returns libxml2's error messages (empty = valid). */
export function validateAgainstXsd(xml: string, schema: string): string[] {
  let validator = validators.get(schema);
  if (validator === undefined) {
    const path = xsdPath(schema);
    const xsdDoc = XmlDocument.fromBuffer(readFileSync(path), { url: path });
    validator = XsdValidator.fromDoc(xsdDoc);
    validators.set(schema, validator);
  }
  const doc = XmlDocument.fromString(xml);
  try {
    validator.validate(doc);
    return [];
  } catch (e) {
    const details = (e as { details?: Array<{ message: string }> }).details;
    return details ? details.map((d) => d.message.trim()) : [String(e)];
  } finally {
    doc.dispose();
  }
}
