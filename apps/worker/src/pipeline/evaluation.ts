/**
 * evaluation.json: the record's beats against its reference annotations, ANSI/AAMI EC57 style —
 * QRS detection Se/+P and, per class, Se and +P of the classification over matched beats
 * (a detected beat with no reference counts as a false positive of the class it was given).
 */
import {
  AAMI_CLASSES,
  RecordEvaluationSchema,
  type AamiClass,
  type RecordEvaluation,
} from '@holterflow/contracts';
import { classConfusion, matchBeats, positivePredictivity, sensitivity } from '@holterflow/ecg';

export function evaluateRecord(
  recordId: string,
  fs: number,
  reference: readonly { sample: number; aami: AamiClass }[],
  detectedSamples: ArrayLike<number>,
  detectedClasses: readonly AamiClass[],
): RecordEvaluation {
  const match = matchBeats(
    reference.map((b) => b.sample),
    detectedSamples,
    fs,
  );
  const confusion = classConfusion(
    match,
    reference.map((b) => b.aami),
    detectedClasses,
  );
  const classes = {} as RecordEvaluation['classes'];
  AAMI_CLASSES.forEach((c, k) => {
    const matchedAsC = confusion.matrix.reduce((sum, row) => sum + row[k], 0);
    let unmatchedAsC = 0;
    for (let j = 0; j < detectedClasses.length; j++)
      if (match.detectedToReference[j] < 0 && !match.detectedExcluded[j] && detectedClasses[j] === c)
        unmatchedAsC++;
    const tp = confusion.matrix[k][k];
    const ref = confusion.matrix[k].reduce((a, b) => a + b, 0) + confusion.missedByClass[k];
    const called = matchedAsC + unmatchedAsC;
    classes[c] = {
      reference: ref,
      truePositives: tp,
      sensitivity: ref === 0 ? null : tp / ref,
      positivePredictivity: called === 0 ? null : tp / called,
    };
  });
  return RecordEvaluationSchema.parse({
    recordId,
    referenceBeats: reference.length,
    detectedBeats: detectedSamples.length,
    detection: {
      truePositives: match.truePositives,
      falseNegatives: match.falseNegatives,
      falsePositives: match.falsePositives,
      sensitivity: sensitivity(match),
      positivePredictivity: positivePredictivity(match),
    },
    classes,
    confusion: confusion.matrix,
  });
}
