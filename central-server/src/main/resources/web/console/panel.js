// The panel of one machine: its state, the operator's forms (editors only), its history and the
// audit entries that touched it.
import { getJson, post } from './api.js';
import { age, annotation, esc } from './format.js';

const DEVICES = ['nodevice', 'adb', 'ios', 'pyocd', 'ssh'];

function suppliedText(supplied) {
  return Object.entries(supplied || {}).map(([k, v]) => `${k}: ${v.join(', ')}`).join('\n');
}

/** "key: v1, v2" per line, as the panel shows them. */
function parseSupplied(text) {
  const dims = {};
  for (const line of text.split('\n').map((l) => l.trim()).filter(Boolean)) {
    const colon = line.indexOf(':');
    if (colon <= 0) throw new Error(`"${line}": want key: value, value`);
    dims[line.slice(0, colon).trim()] = line.slice(colon + 1).split(',').map((v) => v.trim()).filter(Boolean);
  }
  return dims;
}

export class Panel {
  constructor(element, onClose) {
    this.element = element;
    this.onClose = onClose;
    this.id = null;
  }

  open(row, editor) {
    this.id = row.id;
    const d = row.d;
    const id = esc(row.id);
    this.element.hidden = false;
    this.element.innerHTML = `
      <h2><span>${id}</span><button data-panel="close" title="Close">✕</button></h2>
      <div id="panel-state"></div>
      ${editor ? `
      <h3>Actions</h3>
      <form data-form="buttons">
        <button type="button" data-do="toggle_mode">Toggle maintenance</button>
        <button type="button" data-do="toggle_powercycle">Toggle power cycle</button>
        <button type="button" data-do="clear_quarantined">Clear quarantine</button>
        <button type="button" data-do="remove_device">Remove device</button>
        <button type="button" data-do="delete_machine" class="danger">Delete…</button>
        <p class="result" aria-live="polite"></p>
      </form>
      <h3>Attached device</h3>
      <form data-form="set_attached_device">
        <select name="device" aria-label="Attached device">${DEVICES.map((v) => `<option${v === d.AttachedDevice ? ' selected' : ''}>${v}</option>`).join('')}</select>
        <button type="submit">Save</button>
        <p class="result" aria-live="polite"></p>
      </form>
      <h3>Note</h3>
      <form data-form="set_note">
        <textarea name="note" aria-label="Note">${esc(d.Note?.Message || '')}</textarea>
        <button type="submit">Save note</button>
        <p class="result" aria-live="polite"></p>
      </form>
      <h3>ChromeOS (SSH user@ip and supplied dimensions)</h3>
      <form data-form="supply_chromeos">
        <input type="text" name="ssh" placeholder="root@skia-sparky360-03" aria-label="SSH user@ip" value="${esc(d.SSHUserIP)}">
        <textarea name="dims" aria-label="Supplied dimensions" placeholder="gpu: MaliG52&#10;cpu: arm64">${esc(suppliedText(d.SuppliedDimensions))}</textarea>
        <button type="submit">Save ChromeOS details</button>
        <p class="result" aria-live="polite"></p>
      </form>` : ''}
      <h3>Dimensions and temperatures</h3>
      <div id="panel-dims"></div>
      <h3>History <button data-panel="reload" class="link">reload</button></h3>
      <div id="panel-history" class="muted">loading…</div>
      <h3>Audit</h3>
      <div id="panel-audit" class="muted">loading…</div>`;
    this.update(row);
    this.element.querySelector('[data-panel="close"]').addEventListener('click', () => this.close());
    this.element.querySelector('[data-panel="reload"]').addEventListener('click', () => this.load());
    this.element.querySelectorAll('button[data-do]').forEach((b) => b.addEventListener('click', () => this.act(b)));
    this.element.querySelectorAll('form[data-form]:not([data-form="buttons"])').forEach((f) => f.addEventListener('submit', (e) => {
      e.preventDefault();
      this.submit(f);
    }));
    this.load();
  }

  close() {
    this.id = null;
    this.element.hidden = true;
    this.element.innerHTML = '';
    this.onClose();
  }

  /** The machine changed: its state and dimensions are shown again; forms being edited are left alone. */
  update(row) {
    if (row.id !== this.id) return;
    const d = row.d;
    const now = Date.now();
    const line = (label, value) => (value ? `<p><span class="muted">${label}:</span> ${esc(value)}</p>` : '');
    this.element.querySelector('#panel-state').innerHTML = [
      line('Maintenance', d.MaintenanceMode), line('Recovering', d.Recovering),
      line('Quarantined', d.IsQuarantined ? 'forced' : ''),
      line('Power cycle', `${d.PowerCycle ? 'requested, ' : ''}${d.PowerCycleState}`),
      line('Attached', d.AttachedDevice), line('SSH', d.SSHUserIP), line('Last seen', age(d.LastUpdated, now)),
      line('Note', annotation(d.Note, now)), line('Annotation', annotation(d.Annotation, now)), line('Version', d.Version),
    ].join('');
    const rows = Object.entries(d.Dimensions || {}).map(([k, v]) => `<tr><td>${esc(k)}</td><td>${esc(v.join(' | '))}</td></tr>`)
      .concat(Object.entries(d.Temperature || {}).map(([k, v]) => `<tr><td>°C ${esc(k)}</td><td>${esc(v)}</td></tr>`));
    this.element.querySelector('#panel-dims').innerHTML = `<table>${rows.join('')}</table>`;
  }

  async load() {
    const id = this.id;
    const enc = encodeURIComponent(id);
    const show = async (selector, path, render) => {
      const target = this.element.querySelector(selector);
      try {
        const page = await getJson(path);
        if (this.id !== id) return;
        target.className = '';
        target.innerHTML = page.Entries.length
          ? `<table>${page.Entries.map(render).join('')}</table>` : '<span class="muted">none</span>';
      } catch (e) {
        if (this.id !== id) return;
        target.className = 'err';
        target.textContent = e.message;
      }
    };
    await Promise.all([
      show('#panel-history', `/json/v1/machine/history/${enc}?limit=50`,
        (h) => `<tr><td>${esc(age(h.Time))}</td><td>${esc(h.Kind)}</td><td>${esc(h.Detail)}</td><td>${esc(h.User)}</td></tr>`),
      show('#panel-audit', `/json/v1/audit?machine=${enc}&limit=50`,
        (a) => `<tr><td>${esc(age(a.Time))}</td><td>${esc(a.User)}</td><td>${esc(a.Action)}</td><td>${esc(a.Body)}</td></tr>`),
    ]);
  }

  async act(button) {
    const action = button.dataset.do;
    if (action === 'delete_machine' && button.dataset.armed !== 'yes') {
      button.dataset.armed = 'yes';
      button.textContent = 'Confirm delete';
      return;
    }
    await this.send(button.closest('form'), action, undefined);
  }

  async submit(form) {
    const action = form.dataset.form;
    let body;
    try {
      if (action === 'set_attached_device') body = { AttachedDevice: form.device.value };
      if (action === 'set_note') body = { Message: form.note.value };
      if (action === 'supply_chromeos') body = { SSHUserIP: form.ssh.value.trim(), SuppliedDimensions: parseSupplied(form.dims.value) };
    } catch (e) {
      this.result(form, e.message, true);
      return;
    }
    await this.send(form, action, body);
  }

  async send(form, action, body) {
    this.result(form, '…', false);
    try {
      await post(`/_/machine/${action}/${encodeURIComponent(this.id)}`, body);
      this.result(form, 'Done.', false);
      if (this.id) this.load();
    } catch (e) {
      this.result(form, e.message, true);
    }
  }

  result(form, text, error) {
    const p = form.querySelector('.result');
    p.textContent = text;
    p.classList.toggle('err', error);
  }
}
