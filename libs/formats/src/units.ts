/** Physical units shared by the WFDB and EDF readers: every recording is stored in millivolts. */
/** Factor from a voltage unit to millivolts; undefined when the unit is not a voltage. */
export function voltageToMillivolts(dimension: string): number | undefined {
  switch (dimension.trim()) {
    case 'uV':
    case 'µV':
    case 'μV':
      return 1e-3;
    case 'mV':
      return 1;
    case 'V':
      return 1e3;
    default:
      return undefined;
  }
}
