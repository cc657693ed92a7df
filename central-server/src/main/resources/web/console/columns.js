// The table's columns, as the Go console had them. Each has a title, a sort key (or none) and the
// HTML of its cell; cells with controls get them only for editors.
import { age, annotation, dims, dimensionsText, duration, esc, maxTemperature, millis } from './format.js';

/** Updates arrive every 30 s; twice that without one and the machine is flagged (as in Go). */
export const STALE_MS = 60 * 1000;
/** Devices are restarted every 24 h, with an hour more when running a test (as in Go). */
const MAX_UPTIME_S = 25 * 3600;

function button(action, id, label, title, cls = '') {
  return `<button data-action="${action}" data-id="${esc(id)}" class="${cls}" title="${esc(title)}">${esc(label)}</button>`;
}

const text = (s) => ({ html: esc(s) });

export const COLUMNS = [
  {
    key: 'machine', title: 'Machine', sort: (r) => r.id,
    cell: (r, ctx) => {
      const m = ctx.messages.get(r.id);
      return {
        html: `<button class="link" data-action="open" data-id="${esc(r.id)}" title="Details, history and audit">${esc(r.id)}</button>`
          + (m ? `<span class="msg${m.error ? ' err' : ''}" title="${esc(m.text)}">${esc(m.text)}</span>` : ''),
      };
    },
  },
  { key: 'attached', title: 'Attached', sort: (r) => r.d.AttachedDevice, cell: (r) => text(r.d.AttachedDevice) },
  { key: 'device', title: 'Device', sort: (r) => dims(r.d, 'device_type').join(' | '), cell: (r) => text(dims(r.d, 'device_type').join(' | ')) },
  {
    key: 'mode', title: 'Mode', sort: (r) => (r.d.MaintenanceMode ? 1 : 0),
    cell: (r, ctx) => {
      const label = r.d.MaintenanceMode ? 'Maintenance' : 'Available';
      return {
        cls: 'mode',
        html: ctx.editor
          ? button('toggle_mode', r.id, label, r.d.MaintenanceMode || 'Put the machine in maintenance mode')
          : `<span title="${esc(r.d.MaintenanceMode)}">${label}</span>`,
      };
    },
  },
  { key: 'recovering', title: 'Recovering', sort: (r) => r.d.Recovering, cell: (r) => ({ html: esc(r.d.Recovering), cls: r.d.Recovering ? 'bad' : '' }) },
  {
    key: 'power', title: 'Power', sort: (r) => `${r.d.PowerCycle ? 0 : 1}${r.d.PowerCycleState}`,
    cell: (r, ctx) => {
      const state = `<span class="muted" title="PowerCycleState">${esc(r.d.PowerCycleState)}</span>`;
      if (r.d.PowerCycle) {
        return { html: (ctx.editor ? button('toggle_powercycle', r.id, 'Cancel', 'Withdraw the power-cycle request') : '') + ' Waiting for power cycle' };
      }
      return { html: (ctx.editor ? `${button('toggle_powercycle', r.id, 'Power-cycle', 'Power-cycle the host')} ` : '') + state };
    },
  },
  {
    key: 'details', title: 'Details', sort: (r) => r.d.SSHUserIP,
    cell: (r, ctx) => ({
      html: esc(r.d.SSHUserIP) + (ctx.editor && r.d.AttachedDevice === 'ssh' && !r.d.RunningSwarmingTask
        ? ` ${button('open', r.id, 'Edit', 'SSH user@ip and supplied dimensions')}` : ''),
    }),
  },
  { key: 'quarantined', title: 'Quarantined', sort: (r) => dims(r.d, 'quarantined').join(), cell: (r) => text(dims(r.d, 'quarantined').join(', ')) },
  {
    key: 'clear', title: 'Clear Quarantine', sort: (r) => (r.d.IsQuarantined ? 0 : 1),
    cell: (r, ctx) => ({
      html: r.d.IsQuarantined ? (ctx.editor ? button('clear_quarantined', r.id, 'Clear', 'Clear the forced quarantine') : 'Forced') : '',
    }),
  },
  { key: 'task', title: 'Task', sort: (r) => (r.d.RunningSwarmingTask ? 0 : 1), cell: (r) => text(r.d.RunningSwarmingTask ? 'Running' : '') },
  {
    key: 'battery', title: 'Battery', sort: (r) => r.d.Battery,
    cell: (r) => ({ html: r.d.Battery === -99 ? '?' : (r.d.Battery ? String(r.d.Battery) : ''), cls: `num${r.d.Battery !== -99 && r.d.Battery > 0 && r.d.Battery < 30 ? ' bad' : ''}` }),
  },
  {
    key: 'temperature', title: 'Temperature', sort: (r) => maxTemperature(r.d) ?? -1,
    cell: (r) => {
      const t = maxTemperature(r.d);
      return { html: t === null ? '' : `${t.toFixed(1)} °C`, cls: `num${t !== null && t > 35 ? ' bad' : ''}` };
    },
  },
  {
    key: 'lastseen', title: 'Last Seen', sort: (r) => -millis(r.d.LastUpdated),
    cell: (r, ctx) => ({ html: esc(age(r.d.LastUpdated, ctx.now)), cls: `lastseen${ctx.now - millis(r.d.LastUpdated) > STALE_MS ? ' stale' : ''}`, attrs: `data-t="${millis(r.d.LastUpdated)}"` }),
  },
  {
    key: 'uptime', title: 'Uptime', sort: (r) => r.d.DeviceUptime,
    cell: (r) => ({ html: r.d.DeviceUptime ? duration(r.d.DeviceUptime - (r.d.DeviceUptime % 60)) : '', cls: `num${r.d.DeviceUptime > MAX_UPTIME_S ? ' bad' : ''}` }),
  },
  { key: 'dimensions', title: 'Dimensions', sort: null, cell: (r) => ({ html: esc(dimensionsText(r.d)), attrs: `title="${esc(dimensionsText(r.d))}"` }) },
  { key: 'launched', title: 'Launched Swarming', sort: (r) => (r.d.LaunchedSwarming ? 0 : 1), cell: (r) => text(r.d.LaunchedSwarming ? 'yes' : '') },
  { key: 'note', title: 'Note', sort: (r) => r.d.Note?.Message || '', cell: (r, ctx) => text(annotation(r.d.Note, ctx.now)) },
  { key: 'annotation', title: 'Annotation', sort: (r) => -millis(r.d.Annotation?.Timestamp), cell: (r, ctx) => text(annotation(r.d.Annotation, ctx.now)) },
  { key: 'version', title: 'Version', sort: (r) => r.d.Version, cell: (r) => text(r.d.Version || '(missing)') },
  {
    key: 'delete', title: 'Delete', sort: null,
    cell: (r, ctx) => ({
      html: !ctx.editor ? '' : ctx.confirming === r.id
        ? button('delete_machine', r.id, 'Confirm delete', 'Remove the machine from the database', 'danger')
        : button('confirm_delete', r.id, 'Delete', 'Remove the machine from the database (asks again)'),
    }),
  },
];
