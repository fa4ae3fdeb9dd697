import { resolve } from 'node:path';
import { locateToolchain } from './toolchain';
import { checkWorkflows, workflowFiles } from './workflows';

const root = resolve(__dirname, '..', '..', '..');

describe('workflows (actionlint)', () => {
  // Throws ToolchainMissingError: "... Run tools/manifests/install-tools.sh ..."
  const { actionlint } = locateToolchain();

  it('passes the repository workflows: build, test and push the images, propose and promote releases', () => {
    expect(workflowFiles(root)).toEqual(['.github/workflows/images.yaml', '.github/workflows/promote.yaml']);
    expect(checkWorkflows(actionlint, root)).toEqual([]);
  });

  it('fails on a broken workflow, naming each mistake', () => {
    const violations = checkWorkflows(actionlint, root, 'tools/manifests/src/testing/workflows-broken');
    const messages = violations.map((v) => `${v.source} ${v.object}: ${v.message}`);
    expect(messages).toEqual(
      expect.arrayContaining([
        expect.stringMatching(
          /images\.yaml line \d+:\d+: job "images" needs job "tests" which does not exist/,
        ),
        expect.stringMatching(/input "dockerfiles" is not defined in action "docker\/build-push-action@v6"/),
        expect.stringMatching(/property "shaa" is not defined in object type/),
      ]),
    );
    expect(violations.every((v) => v.policy === 'workflows')).toBe(true);
  });
});
