// Safe XML for ONVIF: bounded size, no DTDs or entity expansion, helpers to walk parsed SOAP.
import { XMLParser, XMLValidator } from 'fast-xml-parser';
import { OnvifError } from './errors.js';

/** A SOAP reply larger than this is not something a camera legitimately sends. */
export const MAX_XML_BYTES = 1024 * 1024;

/** Elements that may repeat; listing them keeps one-element and many-element replies the same shape. */
const ARRAY_TAGS = new Set(['Profiles', 'Preset', 'Service', 'ProbeMatch', 'Extension']);

const NAMED_ENTITIES: Record<string, string> = { lt: '<', gt: '>', amp: '&', quot: '"', apos: "'" };

/** Decodes only XML's five predefined entities and character references; anything else stays literal. */
export function decodeXmlText(s: string): string {
  if (!s.includes('&')) return s;
  return s.replace(/&(#x[0-9a-fA-F]{1,6}|#[0-9]{1,7}|lt|gt|amp|quot|apos);/g, (whole, ref: string) => {
    if (ref[0] !== '#') return NAMED_ENTITIES[ref] ?? whole;
    const cp = ref[1] === 'x' || ref[1] === 'X' ? Number.parseInt(ref.slice(2), 16) : Number.parseInt(ref.slice(1), 10);
    if (!Number.isFinite(cp) || cp > 0x10ffff || (cp >= 0xd800 && cp <= 0xdfff)) return whole;
    return String.fromCodePoint(cp);
  });
}

/** Escapes text for an element or attribute value in a request we build. */
const ESCAPES: Record<string, string> = { '<': '&lt;', '>': '&gt;', '&': '&amp;', '"': '&quot;', "'": '&apos;' };
export function escapeXml(s: string): string {
  return s.replace(/[<>&"']/g, (c) => ESCAPES[c] ?? c);
}

const parser = new XMLParser({
  ignoreAttributes: false,
  attributeNamePrefix: '@_',
  removeNSPrefix: true,
  // never expand entities, not even predefined ones: decodeXmlText does that without any DTD
  processEntities: false,
  htmlEntities: false,
  ignoreDeclaration: true,
  ignorePiTags: true,
  parseTagValue: false,
  parseAttributeValue: false,
  trimValues: true,
  maxNestedTags: 64,
  isArray: (name) => ARRAY_TAGS.has(name),
  tagValueProcessor: (_name, value) => decodeXmlText(value),
  attributeValueProcessor: (_name, value) => decodeXmlText(value),
});

export type XmlNode = Record<string, unknown>;

/** Parses a device's reply; anything oversized, malformed or carrying a DTD is refused as `onvif_bad_response`. */
export function parseXml(text: string, what = 'The camera'): XmlNode {
  if (Buffer.byteLength(text, 'utf8') > MAX_XML_BYTES) throw new OnvifError('onvif_bad_response', `${what} sent a reply that is too large`);
  // a DTD is the door to entity-expansion attacks; SOAP forbids it, so refuse before parsing
  if (/<!DOCTYPE|<!ENTITY/i.test(text)) throw new OnvifError('onvif_bad_response', `${what} sent a reply with a document type declaration, which is not allowed`);
  let valid: true | { err: { msg: string } };
  let doc: unknown;
  try {
    valid = XMLValidator.validate(text, { allowBooleanAttributes: false });
    doc = valid === true ? parser.parse(text) : undefined;
  } catch {
    throw new OnvifError('onvif_bad_response', `${what} sent a reply that is not valid XML`);
  }
  if (valid !== true || doc === null || typeof doc !== 'object') {
    throw new OnvifError('onvif_bad_response', `${what} sent a reply that is not valid XML`);
  }
  return doc as XmlNode;
}

/** Follows a path of local element names; returns undefined when any step is missing. */
export function child(node: unknown, ...path: string[]): unknown {
  let cur = node;
  for (const key of path) {
    if (cur === null || typeof cur !== 'object' || Array.isArray(cur)) return undefined;
    cur = (cur as XmlNode)[key];
  }
  return cur;
}

/** An element's text, whether it has attributes (`#text`) or not. */
export function text(node: unknown): string | undefined {
  if (typeof node === 'string') return node;
  if (typeof node === 'number' || typeof node === 'boolean') return String(node);
  if (node && typeof node === 'object' && !Array.isArray(node)) {
    const t = (node as XmlNode)['#text'];
    if (typeof t === 'string' || typeof t === 'number') return String(t);
  }
  return undefined;
}

export function attr(node: unknown, name: string): string | undefined {
  if (!node || typeof node !== 'object' || Array.isArray(node)) return undefined;
  const v = (node as XmlNode)[`@_${name}`];
  return typeof v === 'string' ? v : undefined;
}

export function asArray(node: unknown): unknown[] {
  if (node === undefined || node === null || node === '') return [];
  return Array.isArray(node) ? node : [node];
}

export function num(node: unknown): number | undefined {
  const t = text(node);
  if (t === undefined || t.trim() === '') return undefined;
  const n = Number(t);
  return Number.isFinite(n) ? n : undefined;
}
