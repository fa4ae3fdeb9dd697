/** Options of `nx g @eda/plugin:topic` (schema.json). */
export interface TopicGeneratorSchema {
  name: string;
  partitions?: number;
  compact?: boolean;
  retentionMs?: number;
  description?: string;
  internal?: boolean;
}
