/**
 * Subject name strategies: which registry subject a topic's schema lives
 * under. Same names and semantics as Confluent's serializers.
 */

/** Maps a topic and record to a subject. `recordName` is the full name, e.g. `eda.inventory.ItemTransaction`. */
export type SubjectNameStrategy = (topic: string, recordName: string, isKey: boolean) => string;

/** `<topic>-value` / `<topic>-key`: one schema lineage per topic. The default, and what DESIGN.md's subjects use. */
export const topicNameStrategy: SubjectNameStrategy = (topic, _recordName, isKey) =>
  `${topic}-${isKey ? 'key' : 'value'}`;

/** `<namespace>.<Record>`: one lineage per record type, shared by every topic that carries it. */
export const recordNameStrategy: SubjectNameStrategy = (_topic, recordName) => recordName;

/** `<topic>-<namespace>.<Record>`: several record types on one topic, each with its own lineage. */
export const topicRecordNameStrategy: SubjectNameStrategy = (topic, recordName) => `${topic}-${recordName}`;
