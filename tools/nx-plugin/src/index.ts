/**
 * @eda/plugin: this workspace's Nx generators.
 *
 * - `nx g @eda/plugin:service <name> --kind producer|consumer|processor --consumes a,b --produces c`
 * - `nx g @eda/plugin:topic <topic>`
 * - `nx g @eda/plugin:event <topic>`
 *
 * docs/new-service.md walks through them.
 */
export { serviceGenerator } from './generators/service/generator';
export { topicGenerator } from './generators/topic/generator';
export { eventGenerator } from './generators/event/generator';
export { GeneratorOptionError } from './generators/naming';
