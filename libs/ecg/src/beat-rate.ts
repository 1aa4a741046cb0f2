/** The beat model's sampling rate (Kachuee et al. 2018 resampled MIT-BIH to 125 Hz): every
 * analysis step after resampling runs at it. Its own module so that the QRS stages, which the
 * preprocessing's noise verdicts use, can import it without an import cycle. */
export const BEAT_FS = 125;
