// The machines the page knows, kept up to date from the fleet's stream, and the view of them that
// the filter and the sort order make.
import { annotation, dimensionsText, machineId } from './format.js';

function searchText(d, id) {
  return [id, d.AttachedDevice, d.MaintenanceMode, d.Recovering, d.SSHUserIP, d.PowerCycleState,
    d.PowerCycle ? 'waiting for power cycle' : '', d.IsQuarantined ? 'quarantined' : '',
    d.RunningSwarmingTask ? 'running' : '', annotation(d.Note, 0), annotation(d.Annotation, 0), d.Version,
    dimensionsText(d)].join('\n').toLowerCase();
}

/** Parses the filter box: words that must all match; key:value looks in that dimension. */
export function parseFilter(text) {
  return text.toLowerCase().split(/\s+/).filter(Boolean).map((word) => {
    const colon = word.indexOf(':');
    return colon > 0 ? { word, key: word.slice(0, colon), value: word.slice(colon + 1) } : { word };
  });
}

function matches(row, terms) {
  return terms.every((t) => {
    if (t.key !== undefined) {
      const values = row.dims.get(t.key);
      if (values && values.some((v) => v.includes(t.value))) return true;
    }
    return row.search.includes(t.word);
  });
}

export class Fleet {
  constructor() {
    this.rows = new Map(); // id -> {id, d, version, search, dims, stamp}
    this.stamp = 0;
    this.changed = true;
  }

  /** A Description from the stream (version set) or from an action's reply (version null). */
  put(d, version) {
    const id = machineId(d);
    if (!id) return;
    const old = this.rows.get(id);
    if (old && version !== null && old.version !== null && Number(version) <= old.version) return; // seen already
    const lowered = new Map(Object.entries(d.Dimensions || {}).map(([k, v]) => [k.toLowerCase(), v.map((x) => x.toLowerCase())]));
    this.rows.set(id, {
      id, d, version: version === null ? (old ? old.version : null) : Number(version),
      search: searchText(d, id), dims: lowered, stamp: ++this.stamp,
    });
    this.changed = true;
  }

  remove(id) {
    if (this.rows.delete(id)) this.changed = true;
  }

  /** Marks a row for rendering again, as when its message changes. */
  touch(id) {
    const row = this.rows.get(id);
    if (row) {
      row.stamp = ++this.stamp;
      this.changed = true;
    }
  }

  /** Keeps only the machines in {@code ids}: what a snapshot lacks was deleted meanwhile. */
  retain(ids) {
    for (const id of [...this.rows.keys()]) {
      if (!ids.has(id)) this.remove(id);
    }
  }

  /** The rows that pass the filter, in the order of column {@code sort} (a function of a row). */
  view(terms, sort, descending) {
    const rows = [];
    for (const row of this.rows.values()) {
      if (!terms.length || matches(row, terms)) rows.push(row);
    }
    if (sort) {
      const keys = new Map(rows.map((r) => [r, sort(r)]));
      const dir = descending ? -1 : 1;
      rows.sort((a, b) => {
        const ka = keys.get(a);
        const kb = keys.get(b);
        if (ka < kb) return -dir;
        if (ka > kb) return dir;
        return a.id < b.id ? -1 : a.id > b.id ? 1 : 0;
      });
    }
    return rows;
  }

  counts() {
    const c = { machines: this.rows.size, maintenance: 0, recovering: 0, quarantined: 0, powercycle: 0 };
    for (const { d } of this.rows.values()) {
      if (d.MaintenanceMode) c.maintenance++;
      if (d.Recovering) c.recovering++;
      if (d.IsQuarantined) c.quarantined++;
      if (d.PowerCycle) c.powercycle++;
    }
    return c;
  }
}
