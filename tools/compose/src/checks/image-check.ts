/**
 * Every service runs a pinned image: a tag other than `latest` (or a digest),
 * so `docker compose up` today and in a year runs the same software. The Kafka
 * and Apicurio images carry exactly the versions the native stack pins.
 */
import { parseEnvFile, VERSIONS_FILE } from '../compose-context';
import type { ComposeCheck } from './compose-check';

/** An image reference split into repository (with registry), tag and digest. */
export interface ImageReference {
  readonly repository: string;
  readonly tag: string | undefined;
  readonly digest: string | undefined;
}

/** Splits `registry:port/name:tag@sha256:...`; the registry's port is not a tag. */
export function parseImageReference(image: string): ImageReference {
  const [nameAndTag = '', digest] = image.split('@');
  const slash = nameAndTag.lastIndexOf('/');
  const colon = nameAndTag.lastIndexOf(':');
  const hasTag = colon > slash;
  return {
    repository: hasTag ? nameAndTag.slice(0, colon) : nameAndTag,
    tag: hasTag ? nameAndTag.slice(colon + 1) : undefined,
    digest,
  };
}

/** The repository without a registry host (`quay.io/apicurio/x` -> `apicurio/x`). */
function shortName(repository: string): string {
  const parts = repository.split('/');
  return parts.length > 1 && /[.:]|^localhost$/.test(parts[0] ?? '') ? parts.slice(1).join('/') : repository;
}

export const imagePinCheck: ComposeCheck = {
  name: 'image-pins',
  description: 'every image has a tag other than latest (or a digest); services without one are built',
  run: (ctx) => {
    const problems: string[] = [];
    for (const [name, service] of Object.entries(ctx.compose.services)) {
      if (!service.image) {
        if (!service.build) problems.push(`service ${name}: neither image nor build`);
        else problems.push(`service ${name}: builds an image but names no image:tag for it`);
        continue;
      }
      const ref = parseImageReference(service.image);
      if (!ref.tag && !ref.digest) {
        problems.push(`service ${name}: image ${service.image} has no tag; pin a version`);
      } else if (ref.tag && /^latest$|(^|-)latest$/.test(ref.tag)) {
        problems.push(`service ${name}: image ${service.image} uses '${ref.tag}'; pin a version`);
      }
    }
    return problems;
  },
};

/** Which image carries which version of tools/stack/versions.env. */
export const NATIVE_STACK_IMAGES: readonly { repository: string; versionKey: string }[] = [
  { repository: 'apache/kafka', versionKey: 'KAFKA_VERSION' },
  { repository: 'apicurio/apicurio-registry', versionKey: 'APICURIO_VERSION' },
];

export const nativeVersionCheck: ComposeCheck = {
  name: 'native-versions',
  description: 'Kafka and Apicurio images carry the versions pinned in tools/stack/versions.env',
  run: (ctx) => {
    const versions = parseEnvFile(ctx.readText(VERSIONS_FILE));
    const problems: string[] = [];
    for (const { repository, versionKey } of NATIVE_STACK_IMAGES) {
      const wanted = versions.get(versionKey);
      if (!wanted) {
        problems.push(`${VERSIONS_FILE}: ${versionKey} is missing`);
        continue;
      }
      const users = Object.entries(ctx.compose.services)
        .map(([name, s]) => ({ name, ref: parseImageReference(s.image ?? '') }))
        .filter(({ ref }) => shortName(ref.repository) === repository);
      if (users.length === 0) problems.push(`no service runs ${repository} (${versionKey}=${wanted})`);
      for (const { name, ref } of users) {
        if (ref.tag !== wanted) {
          problems.push(
            `service ${name}: ${repository}:${ref.tag ?? '(none)'} but ${VERSIONS_FILE} pins ${versionKey}=${wanted}`,
          );
        }
      }
    }
    return problems;
  },
};
