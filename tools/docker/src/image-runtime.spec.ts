import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { imageRuntime } from './image-runtime';
import { WORKSPACE_ROOT } from './workspace';

describe('image runtime', () => {
  it('reads the final stage: ENV, ENTRYPOINT then CMD, and the HEALTHCHECK command', () => {
    const text = [
      'FROM node:24 AS build',
      'ENV BUILD_ONLY=1',
      'ENTRYPOINT ["npm"]',
      'FROM node:24-slim',
      '# a comment',
      'ENV NODE_ENV=production \\',
      '    PORT=3001 QUOTED="a b"',
      'HEALTHCHECK --interval=10s \\',
      '  CMD ["node", "-e", "x"]',
      'ENTRYPOINT ["node", "main.js"]',
      'CMD ["--flag"]',
    ].join('\n');
    expect(imageRuntime(text)).toEqual({
      env: { NODE_ENV: 'production', PORT: '3001', QUOTED: 'a b' },
      argv: ['node', 'main.js', '--flag'],
      healthcheck: ['node', '-e', 'x'],
    });
  });

  it('refuses a shell-form ENTRYPOINT, which would not pass SIGTERM to node', () => {
    expect(() => imageRuntime('FROM node:24\nENTRYPOINT node main.js')).toThrow(/not in exec form/);
  });

  it('reads the store-simulator image', () => {
    const image = imageRuntime(readFileSync(join(WORKSPACE_ROOT, 'apps/store-simulator/Dockerfile'), 'utf8'));
    expect(image.argv).toEqual(['node', '--enable-source-maps', 'apps/store-simulator/src/main.js']);
    expect(image.env).toMatchObject({ NODE_ENV: 'production', PORT: '3001' });
    expect(image.healthcheck?.[0]).toBe('node');
  });
});
