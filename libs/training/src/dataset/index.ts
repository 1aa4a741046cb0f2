export { type BeatDataset, classCounts, subsetBeatDataset, concatBeatDatasets } from './types.js';
export { BEAT_COLUMNS, writeBeatDataset, readBeatDataset } from './parquet.js';
export {
  buildBeatDataset,
  recordBeats,
  annotatedRecords,
  noisyCopy,
  noisyCopyId,
  patientOf,
  type BuildOptions,
  type NoisyCopies,
} from './builder.js';
export {
  DS1_RECORDS,
  DS2_RECORDS,
  PACED_RECORDS,
  splitIntraPatient,
  splitInterPatient,
  type BeatSplit,
} from './splits.js';
