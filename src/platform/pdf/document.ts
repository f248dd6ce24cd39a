// A PDF for people (pdfkit) whose text is Chinese, which the PDF's built-in fonts cannot draw: a CJK
// font found on the machine is embedded (subset). Without one, the PDF is still produced with a
// built-in font, and every character it cannot draw is shown as '*' rather than failing or printing
// garbage. Used by the account statement and the debit-account bill.
import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import PDFDocument from 'pdfkit';

// Debian/Ubuntu (fonts-noto-cjk, fonts-wqy-*), Fedora, macOS; fc-match is asked when none is there.
const KNOWN_FONTS: Array<{ path: string; family?: string }> = [
  { path: '/usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc', family: 'NotoSansCJKsc-Regular' },
  { path: '/usr/share/fonts/noto-cjk/NotoSansCJK-Regular.ttc', family: 'NotoSansCJKsc-Regular' },
  { path: '/usr/share/fonts/google-noto-cjk/NotoSansCJK-Regular.ttc', family: 'NotoSansCJKsc-Regular' },
  { path: '/usr/share/fonts/truetype/wqy/wqy-microhei.ttc', family: 'WenQuanYi Micro Hei' },
  { path: '/System/Library/Fonts/STHeiti Light.ttc', family: 'STHeitiSC-Light' },
];

export type CjkFont = { path: string; family?: string } | null;
let found: CjkFont | undefined;

export function findCjkFont(): CjkFont {
  if (found !== undefined) return found;
  found = KNOWN_FONTS.find((f) => existsSync(f.path)) ?? null;
  if (!found) {
    try {
      const path = execFileSync('fc-match', ['-f', '%{file}', ':lang=zh-cn'], { encoding: 'utf8', timeout: 2000 });
      // fc-match always answers something; only a TrueType/OpenType file pdfkit can embed will do
      if (/\.(ttf|otf)$/i.test(path) && existsSync(path)) found = { path };
    } catch {
      // no fontconfig: the built-in font is used
    }
  }
  return found;
}

// What the built-in (WinAnsi) font can draw: printable Latin-1
const drawable = (s: string) => s.replace(/[^\x20-\x7e\xa0-\xff]/g, '*');

export type PdfDocument = {
  doc: PDFKit.PDFDocument;
  /** The text as the chosen font can draw it. */
  text: (v: string) => string;
  /** The finished file, once `doc.end()` is called. */
  done: Promise<Buffer>;
};

/** An A4 document with the CJK font when there is one (its absence is said on the page by the caller). */
export function pdfDocument(title: string, font: CjkFont = findCjkFont()): PdfDocument {
  const doc = new PDFDocument({ size: 'A4', margin: 40, info: { Title: title } });
  const chunks: Buffer[] = [];
  doc.on('data', (c: Buffer) => chunks.push(c));
  const done = new Promise<Buffer>((resolve, reject) => {
    doc.on('end', () => resolve(Buffer.concat(chunks)));
    doc.on('error', reject);
  });
  if (font) {
    doc.registerFont('body', font.path, font.family);
    doc.font('body');
  } else doc.font('Helvetica');
  return { doc, text: (v) => (font ? v : drawable(v)), done };
}
