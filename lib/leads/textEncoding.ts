/**
 * What encoding a lead file's bytes are in, told from its first chunk, and a stream that decodes the whole file in
 * it with Node's own TextDecoder. UTF-8 with or without a byte-order mark, UTF-16 LE or BE with one (Excel's
 * "Unicode Text"), and Windows-1252 (Excel's "CSV" on Windows in Western Europe and the Americas) when the bytes are
 * not UTF-8. Every other case is refused with a sentence that names it — a workbook, UTF-16 without a mark, a file
 * that mixes encodings — so no text is ever decoded into U+FFFD replacement characters and stored that way.
 */
import { Transform } from 'node:stream';
import { LeadflowError } from '../errors';

export type TextEncodingName = 'utf-8' | 'utf-16le' | 'utf-16be' | 'windows-1252';

/** How the encodings are named to a person, in reports and errors. */
export const ENCODING_LABELS: Record<TextEncodingName, string> = {
  'utf-8': 'UTF-8',
  'utf-16le': 'UTF-16 LE',
  'utf-16be': 'UTF-16 BE',
  'windows-1252': 'Windows-1252',
};

export interface SniffedEncoding {
  encoding: TextEncodingName;
  /** Whether the file starts with a byte-order mark (the decoder drops it). */
  bom: boolean;
  /**
   * UTF-8 was chosen from a first chunk of plain ASCII, which Windows-1252 reads the same: if a later byte is not
   * UTF-8, the file is Windows-1252 after all.
   */
  mayBeWindows1252: boolean;
}

/** The file's bytes are not text leadflow can read; the message says what they are and what to do. */
export class FileEncodingError extends LeadflowError {
  constructor(message: string) {
    super('input', message);
    this.name = 'FileEncodingError';
  }
}

/** Thrown by decodingStream when the bytes stop being valid in the encoding; `offset` is where, in bytes. */
export class InvalidTextError extends Error {
  constructor(
    readonly encoding: TextEncodingName,
    readonly offset: number,
  ) {
    super(`the bytes at offset ${offset} are not valid ${ENCODING_LABELS[encoding]}`);
    this.name = 'InvalidTextError';
  }
}

/** A multi-byte UTF-8 character, in bytes read as Latin-1. */
const UTF8_SEQUENCE = /[\xc2-\xdf][\x80-\xbf]|[\xe0-\xef][\x80-\xbf]{2}|[\xf0-\xf4][\x80-\xbf]{3}/;

const SAVE_AS_CSV = 'in Excel or Google Sheets, save or download it as "CSV UTF-8" and import that';

/** The encoding of a file from its first bytes (`head`, up to the whole file), or a FileEncodingError. */
export function sniffEncoding(head: Uint8Array, shownAs: string): SniffedEncoding {
  const starts = (...bytes: number[]) => bytes.every((b, i) => head[i] === b);
  if (starts(0xef, 0xbb, 0xbf)) return { encoding: 'utf-8', bom: true, mayBeWindows1252: false };
  if (starts(0xff, 0xfe, 0, 0) || starts(0, 0, 0xfe, 0xff)) {
    throw new FileEncodingError(`${shownAs} is UTF-32 text, which leadflow does not read: ${SAVE_AS_CSV}`);
  }
  if (starts(0xff, 0xfe)) return { encoding: 'utf-16le', bom: true, mayBeWindows1252: false };
  if (starts(0xfe, 0xff)) return { encoding: 'utf-16be', bom: true, mayBeWindows1252: false };
  if (starts(0x50, 0x4b, 0x03, 0x04)) {
    throw new FileEncodingError(`${shownAs} is an Excel workbook (.xlsx) or another zip archive, not CSV: ${SAVE_AS_CSV}`);
  }
  if (starts(0xd0, 0xcf, 0x11, 0xe0)) {
    throw new FileEncodingError(`${shownAs} is an old Excel workbook (.xls), not CSV: ${SAVE_AS_CSV}`);
  }
  const nul = head.indexOf(0);
  if (nul !== -1) {
    // Text in UTF-16 has a zero in every other byte wherever it is ASCII.
    const utf16 = head.length >= 4 && (isZeroEveryOther(head, 0) || isZeroEveryOther(head, 1));
    throw new FileEncodingError(
      utf16
        ? `${shownAs} looks like UTF-16 text without a byte-order mark, so its byte order is unknown: ${SAVE_AS_CSV}`
        : `${shownAs} holds a NUL byte at offset ${nul}, so it is not a text file: ${SAVE_AS_CSV}`,
    );
  }
  try {
    // stream: a character cut at the end of the chunk is not an error.
    new TextDecoder('utf-8', { fatal: true }).decode(head, { stream: true });
  } catch {
    // Windows-1252 text almost never holds a valid UTF-8 sequence ("Ã©" for "é"); one that does is partly UTF-8.
    if (UTF8_SEQUENCE.test(Buffer.from(head.buffer, head.byteOffset, head.length).toString('latin1'))) {
      throw new FileEncodingError(`${shownAs} mixes encodings: some of its text is UTF-8 and some is not: ${SAVE_AS_CSV}`);
    }
    return { encoding: 'windows-1252', bom: false, mayBeWindows1252: false };
  }
  return { encoding: 'utf-8', bom: false, mayBeWindows1252: head.every((b) => b < 0x80) };
}

/** Whether the bytes at even (`from` 1: odd) positions in the first 512 are nearly all zero. */
function isZeroEveryOther(head: Uint8Array, from: 0 | 1): boolean {
  let zeros = 0;
  let total = 0;
  for (let i = from; i < Math.min(head.length, 512); i += 2, total++) if (head[i] === 0) zeros++;
  return zeros >= total * 0.9;
}

/**
 * Bytes in `encoding` in, the same text as UTF-8 bytes out (what csv-parse reads); a UTF-16 byte-order mark is
 * dropped, a UTF-8 one passes for csv-parse to drop. UTF-8 is checked and passed through as it is. Bytes that are not
 * valid in the encoding end the stream with an InvalidTextError, never a U+FFFD: Windows-1252 gives every byte a
 * character, so only UTF-8 and UTF-16 can fail.
 */
export function toUtf8Stream(encoding: TextEncodingName): Transform {
  const decoder = new TextDecoder(encoding, { fatal: true, ignoreBOM: encoding === 'utf-8' });
  let offset = 0;
  const failed = (chunk?: Buffer) => {
    // Where in the chunk: what a forgiving decoder makes of it up to its first U+FFFD, measured back in bytes.
    let at = offset;
    if (chunk && encoding === 'utf-8') {
      const text = new TextDecoder('utf-8').decode(chunk);
      at += Buffer.byteLength(text.slice(0, Math.max(0, text.indexOf('\uFFFD'))), 'utf8');
    }
    return new InvalidTextError(encoding, at);
  };
  return new Transform({
    transform(chunk: Buffer, _encoding, done) {
      let text: string;
      try {
        text = decoder.decode(chunk, { stream: true });
      } catch {
        done(failed(chunk));
        return;
      }
      offset += chunk.length;
      done(null, encoding === 'utf-8' ? chunk : Buffer.from(text, 'utf8'));
    },
    flush(done) {
      try {
        const rest = decoder.decode();
        done(null, encoding === 'utf-8' || rest === '' ? undefined : Buffer.from(rest, 'utf8'));
      } catch {
        done(failed());
      }
    },
  });
}
