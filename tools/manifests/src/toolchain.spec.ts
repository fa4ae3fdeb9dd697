import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { locateToolchain, runTool, ToolchainMissingError, ToolFailedError } from './toolchain';

describe('toolchain', () => {
  let dir: string;
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'eda-tools-'));
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it('tells the user to run install-tools.sh when a binary is missing', () => {
    writeFileSync(join(dir, 'helm'), '#!/bin/sh\n', { mode: 0o755 });
    const locate = () => locateToolchain({ EDA_TOOLS_BIN: dir, PATH: '', HOME: dir });
    expect(locate).toThrow(ToolchainMissingError);
    expect(locate).toThrow(
      /kustomize, kubeconform, actionlint not found .*Run tools\/manifests\/install-tools.sh/,
    );
  });

  it('prefers EDA_TOOLS_BIN', () => {
    for (const tool of ['helm', 'kustomize', 'kubeconform', 'actionlint']) {
      writeFileSync(join(dir, tool), '#!/bin/sh\n', { mode: 0o755 });
    }
    expect(locateToolchain({ EDA_TOOLS_BIN: dir, PATH: '' }).kustomize).toBe(join(dir, 'kustomize'));
  });

  it('reports a failing command with its output', () => {
    const script = join(dir, 'fail');
    writeFileSync(script, '#!/bin/sh\necho "chart is broken" >&2\nexit 3\n', { mode: 0o755 });
    expect(() => runTool(script, ['lint'], { cwd: dir })).toThrow(ToolFailedError);
    expect(() => runTool(script, ['lint'], { cwd: dir })).toThrow(/fail lint failed:\nchart is broken/);
  });
});
