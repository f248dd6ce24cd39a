// A bill's PDF or CSV: fetched with the session's bearer token, then saved through an object URL.
import { session } from '../../api/client.ts';

export async function downloadBill(billId: number, format: 'pdf' | 'csv'): Promise<void> {
  const res = await fetch(`/api/v1/bills/${billId}/document?format=${format}`, {
    headers: { Authorization: `Bearer ${session.token() ?? ''}` },
  });
  if (!res.ok) throw new Error(`HTTP ${res.status}`);
  const url = URL.createObjectURL(await res.blob());
  const a = document.createElement('a');
  a.href = url;
  a.download = `bill-${billId}.${format}`;
  document.body.appendChild(a);
  a.click();
  a.remove();
  // released once the browser has taken the file
  setTimeout(() => URL.revokeObjectURL(url), 10_000);
}
