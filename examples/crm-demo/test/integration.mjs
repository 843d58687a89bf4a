#!/usr/bin/env node
// The CRM demo's integration suite against a live backend (no dependencies; Node 18+ for fetch).
//   node test/integration.mjs http://localhost:4000 [--expect-database dev_1] [--wait 60]
// Checks health, register/login/logout with Redis sessions and contacts CRUD; exits 0 when every check passed.
const args = process.argv.slice(2);
const base = (args.find((a) => !a.startsWith('--') && /^https?:/.test(a)) || 'http://localhost:4000').replace(/\/+$/, '');
const option = (name) => { const i = args.indexOf(name); return i >= 0 ? args[i + 1] : undefined; };
const expectDatabase = option('--expect-database');
const waitSeconds = Number(option('--wait') || 60);

let passed = 0;
function check(what, ok, detail) {
  if (!ok) {
    console.error(`FAIL ${what}${detail === undefined ? '' : `: ${JSON.stringify(detail)}`}`);
    process.exit(1);
  }
  passed++;
  console.log(`ok   ${what}`);
}

async function call(method, path, { body, token, cookie } = {}) {
  const headers = {};
  if (body !== undefined) headers['content-type'] = 'application/json';
  if (token) headers.authorization = `Bearer ${token}`;
  if (cookie) headers.cookie = cookie;
  const r = await fetch(base + path, { method, headers, body: body === undefined ? undefined : JSON.stringify(body) });
  const text = await r.text();
  let json = null;
  try { json = text ? JSON.parse(text) : null; } catch { json = { text }; }
  return { status: r.status, json, setCookie: r.headers.get('set-cookie') };
}

// Health: wait (bounded) for the backend to report Postgres and Redis reachable.
const deadline = Date.now() + waitSeconds * 1000;
let health;
for (;;) {
  health = await call('GET', '/api/health').catch((e) => ({ status: 0, json: { error: e.message } }));
  if (health.status === 200 || Date.now() > deadline) break;
  await new Promise((r) => setTimeout(r, 250));
}
check('health answers 200 with postgres and redis', health.status === 200 && health.json.status === 'ok' && health.json.redis === true, health);
if (expectDatabase) check(`backend uses database ${expectDatabase}`, health.json.database === expectDatabase, health.json);

// Auth: register, duplicate, wrong password, login (cookie + token), me, logout, me again.
const email = `user-${Date.now()}-${Math.random().toString(16).slice(2, 8)}@example.com`;
const password = 'correct horse battery staple';
const reg = await call('POST', '/api/auth/register', { body: { email, password, name: 'Ada' } });
check('register creates the user', reg.status === 201 && reg.json.user.email === email, reg);
const dup = await call('POST', '/api/auth/register', { body: { email, password } });
check('registering the same email again is 409', dup.status === 409, dup);
const wrong = await call('POST', '/api/auth/login', { body: { email, password: 'nope' } });
check('a wrong password is 401', wrong.status === 401, wrong);
const login = await call('POST', '/api/auth/login', { body: { email, password } });
check('login returns a session token and cookie', login.status === 200 && /^[0-9a-f]{48}$/.test(login.json.token) && /sid=/.test(login.setCookie || ''), login);
const cookie = (login.setCookie || '').split(';')[0];
const token = login.json.token;
const me = await call('GET', '/api/auth/me', { cookie });
check('the session cookie names the user (Redis session)', me.status === 200 && me.json.user.email === email, me);
const anon = await call('GET', '/api/contacts');
check('contacts need a session', anon.status === 401, anon);

// Contacts CRUD with the bearer token.
const empty = await call('GET', '/api/contacts', { token });
check('a new user has no contacts', empty.status === 200 && empty.json.contacts.length === 0, empty);
const created = await call('POST', '/api/contacts', { token, body: { name: 'Grace Hopper', email: 'grace@example.com', company: 'Navy' } });
check('create a contact', created.status === 201 && created.json.contact.name === 'Grace Hopper', created);
const id = created.json.contact.id;
const missingName = await call('POST', '/api/contacts', { token, body: { email: 'x@example.com' } });
check('a contact without a name is 400', missingName.status === 400, missingName);
const got = await call('GET', `/api/contacts/${id}`, { token });
check('read the contact', got.status === 200 && got.json.contact.company === 'Navy', got);
const updated = await call('PUT', `/api/contacts/${id}`, { token, body: { company: 'Harvard', phone: '555-0100' } });
check('update the contact', updated.status === 200 && updated.json.contact.company === 'Harvard' && updated.json.contact.name === 'Grace Hopper', updated);
const list = await call('GET', '/api/contacts', { token });
check('the list has the updated contact', list.status === 200 && list.json.contacts.length === 1 && list.json.contacts[0].phone === '555-0100', list);
const del = await call('DELETE', `/api/contacts/${id}`, { token });
check('delete the contact', del.status === 200, del);
const gone = await call('GET', `/api/contacts/${id}`, { token });
check('a deleted contact is 404', gone.status === 404, gone);

// Logout removes the session from Redis: the same cookie and token no longer work.
const out = await call('POST', '/api/auth/logout', { cookie });
check('logout', out.status === 200, out);
const after = await call('GET', '/api/auth/me', { cookie });
check('the session is gone after logout', after.status === 401, after);
const afterToken = await call('GET', '/api/contacts', { token });
check('the token is gone after logout', afterToken.status === 401, afterToken);

console.log(`${passed} checks passed against ${base}`);
