/**
 * Server-side dry-run applies of everything rendered, against a real
 * kube-apiserver (built from k8s.io/kubernetes by install-apiserver.sh) on a
 * throw-away etcd. What kubeconform cannot see, the API server does: defaulting
 * and validation of the real types (not a JSON-schema approximation), CRD
 * structural validation, unknown fields (`--validate=strict`), admission (the
 * namespaces' Pod Security labels: a `warn` or `enforce` violation of a
 * workload or Pod is a warning, and every warning is a finding unless
 * ALLOWED_WARNINGS names it).
 *
 * Set-up: the namespaces of every env's gitops/platform/namespaces overlay are
 * created for real (so Pod Security admission sees their labels), plus the
 * namespaces objects are deployed to (argocd, kube-system). CRDs are built from
 * the offline schemas (EDA_K8S_SCHEMAS, the same files kubeconform reads), as
 * the operators' charts cannot be rendered offline. Then each rendered set is
 * applied with `kubectl apply --server-side --dry-run=server`; chart scenarios
 * go to namespace eda, as `helm template --namespace eda` renders them
 * (objects without a namespace get `eda`).
 *
 * Admission plugins: the defaults, less ServiceAccount (no controller creates
 * service accounts here, so any Pod would be refused for a missing one).
 */
import { spawn, spawnSync, ChildProcess } from 'node:child_process';
import { generateKeyPairSync, randomBytes } from 'node:crypto';
import {
  existsSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  writeFileSync,
  openSync,
  accessSync,
  constants,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { stringify } from 'yaml';
import { isObject, RenderedSet, Violation } from './manifest';
import { toolDirs } from './toolchain';

const POLICY = 'dry-run';

/** The binaries the dry run needs (install-apiserver.sh builds them). */
export type ApiServerTool = 'etcd' | 'kube-apiserver' | 'kubectl';
export const API_SERVER_TOOLS: readonly ApiServerTool[] = ['etcd', 'kube-apiserver', 'kubectl'];

/** Where each binary is, or undefined when any is missing. */
export function locateApiServer(
  env: NodeJS.ProcessEnv = process.env,
): Record<ApiServerTool, string> | undefined {
  const found: Partial<Record<ApiServerTool, string>> = {};
  for (const tool of API_SERVER_TOOLS) {
    for (const dir of toolDirs(env)) {
      const path = join(dir, tool);
      try {
        accessSync(path, constants.X_OK);
        found[tool] = path;
        break;
      } catch {
        // not here
      }
    }
    if (!found[tool]) return undefined;
  }
  return found as Record<ApiServerTool, string>;
}

/** Kinds of the CRD files in the offline schema folder (file names are lower case). */
const CRD_KINDS: Readonly<Record<string, string>> = {
  application: 'Application',
  applicationset: 'ApplicationSet',
  appproject: 'AppProject',
  sealedsecret: 'SealedSecret',
  kafka: 'Kafka',
  kafkabridge: 'KafkaBridge',
  kafkaconnect: 'KafkaConnect',
  kafkaconnector: 'KafkaConnector',
  kafkanodepool: 'KafkaNodePool',
  kafkarebalance: 'KafkaRebalance',
  kafkatopic: 'KafkaTopic',
  kafkauser: 'KafkaUser',
  podmonitor: 'PodMonitor',
  prometheusrule: 'PrometheusRule',
  servicemonitor: 'ServiceMonitor',
  instrumentation: 'Instrumentation',
  opentelemetrycollector: 'OpenTelemetryCollector',
};

/** Turns a kubeconform JSON schema back into a structural CRD schema. */
export function structuralSchema(node: unknown): unknown {
  if (Array.isArray(node)) return node.map(structuralSchema);
  if (!isObject(node)) return node;
  const out: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(node)) {
    if (key === '$schema' || key === 'id' || key === '$id') continue;
    if (key === 'additionalProperties' && (value === false || 'properties' in node)) continue;
    if (key === 'type' && Array.isArray(value)) {
      const types = value.filter((t) => t !== 'null');
      if (types.length === 1) out['type'] = types[0];
      if (value.includes('null')) out['nullable'] = true;
      continue;
    }
    out[key] =
      key === 'properties' && isObject(value)
        ? Object.fromEntries(Object.entries(value).map(([k, v]) => [k, structuralSchema(v)]))
        : structuralSchema(value);
  }
  return out;
}

/** CRDs for every group/kind in `<schemas>/crds`, each version served, the newest stored. */
export function crdsFromSchemas(schemasDir: string): Record<string, unknown>[] {
  const crdsDir = join(schemasDir, 'crds');
  if (!existsSync(crdsDir)) return [];
  const crds: Record<string, unknown>[] = [];
  for (const group of readdirSync(crdsDir).sort()) {
    const groupDir = join(crdsDir, group);
    if (!group.includes('.')) continue;
    const byKind = new Map<string, string[]>();
    for (const file of readdirSync(groupDir).filter((f) => f.endsWith('.json'))) {
      const m = /^([a-z0-9]+)_(v[0-9a-z]+)\.json$/.exec(file);
      if (!m || !CRD_KINDS[m[1] ?? '']) continue;
      byKind.set(m[1] ?? '', [...(byKind.get(m[1] ?? '') ?? []), m[2] ?? '']);
    }
    for (const [lower, versions] of byKind) {
      const kind = CRD_KINDS[lower] ?? lower;
      // v1 > v1beta2 > v1alpha1: the first GA version stores.
      const ordered = [...versions].sort((a, b) => rank(b) - rank(a));
      crds.push({
        apiVersion: 'apiextensions.k8s.io/v1',
        kind: 'CustomResourceDefinition',
        metadata: { name: `${lower}s.${group}` },
        spec: {
          group,
          scope: 'Namespaced',
          names: { kind, listKind: `${kind}List`, plural: `${lower}s`, singular: lower },
          versions: ordered.map((version, i) => {
            const schema = JSON.parse(
              readFileSync(join(groupDir, `${lower}_${version}.json`), 'utf8'),
            ) as unknown;
            return {
              name: version,
              served: true,
              storage: i === 0,
              schema: { openAPIV3Schema: structuralSchema(schema) },
            };
          }),
        },
      });
    }
  }
  return crds;
}

function rank(version: string): number {
  const m = /^v(\d+)(?:(alpha|beta)(\d+))?$/.exec(version);
  if (!m) return 0;
  const stage = m[2] === 'alpha' ? 0 : m[2] === 'beta' ? 1 : 2;
  return Number(m[1]) * 1000 + stage * 100 + Number(m[3] ?? 0);
}

const sleep = (ms: number) => Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, ms);
/** Ports the kernel reports free right now (a tiny race remains; start() is retried once). */
function freePorts(count: number): number[] {
  const script =
    "const net=require('net');const s=[];let n=" +
    String(count) +
    ";for(let i=0;i<n;i++){const v=net.createServer();v.listen(0,'127.0.0.1',()=>{s.push(v);if(s.length===n){console.log(s.map(x=>x.address().port).join(' '));s.forEach(x=>x.close())}})}";
  const r = spawnSync(process.execPath, ['-e', script], { encoding: 'utf8' });
  const ports = r.stdout.trim().split(' ').map(Number);
  if (ports.length !== count || ports.some((p) => !Number.isInteger(p) || p <= 0)) {
    throw new Error(`could not find ${count} free ports: ${r.stderr}`);
  }
  return ports;
}

/** A running etcd + kube-apiserver and a kubeconfig for it. */
class ApiServer {
  private readonly procs: ChildProcess[] = [];
  readonly dir = mkdtempSync(join(tmpdir(), 'eda-dry-run-'));
  readonly kubeconfig = join(this.dir, 'kubeconfig');

  constructor(private readonly tools: Record<ApiServerTool, string>) {}

  start(timeoutMs = 180_000): void {
    const [etcdPort, peerPort, apiPort] = freePorts(3) as [number, number, number];
    const log = (name: string) => openSync(join(this.dir, `${name}.log`), 'a');
    this.procs.push(
      spawn(
        this.tools.etcd,
        [
          '--name=default',
          `--data-dir=${join(this.dir, `etcd-${etcdPort}`)}`,
          `--listen-client-urls=http://127.0.0.1:${etcdPort}`,
          `--advertise-client-urls=http://127.0.0.1:${etcdPort}`,
          `--listen-peer-urls=http://127.0.0.1:${peerPort}`,
          `--initial-advertise-peer-urls=http://127.0.0.1:${peerPort}`,
          `--initial-cluster=default=http://127.0.0.1:${peerPort}`,
          '--unsafe-no-fsync',
          '--log-level=error',
        ],
        { stdio: ['ignore', log('etcd'), log('etcd')] },
      ),
    );
    const { publicKey, privateKey } = generateKeyPairSync('rsa', {
      modulusLength: 2048,
      publicKeyEncoding: { type: 'spki', format: 'pem' },
      privateKeyEncoding: { type: 'pkcs8', format: 'pem' },
    });
    writeFileSync(join(this.dir, 'sa.pub'), publicKey);
    writeFileSync(join(this.dir, 'sa.key'), privateKey);
    const token = randomBytes(24).toString('hex');
    writeFileSync(join(this.dir, 'tokens.csv'), `${token},admin,admin,"system:masters"\n`);
    this.procs.push(
      spawn(
        this.tools['kube-apiserver'],
        [
          `--etcd-servers=http://127.0.0.1:${etcdPort}`,
          '--bind-address=127.0.0.1',
          '--advertise-address=127.0.0.1',
          `--secure-port=${apiPort}`,
          `--cert-dir=${join(this.dir, 'certs')}`,
          '--service-account-issuer=https://kubernetes.default.svc',
          `--service-account-key-file=${join(this.dir, 'sa.pub')}`,
          `--service-account-signing-key-file=${join(this.dir, 'sa.key')}`,
          `--token-auth-file=${join(this.dir, 'tokens.csv')}`,
          '--authorization-mode=RBAC',
          '--service-cluster-ip-range=10.96.0.0/16',
          '--enable-priority-and-fairness=false',
          '--endpoint-reconciler-type=none',
          '--disable-admission-plugins=ServiceAccount',
          '--profiling=false',
        ],
        { stdio: ['ignore', log('kube-apiserver'), log('kube-apiserver')] },
      ),
    );
    writeFileSync(
      this.kubeconfig,
      stringify({
        apiVersion: 'v1',
        kind: 'Config',
        clusters: [
          {
            name: 'dry-run',
            cluster: { server: `https://127.0.0.1:${apiPort}`, 'insecure-skip-tls-verify': true },
          },
        ],
        users: [{ name: 'admin', user: { token } }],
        contexts: [{ name: 'dry-run', context: { cluster: 'dry-run', user: 'admin' } }],
        'current-context': 'dry-run',
      }),
    );
    const deadline = Date.now() + timeoutMs;
    while (Date.now() < deadline) {
      if (this.procs.some((p) => p.exitCode !== null)) break;
      if (this.kubectl(['get', '--raw', '/readyz']).status === 0) return;
      sleep(1000);
    }
    throw new Error(
      `kube-apiserver did not become ready; logs in ${this.dir}:\n${this.tail('kube-apiserver')}\n${this.tail('etcd')}`,
    );
  }

  tail(name: string): string {
    const path = join(this.dir, `${name}.log`);
    return existsSync(path) ? readFileSync(path, 'utf8').split('\n').slice(-15).join('\n') : '';
  }

  kubectl(args: string[], input?: string) {
    return spawnSync(this.tools.kubectl, [`--kubeconfig=${this.kubeconfig}`, ...args], {
      input,
      encoding: 'utf8',
      maxBuffer: 64 * 1024 * 1024,
    });
  }

  stop(keep = false): void {
    for (const p of this.procs) p.kill('SIGTERM');
    for (const p of this.procs) {
      for (let i = 0; i < 50 && p.exitCode === null && p.signalCode === null; i++) sleep(100);
      if (p.exitCode === null && p.signalCode === null) p.kill('SIGKILL');
    }
    this.procs.length = 0;
    if (!keep) rmSync(this.dir, { recursive: true, force: true });
  }
}

/** Thrown when the API server cannot be brought up or set up. */
export class DryRunSetupError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'DryRunSetupError';
  }
}

/**
 * A `v1 List` as JSON: kubectl reads YAML 1.1, where a re-serialised `off` or
 * `yes` would turn into a boolean, so the objects are handed over as JSON.
 */
const toList = (objects: readonly unknown[]) =>
  JSON.stringify({ apiVersion: 'v1', kind: 'List', items: objects });

/**
 * Warnings that are not defects. The API server warns about every finalizer
 * without a path; Argo CD's own finalizer is named that way, and Argo CD
 * requires that name.
 */
export const ALLOWED_WARNINGS: readonly RegExp[] = [
  /metadata\.finalizers: "resources-finalizer\.argocd\.argoproj\.io": prefer a domain-qualified finalizer name/,
];

/** Kinds without a namespace. */
const CLUSTER_SCOPED: ReadonlySet<string> = new Set([
  'Namespace',
  'ClusterRole',
  'ClusterRoleBinding',
  'CustomResourceDefinition',
  'PriorityClass',
  'StorageClass',
  'IngressClass',
  'PersistentVolume',
  'MutatingWebhookConfiguration',
  'ValidatingWebhookConfiguration',
]);

/** The objects with the namespace helm would apply them to (eda) where they carry none. */
function inNamespace(set: RenderedSet): unknown[] {
  return set.objects.map((o) =>
    o.metadata.namespace || CLUSTER_SCOPED.has(o.kind)
      ? o
      : { ...o, metadata: { ...o.metadata, namespace: 'eda' } },
  );
}

/** Server-side dry-run applies every rendered set; each failure is a violation. */
export function dryRunApply(
  tools: Record<ApiServerTool, string>,
  sets: readonly RenderedSet[],
  schemasDir: string | undefined,
): Violation[] {
  const server = new ApiServer(tools);
  let ok = false;
  try {
    try {
      server.start();
    } catch (first) {
      // A port taken between choosing and binding: once more, on new ports.
      server.stop(true);
      try {
        server.start();
      } catch (e) {
        throw new DryRunSetupError(
          `${String(first instanceof Error ? first.message : first)}\n${String(e instanceof Error ? e.message : e)}`,
        );
      }
    }
    const setup = (what: string, args: string[], input?: string) => {
      const r = server.kubectl(args, input);
      if (r.status !== 0) throw new DryRunSetupError(`${what}: ${r.stderr || r.stdout}`);
    };
    const crds = schemasDir ? crdsFromSchemas(schemasDir) : [];
    if (crds.length > 0) {
      setup('installing CRDs from the offline schemas', ['apply', '--server-side', '-f', '-'], toList(crds));
      // kubectl wait fails at once, instead of waiting, while a fresh CRD has no status.conditions yet
      // (".status.conditions accessor error": seen on a clean-clone CI run under load); ask again.
      for (let attempt = 1; ; attempt++) {
        const r = server.kubectl(['wait', '--for=condition=Established', '--timeout=180s', 'crd', '--all']);
        if (r.status === 0) break;
        if (attempt >= 60 || !/accessor error/.test(`${r.stderr}${r.stdout}`)) {
          throw new DryRunSetupError(`waiting for the CRDs: ${r.stderr || r.stdout}`);
        }
        spawnSync('sleep', ['1']);
      }
    }
    // Namespaces for real, with their Pod Security labels (the same in every env).
    const namespaces = sets
      .filter((s) => s.source.startsWith('gitops/platform/namespaces/'))
      .flatMap((s) => s.objects.filter((o) => o.kind === 'Namespace'));
    const extra = ['argocd', 'eda', 'monitoring', 'strimzi-system']
      .filter((n) => !namespaces.some((o) => o.metadata.name === n))
      .map((name) => ({ apiVersion: 'v1', kind: 'Namespace', metadata: { name } }));
    setup(
      'creating namespaces',
      ['apply', '--server-side', '--force-conflicts', '-f', '-'],
      toList([...namespaces, ...extra]),
    );

    const violations: Violation[] = [];
    for (const set of sets) {
      if (set.objects.length === 0) continue;
      const r = server.kubectl(
        ['apply', '--server-side', '--force-conflicts', '--dry-run=server', '--validate=strict', '-f', '-'],
        toList(inNamespace(set)),
      );
      const lines = r.stderr
        .split('\n')
        .map((l) => l.trim())
        .filter((l) => l !== '');
      // Every warning is a finding (Pod Security `warn`, deprecated APIs, ...) unless allowed.
      const findings = lines.filter((l) =>
        l.startsWith('Warning:') ? !ALLOWED_WARNINGS.some((w) => w.test(l)) : r.status !== 0,
      );
      if (r.status !== 0 && findings.length === 0) findings.push(`kubectl apply exited ${String(r.status)}`);
      for (const message of findings) {
        violations.push({
          policy: POLICY,
          source: set.source,
          object: 'kubectl apply --dry-run=server',
          message,
        });
      }
    }
    ok = true;
    return violations;
  } finally {
    // Keep the logs when the set-up failed, for the error message's pointer.
    server.stop(!ok && process.env['EDA_DRY_RUN_KEEP'] === '1');
  }
}
