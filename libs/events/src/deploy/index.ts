/**
 * @eda/events/deploy: schema deployment and its compatibility gate, for
 * tooling (`npm run schemas:deploy`, `npm run schemas:check`, the Argo CD
 * PreSync Job, tests that stand a registry up).
 *
 * The `.avsc` files are the source: {@link loadSubjectCatalog} plans one
 * subject per schema, {@link checkAgainstHistory} is the offline gate against
 * `schemas/history`, and {@link deploySchemas} registers them and sets each
 * subject's compatibility. Apps only read schemas at run time (`@eda/events`),
 * so none of this is in the runtime API.
 */
export {
  deploySchemas,
  formatDeployReport,
  type DeployReport,
  type DeployRow,
  type DeployStatus,
} from './schema-deploy';
export { loadSubjectCatalog, SubjectCatalogError, type SubjectPlan } from './subject-catalog';
export {
  checkCompatibility,
  readIssues,
  type ReadLabels,
  type VersionedSchema,
} from '../compatibility/avro-compatibility';
export { checkAgainstHistory, loadHistory, type HistoryCheckResult } from '../compatibility/schema-history';
