/**
 * The size limit of a content file, shared by the sources (which refuse larger files
 * before reading them) and the parser (which refuses larger byte arrays).
 */

/** Files above this size are refused before any parsing. */
export const MAX_FILE_BYTES = 1024 * 1024;

/** "1.2 MB" / "12 kB", for messages. */
export function formatBytes(bytes: number): string {
  return bytes >= 1024 * 1024 ? `${(bytes / 1024 / 1024).toFixed(1)} MB` : `${Math.ceil(bytes / 1024)} kB`;
}

/** The message of a file over the limit. */
export function tooLargeMessage(bytes: number): string {
  return `file is ${formatBytes(bytes)}; the limit is ${formatBytes(MAX_FILE_BYTES)}`;
}
