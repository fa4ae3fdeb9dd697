import { Writable } from 'node:stream';
import { ROOT_CONTEXT, trace, TraceFlags } from '@opentelemetry/api';
import { pino } from 'pino';
import { structuredLogOptions, traceLogFields } from './trace-log-fields';

describe('trace-aware structured logs', () => {
  it('names the active span of a context', () => {
    const ctx = trace.setSpanContext(ROOT_CONTEXT, {
      traceId: '0af7651916cd43dd8448eb211c80319c',
      spanId: 'b7ad6b7169203331',
      traceFlags: TraceFlags.SAMPLED,
    });
    expect(traceLogFields(ctx)).toEqual({
      trace_id: '0af7651916cd43dd8448eb211c80319c',
      span_id: 'b7ad6b7169203331',
      trace_flags: '01',
    });
  });

  it('adds nothing outside a span', () => {
    expect(traceLogFields(ROOT_CONTEXT)).toEqual({});
  });

  it('writes one JSON object per line with service, textual level and ISO time, redacting credentials', () => {
    const lines: string[] = [];
    const sink = new Writable({
      write(chunk: Buffer, _encoding, done) {
        lines.push(chunk.toString());
        done();
      },
    });
    const logger = pino(structuredLogOptions({ serviceName: 'svc', level: 'debug' }), sink);
    logger.debug({ req: { headers: { authorization: 'Bearer secret' } } }, 'hello');
    const line = JSON.parse(lines[0]!) as Record<string, unknown>;
    expect(line).toMatchObject({ level: 'debug', service: 'svc', msg: 'hello' });
    expect(new Date(line['time'] as string).toISOString()).toBe(line['time']);
    expect(JSON.stringify(line)).not.toContain('secret');
  });
});
