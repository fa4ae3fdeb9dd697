/** Options of `nx g @eda/plugin:event` (schema.json). */
export interface EventGeneratorSchema {
  topic: string;
  record?: string;
  shape?: 'event' | 'total';
  namespace?: string;
  compatibility?: string;
  doc?: string;
}
