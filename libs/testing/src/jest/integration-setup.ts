/**
 * Runs before every integration test file. `testTimeout` is a global Jest
 * option, not a per-project one, so the integration project's longer timeout
 * (for tests and for hooks such as a consumer leaving its group) is set here.
 */
jest.setTimeout(60_000);
process.env['KAFKAJS_NO_PARTITIONER_WARNING'] ??= '1';
