import { AssignerProtocol, GroupMember, GroupMemberAssignment, PartitionAssigner } from 'kafkajs';

/** What a member tells the group leader (inside the JoinGroup metadata's userData). */
export interface SubscriptionInfo {
  readonly version: 1;
  /** `application.server`, or null when the instance serves no queries. */
  readonly server: string | null;
  /** Tasks the member ran before this rebalance, for stickiness (fewer restores). */
  readonly tasks: string[];
}

/** How tasks map onto topic partitions. */
export interface TaskLayout {
  /** Source topics per sub-topology id. */
  readonly sourceTopics: ReadonlyMap<number, string[]>;
}

/** The assigner's protocol name; all members of an application must use it. */
export const STREAMS_ASSIGNER_NAME = 'eda-streams';

/** Decodes a member's subscription userData (null for foreign or malformed members). */
export function decodeSubscription(metadata: Buffer): SubscriptionInfo | null {
  try {
    const userData = AssignerProtocol.MemberMetadata.decode(metadata)?.userData;
    const info =
      userData && userData.length > 0 ? (JSON.parse(userData.toString('utf8')) as SubscriptionInfo) : null;
    return info?.version === 1 ? info : null;
  } catch {
    return null;
  }
}

/**
 * Kafka Streams' assignment, reduced to what this engine needs:
 * - tasks, not partitions, are assigned: task `<sub>_<p>` brings partition p
 *   of every source topic of sub-topology `sub`, so co-partitioned topics
 *   (a join's two sides) always land on the same instance;
 * - sticky: a task stays with its previous owner while that owner is under
 *   its fair share, so a rebalance moves (and restores) as few stores as possible;
 * - each member's `application.server` travels in its subscription userData
 *   (KIP-67's way of advertising hosts), which every member later reads back
 *   through DescribeGroups to answer `queryMetadataForKey`.
 */
export function streamsPartitionAssigner(
  layout: TaskLayout,
  subscription: () => SubscriptionInfo,
): PartitionAssigner {
  return ({ cluster }) => ({
    name: STREAMS_ASSIGNER_NAME,
    version: 1,
    async assign({
      members,
    }: {
      members: GroupMember[];
      topics: string[];
    }): Promise<GroupMemberAssignment[]> {
      const tasks: Array<{ id: string; sub: number; partition: number }> = [];
      for (const [sub, topics] of layout.sourceTopics) {
        const partitions = cluster.findTopicPartitionMetadata(topics[0] as string).map((p) => p.partitionId);
        for (const partition of partitions.sort((a, b) => a - b))
          tasks.push({ id: `${sub}_${partition}`, sub, partition });
      }
      const owners = assignTasks(
        tasks.map((t) => t.id),
        members.map((m) => ({
          memberId: m.memberId,
          previous: decodeSubscription(m.memberMetadata)?.tasks ?? [],
        })),
      );
      return members.map(({ memberId }) => {
        const assignment: Record<string, number[]> = {};
        for (const task of tasks.filter((t) => owners.get(t.id) === memberId)) {
          for (const topic of layout.sourceTopics.get(task.sub) ?? [])
            (assignment[topic] ??= []).push(task.partition);
        }
        return {
          memberId,
          memberAssignment: AssignerProtocol.MemberAssignment.encode({
            version: 1,
            assignment,
            userData: Buffer.alloc(0),
          }),
        };
      });
    },
    protocol({ topics }: { topics: string[] }) {
      const userData = Buffer.from(JSON.stringify(subscription()), 'utf8');
      return {
        name: STREAMS_ASSIGNER_NAME,
        metadata: AssignerProtocol.MemberMetadata.encode({ version: 1, topics, userData }),
      };
    },
  });
}

/** Sticky, balanced task placement: returns task id -> member id. */
export function assignTasks(
  taskIds: string[],
  members: Array<{ memberId: string; previous: string[] }>,
): Map<string, string> {
  const owners = new Map<string, string>();
  if (members.length === 0) return owners;
  const capacity = Math.ceil(taskIds.length / members.length);
  const load = new Map(members.map((m) => [m.memberId, 0]));
  for (const member of [...members].sort((a, b) => a.memberId.localeCompare(b.memberId))) {
    for (const id of member.previous) {
      if (!taskIds.includes(id) || owners.has(id) || (load.get(member.memberId) as number) >= capacity)
        continue;
      owners.set(id, member.memberId);
      load.set(member.memberId, (load.get(member.memberId) as number) + 1);
    }
  }
  for (const id of taskIds) {
    if (owners.has(id)) continue;
    const [least] = [...load.entries()].sort((a, b) => a[1] - b[1] || a[0].localeCompare(b[0]));
    owners.set(id, (least as [string, number])[0]);
    load.set((least as [string, number])[0], (least as [string, number])[1] + 1);
  }
  return owners;
}
