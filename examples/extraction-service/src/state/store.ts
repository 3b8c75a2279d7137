import { createReadStream } from 'node:fs';
import { mkdir, readdir, readFile, rm } from 'node:fs/promises';
import { join } from 'node:path';
import type { Readable } from 'node:stream';
import { ExtractionServiceError } from '../errors.js';
import {
  removeTemporaryFiles,
  streamToFileAtomic,
  TEMPORARY_SUFFIX,
  writeFileAtomic,
} from './atomic-file.js';
import { emptyState, type ServiceState } from './types.js';

const STATE_FILE = 'state.json';
const SPOOL_DIRECTORY = 'spool';

/**
 * The service's durable memory: one JSON state file, replaced atomically on every change, and a spool directory for
 * documents (RTPs as received, Query Results and other messages as they will be sent).
 *
 * Every change is on disk (fsync'd) before `update` resolves, so the caller may then act on it: acknowledge an inbox
 * message, or POST a message whose intent it has just recorded. One process must own a state directory at a time.
 */
export class FileStateStore {
  readonly directory: string;
  readonly spoolDirectory: string;
  #state: ServiceState;
  #queue: Promise<unknown> = Promise.resolve();

  private constructor(directory: string, state: ServiceState) {
    this.directory = directory;
    this.spoolDirectory = join(directory, SPOOL_DIRECTORY);
    this.#state = state;
  }

  /**
   * Opens (or creates) the state directory and reads the state left by a previous run.
   * @throws ExtractionServiceError `STATE_CORRUPT` when the state file exists but cannot be read as state.
   */
  static async open(directory: string): Promise<FileStateStore> {
    await mkdir(join(directory, SPOOL_DIRECTORY), { recursive: true, mode: 0o700 });
    await removeTemporaryFiles(directory);
    await removeTemporaryFiles(join(directory, SPOOL_DIRECTORY));
    let text: string | undefined;
    try {
      text = await readFile(join(directory, STATE_FILE), 'utf8');
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
    }
    if (text === undefined) return new FileStateStore(directory, emptyState());
    let parsed: unknown;
    try {
      parsed = JSON.parse(text);
    } catch (cause) {
      throw new ExtractionServiceError('STATE_CORRUPT', `The state file in ${directory} is not valid JSON.`, {
        cause,
      });
    }
    if (typeof parsed !== 'object' || parsed === null || (parsed as { version?: unknown }).version !== 1) {
      throw new ExtractionServiceError(
        'STATE_CORRUPT',
        `The state file in ${directory} has an unknown version.`,
      );
    }
    return new FileStateStore(directory, { ...emptyState(), ...(parsed as ServiceState) });
  }

  /** A snapshot of the state. Mutating it changes nothing: use {@link update}. */
  get state(): Readonly<ServiceState> {
    return structuredClone(this.#state);
  }

  /**
   * Applies `mutate` to a copy of the state and makes the result durable; changes are applied one at a time.
   * If `mutate` throws, or the write fails, the state is unchanged.
   * @returns what `mutate` returned.
   */
  update<T>(mutate: (draft: ServiceState) => T): Promise<T> {
    const run = this.#queue.then(async () => {
      const draft = structuredClone(this.#state);
      const result = mutate(draft);
      await writeFileAtomic(join(this.directory, STATE_FILE), `${JSON.stringify(draft)}\n`);
      this.#state = draft;
      return result;
    });
    // The queue continues after a failed update; the failure goes to this caller only.
    this.#queue = run.catch(() => undefined);
    return run;
  }

  /** Path of a spool file. */
  spoolPath(name: string): string {
    return join(this.spoolDirectory, name);
  }

  /** Writes a spool file durably (temporary file, fsync, rename). @returns its size in bytes. */
  async writeSpool(
    name: string,
    content: string | Uint8Array | AsyncIterable<Uint8Array | string>,
    signal?: AbortSignal,
  ): Promise<number> {
    if (typeof content === 'string' || content instanceof Uint8Array) {
      const bytes = typeof content === 'string' ? Buffer.from(content, 'utf8') : content;
      await writeFileAtomic(this.spoolPath(name), bytes);
      return bytes.byteLength;
    }
    return streamToFileAtomic(this.spoolPath(name), content, signal);
  }

  /** Reads a whole spool file (for small documents such as an RTP). */
  readSpool(name: string): Promise<Buffer> {
    return readFile(this.spoolPath(name));
  }

  /** Streams a spool file (for large documents such as a Query Results message). */
  openSpool(name: string): Readable {
    return createReadStream(this.spoolPath(name));
  }

  /** Names of the spool files (completed writes only). */
  async listSpool(): Promise<string[]> {
    return (await readdir(this.spoolDirectory)).filter((name) => !name.endsWith(TEMPORARY_SUFFIX));
  }

  /** Deletes a spool file that is no longer needed. */
  async removeSpool(name: string): Promise<void> {
    await rm(this.spoolPath(name), { force: true });
  }
}
