/** Options of `nx g @eda/plugin:service` (schema.json). */
export interface ServiceGeneratorSchema {
  name: string;
  kind: 'producer' | 'consumer' | 'processor';
  consumes?: string | string[];
  produces?: string | string[];
  scope?: string;
  port?: number;
  description?: string;
  skipAcl?: boolean;
}
