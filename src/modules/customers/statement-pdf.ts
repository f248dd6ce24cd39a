// The account statement as a PDF for the customer (the CJK font handling is platform/pdf's).
import { yuan } from '../../platform/money.ts';
import { findCjkFont, pdfDocument, type CjkFont } from '../../platform/pdf/document.ts';
import type { AccountStatement } from './statement.ts';

export function statementPdf(s: AccountStatement, font: CjkFont = findCjkFont()): Promise<Buffer> {
  const { doc, text, done } = pdfDocument(`Statement ${s.account.id}`, font);

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
