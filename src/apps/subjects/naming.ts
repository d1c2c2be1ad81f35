// Nickname rule and automatic names of subjects, litters and breeding pairs (4.9).

export const NICKNAME_RE = /^[\p{L}\p{N}_.-]+$/u;
export const NICKNAME_MESSAGE =
  'Nicknames must only contain letters, numbers, hyphens and underscores. Dots are reserved for breeding subjects.';

export const pad = (n: number, width: number) => String(n).padStart(width, '0');

/** "<line>_<NNNN>", "<line>_L_<NNN>", "<line>_BP_<NNN>" */
export function subjectAutoname(lineNickname: string, index: number): string {
  return `${lineNickname}_${pad(index, 4)}`;
}
export function litterAutoname(lineNickname: string, index: number): string {
  return `${lineNickname}_L_${pad(index, 3)}`;
}
export function breedingPairAutoname(lineNickname: string, index: number): string {
  return `${lineNickname}_BP_${pad(index, 3)}`;
}

/** A name needs automatic naming when it is empty or "-". */
export function needsAutoname(name: unknown): boolean {
  return name === null || name === undefined || name === '' || name === '-';
}
