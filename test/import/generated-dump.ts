// A generated upstream-shaped dump of any size (labs, users, projects, subjects, sessions with
// users/projects links and a parent session, datasets, file records), streamed row by row: for the
// batching test and bench/import-memory.ts.
import type { DumpRow } from '../../src/db/import/read.ts';

const hex = (prefix: number, n: number) => `${prefix.toString(16).padStart(8, '0')}-0000-4000-8000-${n.toString(16).padStart(12, '0')}`;
export const genIds = {
  lab: hex(1, 1),
  user: (i: number) => hex(2, i),
  project: (i: number) => hex(3, i),
  repository: hex(4, 1),
  format: hex(5, 1),
  type: hex(6, 1),
  subject: (i: number) => hex(7, i),
  session: (i: number) => hex(8, i),
  dataset: (i: number) => hex(9, i),
  file: (i: number) => hex(10, i),
};

export interface GenShape {
  subjects: number;
  sessionsPerSubject: number;
  datasetsPerSession: number;
  /** the lab's name: the test database's own lab name makes the dump's lab merge into it */
  labName?: string;
}

/** Rows of the dump: 1 lab + 3 users + 2 projects + 3 reference rows + subjects × (1 + sessions × (1 + datasets × 2)). */
export const genRowCount = (s: GenShape) => 9 + s.subjects * (1 + s.sessionsPerSubject * (1 + 2 * s.datasetsPerSession));

export function* generateDump(s: GenShape): Generator<DumpRow> {
  yield { model: 'misc.lab', pk: genIds.lab, fields: { name: s.labName ?? 'gen_lab', institution: 'Generated Institute', timezone: 'Europe/London' } };
  for (let u = 1; u <= 3; u++) {
    yield { model: 'misc.labmember', pk: genIds.user(u), fields: { username: `gen_user_${u}`, password: '!', email: `u${u}@example.org`, is_active: true, groups: [], user_permissions: [] } };
  }
  for (let p = 1; p <= 2; p++) yield { model: 'subjects.project', pk: genIds.project(p), fields: { name: `gen_project_${p}`, description: '', users: [['gen_user_1']] } };
  yield { model: 'data.datarepository', pk: genIds.repository, fields: { name: 'gen_repo', hostname: 'gen.example.org', data_url: 'http://gen.example.org/', globus_is_personal: false } };
  yield { model: 'data.dataformat', pk: genIds.format, fields: { name: 'gen_npy', file_extension: '.npy' } };
  yield { model: 'data.datasettype', pk: genIds.type, fields: { name: 'gen.times', filename_pattern: '', description: 'generated' } };
  let session = 0;
  let dataset = 0;
  for (let i = 1; i <= s.subjects; i++) {
    const nickname = `gen_${String(i).padStart(6, '0')}`;
    yield {
      model: 'subjects.subject',
      pk: genIds.subject(i),
      fields: { nickname, lab: genIds.lab, sex: i % 2 ? 'F' : 'M', birth_date: '2024-01-15', responsible_user: ['gen_user_2'], description: `generated subject ${i}`, json: { cage: i % 7 } },
    };
    for (let k = 1; k <= s.sessionsPerSubject; k++) {
      session++;
      const start = new Date(Date.UTC(2025, 0, 1, 9) + session * 3600_000).toISOString().slice(0, 19);
      yield {
        model: 'actions.session',
        pk: genIds.session(session),
        fields: {
          subject: genIds.subject(i),
          lab: genIds.lab,
          // a later session of the same subject points to the previous one (a deferred FK)
          parent_session: k > 1 ? genIds.session(session - 1) : null,
          start_time: start,
          number: k,
          task_protocol: '_iblrig_tasks_ephysChoiceWorld6.4.2',
          n_trials: 400 + (session % 300),
          qc: 0,
          extended_qc: { task: 'PASS', n: session },
          narrative: '',
          users: [genIds.user(1 + (session % 3))],
          projects: [['gen_project_1'], ...(session % 2 ? [['gen_project_2']] : [])],
          procedures: [],
        },
      };
      for (let d = 1; d <= s.datasetsPerSession; d++) {
        dataset++;
        yield {
          model: 'data.dataset',
          pk: genIds.dataset(dataset),
          fields: {
            name: `_ibl_trials.d${d}.npy`,
            session: genIds.session(session),
            created_by: ['gen_user_3'],
            created_datetime: start,
            file_size: 123456 + dataset,
            hash: 'a'.repeat(32),
            version: '1.0.0',
            collection: 'alf',
            dataset_type: ['gen.times'],
            data_format: ['gen_npy'],
            default_dataset: true,
            qc: 0,
            tags: [],
          },
        };
        yield {
          model: 'data.filerecord',
          pk: genIds.file(dataset),
          fields: { dataset: genIds.dataset(dataset), data_repository: ['gen_repo'], relative_path: `gen/${nickname}/2025-01-01/${String(k).padStart(3, '0')}/alf/_ibl_trials.d${d}.npy`, exists: true },
        };
      }
    }
  }
}
