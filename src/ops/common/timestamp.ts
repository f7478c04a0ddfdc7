/** @module UTC timestamps for file names: YYYYMMDD_HHMMSS and YYYYMMDD. */

function pad(n: number, width = 2): string {
  return String(n).padStart(width, '0');
}

/** `20261124_074512` (UTC). */
export function fileTimestamp(date: Date): string {
  return `${date.getUTCFullYear()}${pad(date.getUTCMonth() + 1)}${pad(date.getUTCDate())}_${pad(date.getUTCHours())}${pad(date.getUTCMinutes())}${pad(date.getUTCSeconds())}`;
}

/** `20261124` (UTC). */
export function fileDate(date: Date): string {
  return fileTimestamp(date).slice(0, 8);
}
