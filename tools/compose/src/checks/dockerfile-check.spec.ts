import { loadComposeContext, withCompose, withFile } from '../compose-context';
import {
  appImageProblems,
  dockerfileCheck,
  dockerfileProblems,
  parseDockerfile,
  TOOLS_DOCKERFILE,
} from './dockerfile-check';

describe('dockerfiles check', () => {
  const ctx = loadComposeContext();
  const good = ['FROM node:24.21.0-slim', 'USER node', 'COPY . .'].join('\n');

  it('joins continuation lines and skips comments', () => {
    const parsed = parseDockerfile('# c\nENV A=1 \\\n    B=2\nRUN x');
    expect(parsed).toEqual([
      { keyword: 'ENV', args: 'A=1      B=2', line: 2 },
      { keyword: 'RUN', args: 'x', line: 4 },
    ]);
  });

  it('passes on Dockerfile.tools', () => {
    expect(dockerfileCheck.run(ctx)).toEqual([]);
  });

  it.each([
    ['an untagged base image', good.replace('node:24.21.0-slim', 'node'), 'has no tag'],
    ['a latest base image', good.replace('node:24.21.0-slim', 'node:latest'), 'uses latest'],
    [
      'a base image set by ARG',
      `ARG BASE=node:24\n${good.replace('node:24.21.0-slim', '${BASE}')}`,
      'build argument',
    ],
    ['no USER', good.replace('USER node\n', ''), 'runs as root'],
    ['USER root at the end', `${good}\nUSER root`, 'runs as root'],
    ['USER 0:0', `${good}\nUSER 0:0`, 'runs as 0'],
    ['ADD of a URL', `${good}\nADD https://example.org/x.tgz /x`, 'ADD of a remote URL'],
    [
      'a Node major other than .nvmrc',
      good.replace('node:24.21.0-slim', 'node:22.12.0-slim'),
      '.nvmrc says Node 24',
    ],
  ])('fails on %s', (_, text, message) => {
    expect(dockerfileProblems('Dockerfile', text, '24')).toEqual([expect.stringContaining(message)]);
  });

  it('fails when USER is set only in an earlier build stage', () => {
    const text =
      'FROM node:24.21.0-slim AS build\nUSER node\nRUN true\nFROM gcr.io/distroless/nodejs24-debian12:nonroot\nCOPY --from=build /a /a';
    expect(dockerfileProblems('Dockerfile', text, '24')).toEqual([
      'Dockerfile: the final stage runs as root; add USER <non-root>',
    ]);
  });

  it('accepts a reference to an earlier stage as a base', () => {
    const text = 'FROM node:24.21.0-slim AS deps\nRUN true\nFROM deps\nUSER node';
    expect(dockerfileProblems('Dockerfile', text, '24')).toEqual([]);
  });

  it('checks the Dockerfile that compose builds, and reports one that is missing', () => {
    expect(dockerfileCheck.run(withFile(ctx, TOOLS_DOCKERFILE, 'FROM node:24.21.0-slim\n'))).toEqual([
      'Dockerfile.tools: the final stage runs as root; add USER <non-root>',
    ]);
    const broken = withCompose(ctx, (c) => {
      c.services['topics']!.build = { context: '.', dockerfile: 'apps/nope/Dockerfile' };
    });
    expect(dockerfileCheck.run(broken)).toEqual(['apps/nope/Dockerfile does not exist']);
  });
});

describe('dockerfiles check: app images', () => {
  const ctx = loadComposeContext();
  const app = [
    'FROM node:24.21.0-bookworm-slim AS build',
    'RUN npm ci',
    'FROM node:24.21.0-bookworm-slim AS deps',
    'RUN npm ci --omit=dev --ignore-scripts',
    'FROM node:24.21.0-bookworm-slim',
    'ENV NODE_ENV=production \\',
    '    PORT=3000',
    'COPY --from=deps /app/node_modules ./node_modules',
    'COPY --from=build /repo/dist/apps/x/ ./',
    'USER 1000:1000',
    `HEALTHCHECK CMD ["node", "-e", "fetch('http://127.0.0.1:3000/health/ready')"]`,
    'ENTRYPOINT ["node", "apps/x/src/main.js"]',
  ].join('\n');

  it('passes on every app Dockerfile, and on a minimal good one', () => {
    expect(appImageProblems('apps/x/Dockerfile', app)).toEqual([]);
    expect(dockerfileCheck.run(ctx)).toEqual([]);
  });

  it.each([
    ['a named USER', app.replace('USER 1000:1000', 'USER node'), 'use a numeric uid'],
    ['no HEALTHCHECK', app.replace(/^HEALTHCHECK.*$/m, ''), 'no HEALTHCHECK'],
    ['HEALTHCHECK NONE', app.replace(/^HEALTHCHECK.*$/m, 'HEALTHCHECK NONE'), 'no HEALTHCHECK'],
    [
      'a HEALTHCHECK on liveness',
      app.replace('/health/ready', '/health/live'),
      'does not probe /health/ready',
    ],
    [
      'a shell-form ENTRYPOINT',
      app.replace(/^ENTRYPOINT.*$/m, 'ENTRYPOINT node apps/x/src/main.js'),
      'shell form runs /bin/sh as PID 1',
    ],
    [
      'an ENTRYPOINT through a shell',
      app.replace(/^ENTRYPOINT.*$/m, 'ENTRYPOINT ["sh", "-c", "node apps/x/src/main.js"]'),
      'ENTRYPOINT starts sh',
    ],
    ['no ENTRYPOINT or CMD', app.replace(/^ENTRYPOINT.*$/m, ''), 'neither ENTRYPOINT nor CMD'],
    ['no NODE_ENV=production', app.replace('NODE_ENV=production', 'NODE_ENV=development'), 'NODE_ENV'],
    [
      'node_modules from the full install',
      app.replace('--from=deps /app/node_modules', '--from=build /repo/node_modules'),
      'stage build, which does not run npm ci --omit=dev',
    ],
    ['no node_modules at all', app.replace(/^COPY --from=deps.*$/m, ''), 'copies no node_modules'],
  ])('fails on %s', (_, text, message) => {
    expect(appImageProblems('apps/x/Dockerfile', text)).toEqual([expect.stringContaining(message)]);
  });

  it('applies the app rules to the Dockerfile of each app service', () => {
    const file = 'apps/inventory-dashboard/Dockerfile';
    const broken = withFile(
      ctx,
      file,
      ctx
        .readText(file)
        .replace(/^ENTRYPOINT \[(.*)\]$/m, (_, args: string) => `CMD ${args.replace(/"|,/g, '')}`),
    );
    expect(dockerfileCheck.run(broken)).toEqual([
      expect.stringMatching(/^apps\/inventory-dashboard\/Dockerfile:\d+: CMD in shell form/),
    ]);
  });
});
