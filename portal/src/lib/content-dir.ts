/**
 * Where the portal reads content from: `$HANSEI_CONTENT_DIR` (astro.config.ts sets it to
 * the repository's `content/` unless given; the bench points it at a generated corpus).
 * Read from the environment because bundled page code no longer knows its source path.
 */
import { resolve } from 'node:path';

export const contentDir = resolve(process.env.HANSEI_CONTENT_DIR ?? '../content');
