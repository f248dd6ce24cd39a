// The account statement as a PDF for the customer (pdfkit). Customers' names are Chinese, which the
// PDF's built-in fonts cannot draw: a CJK font found on the machine is embedded (subset). Without
// one, the PDF is still produced with a built-in font, and every character it cannot draw is shown
// as '*' (the statement says so) rather than failing or printing garbage.
import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import PDFDocument from 'pdfkit';
import { yuan, type AccountStatement } from './statement.ts';

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

export function statementPdf(s: AccountStatement, font: CjkFont = findCjkFont()): Promise<Buffer> {
  const doc = new PDFDocument({ size: 'A4', margin: 40, info: { Title: `Statement ${s.account.id}` } });
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
  const text = (v: string) => (font ? v : drawable(v));

  doc.fontSize(16).text(text('账户对账单 Account statement'));
  doc.moveDown(0.5).fontSize(10);
  doc.text(text(`客户 Customer: ${s.customer.name}${s.customer.idNumberMask ? `  (${s.customer.idNumberMask})` : ''}`));
  doc.text(text(`账户 Account: ${s.account.id} (${s.account.kind})`));
  doc.text(text(`期间 Period: ${s.from} — ${s.to}`));
  doc.text(text(`期初余额 Opening balance: ¥${yuan(s.openingBalance)}`));
  doc.text(text(`收入 In: ¥${yuan(s.totalIn)}    支出 Out: ¥${yuan(s.totalOut)}    笔数 Movements: ${s.count}`));
  doc.text(text(`期末余额 Closing balance: ¥${yuan(s.closingBalance)}`));
  if (!font) doc.text('(No CJK font on this machine: characters it cannot show are printed as *.)');
  doc.moveDown();

  const cols = [40, 160, 270, 400, 480];
  const row = (cells: string[]) => {
    if (doc.y > doc.page.height - 60) doc.addPage();
    const y = doc.y;
    cells.forEach((c, i) =>
      doc.text(text(c), cols[i], y, { width: (cols[i + 1] ?? 555) - cols[i] - 4, lineBreak: false }),
    );
    doc.x = cols[0];
    doc.moveDown(0.3);
  };
  doc.fontSize(9);
  row(['时间 Time', '类别 Kind', '参考 Reference', '金额 Amount', '余额 Balance']);
  for (const m of s.movements)
    row([
      m.at.toISOString().replace('T', ' ').slice(0, 19) + 'Z',
      m.kind,
      m.reference.slice(0, 24),
      yuan(m.amount),
      yuan(m.balance),
    ]);
  doc.end();
  return done;
}
