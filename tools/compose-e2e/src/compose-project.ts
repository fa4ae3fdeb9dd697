/**
 * The compose project under test, driven through the real `docker` and
 * `docker compose` CLIs. Everything the tests learn about containers comes
 * from `docker compose ps` and `docker inspect`, as an operator would see it.
 */
import { execFile } from 'node:child_process';
import { join } from 'node:path';
import { promisify } from 'node:util';

const run = promisify(execFile);

/** The repository root, where docker-compose.yml lives. */
export const WORKSPACE_ROOT = join(__dirname, '../../..');

/** A docker or compose command failed; `retriable` is false: the output says why. */
export class ComposeCommandError extends Error {
  readonly retriable = false;
  constructor(
    readonly command: string,
    readonly exitCode: number | string | undefined,
    readonly output: string,
  ) {
    super(`\`${command}\` failed (exit ${exitCode}): ${output.trim().slice(-2000)}`);
    this.name = 'ComposeCommandError';
  }
}

/** One or more services are not running healthy (or did not complete); the message names each. */
export class UnhealthyServiceError extends Error {
  readonly retriable = false;
  constructor(readonly problems: readonly string[]) {
    super(`unhealthy compose services: ${problems.join('; ')}. Look at \`docker compose logs <service>\`.`);
    this.name = 'UnhealthyServiceError';
  }
}

/** A container of the project, as `docker compose ps --format json` lists it. */
export interface ComposeContainer {
  readonly Name: string;
  readonly Service: string;
  readonly State: string;
  readonly Health: string;
  readonly ExitCode: number;
}

/** Services that run to completion: they must have exited 0, not be healthy. */
export const INIT_SERVICES = ['topics', 'schemas'] as const;

/** Runs `docker compose` for one project name and the repository's compose file. */
export class ComposeProject {
  constructor(
    /** COMPOSE_PROJECT_NAME: the script gives CI its own, so it never touches a user's project. */
    readonly name = process.env['COMPOSE_PROJECT_NAME'] ?? 'eda-inventory',
  ) {}

  /** `docker compose <args>`; resolves with stdout, rejects with {@link ComposeCommandError}. */
  compose(args: readonly string[], timeoutMs = 600_000): Promise<string> {
    return this.docker(
      ['compose', '-p', this.name, '-f', join(WORKSPACE_ROOT, 'docker-compose.yml'), ...args],
      timeoutMs,
    );
  }

  /** `docker <args>`. */
  async docker(args: readonly string[], timeoutMs = 120_000): Promise<string> {
    try {
      const { stdout } = await run('docker', [...args], {
        cwd: WORKSPACE_ROOT,
        timeout: timeoutMs,
        maxBuffer: 64 * 1024 * 1024,
      });
      return stdout;
    } catch (err) {
      const e = err as { code?: number | string; stdout?: string; stderr?: string };
      throw new ComposeCommandError(`docker ${args.join(' ')}`, e.code, `${e.stderr ?? ''}${e.stdout ?? ''}`);
    }
  }

  /** Every container of the project, stopped ones included. */
  async containers(): Promise<ComposeContainer[]> {
    const out = await this.compose(['ps', '--all', '--format', 'json']);
    // Compose v2.21+ prints one JSON object per line; older ones a JSON array.
    const text = out.trim();
    if (text === '') return [];
    return text.startsWith('[')
      ? (JSON.parse(text) as ComposeContainer[])
      : text.split('\n').map((line) => JSON.parse(line) as ComposeContainer);
  }

  /** The container id of a service's (single) container. */
  async containerId(service: string): Promise<string> {
    const id = (await this.compose(['ps', '--all', '-q', service])).trim();
    if (id === '') throw new UnhealthyServiceError([`${service}: no container`]);
    return id;
  }

  /** `docker inspect` of a container or image, parsed. */
  async inspect<T = Record<string, unknown>>(
    target: string,
    kind: 'container' | 'image' = 'container',
  ): Promise<T> {
    const [first] = JSON.parse(await this.docker([kind, 'inspect', target])) as T[];
    return first as T;
  }

  /**
   * Throws {@link UnhealthyServiceError} naming every service of `expected`
   * that is not running healthy (init services: not exited 0).
   */
  async assertHealthy(expected: readonly string[]): Promise<void> {
    const containers = await this.containers();
    const problems: string[] = [];
    for (const service of expected) {
      const c = containers.find((x) => x.Service === service);
      if (c === undefined) problems.push(`${service}: no container`);
      else if ((INIT_SERVICES as readonly string[]).includes(service)) {
        if (c.State !== 'exited' || c.ExitCode !== 0)
          problems.push(`${service}: ${c.State}, exit ${c.ExitCode}`);
      } else if (c.State !== 'running' || c.Health !== 'healthy') {
        problems.push(`${service}: ${c.State}${c.Health ? ` (${c.Health})` : ' (no healthcheck)'}`);
      }
    }
    if (problems.length > 0) throw new UnhealthyServiceError(problems);
  }

  /**
   * Every volume name on the engine. Anonymous volumes (an image's `VOLUME`
   * without a mount) carry no project label: comparing this list before and
   * after is the only way to see that `down -v` left one behind.
   */
  async volumeNames(): Promise<string[]> {
    return (await this.docker(['volume', 'ls', '-q'])).split('\n').filter(Boolean);
  }

  /** Names of the volumes (named and anonymous) mounted by the project's containers now. */
  async mountedVolumes(): Promise<string[]> {
    const ids = (await this.compose(['ps', '--all', '-q'])).split('\n').filter(Boolean);
    if (ids.length === 0) return [];
    const infos = JSON.parse(await this.docker(['container', 'inspect', ...ids])) as Array<{
      Mounts: Array<{ Type: string; Name?: string }>;
    }>;
    return infos.flatMap((i) =>
      i.Mounts.filter((m) => m.Type === 'volume' && m.Name).map((m) => m.Name as string),
    );
  }

  /** Containers, volumes and networks still labelled with this project, by kind. */
  async leftovers(): Promise<Record<'containers' | 'volumes' | 'networks', string[]>> {
    const label = `label=com.docker.compose.project=${this.name}`;
    const list = async (args: string[]) =>
      (await this.docker(args))
        .split('\n')
        .map((s) => s.trim())
        .filter(Boolean);
    return {
      containers: await list(['ps', '-a', '--filter', label, '--format', '{{.Names}}']),
      volumes: await list(['volume', 'ls', '--filter', label, '--format', '{{.Name}}']),
      networks: await list(['network', 'ls', '--filter', label, '--format', '{{.Name}}']),
    };
  }
}
