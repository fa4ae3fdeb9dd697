// Shared Jest set-up. A project's jest.config.cjs calls `jestConfig(__dirname)`.
//
// Two Jest projects per Nx project:
//   unit         *.spec.ts      no I/O beyond the process
//   integration  *.int-spec.ts  real Kafka and Apicurio; its globalSetup attaches
//                               to the native stack or starts it. Jest runs a
//                               project's globalSetup only when one of its tests
//                               is selected, so unit-only runs never start a JVM.
//   fault        *.fault-spec.ts  only with EDA_FAULT_SUITE=true (the `fault`
//                               target): kills and restarts the processes of a
//                               dedicated stack (libs/testing/src/faults), so it
//                               never runs inside `npm test`.
const { join } = require('node:path');
const { readFileSync } = require('node:fs');

const workspaceRoot = __dirname;

/** Maps each tsconfig.base.json path alias to its source, for Jest's resolver. */
function moduleNameMapper() {
  const { compilerOptions } = JSON.parse(readFileSync(join(workspaceRoot, 'tsconfig.base.json'), 'utf8'));
  const mapper = {};
  for (const [alias, [target]] of Object.entries(compilerOptions.paths)) {
    mapper[`^${alias.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&')}$`] = join(workspaceRoot, target);
  }
  return mapper;
}

const swc = [
  '@swc/jest',
  {
    jsc: {
      parser: { syntax: 'typescript', decorators: true },
      transform: { legacyDecorator: true, decoratorMetadata: true },
      target: 'es2023',
    },
    module: { type: 'commonjs' },
    sourceMaps: 'inline',
  },
];

// NestJS 12 ships ES modules only, which Jest's CommonJS runtime cannot
// require as they are: let SWC transpile them too. Every other package in
// node_modules stays untransformed.
const ESM_ONLY_PACKAGES = ['@nestjs', '@platformatic'];

function common(projectDir) {
  return {
    rootDir: projectDir,
    testEnvironment: 'node',
    transform: { '^.+\\.[tj]s$': swc },
    transformIgnorePatterns: [`/node_modules/(?!(${ESM_ONLY_PACKAGES.join('|')})/)`],
    moduleFileExtensions: ['ts', 'js', 'json'],
    moduleNameMapper: moduleNameMapper(),
  };
}

/** The Nx project name: project.json's name, else package.json's. */
function projectName(projectDir) {
  for (const file of ['project.json', 'package.json']) {
    try {
      const { name } = JSON.parse(readFileSync(join(projectDir, file), 'utf8'));
      if (name) return name;
    } catch {
      // not this file
    }
  }
  throw new Error(`${projectDir} has neither project.json nor package.json with a name`);
}

/**
 * @param {string} projectDir the project's folder (pass __dirname)
 * @returns {import('jest').Config}
 */
function jestConfig(projectDir) {
  const name = projectName(projectDir);
  // A test that leaks a handle (a socket, a timer) must not keep a finished run alive: CI would wait
  // for its 90-minute limit instead of failing. EDA_JEST_DEBUG_HANDLES=true lists the leaks instead.
  const debugHandles = process.env.EDA_JEST_DEBUG_HANDLES === 'true';
  return {
    displayName: name,
    // EDA_TEST_BAIL=true (CI): stop at the first failing test file, so a red run ends in minutes.
    bail: process.env.EDA_TEST_BAIL === 'true' ? 1 : 0,
    forceExit: !debugHandles,
    detectOpenHandles: debugHandles,
    projects: [
      {
        ...common(projectDir),
        displayName: `${name}:unit`,
        testMatch: ['<rootDir>/**/*.spec.ts'],
      },
      {
        ...common(projectDir),
        displayName: `${name}:integration`,
        testMatch: ['<rootDir>/**/*.int-spec.ts'],
        globalSetup: join(workspaceRoot, 'libs/testing/src/jest/global-setup.ts'),
        globalTeardown: join(workspaceRoot, 'libs/testing/src/jest/global-teardown.ts'),
        setupFilesAfterEnv: [join(workspaceRoot, 'libs/testing/src/jest/integration-setup.ts')],
        slowTestThreshold: 15,
      },
      ...(process.env.EDA_FAULT_SUITE === 'true'
        ? [
            {
              ...common(projectDir),
              displayName: `${name}:fault`,
              testMatch: ['<rootDir>/**/*.fault-spec.ts'],
              globalSetup: join(workspaceRoot, 'libs/testing/src/jest/fault-setup.ts'),
              globalTeardown: join(workspaceRoot, 'libs/testing/src/jest/fault-teardown.ts'),
              setupFilesAfterEnv: [join(workspaceRoot, 'libs/testing/src/jest/integration-setup.ts')],
            },
          ]
        : []),
    ],
  };
}

module.exports = { jestConfig, workspaceRoot };
