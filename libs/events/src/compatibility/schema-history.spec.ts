import { cpSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadSubjectCatalog } from '../deploy/subject-catalog';
import { checkAgainstHistory, loadHistory } from './schema-history';

const SCHEMAS_DIR = join(__dirname, '..', '..', 'schemas');

describe('the offline compatibility gate', () => {
  let dir: string;
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'eda-schemas-'));
    cpSync(SCHEMAS_DIR, dir, { recursive: true });
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it('passes the committed schemas', () => {
    const results = checkAgainstHistory(SCHEMAS_DIR, loadSubjectCatalog(SCHEMAS_DIR));
    expect(results.map((r) => r.subject).sort()).toEqual([
      'inventory.alerts-value',
      'item.inventory-value',
      'items-value',
      'store.inventory-value',
      'store.sales.1m-value',
    ]);
    expect(results.flatMap((r) => r.issues)).toEqual([]);
  });

  it('rejects an edit that breaks BACKWARD_TRANSITIVE against history, naming the field', () => {
    const current = JSON.parse(readFileSync(join(dir, 'ItemTransaction.avsc'), 'utf8'));
    mkdirSync(join(dir, 'history', 'ItemTransaction'), { recursive: true });
    writeFileSync(join(dir, 'history', 'ItemTransaction', 'v1.avsc'), JSON.stringify(current));
    current.fields.push({ name: 'channel', type: 'string', doc: 'Sales channel.' });
    writeFileSync(join(dir, 'ItemTransaction.avsc'), JSON.stringify(current));

    const results = checkAgainstHistory(dir, loadSubjectCatalog(dir));
    const items = results.find((r) => r.subject === 'items-value');
    expect(items?.versions).toBe(1);
    expect(items?.issues.map((i) => i.path)).toEqual(['eda.inventory.ItemTransaction.channel']);
    expect(results.filter((r) => r.issues.length > 0)).toHaveLength(1);
  });

  it('orders history by version number, not by file name', () => {
    const folder = join(dir, 'history', 'ItemInventory');
    mkdirSync(folder, { recursive: true });
    for (const n of [10, 2, 1]) {
      writeFileSync(join(folder, `v${n}.avsc`), readFileSync(join(dir, 'ItemInventory.avsc')));
    }
    expect(loadHistory(dir, 'eda.inventory.ItemInventory').map((v) => v.label)).toEqual(['v1', 'v2', 'v10']);
  });

  it('applies the per-subject level from subjects.json', () => {
    const catalog = JSON.parse(readFileSync(join(dir, 'subjects.json'), 'utf8'));
    catalog.subjects['items-value'].compatibility = 'FORWARD';
    writeFileSync(join(dir, 'subjects.json'), JSON.stringify(catalog));
    expect(loadSubjectCatalog(dir).find((p) => p.subject === 'items-value')?.compatibility).toBe('FORWARD');
    expect(loadSubjectCatalog(dir).find((p) => p.subject === 'item.inventory-value')?.compatibility).toBe(
      'BACKWARD_TRANSITIVE',
    );
  });
});
