// The machines table: only the rows in sight are in the document (10,000 machines would be
// 200,000 cells), and a row is rebuilt only when its machine or its message changed, so a button
// stays put under the pointer while the rest of the fleet streams in.
import { COLUMNS, STALE_MS } from './columns.js';
import { age, esc } from './format.js';

const OVERSCAN = 10;

export class Table {
  constructor(scroller, headings, body, onSort) {
    this.scroller = scroller;
    this.headings = headings;
    this.body = body;
    this.onSort = onSort;
    this.rowHeight = 29;
    this.rows = [];
    this.columns = COLUMNS;
    this.cache = new Map(); // id -> {stamp, tr}
    this.shown = []; // the tr elements in the body, in order
    this.template = document.createElement('template');
    this.top = this.spacer();
    this.bottom = this.spacer();
    this.body.replaceChildren(this.top, this.bottom);
    scroller.addEventListener('scroll', () => this.paint(), { passive: true });
    window.addEventListener('resize', () => this.paint());
  }

  spacer() {
    const tr = document.createElement('tr');
    tr.className = 'spacer';
    tr.innerHTML = '<td></td>';
    return tr;
  }

  /** The visible columns, the sort state for their headings, and what cells need (ctx). */
  setColumns(columns, sortKey, descending, ctx) {
    this.columns = columns;
    this.ctx = ctx;
    this.cache.clear();
    this.headings.innerHTML = columns.map((c) => {
      const sort = c.key === sortKey ? ` aria-sort="${descending ? 'descending' : 'ascending'}"` : '';
      return `<th data-key="${c.key}"${c.sort ? ' class="sortable"' : ''}${sort}>${esc(c.title)}</th>`;
    }).join('');
    this.headings.querySelectorAll('th.sortable').forEach((th) => th.addEventListener('click', () => this.onSort(th.dataset.key)));
    this.top.firstChild.colSpan = columns.length;
    this.bottom.firstChild.colSpan = columns.length;
  }

  setRows(rows) {
    this.rows = rows;
    this.paint();
  }

  /** Forgets the built rows, so every row in sight is built again (its controls or message changed). */
  invalidate() {
    this.cache.clear();
  }

  paint() {
    const first = Math.max(0, Math.floor(this.scroller.scrollTop / this.rowHeight) - OVERSCAN);
    const count = Math.ceil(this.scroller.clientHeight / this.rowHeight) + 2 * OVERSCAN;
    const last = Math.min(this.rows.length, first + count);
    const trs = [];
    const cache = new Map();
    for (let i = first; i < last; i++) {
      const row = this.rows[i];
      let built = this.cache.get(row.id);
      if (!built || built.stamp !== row.stamp) {
        built = { stamp: row.stamp, tr: this.build(row) };
      }
      cache.set(row.id, built);
      trs.push(built.tr);
    }
    this.cache = cache;
    this.top.firstChild.style.height = `${first * this.rowHeight}px`;
    this.bottom.firstChild.style.height = `${(this.rows.length - last) * this.rowHeight}px`;
    if (trs.length === this.shown.length) {
      // the same places: swap only the rows that changed
      trs.forEach((tr, i) => {
        if (this.shown[i] !== tr) this.shown[i].replaceWith(tr);
      });
    } else {
      this.body.replaceChildren(this.top, ...trs, this.bottom);
    }
    this.shown = trs;
    if (trs.length) {
      const h = trs[0].getBoundingClientRect().height;
      if (h > 0 && Math.abs(h - this.rowHeight) > 0.5) {
        this.rowHeight = h;
        this.paint();
      }
    }
  }

  build(row) {
    const ctx = { ...this.ctx, now: Date.now() };
    const cells = this.columns.map((c) => {
      const cell = c.cell(row, ctx);
      return `<td data-col="${c.key}"${cell.cls ? ` class="${cell.cls}"` : ''}${cell.attrs ? ` ${cell.attrs}` : ''}>${cell.html}</td>`;
    }).join('');
    const cls = `${row.d.MaintenanceMode ? 'maintenance' : ''}${ctx.selected === row.id ? ' selected' : ''}`;
    this.template.innerHTML = `<tr data-id="${esc(row.id)}" class="${cls}">${cells}</tr>`;
    return this.template.content.firstChild;
  }

  /** Ages the Last Seen cells in sight, without building their rows again. */
  tick() {
    const now = Date.now();
    this.body.querySelectorAll('td.lastseen').forEach((td) => {
      const t = Number(td.dataset.t);
      td.textContent = age(t ? new Date(t).toISOString() : '', now);
      td.classList.toggle('stale', now - t > STALE_MS);
    });
  }
}
