import { ServerKafka } from '@nestjs/microservices';
import { DashboardKafkaServer, type DashboardServerHooks } from './dashboard-kafka-server';

function dashboardServer(): DashboardKafkaServer {
  const hooks = { topics: ['store.inventory'] } as unknown as DashboardServerHooks;
  return new DashboardKafkaServer({ client: { brokers: ['127.0.0.1:1'] } }, hooks);
}

describe('DashboardKafkaServer', () => {
  it('resolves a pattern string to its route once, not on every lookup', () => {
    const server = dashboardServer();
    const route = (pattern: string) =>
      (server as unknown as { getRouteFromPattern(p: string): string }).getRouteFromPattern(pattern);
    // What Nest's own (unmemoized) lookup gives, for a topic name and for a JSON pattern.
    const nest = (pattern: string) =>
      (
        ServerKafka.prototype as unknown as { getRouteFromPattern(p: string): string }
      ).getRouteFromPattern.call(server, pattern);
    const wanted = ['store.inventory', '{"cmd":"sum"}'].map(nest);
    const parse = jest.spyOn(JSON, 'parse');
    try {
      for (let i = 0; i < 3; i++) {
        expect(route('store.inventory')).toBe(wanted[0]);
        expect(route('{"cmd":"sum"}')).toBe(wanted[1]);
      }
      expect(parse).toHaveBeenCalledTimes(2);
    } finally {
      parse.mockRestore();
    }
  });
});
