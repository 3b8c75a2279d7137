import { readFile } from 'node:fs/promises';
import { dirname, resolve } from 'node:path';
import { type CompiledSpec, compileSpec, loadSpec } from '@gpes/extract-core';
import type { RunTimeParameters } from '@gpes/messages';
import { ExtractionServiceError } from '../errors.js';
import { sqiReferenceDate } from './clock.js';
import type { LocalSpecification, SpecificationCatalogue } from './ports.js';

/** Options of {@link fileSpecificationCatalogue}. */
export interface FileCatalogueOptions {
  /** Query identifiers whose extracts need a Stage 1 answer before they may run. @default none */
  readonly requiresStage1?: readonly string[];
}

/**
 * Run-time parameter values for an RTP: every `bind="run"` date parameter takes the reference date the SQI carries
 * (its `yyyymmdd…` part, e.g. the achievement date of a QOF extract). This is the example's convention; a vendor's
 * product would take these from its own extract configuration.
 */
export function sqiRunParameters(spec: CompiledSpec, rtp: RunTimeParameters): Record<string, string> {
  const reference = sqiReferenceDate(rtp.scheduledQueryInstanceId);
  const values: Record<string, string> = {};
  for (const parameter of spec.parameters) {
    if ('run' in parameter.binding && parameter.type === 'date' && reference !== undefined) {
      values[parameter.name] = reference;
    }
  }
  return values;
}

/**
 * A catalogue of specifications held as files (query identifier → specification XML, with its member lists beside
 * it). Each is read and compiled once, on first use.
 * @throws ExtractionServiceError `SPEC_NOT_FOUND` (from the returned function) when a configured file cannot be
 *   read or does not compile; an unknown query identifier gives `undefined`.
 */
export function fileSpecificationCatalogue(
  files: Readonly<Record<string, string>>,
  options: FileCatalogueOptions = {},
): SpecificationCatalogue {
  const cache = new Map<string, Promise<LocalSpecification>>();
  return (queryId) => {
    const path = files[queryId];
    if (path === undefined) return undefined;
    let entry = cache.get(queryId);
    if (!entry) {
      entry = (async () => {
        let spec: CompiledSpec;
        try {
          const xml = await readFile(path, 'utf8');
          const document = await loadSpec(xml, {
            readMembers: (href) => readFile(resolve(dirname(path), href), 'utf8'),
          });
          spec = compileSpec(document);
        } catch (cause) {
          throw new ExtractionServiceError(
            'SPEC_NOT_FOUND',
            `The specification for query ${queryId} (${path}) cannot be loaded`,
            { cause },
          );
        }
        return {
          spec,
          runParameters: (rtp: RunTimeParameters) => sqiRunParameters(spec, rtp),
          requiresStage1: options.requiresStage1?.includes(queryId) ?? false,
        };
      })();
      entry.catch(() => cache.delete(queryId));
      cache.set(queryId, entry);
    }
    return entry;
  };
}
