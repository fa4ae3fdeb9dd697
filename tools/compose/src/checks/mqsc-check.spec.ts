import { loadComposeContext, withCompose, withFile } from '../compose-context';
import { MQSC_FILE, mqscCheck, parseMqsc } from './mqsc-check';

describe('mq-queues check', () => {
  const ctx = loadComposeContext();
  const mqsc = ctx.readText(MQSC_FILE);

  it('parses the queue definitions with their backout settings', () => {
    const items = parseMqsc(mqsc).find((q) => q.name === 'DEV.ITEMS');
    expect(items?.attributes.get('BOQNAME')).toBe('DEV.ITEMS.BACKOUT');
    expect(items?.attributes.get('BOTHRESH')).toBe('3');
    expect(
      parseMqsc(mqsc)
        .map((q) => q.name)
        .sort(),
    ).toEqual(['DEV.ITEMS', 'DEV.ITEMS.BACKOUT']);
  });

  it('passes on the repository MQSC and the apps that use it', () => {
    expect(mqscCheck.run(ctx)).toEqual([]);
  });

  it('fails when BOQNAME names an undefined queue', () => {
    const broken = withFile(
      ctx,
      MQSC_FILE,
      mqsc.replace("BOQNAME('DEV.ITEMS.BACKOUT')", "BOQNAME('DEV.ITEMS.BO')"),
    );
    expect(mqscCheck.run(broken)).toEqual([`${MQSC_FILE}: DEV.ITEMS BOQNAME(DEV.ITEMS.BO) is not defined`]);
  });

  it('fails when a backout queue is set without a threshold', () => {
    const broken = withFile(ctx, MQSC_FILE, mqsc.replace('BOTHRESH(3) +', '+'));
    expect(mqscCheck.run(broken)).toEqual([`${MQSC_FILE}: DEV.ITEMS has BOQNAME but no BOTHRESH > 0`]);
  });

  it('fails when an app names a queue the MQSC file does not define', () => {
    const broken = withCompose(ctx, (c) => {
      (c.services['mq-bridge']!.environment as Record<string, string>)['MQ_QUEUE'] = 'DEV.QUEUE.1';
    });
    expect(mqscCheck.run(broken)).toEqual([
      `service mq-bridge: MQ_QUEUE=DEV.QUEUE.1 is not defined in ${MQSC_FILE}`,
    ]);
  });

  it('fails when the MQ service does not mount the definitions', () => {
    const broken = withCompose(ctx, (c) => {
      c.services['mq']!.volumes = ['mq-data:/mnt/mqm'];
    });
    expect(mqscCheck.run(broken)).toEqual([expect.stringContaining(`does not mount ${MQSC_FILE}`)]);
  });
});
