import { pathToFileURL } from 'node:url';
import { VERSION as extractCoreVersion } from '@gpes/extract-core';
import { VERSION as meshClientVersion } from '@gpes/mesh-client';
import { VERSION as messagesVersion } from '@gpes/messages';

/** @summary Runs the GPES flow end to end over the fake MESH server (grows with the package issues). */
export async function main(): Promise<void> {
  console.log('GPES MESH SDK demo');
  console.log(`  @gpes/mesh-client  ${meshClientVersion}`);
  console.log(`  @gpes/messages     ${messagesVersion}`);
  console.log(`  @gpes/extract-core ${extractCoreVersion}`);
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  main().catch((error: unknown) => {
    console.error(error);
    process.exitCode = 1;
  });
}
