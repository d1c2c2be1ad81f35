// Choice lists (value, label) of the subjects app's choice columns, as upstream declares them.

export const SEX_CHOICES = [
  ['M', 'Male'],
  ['F', 'Female'],
  ['U', 'Unknown'],
] as const;

export const PROTOCOL_CHOICES = [
  ['1', '1'],
  ['2', '2'],
  ['3', '3'],
  ['4', '4'],
] as const;

export const SEVERITY_CHOICES = [
  [1, 'Sub-threshold'],
  [2, 'Mild'],
  [3, 'Moderate'],
  [4, 'Severe'],
  [5, 'Non-recovery'],
] as const;

export const ZYGOSITY_CHOICES = [
  [0, 'Absent'],
  [1, 'Heterozygous'],
  [2, 'Homozygous'],
  [3, 'Present'],
] as const;

export const LIGHT_CYCLE_CHOICES = [
  [0, 'Normal'],
  [1, 'Inverted'],
] as const;

export const TEST_RESULT_CHOICES = [
  [0, 'Absent'],
  [1, 'Present'],
] as const;
