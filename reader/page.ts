// The virtual reader's own small page (GET /): which virtual medium is on the reader. It holds no
// secret: the clerk types the pairing token the reader printed, kept in this page's local storage.
export const READER_PAGE = `<!doctype html>
<html lang="zh-CN"><head><meta charset="utf-8"><title>虚拟读卡器 · Virtual card reader</title>
<style>
 body{font:15px system-ui,sans-serif;margin:2rem;max-width:46rem;color:#1f1f1f}
 button{font:inherit;margin:.2rem;padding:.3rem .8rem} li{margin:.3rem 0} code{background:#f3f3f3;padding:0 .3rem}
 #err{color:#a8071a} .slot{font-weight:bold}
</style></head><body>
<h1>虚拟读卡器 <small>Virtual card reader</small></h1>
<p><label>配对令牌 Pairing token <input id="token" size="36" autocomplete="off"></label>
 <button id="save">保存 Save</button></p>
<p>读卡器上 On the reader: <span id="slot" class="slot">—</span></p>
<p>
 <button data-insert='{"kind":"blank-card","cardType":22}'>放入空白储值卡 Blank stored-value card (22)</button>
 <button data-insert='{"kind":"blank-card","cardType":23}'>放入空白记账卡 Blank debit-account card (23)</button>
 <button data-insert='{"kind":"blank-obu"}'>放入空白电子标签 Blank OBU</button>
 <button id="remove">取下 Remove</button>
</p>
<h2>已有介质 Media held</h2><ul id="media"></ul>
<p id="err" role="alert"></p>
<script>
const $ = (id) => document.getElementById(id);
$('token').value = localStorage.getItem('readerToken') || '';
$('save').onclick = () => { localStorage.setItem('readerToken', $('token').value.trim()); refresh(); };
async function call(method, path, body) {
  const res = await fetch(path, { method, headers: { 'X-Reader-Token': localStorage.getItem('readerToken') || '',
    ...(body ? { 'Content-Type': 'application/json' } : {}) }, body: body ? JSON.stringify(body) : undefined });
  if (res.status === 204) return null;
  const json = await res.json();
  if (!res.ok) throw new Error(json.error.code + ': ' + json.error.message);
  return json;
}
const label = (m) => m.kind === 'card'
  ? (m.cardType === 22 ? '储值卡 ' : '记账卡 ') + m.cardNo + (m.blank ? ' (空白 blank)' : '')
  : '电子标签 OBU ' + m.obuNo + (m.blank ? ' (空白 blank)' : m.activated ? ' (已激活 activated)' : '');
async function act(fn) { $('err').textContent = ''; try { await fn(); } catch (e) { $('err').textContent = e.message; } await refresh(); }
async function refresh() {
  try {
    const { media, inSlot } = await call('GET', '/v1/admin/media');
    $('slot').textContent = inSlot ? label(inSlot) : '—';
    $('media').replaceChildren(...media.map((m) => {
      const li = document.createElement('li'); const b = document.createElement('button');
      b.textContent = '放上 Put on reader'; b.onclick = () => act(() => call('POST', '/v1/admin/insert',
        m.kind === 'card' ? { kind: 'card', cardNo: m.cardNo } : { kind: 'obu', obuNo: m.obuNo }));
      li.append(label(m) + ' ', b); return li; }));
  } catch (e) { $('err').textContent = e.message; }
}
for (const b of document.querySelectorAll('[data-insert]')) b.onclick = () => act(() => call('POST', '/v1/admin/insert', JSON.parse(b.dataset.insert)));
$('remove').onclick = () => act(() => call('POST', '/v1/admin/remove', {}));
refresh(); setInterval(refresh, 3000);
</script></body></html>
`;
