/** Paths shared by the build, the rehearsal and their tests. */
import { resolve } from 'node:path';

/** The workspace root, from this file's location (tools/docker/src). */
export const WORKSPACE_ROOT = resolve(__dirname, '../../..');
