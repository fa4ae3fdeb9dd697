import { loadComposeContext, withCompose, withFile } from '../compose-context';
import { dockerfileCheck, dockerfileProblems, parseDockerfile, TOOLS_DOCKERFILE } from './dockerfile-check';

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
