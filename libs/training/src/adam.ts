/**
 * Adam (Kingma & Ba; Keras's form and defaults: β1 0.9, β2 0.999, ε 1e-7) with its whole state
 * readable and writable, so a checkpointed run resumes bit for bit.
 *
 * Why not tf.train.adam + getWeights/setWeights: tfjs's Adam keeps β^t as a running float32
 * product, and setWeights rebuilds it with pow(β, t + 1); the two differ in the last bits after a
 * few steps (measured on the cpu backend: β1 from step 8, β2 from step 2), so a resumed run
 * drifted from an uninterrupted one. Here the bias corrections are computed from the step count
 * alone, in double precision, every step.
 */
import * as tf from '@tensorflow/tfjs-core';

export interface AdamState {
  /** Updates applied so far. */
  iterations: number;
  /** First and second moments, one per variable, in the variables' order. */
  m: Float32Array[];
  v: Float32Array[];
}

export class Adam {
  private readonly m: tf.Variable[];
  private readonly v: tf.Variable[];
  iterations = 0;

  constructor(
    private readonly variables: tf.Variable[],
    public learningRate: number,
    private readonly beta1 = 0.9,
    private readonly beta2 = 0.999,
    private readonly epsilon = 1e-7,
  ) {
    this.m = variables.map((w) => tf.variable(tf.zerosLike(w), false));
    this.v = variables.map((w) => tf.variable(tf.zerosLike(w), false));
  }

  /** One step on `loss`'s gradients; returns the loss tensor (the caller disposes it). */
  minimize(loss: () => tf.Scalar): tf.Scalar {
    const { value, grads } = tf.variableGrads(loss, this.variables);
    this.applyGradients(this.variables.map((w) => grads[w.name]));
    tf.dispose(Object.values(grads));
    return value;
  }

  /** One update with gradients computed elsewhere, in the variables' order (not disposed here). */
  applyGradients(grads: tf.Tensor[]): void {
    if (grads.length !== this.variables.length)
      throw new Error(`got ${grads.length} gradients for ${this.variables.length} variables`);
    const t = this.iterations + 1;
    const correction1 = 1 - Math.pow(this.beta1, t);
    const correction2 = 1 - Math.pow(this.beta2, t);
    tf.tidy(() => {
      this.variables.forEach((w, i) => {
        const g = grads[i];
        const m = tf.add(tf.mul(this.m[i], this.beta1), tf.mul(g, 1 - this.beta1));
        const v = tf.add(tf.mul(this.v[i], this.beta2), tf.mul(tf.square(g), 1 - this.beta2));
        this.m[i].assign(m);
        this.v[i].assign(v);
        const step = tf.div(tf.div(m, correction1), tf.add(tf.sqrt(tf.div(v, correction2)), this.epsilon));
        w.assign(tf.sub(w, tf.mul(step, this.learningRate)));
      });
    });
    this.iterations = t;
  }

  getState(): AdamState {
    const read = (vs: tf.Variable[]) => vs.map((x) => (x.dataSync() as Float32Array).slice());
    return { iterations: this.iterations, m: read(this.m), v: read(this.v) };
  }

  setState(state: AdamState): void {
    if (state.m.length !== this.variables.length || state.v.length !== this.variables.length)
      throw new Error(
        `optimizer state has ${state.m.length} moments, the model ${this.variables.length} trainable weights`,
      );
    this.variables.forEach((w, i) => {
      this.m[i].assign(tf.tensor(state.m[i], w.shape));
      this.v[i].assign(tf.tensor(state.v[i], w.shape));
    });
    this.iterations = state.iterations;
  }

  dispose(): void {
    tf.dispose([...this.m, ...this.v]);
  }
}
