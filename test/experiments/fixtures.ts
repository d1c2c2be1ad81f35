// Rows the experiments and jobs tests need from other apps (lab, subject, sessions, datasets,
// repositories), inserted directly so these tests only depend on the tables.
import { labs } from '../../src/apps/misc/tables.ts';
import { projects, subjects } from '../../src/apps/subjects/tables.ts';
import { sessionProjects, sessions } from '../../src/apps/actions/tables.ts';
import { dataFormats, dataRepositories, datasets, datasetTypes, fileRecords } from '../../src/apps/data/tables.ts';
import type { TestApp } from '../helpers.ts';

export interface Fixtures {
  labId: string;
  subjectId: string;
  sessionId: string;
  otherSessionId: string;
  repoId: string;
  datasetIds: Record<string, string>;
}

export async function makeFixtures(t: TestApp, tag = 'x'): Promise<Fixtures> {
  const db = t.services.db;
  const [lab] = await db.insert(labs).values({ name: `lab_${tag}`, institution: 'Test' }).returning();
  const [subject] = await db.insert(subjects).values({ nickname: `KS_${tag}`, lab: lab.id }).returning();
  const [project] = await db.insert(projects).values({ name: `brain_wide_${tag}` }).returning();
  const [s1] = await db
    .insert(sessions)
    .values({ subject: subject.id, lab: lab.id, start_time: '2021-05-10 17:47:13.833', number: 1, task_protocol: 'ephysChoiceWorld6.4.2' })
    .returning();
  const [s2] = await db
    .insert(sessions)
    .values({ subject: subject.id, lab: lab.id, start_time: '2021-05-11 09:00:00', number: 2, task_protocol: 'training' })
    .returning();
  await db.insert(sessionProjects).values({ session: s1.id, project: project.id });
  const [fmt] = await db.insert(dataFormats).values({ name: `npy_${tag}`, file_extension: '.npy' }).returning();
  const [dtSync] = await db.insert(datasetTypes).values({ name: `_spikeglx_sync.polarities_${tag}` }).returning();
  const [dtSpikes] = await db.insert(datasetTypes).values({ name: `spikes.times_${tag}` }).returning();
  const [repo] = await db
    .insert(dataRepositories)
    .values({ name: `flatiron_${tag}`, data_url: 'https://data.example.org/', globus_is_personal: false })
    .returning();
  const mk = async (name: string, collection: string, type: string, qc: number) => {
    const [d] = await db
      .insert(datasets)
      .values({ name, collection, session: s1.id, dataset_type: type, data_format: fmt.id, qc, hash: 'abc', version: '1.10.0', file_size: 103688 })
      .returning();
    return d.id;
  };
  const datasetIds = {
    sync: await mk('_spikeglx_sync.polarities.probe00.npy', 'raw_ephys_data/probe00', dtSync.id, 0),
    spikes: await mk('spikes.times.npy', 'alf/probe00', dtSpikes.id, 40),
    other: await mk('spikes.times.npy', 'alf/probe01', dtSpikes.id, 0),
  };
  // only the sync dataset and the probe01 one are on the (non-personal) server
  await db.insert(fileRecords).values([
    { dataset: datasetIds.sync, data_repository: repo.id, relative_path: `${tag}/raw_ephys_data/probe00/_spikeglx_sync.polarities.probe00.npy`, exists: true },
    { dataset: datasetIds.other, data_repository: repo.id, relative_path: `${tag}/alf/probe01/spikes.times.npy`, exists: true },
    { dataset: datasetIds.spikes, data_repository: repo.id, relative_path: `${tag}/alf/probe00/spikes.times.npy`, exists: false },
  ]);
  return { labId: lab.id, subjectId: subject.id, sessionId: s1.id, otherSessionId: s2.id, repoId: repo.id, datasetIds };
}
