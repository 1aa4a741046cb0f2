/**
 * The coordinator's /models API answers, as the coordinator sends them (libs/registry lists the
 * versions) and the CLI and the console read them: one definition for every end.
 */

export interface ModelVersionEntry {
  version: string;
  /** models/DEFAULT names this version: new runs without a model use it. */
  isDefault: boolean;
  /** model.json exists, so runs can use the version (training writes it last). */
  usable: boolean;
  /** From metrics.json; null where it is missing, unreadable or lacks the field. */
  protocol: string | null;
  /** false for an interim version published while its training goes on. */
  complete: boolean | null;
  epochs: number | null;
  plannedEpochs: number | null;
  bestEpoch: number | null;
  /** On the protocol's untouched test part, 0-1. */
  accuracy: number | null;
  macroF1: number | null;
  trainingSeconds: number | null;
  note: string | null;
  /** The newest object of the version (model.json is written last, so normally its publish time). */
  lastModified: string | null;
  /** Why fields are null or the version cannot be used; empty when all is well. */
  problems: string[];
}

/** GET /models. */
export interface ModelListing {
  /** What models/DEFAULT names (null: no pointer, or one that holds no version name). */
  defaultVersion: string | null;
  /** Sorted by version name (numbers inside names in numeric order). */
  versions: ModelVersionEntry[];
  /** Problems of the pointer itself: unreadable, or naming a version that is not there. */
  problems: string[];
}

/** PUT /models/default: the default version before (null: there was none) and now. */
export interface DefaultModelAnswer {
  previous: string | null;
  default: string;
}
