// Downloads the IBM MQ Redistributable C Client for Linux x64 and verifies its
// SHA-256 before anything unpacks it. Runs in the mq-bridge image's build
// stage (apps/mq-bridge/Dockerfile), where the internet is reachable; the
// machines this repository is built on cannot reach IBM, which is why npm
// installs there set MQIJS_NOREDIST and skip ibmmq's own download.
//
// Plain Node (fetch, crypto), no dependencies, so the build stage needs
// neither curl nor apt.
//
//   node fetch-mq-redist.mjs <version> <sha256> <output file> [base URL]
//
// An empty <sha256> fails after the download, printing the digest it got,
// so a first build states the value to check against IBM's published one and
// to pin (build argument MQ_REDIST_SHA256). A mismatch fails and deletes the file.
import { createHash } from 'node:crypto';
import { rmSync, writeFileSync } from 'node:fs';

/** Where ibmmq's own postinstall downloads the client from (node_modules/ibmmq/postinstall.mjs). */
export const DEFAULT_BASE_URL =
  'https://public.dhe.ibm.com/ibmdl/export/pub/software/websphere/messaging/mqdev/redist';

/** The archive name for a V.R.M.F version, as IBM names it. */
export function archiveName(version) {
  if (!/^\d+\.\d+\.\d+\.\d+$/.test(version)) throw new Error(`version must be V.R.M.F, got "${version}"`);
  return `${version}-IBM-MQC-Redist-LinuxX64.tar.gz`;
}

/** Downloads `url` to `out`; resolves with the digest; rejects (and deletes `out`) unless it equals `sha256`. */
export async function fetchVerified(url, sha256, out) {
  const res = await fetch(url);
  if (!res.ok) throw new Error(`GET ${url}: HTTP ${res.status}`);
  const body = Buffer.from(await res.arrayBuffer());
  const digest = createHash('sha256').update(body).digest('hex');
  const wanted = (sha256 ?? '').trim().toLowerCase();
  if (!wanted) {
    throw new Error(
      `no checksum given for ${url}; it downloaded with sha256 ${digest}. ` +
        "Check that value against IBM's published checksum, then pass it as --build-arg MQ_REDIST_SHA256=<sha256>.",
    );
  }
  if (digest !== wanted) {
    rmSync(out, { force: true });
    throw new Error(`checksum mismatch for ${url}: expected ${wanted}, got ${digest}`);
  }
  writeFileSync(out, body);
  return digest;
}

async function main(argv) {
  const [version, sha256, out, base = DEFAULT_BASE_URL] = argv;
  if (!version || sha256 === undefined || !out) {
    throw new Error('usage: fetch-mq-redist.mjs <version> <sha256> <output file> [base URL]');
  }
  const url = `${base.replace(/\/+$/, '')}/${archiveName(version)}`;
  const digest = await fetchVerified(url, sha256, out);
  console.log(`${url}: sha256 ${digest} verified, saved as ${out}`);
}

if (import.meta.url === `file://${process.argv[1]}`) {
  main(process.argv.slice(2)).catch((err) => {
    console.error(err instanceof Error ? err.message : String(err));
    process.exit(1);
  });
}
