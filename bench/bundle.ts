/**
 * Bundles a bench entry point to plain JavaScript with esbuild (packages stay external), so it
 * runs under plain `node` as a user's build would: used for the bench itself (`launch.ts`) and
 * for the stream child (`stream.ts`).
 */
import { build } from 'esbuild'

/** Bundles `entry` (a .ts file path) into `outfile` (an ESM .mjs path). */
export const bundle = async (entry: string, outfile: string): Promise<void> => {
  await build({ entryPoints: [entry], bundle: true, platform: 'node', format: 'esm', packages: 'external', outfile, logLevel: 'error' })
}
