// CMB's account-transactions answer (GBK XML): one <NTQTSINFZ> element per movement (ETYDAT/ETYTIM
// date and time, AMTCDR C|D, TRSAMT yuan, REFNBR bank serial, YURREF business reference, NUSAGE
// purpose, RPYACC/RPYNAM counterparty account and name), with an optional <SUMINFO> trailer (TOTCNT,
// CRDAMT, DBTAMT) checked when present. Flat elements only: read with a strict scanner, no parser.
import { assertUniqueSerials, bookedAt, decodeGbk, malformed, yuanToFen, type ParsedLine } from './statement-common.ts';

const XML_ENTITIES: Record<string, string> = { amp: '&', lt: '<', gt: '>', quot: '"', apos: "'" };
// a character reference names one of XML's characters (XML 1.0 §2.2, §4.1): one beyond U+10FFFF, a
// surrogate, a C0 control other than tab, LF and CR (NUL included), U+FFFE or U+FFFF is refused as
// the file's fault, not left to String.fromCodePoint's RangeError or to the database
function characterOf(code: number, e: string, line: number): string {
  const char =
    code <= 0x10ffff &&
    (code >= 0x20 || code === 0x09 || code === 0x0a || code === 0x0d) &&
    !(code >= 0xd800 && code <= 0xdfff) &&
    code !== 0xfffe &&
    code !== 0xffff;
  if (!char) malformed(line, `character reference &${e.slice(0, 12)}; is not a character`);
  return String.fromCodePoint(code);
}
const unescapeXml = (s: string, line: number) =>
  s.replace(/&(#x[0-9a-fA-F]+|#\d+|[a-z]+);/g, (_m, e: string) => {
    if (e.startsWith('#x')) return characterOf(parseInt(e.slice(2), 16), e, line);
    if (e.startsWith('#')) return characterOf(parseInt(e.slice(1), 10), e, line);
    const v = XML_ENTITIES[e];
    if (v === undefined) malformed(line, `unknown XML entity &${e};`);
    return v;
  });

// The flat elements of one record: <TAG>text</TAG>, nothing nested
function fields(body: string, line: number): Map<string, string> {
  const out = new Map<string, string>();
  const re = /<([A-Z0-9_]+)>([^<]*)<\/([A-Z0-9_]+)>|<([A-Z0-9_]+)\/>|(\S)/g;
  for (let m; (m = re.exec(body));) {
    if (m[5] !== undefined) malformed(line + body.slice(0, m.index).split('\n').length - 1, 'malformed XML element');
    if (m[4] !== undefined) {
      out.set(m[4], '');
      continue;
    }
    if (m[1] !== m[3]) malformed(line, `element <${m[1]}> closed by </${m[3]}>`);
    out.set(m[1], unescapeXml(m[2], line).trim());
  }
  return out;
}

export function parseCmbXml(buf: Buffer): ParsedLine[] {
  const text = decodeGbk(buf);
  const decl = /^\uFEFF?<\?xml[^>]*encoding="([^"]+)"[^>]*\?>/i.exec(text);
  if (!decl) malformed(1, 'no XML declaration with an encoding');
  if (!/^gb(k|2312|18030)$/i.test(decl[1])) malformed(1, `declared encoding ${decl[1]}; CMB writes GBK`);
  const lineAt = (i: number) => text.slice(0, i).split('\n').length;
  const root = /<CMBSDKPGK>([\s\S]*)<\/CMBSDKPGK>\s*$/.exec(text);
  if (!root) malformed(lineAt(decl[0].length) + 1, 'no <CMBSDKPGK> root element, or text after it');
  const rootStart = root.index + '<CMBSDKPGK>'.length;
  const body = root[1];
  const info = /<INFO>([\s\S]*?)<\/INFO>/.exec(body);
  if (!info) malformed(lineAt(rootStart), 'no <INFO> element');
  const retcod = fields(info[1], lineAt(rootStart + info.index)).get('RETCOD');
  if (retcod !== '0') malformed(lineAt(rootStart + info.index), `the bank answered RETCOD ${retcod ?? 'missing'}`);
  const lines: ParsedLine[] = [];
  let credit = 0n;
  let debit = 0n;
  let summary: { line: number; f: Map<string, string> } | null = null;
  // every element of the root is INFO, a movement or the trailer; anything else is a fault
  const re = /<(INFO|NTQTSINFZ|SUMINFO)>([\s\S]*?)<\/\1>|(\S)/g;
  for (let m; (m = re.exec(body));) {
    const line = lineAt(rootStart + m.index);
    if (m[3] !== undefined) malformed(line, 'unexpected content in the statement');
    if (m[1] === 'INFO') continue;
    if (m[1] === 'SUMINFO') {
      summary = { line, f: fields(m[2], line) };
      continue;
    }
    const f = fields(m[2], line);
    const need = (k: string) => {
      const v = f.get(k);
      if (v === undefined || v === '') malformed(line, `<${k}> is missing`);
      return v;
    };
    const cdr = need('AMTCDR');
    if (cdr !== 'C' && cdr !== 'D') malformed(line, `AMTCDR ${cdr} is neither C nor D`);
    const amount = yuanToFen(need('TRSAMT'), line);
    if (amount === 0n) malformed(line, 'amount 0');
    if (cdr === 'C') credit += amount;
    else debit += amount;
    lines.push({
      lineNo: line,
      bank: 'CMB',
      serial: need('REFNBR'),
      bookedAt: bookedAt(need('ETYDAT'), f.get('ETYTIM') ?? '', line),
      direction: cdr === 'C' ? 'credit' : 'debit',
      amount,
      businessReference: f.get('YURREF') ?? '',
      purpose: f.get('NUSAGE') ?? '',
      payerAccount: f.get('RPYACC') ?? '',
      payerName: f.get('RPYNAM') ?? '',
    });
  }
  if (summary) {
    const count = Number(summary.f.get('TOTCNT'));
    if (count !== lines.length)
      malformed(summary.line, `the trailer counts ${count} movements; the file has ${lines.length}`);
    if (yuanToFen(summary.f.get('CRDAMT') ?? '', summary.line) !== credit)
      malformed(summary.line, 'the trailer credit total differs from the sum of the credits');
    if (yuanToFen(summary.f.get('DBTAMT') ?? '', summary.line) !== debit)
      malformed(summary.line, 'the trailer debit total differs from the sum of the debits');
  }
  assertUniqueSerials(lines);
  return lines;
}

// ICBC fixed width, in bytes of GBK (a Chinese character is two bytes)
