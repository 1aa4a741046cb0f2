/**
 * @holterflow/ecg — from raw Holter leads to beats the model can classify.
 *
 * Pipeline (all at the model's 125 Hz after a band-limited resampling from any native rate):
 *   preprocessLeads  lead quality per second (missing / flat / saturated on the raw samples, then
 *                    noise: noise-floor SQI confirmed by the leads' beat agreement, bSQI — see
 *                    noise-quality.ts —, or beats that do not repeat, template-quality.ts),
 *                    resampling onto a grid anchored at the record start,
 *                    zero-phase 0.5–40 Hz Butterworth.
 *   detectBeats      Pan–Tompkins energy feature with Hamilton's (2002) decision rules, T-wave
 *                    test and search-back, decided per record-anchored 10 s epoch; the primary
 *                    lead (MLII, else the first) with the other leads standing in, per second,
 *                    where it is unreadable or noisy (so a lead is picked by its quality, not its
 *                    name); R-peak refinement (largest deflection). Stretches where no lead is
 *                    readable are unanalysable (start, end, reason; libs/contracts
 *                    UNREADABLE_REASONS): no beat is reported there.
 *   segmentBeats     Kachuee et al. (2018) cut: 10 s windows normalised to [0,1], 1.2·median RR
 *                    from each R-peak, zero-padded to 187 samples; RR features per beat.
 *   analyseBeats     the three above in one call.
 *   matchBeats       ANSI/AAMI EC57 beat-by-beat matching (150 ms), Se, +P, class confusion.
 *
 * Windows (the classify worker): read the record slice [ownedStart − margin, ownedEnd + margin)
 * with margin >= WINDOW_MARGIN_SECONDS, ownedStart/ownedEnd on multiples of 10 s
 * (SEGMENT_WINDOW_SECONDS), and call
 *   analyseBeats(slice, fs, { offset: sliceStart, ownedStart, ownedEnd, primaryLead })
 * It returns exactly the beats whose R-peak lies in [ownedStart, ownedEnd), with `samples` in
 * record samples: the same beats, bytes and RR values as a whole-record pass (tested on MIT-BIH),
 * because every stage either has finite memory (resampling kernel, detector's 8-beat memories) or
 * forgets its start well within the margin (IIR filters), and all grids are anchored at the
 * record start. Near the record ends there is no margin, and results there are the record's own.
 *
 * Beat datasets (the builder from annotated WFDB records, their Parquet file and the DS1/DS2
 * splits) live in libs/training, which uses detectBeats, segmentBeats and largestDeflection from
 * here to cut reference beats the way inference cuts them. evaluateQrs / qrsTotals run the EC57
 * evaluation that `holterflow qrs-eval` prints. Bad recordings (no leads, no samples, leads of
 * different lengths, invalid rate) raise RecordInputError naming the recording
 * (DetectOptions.recordId).
 */
export {
  BEAT_FS,
  CLEANING_FILTER,
  preprocessLeads,
  type PreprocessedLeads,
  type UnreadableStretch,
} from './preprocess.js';
export { createResampler, type Resampler } from './resample.js';
export {
  butterworthHighpass,
  butterworthLowpass,
  filterForward,
  filterZeroPhase,
  magnitudeResponse,
  type Biquad,
} from './filters/biquad.js';
export type { UnreadableReason } from './quality.js';
export { detectBeats, type DetectOptions, type DetectedBeats } from './detect.js';
export {
  BEAT_LENGTH,
  SEGMENT_WINDOW_SECONDS,
  SEGMENTATION_VERSION,
  segmentBeats,
  emptyBeatTable,
  type BeatTable,
  type RPeaks,
} from './segment.js';
export { analyseBeats, type AnalyseOptions, type AnalysedBeats } from './pipeline.js';
// The QRS feature, its detector and the twin index, for bench/ecg-twin-index.ts.
export { qrsFeature } from './qrs/feature.js';
export { detectQrsPeaks } from './qrs/detector.js';
export { TWIN_LIMIT, TWIN_SPAN_BLOCKS, twinIndex } from './template-quality.js';
export { primaryLeadOf, secondLeadOf } from './leads.js';
// The seeded PRNG (mulberry32) of the NST noise, training (libs/training), benches and tests.
export { SeededRandom, seededUniform } from './rng.js';
// The R-peak refinement rule, for cutting reference beats the detector missed (libs/training dataset).
export { largestDeflection } from './qrs/refine.js';
// Dash et al.'s AF window test: the report's AF episodes and the rhythm model's features.
export { AF_DETECTOR, AF_WINDOW, afWindowFeatures, isAfWindow, type AfWindowFeatures } from './af-rr.js';
export {
  RHYTHM_1_FEATURES,
  RHYTHM_2_FEATURES,
  RHYTHM_3_FEATURES,
  LEAD2_FEATURES,
  RHYTHM_CONTEXT_SECONDS,
  RHYTHM_FEATURES_VERSION,
  RHYTHM_SCALAR_COUNT,
  RHYTHM_SCALAR_FEATURES,
  readsSecondLead,
  rhythmFeatures,
  selectRhythmScalars,
  type RhythmFeatures,
} from './rhythm.js';
export {
  MATCH_WINDOW_MS,
  matchBeats,
  sensitivity,
  positivePredictivity,
  ventricularFibrillationEpisodes,
  classConfusion,
  type BeatMatch,
  type ClassConfusion,
  type SampleRange,
} from './ec57.js';

/** Margin (s) on each side of a window that makes its beats identical to a whole-record pass:
 * the filters forget the slice's edges within ~5 s, the noise verdicts need the detector's 20 s
 * warm-up plus their 4.5 s context (the twin index reads ±35 s: see template-quality.ts), and
 * the beats' detector another 20 s on top of those verdicts (windows of 300/600/1800 s at 128 and
 * 360 Hz, clean, with 0–6 dB NST noise and with pure electrode motion, are tested in
 * libs/ecg/test/window-invariance.test.ts; 30 s, the margin before noise verdicts, failed there). */
export const WINDOW_MARGIN_SECONDS = 60;
export { evaluateQrs, qrsTotals, type QrsRecordResult, type QrsTotals } from './evaluate.js';
export {
  NOISE_KINDS,
  NST_CLEAN_START_S,
  NST_SEGMENT_S,
  addNoiseStress,
  nstNoisySegments,
  noiseRms,
  qrsPeakToPeak,
  signalSizeBeats,
  synthesiseNoise,
  type NoiseKind,
  type NoiseStressOptions,
} from './noise-stress.js';
