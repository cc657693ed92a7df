// Talking to the server: JSON requests, and the fleet's SSE stream read through fetch, so that a
// bearer token can go with it (EventSource cannot send one).

const TOKEN_KEY = 'machineserver.token';

export function token() {
  return sessionStorage.getItem(TOKEN_KEY) || '';
}

export function setToken(value) {
  if (value) {
    sessionStorage.setItem(TOKEN_KEY, value);
  } else {
    sessionStorage.removeItem(TOKEN_KEY);
  }
}

function headers(extra) {
  const h = { ...extra };
  if (token()) {
    h.Authorization = `Bearer ${token()}`;
  }
  return h;
}

/** An error with the server's own message, as its plain-text reply says it. */
export class ServerError extends Error {
  constructor(status, message) {
    super(message ? `${status}: ${message}` : `HTTP ${status}`);
    this.status = status;
  }
}

async function check(res) {
  if (!res.ok) {
    throw new ServerError(res.status, (await res.text()).trim());
  }
  const type = res.headers.get('Content-Type') || '';
  return type.startsWith('application/json') ? res.json() : null;
}

export async function getJson(path) {
  return check(await fetch(path, { headers: headers({ Accept: 'application/json' }), credentials: 'same-origin' }));
}

/** An operator action: always JSON, as the server's cross-site rule wants of browsers. */
export async function post(path, body) {
  return check(await fetch(path, {
    method: 'POST',
    headers: headers({ 'Content-Type': 'application/json' }),
    credentials: 'same-origin',
    body: body === undefined ? '{}' : JSON.stringify(body),
  }));
}

/**
 * Follows an SSE stream until stop() is called, reconnecting with a growing pause (1 s to 15 s)
 * and sending Last-Event-ID. onEvent(type, data, id) gets each message; onState(connected, error)
 * each change of the connection.
 */
export function follow(path, onEvent, onState) {
  const controller = new AbortController();
  let lastId = '';
  let pause = 1000;
  const run = async () => {
    while (!controller.signal.aborted) {
      try {
        const h = headers({ Accept: 'text/event-stream' });
        if (lastId) {
          h['Last-Event-ID'] = lastId;
        }
        const res = await fetch(path, { headers: h, credentials: 'same-origin', signal: controller.signal });
        if (!res.ok) {
          throw new ServerError(res.status, (await res.text()).trim());
        }
        onState(true, null);
        pause = 1000;
        await read(res.body, (type, data, id) => {
          if (id !== null) {
            lastId = id;
          }
          onEvent(type, data, id);
        });
        onState(false, new Error('the server closed the stream'));
      } catch (e) {
        if (controller.signal.aborted) {
          return;
        }
        onState(false, e);
      }
      await new Promise((r) => setTimeout(r, pause));
      pause = Math.min(pause * 2, 15000);
    }
  };
  run();
  return { stop: () => controller.abort() };
}

/** Parses text/event-stream (https://html.spec.whatwg.org/multipage/server-sent-events.html). */
async function read(body, onEvent) {
  const reader = body.pipeThrough(new TextDecoderStream()).getReader();
  let buffer = '';
  let type = '';
  let data = [];
  let id = null;
  for (;;) {
    const { value, done } = await reader.read();
    if (done) {
      return;
    }
    buffer += value;
    let start = 0;
    let nl;
    // one pass over the chunk: a snapshot of the fleet comes in chunks of thousands of lines
    while ((nl = buffer.indexOf('\n', start)) >= 0) {
      const line = buffer.slice(start, buffer[nl - 1] === '\r' ? nl - 1 : nl);
      start = nl + 1;
      if (line === '') {
        if (data.length) {
          onEvent(type || 'message', data.join('\n'), id);
        }
        type = '';
        data = [];
        id = null;
      } else if (!line.startsWith(':')) {
        const colon = line.indexOf(':');
        const field = colon < 0 ? line : line.slice(0, colon);
        const v = colon < 0 ? '' : line.slice(colon + 1).replace(/^ /, '');
        if (field === 'event') type = v;
        else if (field === 'data') data.push(v);
        else if (field === 'id') id = v;
      }
    }
    buffer = buffer.slice(start);
  }
}
