// Turning Description fields into text and HTML.

const ESCAPES = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' };

export function esc(s) {
  return String(s ?? '').replace(/[&<>"']/g, (c) => ESCAPES[c]);
}

/** Seconds as "3d 4h", "5h 12m", "7m", "12s". */
export function duration(seconds) {
  const s = Math.max(0, Math.floor(seconds));
  const d = Math.floor(s / 86400);
  const h = Math.floor((s % 86400) / 3600);
  const m = Math.floor((s % 3600) / 60);
  if (d) return `${d}d ${h}h`;
  if (h) return `${h}h ${m}m`;
  if (m) return `${m}m`;
  return `${s}s`;
}

const ZERO_TIME = '0001-01-01T00:00:00Z';

/** Milliseconds since the epoch, 0 for Go's zero time or nothing. */
export function millis(time) {
  return !time || time === ZERO_TIME ? 0 : Date.parse(time);
}

export function age(time, now = Date.now()) {
  const t = millis(time);
  return t ? `${duration((now - t) / 1000)} ago` : 'never';
}

export function dims(d, key) {
  return (d.Dimensions && d.Dimensions[key]) || [];
}

export function machineId(d) {
  const id = dims(d, 'id');
  return id.length ? id[id.length - 1] : '';
}

export function maxTemperature(d) {
  const t = d.Temperature;
  if (!t) return null;
  const values = Object.entries(t).filter(([k]) => k !== 'battery_cycle').map(([, v]) => v);
  return values.length ? Math.max(...values) : null;
}

export function annotation(a, now) {
  return a && a.Message ? `${a.User} (${age(a.Timestamp, now)}) - ${a.Message}` : '';
}

export function dimensionsText(d) {
  return Object.entries(d.Dimensions || {}).map(([k, v]) => `${k}:${v.join('|')}`).join(' ');
}
