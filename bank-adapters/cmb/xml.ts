// A deliberately small XML reader and writer for CMB's messages: elements and text only. No DTD
// (so no entity expansion or external entities), no attributes, namespaces, comments, CDATA or
// processing instructions other than the XML declaration, no mixed content. Anything outside that
// subset is refused rather than skipped, so that what the adapter validated is what the bank sent.

export type XmlElement = { name: string; children: XmlElement[]; text: string };

export class XmlError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'XmlError';
  }
}

const NAME = /^[A-Za-z][A-Za-z0-9]{0,63}/;
const NAME_AT = /[A-Za-z][A-Za-z0-9]{0,63}/y; // sticky: read in place, no copy of the rest of the text
const PREDEFINED: Record<string, string> = { lt: '<', gt: '>', amp: '&', quot: '"', apos: "'" };
// XML 1.0 Char minus the C0 controls other than tab, LF and CR
const BAD_CHAR = /[\u0000-\u0008\u000b\u000c\u000e-\u001f\ufffe\uffff]/;
const LIMITS = { depth: 8, elements: 500, length: 64 * 1024 };

function decodeEntities(raw: string, at: number): string {
  if (raw.includes('<')) throw new XmlError(`unexpected '<' at ${at}`);
  return raw.replace(/&([^;&\s]{0,10});|&/g, (whole, ref: string | undefined) => {
    if (ref === undefined) throw new XmlError(`bare '&' near ${at}`);
    if (ref in PREDEFINED) return PREDEFINED[ref];
    const m = /^#(?:x([0-9A-Fa-f]{1,6})|([0-9]{1,7}))$/.exec(ref);
    if (!m) throw new XmlError(`unknown entity ${whole} near ${at}`);
    const cp = m[1] !== undefined ? parseInt(m[1], 16) : Number(m[2]);
    if (cp > 0x10ffff || (cp >= 0xd800 && cp <= 0xdfff)) throw new XmlError(`invalid character reference near ${at}`);
    const ch = String.fromCodePoint(cp);
    if (BAD_CHAR.test(ch)) throw new XmlError(`forbidden character reference near ${at}`);
    return ch;
  });
}

/** Parses a whole document: optional declaration (UTF-8 only), one root element, nothing else. */
export function parseXml(text: string): XmlElement {
  if (text.length > LIMITS.length) throw new XmlError('document too large');
  if (BAD_CHAR.test(text)) throw new XmlError('document contains a forbidden control character');
  let i = text.charCodeAt(0) === 0xfeff ? 1 : 0;
  const decl =
    /^<\?xml\s+version\s*=\s*(["'])1\.[0-9]\1(?:\s+encoding\s*=\s*(["'])([A-Za-z0-9._-]+)\2)?(?:\s+standalone\s*=\s*(["'])(?:yes|no)\4)?\s*\?>/.exec(
      text.slice(i),
    );
  if (decl) {
    if (decl[3] !== undefined && decl[3].toUpperCase() !== 'UTF-8')
      throw new XmlError(`encoding ${decl[3]} is not supported: send UTF-8`);
    i += decl[0].length;
  } else if (text.startsWith('<?', i)) {
    throw new XmlError('malformed XML declaration');
  }
  let count = 0;
  const skipSpace = () => {
    while (i < text.length && /\s/.test(text[i])) i++;
  };

  function element(depth: number): XmlElement {
    if (depth > LIMITS.depth) throw new XmlError('elements nested too deeply');
    if (++count > LIMITS.elements) throw new XmlError('too many elements');
    const start = i;
    if (text[i] !== '<') throw new XmlError(`expected an element at ${i}`);
    if (text.startsWith('<!', i) || text.startsWith('<?', i))
      throw new XmlError(`comments, CDATA, DTDs and processing instructions are not accepted (at ${i})`);
    NAME_AT.lastIndex = i + 1;
    const name = NAME_AT.exec(text)?.[0];
    if (!name) throw new XmlError(`bad element name at ${i}`);
    i += 1 + name.length;
    skipSpace();
    if (text.startsWith('/>', i)) {
      i += 2;
      return { name, children: [], text: '' };
    }
    if (text[i] !== '>') throw new XmlError(`attributes are not accepted (element ${name} at ${start})`);
    i++;
    const children: XmlElement[] = [];
    let raw = '';
    for (;;) {
      const lt = text.indexOf('<', i);
      if (lt < 0) throw new XmlError(`element ${name} is not closed`);
      raw += text.slice(i, lt);
      i = lt;
      if (text.startsWith('</', i)) {
        const close = new RegExp(`</${name}\\s*>`, 'y');
        close.lastIndex = i;
        if (!close.test(text)) throw new XmlError(`expected </${name}> at ${i}`);
        i = close.lastIndex;
        break;
      }
      children.push(element(depth + 1));
    }
    if (children.length > 0) {
      if (raw.trim() !== '') throw new XmlError(`element ${name} mixes text and elements`);
      return { name, children, text: '' };
    }
    return { name, children, text: decodeEntities(raw, start) };
  }

  skipSpace();
  const root = element(1);
  skipSpace();
  if (i !== text.length) throw new XmlError(`content after the root element at ${i}`);
  return root;
}

/** Escapes text content; characters XML cannot carry at all are refused, not dropped. */
export function escapeXml(s: string): string {
  if (BAD_CHAR.test(s)) throw new XmlError('text contains a character XML cannot carry');
  return s
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(/"/g, '&quot;')
    .replace(/'/g, '&apos;')
    .replace(/\r/g, '&#13;');
}

export type XmlNode = { name: string; value: string | XmlNode[] };

export function writeXml(root: XmlNode): string {
  const write = (n: XmlNode): string => {
    if (!NAME.test(n.name) || NAME.exec(n.name)![0] !== n.name) throw new XmlError(`bad element name ${n.name}`);
    const inner = typeof n.value === 'string' ? escapeXml(n.value) : n.value.map(write).join('');
    return inner === '' ? `<${n.name}/>` : `<${n.name}>${inner}</${n.name}>`;
  };
  return `<?xml version="1.0" encoding="UTF-8"?>${write(root)}`;
}
