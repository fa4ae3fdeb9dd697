/**
 * @eda/kafka/acls: Kafka ACLs from access declarations, for tooling
 * (`npm run acl:generate` and the manifest checks write and verify the
 * KafkaUser files; the native stack's secure mode applies them).
 *
 * Apps only declare what they do (`kafkaAccess`, from `@eda/kafka`); turning a
 * declaration into ACL rules ({@link aclsOf}) and applying KafkaUser files to a
 * cluster ({@link applyKafkaUserAcls}) happen outside the apps.
 */
export {
  ACL_CATEGORIES,
  ACL_OPERATIONS,
  CATEGORY_OPERATIONS,
  aclsOf,
  type AclOperation,
  type AclResourceType,
  type AclRule,
} from './kafka-access';
export {
  applyKafkaUserAcls,
  KafkaUserFileError,
  KAFKA_USERS_DIR,
  loadKafkaUsers,
  parseKafkaUsers,
  type AclApplyResult,
  type StackUser,
  type UserAcl,
} from './kafka-user-acls';
