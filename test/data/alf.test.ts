import { describe, expect, it } from 'vitest';
import {
  addUuidToPath,
  globToRegExp,
  INVALID_ALF_PATH,
  listish,
  matchDatasetType,
  NESTED_REVISION,
  normalizePath,
  parseAggregateFile,
  parseAlfFileName,
  parseSessionFile,
  parseSessionPath,
  relativePathOf,
  removeUuidFromPath,
  stringBool,
} from '../../src/apps/data/alf.ts';
import { parseQc } from '../../src/apps/actions/qc.ts';

/** ONE's QC.validate: a label in any case, or a QC number */
const qcValue = (v: unknown) => parseQc(v, { anyCase: true, numbers: true });

const U = '07be0a88-1234-4abc-8def-db1b52bdf004';

describe('ALF file names', () => {
  it('parses namespace, object, attribute, timescale, extra and extension', () => {
    expect(parseAlfFileName('_ibl_trials.table.pqt')).toEqual({
      namespace: 'ibl', object: 'trials', attribute: 'table', timescale: null, extra: null, extension: 'pqt',
    });
    expect(parseAlfFileName('_ns_obj.attr_clock.extra.npy')).toMatchObject({ namespace: 'ns', object: 'obj', attribute: 'attr', timescale: 'clock', extra: 'extra' });
    expect(parseAlfFileName('spikes.times.npy')).toMatchObject({ namespace: null, object: 'spikes', attribute: 'times' });
    expect(parseAlfFileName('trials.intervals_bpod.npy')).toMatchObject({ attribute: 'intervals', timescale: 'bpod' });
    expect(parseAlfFileName('noext')).toBeNull();
    expect(parseAlfFileName('some_file.ext')).toBeNull();
  });
});

describe('dataset type matching', () => {
  const types = [
    { name: 'spikes.times', filename_pattern: '*spikes.times*.npy' },
    { name: 'trials.table', filename_pattern: '' },
    { name: 'some_file', filename_pattern: null },
    { name: 'wheel.position', filename_pattern: '*WHEEL.pos?tion*' },
    { name: 'dup.a', filename_pattern: '*dup*' },
    { name: 'dup.b', filename_pattern: '*.dup.*' },
  ];
  it('matches globs case-insensitively and empty patterns by obj.attr', () => {
    expect(matchDatasetType('spikes.times.probe00.npy', types)).toEqual({ ok: true, type: types[0] });
    expect(matchDatasetType('_ibl_trials.table.pqt', types)).toEqual({ ok: true, type: types[1] });
    expect(matchDatasetType('some_file.ext', types)).toEqual({ ok: true, type: types[2] });
    expect(matchDatasetType('_ibl_Wheel.Position.npy', types)).toEqual({ ok: true, type: types[3] });
  });
  it('names the file when none or several match', () => {
    expect(matchDatasetType('x.npy', types)).toEqual({ ok: false, error: 'No dataset type found for filename "x.npy"' });
    expect(matchDatasetType('a.dup.npy', types)).toEqual({
      ok: false,
      error: 'Multiple matching dataset types found for filename "a.dup.npy": \n<DatasetType dup.a>, <DatasetType dup.b>',
    });
  });
  it('globs support ? [seq] [!seq] and escape regex characters', () => {
    expect(globToRegExp('*foo.b?r*').test('foo.bir.npy')).toBe(true);
    expect(globToRegExp('a[bc].x').test('ab.x')).toBe(true);
    expect(globToRegExp('a[!bc].x').test('ab.x')).toBe(false);
    expect(globToRegExp('a+b').test('a+b')).toBe(true);
    expect(globToRegExp('a.b').test('axb')).toBe(false);
  });
});

describe('paths', () => {
  it('normalises and parses the session part', () => {
    expect(normalizePath('\\ZM_1085\\2019-02-12\\002\\')).toBe('ZM_1085/2019-02-12/002');
    expect(parseSessionPath('ZM_1085/2019-02-12/002/alf')).toEqual({ subject: 'ZM_1085', date: '2019-02-12', number: '002' });
    expect(parseSessionPath('lab/Subjects/ZM/2019-02-12/002')).toBeNull();
    expect(parseSessionPath('foo/bar')).toBeNull();
  });
  it('parses collection and revision of session files, keeping the number as written', () => {
    const r = parseSessionFile('ZM_1085/2019-02-12/2', 'alf/#2024-01-01#/_ibl_wheel.position.npy');
    expect(r).toEqual({
      ok: true,
      file: { given: 'alf/#2024-01-01#/_ibl_wheel.position.npy', filename: '_ibl_wheel.position.npy', collection: 'alf', revision: '2024-01-01', relDir: 'ZM_1085/2019-02-12/2', lab: null },
    });
    if (r.ok) expect(relativePathOf(r.file)).toBe('ZM_1085/2019-02-12/2/alf/#2024-01-01#/_ibl_wheel.position.npy');
    const nested = parseSessionFile('lab/Subjects/ZM/2019-02-12/001', 'raw_ephys_data/probe00/a.b.bin');
    expect(nested.ok && nested.file).toMatchObject({ collection: 'raw_ephys_data/probe00', revision: '', lab: 'lab', relDir: 'ZM/2019-02-12/001' });
    const bare = parseSessionFile('ZM/2019-02-12/001', 'a.b.npy');
    expect(bare.ok && relativePathOf(bare.file)).toBe('ZM/2019-02-12/001/a.b.npy');
  });
  it('refuses nested revisions and bad characters', () => {
    expect(parseSessionFile('ZM/2019-02-12/001', 'alf/#v1#/sub/a.b.npy')).toEqual({ ok: false, error: NESTED_REVISION });
    expect(parseSessionFile('ZM/2019-02-12/001', '#v1#/alf/a.b.npy')).toEqual({ ok: false, error: NESTED_REVISION });
    expect(parseSessionFile('ZM/2019-02-12/001', 'al f/a.b.npy')).toEqual({ ok: false, error: INVALID_ALF_PATH });
    expect(parseSessionFile('ZM/2019-02-12/001', 'alf/b+r/a.b.npy')).toEqual({ ok: false, error: INVALID_ALF_PATH });
  });
  it('parses aggregate files', () => {
    expect(parseAggregateFile('Subjects/laba/ZM_1085', '#2026-01-01#/a.a.e1')).toEqual({
      ok: true, file: { given: '#2026-01-01#/a.a.e1', filename: 'a.a.e1', collection: 'Subjects/laba/ZM_1085', revision: '2026-01-01', relDir: '', lab: null },
    });
    expect(parseAggregateFile('Subjects/x', '#r#/y/a.b')).toEqual({ ok: false, error: INVALID_ALF_PATH });
  });
  it('inserts and removes the dataset uuid before the last extension', () => {
    expect(addUuidToPath('KS005/2019-04-01/001/alf/_ibl_wheel.timestamps.npy', U)).toBe(`KS005/2019-04-01/001/alf/_ibl_wheel.timestamps.${U}.npy`);
    expect(addUuidToPath('a.b.tar.bz2', U)).toBe(`a.b.tar.${U}.bz2`);
    expect(addUuidToPath(`a.b.${'11111111-2222-4333-8444-555555555555'}.npy`, U)).toBe(`a.b.${U}.npy`);
    expect(removeUuidFromPath(`alf/a.b.${U}.npy`)).toEqual({ path: 'alf/a.b.npy', uuid: U });
    expect(removeUuidFromPath('alf/a.b.npy')).toEqual({ path: 'alf/a.b.npy', uuid: null });
  });
});

describe('values', () => {
  it('QC labels and numbers', () => {
    expect(qcValue('pass')).toBe(10);
    expect(qcValue('50')).toBe(50);
    expect(qcValue(40)).toBe(40);
    expect(qcValue('bad')).toBeNull();
    expect(qcValue(7)).toBeNull();
  });
  it('list-ish and string-bools', () => {
    expect(listish('a,b')).toEqual(['a', 'b']);
    expect(listish(['a'])).toEqual(['a']);
    expect(listish(3)).toEqual([3]);
    expect(listish(undefined)).toBeNull();
    expect(stringBool('True', false)).toBe(true);
    expect(stringBool('true', true)).toBe(false);
    expect(stringBool(undefined, true)).toBe(true);
    expect(stringBool(false, true)).toBe(false);
  });
});
