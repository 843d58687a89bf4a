// The API's routes. Sessions: a `sid` cookie (or `Authorization: Bearer <token>`) naming a Redis key.
'use strict';

function send(res, status, body, headers = {}) {
  const text = body === undefined ? '' : JSON.stringify(body);
  res.writeHead(status, { 'content-type': 'application/json', ...headers });
  res.end(text);
}

async function readJson(req) {
  let text = '';
  for await (const chunk of req) text += chunk;
  if (!text) return {};
  try { return JSON.parse(text); } catch { throw Object.assign(new Error('body is not JSON'), { status: 400 }); }
}

function tokenOf(req) {
  const auth = req.headers.authorization || '';
  if (auth.startsWith('Bearer ')) return auth.slice(7);
  const m = /(?:^|;\s*)sid=([0-9a-f]+)/.exec(req.headers.cookie || '');
  return m ? m[1] : null;
}

const bad = (message, status = 400) => Object.assign(new Error(message), { status });
const CONTACT_FIELDS = ['name', 'email', 'company', 'phone'];

async function auth(ctx, req, res, path) {
  if (path === '/api/auth/register' && req.method === 'POST') {
    const { email, password, name = '' } = await readJson(req);
    if (!email || !password) throw bad('email and password are required');
    const { rows } = await ctx.db.query(
      'insert into users (email, name, password_hash) values ($1, $2, $3) on conflict (email) do nothing returning id, email, name',
      [String(email).toLowerCase(), String(name), ctx.hashPassword(String(password))]);
    if (!rows[0]) throw bad('email is already registered', 409);
    return send(res, 201, { user: rows[0] });
  }
  if (path === '/api/auth/login' && req.method === 'POST') {
    const { email, password } = await readJson(req);
    const { rows } = await ctx.db.query('select id, email, name, password_hash from users where email = $1', [String(email || '').toLowerCase()]);
    if (!rows[0] || !ctx.checkPassword(String(password || ''), rows[0].password_hash)) throw bad('wrong email or password', 401);
    const token = await ctx.sessions.create(rows[0].id);
    const { id, name } = rows[0];
    return send(res, 200, { token, user: { id, email: rows[0].email, name } }, { 'set-cookie': `sid=${token}; HttpOnly; Path=/; SameSite=Lax` });
  }
  if (path === '/api/auth/logout' && req.method === 'POST') {
    await ctx.sessions.destroy(tokenOf(req));
    return send(res, 200, { ok: true }, { 'set-cookie': 'sid=; HttpOnly; Path=/; Max-Age=0' });
  }
  if (path === '/api/auth/me' && req.method === 'GET') {
    const user = await ctx.sessions.user(tokenOf(req));
    if (!user) throw bad('not logged in', 401);
    return send(res, 200, { user });
  }
  return false;
}

async function contacts(ctx, req, res, path) {
  const m = /^\/api\/contacts(?:\/(\d+))?$/.exec(path);
  if (!m) return false;
  const user = await ctx.sessions.user(tokenOf(req));
  if (!user) throw bad('not logged in', 401);
  const id = m[1] ? Number(m[1]) : null;
  const cols = 'id, name, email, company, phone, created_at, updated_at';
  if (id === null && req.method === 'GET') {
    const { rows } = await ctx.db.query(`select ${cols} from contacts where owner_id = $1 order by id`, [user.id]);
    return send(res, 200, { contacts: rows });
  }
  if (id === null && req.method === 'POST') {
    const body = await readJson(req);
    if (!body.name) throw bad('name is required');
    const { rows } = await ctx.db.query(
      `insert into contacts (owner_id, name, email, company, phone) values ($1, $2, $3, $4, $5) returning ${cols}`,
      [user.id, ...CONTACT_FIELDS.map((f) => body[f] ?? null)]);
    return send(res, 201, { contact: rows[0] });
  }
  if (id !== null && req.method === 'GET') {
    const { rows } = await ctx.db.query(`select ${cols} from contacts where id = $1 and owner_id = $2`, [id, user.id]);
    return rows[0] ? send(res, 200, { contact: rows[0] }) : send(res, 404, { error: 'no such contact' });
  }
  if (id !== null && req.method === 'PUT') {
    const body = await readJson(req);
    const { rows } = await ctx.db.query(
      `update contacts set name = coalesce($3, name), email = coalesce($4, email), company = coalesce($5, company),
         phone = coalesce($6, phone), updated_at = now() where id = $1 and owner_id = $2 returning ${cols}`,
      [id, user.id, ...CONTACT_FIELDS.map((f) => body[f] ?? null)]);
    return rows[0] ? send(res, 200, { contact: rows[0] }) : send(res, 404, { error: 'no such contact' });
  }
  if (id !== null && req.method === 'DELETE') {
    const { rowCount } = await ctx.db.query('delete from contacts where id = $1 and owner_id = $2', [id, user.id]);
    return rowCount ? send(res, 200, { deleted: id }) : send(res, 404, { error: 'no such contact' });
  }
  throw bad('method not allowed', 405);
}

async function health(ctx, res) {
  if (!ctx.isReady()) return send(res, 503, { status: 'starting', instance: ctx.instance });
  const [pg, redis] = await Promise.all([
    ctx.db.query('select current_database() as db').then((r) => r.rows[0].db, () => null),
    ctx.redis.ping().then((p) => p === 'PONG', () => false),
  ]);
  const ok = pg !== null && redis;
  return send(res, ok ? 200 : 503, { status: ok ? 'ok' : 'degraded', instance: ctx.instance, database: pg, redis });
}

async function handle(ctx, req, res) {
  const path = new URL(req.url, 'http://x').pathname.replace(/\/+$/, '') || '/';
  try {
    if (path === '/api/health') return await health(ctx, res);
    if (!ctx.isReady()) throw bad('starting', 503);
    if ((await auth(ctx, req, res, path)) !== false) return;
    if ((await contacts(ctx, req, res, path)) !== false) return;
    send(res, 404, { error: `no route ${req.method} ${path}` });
  } catch (e) {
    if (!e.status) console.error(e);
    send(res, e.status || 500, { error: e.status ? e.message : 'internal error' });
  }
}

module.exports = { handle };
