// A bill as CSV and PDF (pdfkit, the statement's font rule: a CJK font when the machine has one,
// otherwise the built-in font with undrawable characters as '*').
import { csvCell } from '../../platform/http/csv.ts';
import { yuan } from '../../platform/money.ts';
import { findCjkFont, pdfDocument, type CjkFont } from '../../platform/pdf/document.ts';
import type { BillLine, BillView } from './bills.ts';

export function billCsv(bill: BillView, lines: BillLine[]): string {
  const out = [
    ['bill', 'account', 'period_start', 'period_end', 'due_date', 'amount_yuan', 'paid_yuan', 'outstanding_yuan'].join(
      ',',
    ),
    [
      bill.id,
      bill.accountId,
      bill.periodStart,
      bill.periodEnd,
      bill.dueDate,
      yuan(bill.amount),
      yuan(bill.paid),
      yuan(bill.outstanding),
    ].join(','),
    '',
    ['plate', 'plate_color', 'vehicle_class', 'trips', 'amount_yuan'].join(','),
    ...lines.map((l) => [csvCell(l.plate), l.plateColor, l.vehicleClass, l.trips, yuan(l.amount)].join(',')),
  ];
  return out.join('\n') + '\n';
}

export function billPdf(
  bill: BillView,
  lines: BillLine[],
  customerName: string,
  font: CjkFont = findCjkFont(),
): Promise<Buffer> {
  const { doc, text, done } = pdfDocument(`Bill ${bill.id}`, font);
  doc.fontSize(16).text(text('记账卡账单 Debit-account bill'));
  doc.moveDown(0.5).fontSize(10);
  doc.text(text(`客户 Customer: ${customerName}`));
  doc.text(text(`账户 Account: ${bill.accountId}    账单 Bill: ${bill.id}`));
  doc.text(text(`期间 Period: ${bill.periodStart} — ${bill.periodEnd} (exclusive)`));
  doc.text(text(`到期日 Due date: ${bill.dueDate}`));
  doc.text(
    text(
      `应付 Amount: ¥${yuan(bill.amount)}    已付 Paid: ¥${yuan(bill.paid)}    未付 Outstanding: ¥${yuan(bill.outstanding)}`,
    ),
  );
  if (!font) doc.text('(No CJK font on this machine: characters it cannot show are printed as *.)');
  doc.moveDown();
  const cols = [40, 200, 290, 380, 460];
  const row = (cells: string[]) => {
    if (doc.y > doc.page.height - 60) doc.addPage();
    const y = doc.y;
    cells.forEach((c, i) =>
      doc.text(text(c), cols[i], y, { width: (cols[i + 1] ?? 555) - cols[i]! - 4, lineBreak: false }),
    );
    doc.x = cols[0]!;
    doc.moveDown(0.3);
  };
  doc.fontSize(9);
  row(['车牌 Plate', '颜色 Colour', '车型 Class', '次数 Trips', '金额 Amount']);
  for (const l of lines) row([l.plate, String(l.plateColor), String(l.vehicleClass), String(l.trips), yuan(l.amount)]);
  doc.end();
  return done;
}
