import { createWriteStream } from 'node:fs';
import { mkdir, open, readdir, rename, rm } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';
import { pipeline } from 'node:stream/promises';

/** Suffix of files being written; a crash can leave them behind and {@link removeTemporaryFiles} removes them. */
export const TEMPORARY_SUFFIX = '.partial';

/** Flushes a directory entry so that a rename in it survives a power loss, not only a process crash. */
async function fsyncDirectory(directory: string): Promise<void> {
  let handle: Awaited<ReturnType<typeof open>> | undefined;
  try {
    handle = await open(directory, 'r');
    await handle.sync();
  } catch (error) {
    // Some platforms (Windows) cannot open a directory for fsync; the rename is still atomic there.
    if (
      (error as NodeJS.ErrnoException).code !== 'EISDIR' &&
      (error as NodeJS.ErrnoException).code !== 'EPERM'
    ) {
      throw error;
    }
  } finally {
    await handle?.close();
  }
}

/**
 * Replaces `path` with `data` atomically: readers see the old content or the new, never a mix, whatever the moment
 * the process stops. Write to a temporary sibling, fsync it, rename over the target, fsync the directory.
 */
export async function writeFileAtomic(path: string, data: string | Uint8Array): Promise<void> {
  await mkdir(dirname(path), { recursive: true });
  const temporary = `${path}.${process.pid}${TEMPORARY_SUFFIX}`;
  const handle = await open(temporary, 'w', 0o600);
  try {
    await handle.writeFile(data);
    await handle.sync();
  } finally {
    await handle.close();
  }
  await rename(temporary, path);
  await fsyncDirectory(dirname(path));
}

/**
 * Streams `source` into `path` with the same guarantee as {@link writeFileAtomic}; memory stays bounded by one chunk.
 * @returns the number of bytes written.
 */
export async function streamToFileAtomic(
  path: string,
  source: AsyncIterable<Uint8Array | string>,
  signal?: AbortSignal,
): Promise<number> {
  await mkdir(dirname(path), { recursive: true });
  const temporary = `${path}.${process.pid}${TEMPORARY_SUFFIX}`;
  let bytes = 0;
  async function* counted(): AsyncGenerator<Uint8Array> {
    for await (const chunk of source) {
      const buffer = typeof chunk === 'string' ? Buffer.from(chunk, 'utf8') : chunk;
      bytes += buffer.byteLength;
      yield buffer;
    }
  }
  try {
    await pipeline(counted(), createWriteStream(temporary, { mode: 0o600 }), { signal });
    const handle = await open(temporary, 'r+');
    try {
      await handle.sync();
    } finally {
      await handle.close();
    }
  } catch (error) {
    await rm(temporary, { force: true });
    throw error;
  }
  await rename(temporary, path);
  await fsyncDirectory(dirname(path));
  return bytes;
}

/** Removes the temporary files that a stopped process left in `directory` (not recursive). */
export async function removeTemporaryFiles(directory: string): Promise<void> {
  let names: string[];
  try {
    names = await readdir(directory);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return;
    throw error;
  }
  await Promise.all(
    names
      .filter((name) => name.endsWith(TEMPORARY_SUFFIX))
      .map((name) => rm(join(directory, basename(name)), { force: true })),
  );
}
