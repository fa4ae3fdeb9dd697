import { loadComposeContext, withCompose, withFile } from '../compose-context';
import { endpointReferences, parsePort, portCheck } from './port-check';

describe('ports check', () => {
  const ctx = loadComposeContext();

  it('parses short and long port syntax', () => {
    expect(parsePort('127.0.0.1:9092:9094')).toEqual({ hostIp: '127.0.0.1', published: 9092, target: 9094 });
    expect(parsePort('8080:80/tcp')).toEqual({ hostIp: '0.0.0.0', published: 8080, target: 80 });
    expect(parsePort('9000')).toEqual({ hostIp: '0.0.0.0', published: undefined, target: 9000 });
    expect(parsePort({ target: 80, published: '81', host_ip: '127.0.0.1' })).toEqual({
      hostIp: '127.0.0.1',
      published: 81,
      target: 80,
    });
  });

  it('finds service:port and MQ-style service(port) references, not parts of longer names', () => {
    const refs = endpointReferences('PLAINTEXT://kafka:9092,1@kafka:9093 mq(1414) my-kafka:1 kafka.io:2', [
      'kafka',
      'mq',
    ]);
    expect(refs).toEqual([
      { name: 'kafka', port: 9092 },
      { name: 'kafka', port: 9093 },
      { name: 'mq', port: 1414 },
    ]);
  });

  it('passes on docker-compose.yml and compose/ configs', () => {
    expect(portCheck.run(ctx)).toEqual([]);
  });

  it('fails when a service points at a port the target does not declare', () => {
    const broken = withCompose(ctx, (c) => {
      (c.services['schemas']!.environment as Record<string, string>)['SCHEMA_REGISTRY_URL'] =
        'http://apicurio:8081/apis/ccompat/v7';
    });
    expect(portCheck.run(broken)).toEqual([
      'service schemas: apicurio:8081 is not a declared port of apicurio (declared: 8080, 9000)',
    ]);
  });

  it('fails when an app points at an undeclared MQ port', () => {
    const broken = withCompose(ctx, (c) => {
      (c.services['mq-bridge']!.environment as Record<string, string>)['MQ_CONN_NAME'] = 'mq(1415)';
    });
    expect(portCheck.run(broken)).toEqual([
      expect.stringContaining('service mq-bridge: mq:1415 is not a declared port'),
    ]);
  });

  it('fails when a Prometheus target names an undeclared port', () => {
    const file = 'compose/prometheus/prometheus.yml';
    const broken = withFile(
      ctx,
      file,
      ctx.readText(file).replace("'kafka-exporter:9308'", "'kafka-exporter:9309'"),
    );
    expect(portCheck.run(broken)).toEqual([
      expect.stringContaining(`${file}: kafka-exporter:9309 is not a declared port`),
    ]);
  });

  it('fails when two services claim one host port', () => {
    const broken = withCompose(ctx, (c) => {
      c.services['grafana']!.ports = ['127.0.0.1:3000:3000'];
    });
    expect(portCheck.run(broken)).toEqual([
      'host port 3000 is claimed by service inventory-dashboard and service grafana',
    ]);
  });
});
