/**
 * @module Terminal output to plain text: a streaming UTF-8 decoder per SSH channel (a multi-byte
 * character split across two packets decodes once, correctly) and removal of every escape and
 * control sequence a VOS CLI or a hostile node could send (ECMA-48 CSI, OSC incl. window titles,
 * DCS/SOS/PM/APC strings, 8-bit C1 forms, two-byte escapes, leftover C0/C1 controls).
 */

/**
 * One decoder per channel. `TextDecoder` with `stream: true` keeps an incomplete trailing
 * sequence for the next chunk, so "é" split as 0xC3 | 0xA9 becomes "é", not two U+FFFD.
 */
export class StreamDecoder {
  #d = new TextDecoder('utf-8', { fatal: false });

  write(chunk: Uint8Array): string {
    return this.#d.decode(chunk, { stream: true });
  }

  end(): string {
    return this.#d.decode();
  }
}

/* eslint-disable no-control-regex */
// String sequences: OSC (ESC ] … BEL | ST), DCS/SOS/PM/APC (ESC P|X|^|_ … ST), also their 8-bit forms.
const STRING_SEQ = /(?:\x1b[\]PX^_]|[\x90\x98\x9d\x9e\x9f])[\s\S]*?(?:\x07|\x1b\\|\x9c)/g;
// An unterminated string sequence at the very end (the rest of it never arrived).
const STRING_SEQ_OPEN = /(?:\x1b[\]PX^_]|[\x90\x98\x9d\x9e\x9f])[^\x07\x9c]*$/;
// CSI: ESC [ or 8-bit 0x9B, parameter bytes 0x30–0x3F, intermediates 0x20–0x2F, final 0x40–0x7E.
const CSI = /(?:\x1b\[|\x9b)[\x30-\x3f]*[\x20-\x2f]*[\x40-\x7e]/g;
// Any other escape: ESC, intermediates, one final byte (charset selection ESC ( B, ESC 7, ESC =, …).
const ESC_OTHER = /\x1b[\x20-\x2f]*[\x30-\x7e]?/g;
// C0 controls except TAB and LF (CR is normalised before), DEL and C1 controls.
const CONTROLS = /[\x00-\x08\x0b-\x1f\x7f-\x9f]/g;
/* eslint-enable no-control-regex */

/** Remove every terminal escape sequence; keeps text, CR and LF. */
export function stripEscapes(text: string): string {
  return text.replace(STRING_SEQ, '').replace(STRING_SEQ_OPEN, '').replace(CSI, '').replace(ESC_OTHER, '');
}

/** Text an agent may see: no escapes, LF line ends, no control characters except TAB and LF. */
export function plainText(text: string): string {
  return stripEscapes(text).replace(/\r+\n/g, '\n').replace(/\r/g, '\n').replace(CONTROLS, '');
}
