import { describe, expect, it } from 'vitest';
import {
  aidRowsOf,
  installBundledPacks,
  installPack,
  removePack,
} from '../../../src/background/packs';
import { checklist, freshDb, pack, tip } from './fixtures';

const CRM = 'https://crm.localhost/contacts/new';

describe('installPack', () => {
  it('stores the pack row and one row per aid with its host keys', async () => {
    const db = freshDb();
    const result = await installPack(
      db,
      pack('crm', '1.0.0', [
        checklist('new-contact', [CRM, 'https://*.crm.example.com/contacts/new']),
        tip('save-tip', ['https://crm.localhost/*']),
      ]),
      { source: 'bundled', now: 1000 },
    );
    expect(result).toMatchObject({ ok: true, status: 'installed' });

    const row = await db.packs.get('crm');
    expect(row).toMatchObject({
      id: 'crm',
      version: '1.0.0',
      title: 'Pack crm',
      source: 'bundled',
      installedAt: 1000,
    });
    expect(row?.pack.aids).toHaveLength(2);

    const aids = await db.aids.orderBy('key').toArray();
    expect(aids.map((a) => a.key)).toEqual(['crm/new-contact', 'crm/save-tip']);
    expect(aids[0]).toMatchObject({
      packId: 'crm',
      packVersion: '1.0.0',
      aidId: 'new-contact',
      kind: 'checklist',
      hostKeys: ['crm.localhost', '*.crm.example.com'],
      order: 0,
    });
    expect(aids[1]).toMatchObject({ kind: 'tip', hostKeys: ['crm.localhost'], order: 1 });
    // The multiEntry index finds aids by any of their host keys.
    expect(await db.aids.where('hostKeys').equals('*.crm.example.com').primaryKeys()).toEqual([
      'crm/new-contact',
    ]);
  });

  it('replaces every aid of the previous version', async () => {
    const db = freshDb();
    await installPack(db, pack('crm', '1.0.0', [checklist('a', [CRM]), checklist('b', [CRM])]));
    const result = await installPack(
      db,
      pack('crm', '1.1.0', [checklist('b', [CRM]), checklist('c', [CRM])]),
    );
    expect(result).toMatchObject({ ok: true, status: 'installed', previousVersion: '1.0.0' });
    const aids = await db.aids.where('packId').equals('crm').toArray();
    expect(aids.map((a) => [a.aidId, a.packVersion]).sort()).toEqual([
      ['b', '1.1.0'],
      ['c', '1.1.0'],
    ]);
    expect((await db.packs.get('crm'))?.version).toBe('1.1.0');
  });

  it('leaves other packs alone', async () => {
    const db = freshDb();
    await installPack(db, pack('crm', '1.0.0', [checklist('a', [CRM])]));
    await installPack(db, pack('hr', '1.0.0', [checklist('a', ['https://hr.localhost/*'])]));
    await installPack(db, pack('crm', '2.0.0', [checklist('z', [CRM])]));
    expect(await db.aids.orderBy('key').primaryKeys()).toEqual(['crm/z', 'hr/a']);
  });

  it('is atomic: a failure while writing aids keeps the old version whole', async () => {
    const db = freshDb();
    await installPack(db, pack('crm', '1.0.0', [checklist('a', [CRM]), checklist('b', [CRM])]));
    // Fail the write of the second new aid, after the old ones were deleted and one written.
    db.aids.hook('creating', (_key, row) => {
      if (row.key === 'crm/y') throw new Error('disk full');
    });
    await expect(
      installPack(db, pack('crm', '2.0.0', [checklist('x', [CRM]), checklist('y', [CRM])])),
    ).rejects.toThrow();

    expect((await db.packs.get('crm'))?.version).toBe('1.0.0');
    const aids = await db.aids.toArray();
    expect(aids.map((a) => `${a.key}@${a.packVersion}`).sort()).toEqual([
      'crm/a@1.0.0',
      'crm/b@1.0.0',
    ]);
  });

  it('refuses an invalid pack with its problems and keeps the installed one', async () => {
    const db = freshDb();
    await installPack(db, pack('crm', '1.0.0', [checklist('a', [CRM])]));
    const broken = pack('crm', '2.0.0', [
      checklist('b', [CRM]),
      checklist('b', ['https://crm.localhost/(']),
    ]);
    const result = await installPack(db, broken);
    expect(result.ok).toBe(false);
    if (result.ok) return;
    expect(result.problems).toContainEqual(expect.objectContaining({ path: 'aids[1].id' }));

    expect((await db.packs.get('crm'))?.version).toBe('1.0.0');
    expect(await db.aids.toCollection().primaryKeys()).toEqual(['crm/a']);
  });

  it('refuses a pack whose URL pattern does not compile, naming the pattern', async () => {
    const db = freshDb();
    const result = await installPack(
      db,
      pack('crm', '1.0.0', [checklist('a', ['https://crm.localhost/(('])]),
    );
    expect(result).toEqual({
      ok: false,
      problems: [expect.objectContaining({ path: 'aids[0].match.urls[0]' })],
    });
    expect(await db.packs.count()).toBe(0);
    expect(await db.aids.count()).toBe(0);
  });

  it('does not downgrade a pack unless it allows rollback', async () => {
    const db = freshDb();
    await installPack(db, pack('crm', '2.0.0', [checklist('new', [CRM])]));
    const older = await installPack(db, pack('crm', '1.0.0', [checklist('old', [CRM])]));
    expect(older).toMatchObject({ ok: true, status: 'skipped' });
    expect(await db.aids.toCollection().primaryKeys()).toEqual(['crm/new']);

    const rollback = await installPack(
      db,
      pack('crm', '1.0.0', [checklist('old', [CRM])], { rollback: true }),
    );
    expect(rollback).toMatchObject({ ok: true, status: 'installed', previousVersion: '2.0.0' });
    expect(await db.aids.toCollection().primaryKeys()).toEqual(['crm/old']);
  });
});

describe('installBundledPacks', () => {
  const bundled = (version: string, aidId = 'a') => ({
    file: '/aids/crm/pack.json',
    json: pack('crm', version, [checklist(aidId, [CRM])]),
  });

  it('installs a missing pack, skips the same version, and follows the bundled version', async () => {
    const db = freshDb();
    expect((await installBundledPacks(db, [bundled('1.0.0')])).installed).toEqual(['crm@1.0.0']);
    expect((await installBundledPacks(db, [bundled('1.0.0', 'changed')])).skipped).toHaveLength(1);
    expect(await db.aids.toCollection().primaryKeys()).toEqual(['crm/a']);

    // The extension was updated, or rolled back: the bundled copy follows it.
    await installBundledPacks(db, [bundled('1.2.0', 'b')]);
    expect((await db.packs.get('crm'))?.version).toBe('1.2.0');
    await installBundledPacks(db, [bundled('1.1.0', 'c')]);
    expect((await db.packs.get('crm'))?.version).toBe('1.1.0');
    expect(await db.aids.toCollection().primaryKeys()).toEqual(['crm/c']);
  });

  it('keeps a pack installed from elsewhere at an equal or higher version', async () => {
    const db = freshDb();
    await installPack(db, pack('crm', '2.0.0', [checklist('admin', [CRM])]), { source: 'import' });
    const equal = await installPack(db, pack('crm', '2.0.0', [checklist('admin', [CRM])]), {
      source: 'import',
    });
    expect(equal).toMatchObject({ ok: true, status: 'installed' });

    let report = await installBundledPacks(db, [bundled('2.0.0')]);
    expect(report.skipped).toHaveLength(1);
    report = await installBundledPacks(db, [bundled('1.5.0')]);
    expect(report.skipped).toHaveLength(1);
    expect(await db.packs.get('crm')).toMatchObject({ version: '2.0.0', source: 'import' });

    report = await installBundledPacks(db, [bundled('2.1.0', 'b')]);
    expect(report.installed).toEqual(['crm@2.1.0']);
    expect(await db.packs.get('crm')).toMatchObject({ version: '2.1.0', source: 'bundled' });
  });

  it('reports a broken bundled pack and installs the others', async () => {
    const db = freshDb();
    const report = await installBundledPacks(db, [
      { file: '/aids/bad/pack.json', json: { format: 1, id: 'bad' } },
      {
        file: '/aids/hr/pack.json',
        json: pack('hr', '1.0.0', [checklist('a', ['https://hr.localhost/*'])]),
      },
    ]);
    expect(report.failed).toEqual([
      {
        file: '/aids/bad/pack.json',
        problems: expect.arrayContaining([expect.objectContaining({ path: 'version' })]),
      },
    ]);
    expect(report.installed).toEqual(['hr@1.0.0']);
    expect(await db.packs.toCollection().primaryKeys()).toEqual(['hr']);
  });
});

describe('removePack and aidRowsOf', () => {
  it('removes a pack with its aids', async () => {
    const db = freshDb();
    await installPack(db, pack('crm', '1.0.0', [checklist('a', [CRM])]));
    await installPack(db, pack('hr', '1.0.0', [checklist('a', ['https://hr.localhost/*'])]));
    expect(await removePack(db, 'crm')).toBe(true);
    expect(await removePack(db, 'crm')).toBe(false);
    expect(await db.aids.toCollection().primaryKeys()).toEqual(['hr/a']);
  });

  it('indexes an aid once per distinct host key', () => {
    const [row] = aidRowsOf({
      format: 1,
      id: 'p',
      version: '1.0.0',
      title: 'P',
      aids: [
        {
          id: 'x',
          kind: 'tip',
          title: 'X',
          match: {
            urls: ['https://a.test/1', 'https://a.test/2', 'https://*.b.test/*', '*://*/*'],
          },
          target: { css: 'a' },
          text: 'x',
        },
      ],
    });
    expect(row?.hostKeys).toEqual(['a.test', '*.b.test', '*']);
  });
});
