/**
 * The two validation-loss callbacks of the seed's Keras setup as one pure state update:
 * EarlyStopping(patience, min_delta 0) and ReduceLROnPlateau(factor, patience, min_delta, min_lr,
 * cooldown 0). Pure so that its state goes into a checkpoint as plain numbers.
 */
export interface ScheduleConfig {
  earlyStoppingPatience: number;
  plateau: { factor: number; patience: number; minDelta: number; minLearningRate: number };
}

export interface ScheduleState {
  bestEpoch: number;
  bestValLoss: number;
  earlyStoppingWait: number;
  plateauWait: number;
  plateauBest: number;
}

export const INITIAL_SCHEDULE: ScheduleState = {
  bestEpoch: 0,
  bestValLoss: Infinity,
  earlyStoppingWait: 0,
  plateauWait: 0,
  plateauBest: Infinity,
};

export interface ScheduleStep {
  state: ScheduleState;
  /** This epoch is the new best (its weights are the ones to keep). */
  improved: boolean;
  stop: boolean;
  /** The learning rate for the next epoch. */
  learningRate: number;
}

export function afterEpoch(
  state: ScheduleState,
  epoch: number,
  valLoss: number,
  learningRate: number,
  config: ScheduleConfig,
): ScheduleStep {
  const next = { ...state };
  const improved = valLoss < state.bestValLoss;
  if (improved) {
    next.bestEpoch = epoch;
    next.bestValLoss = valLoss;
    next.earlyStoppingWait = 0;
  } else next.earlyStoppingWait++;
  let lr = learningRate;
  const { plateau } = config;
  if (valLoss < state.plateauBest - plateau.minDelta) {
    next.plateauBest = valLoss;
    next.plateauWait = 0;
  } else if (++next.plateauWait >= plateau.patience && lr > plateau.minLearningRate) {
    lr = Math.max(lr * plateau.factor, plateau.minLearningRate);
    next.plateauWait = 0;
  }
  return {
    state: next,
    improved,
    stop: next.earlyStoppingWait >= config.earlyStoppingPatience,
    learningRate: lr,
  };
}
