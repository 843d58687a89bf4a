// The CRM demo's API: node's http module, Postgres for users and contacts, Redis for sessions.
// DATABASE_URL and REDIS_URL come from Coast (the shared services' URLs, a database per instance).
'use strict';
const http = require('http');
const { Pool } = require('pg');
const { createClient } = require('redis');
const { hashPassword, checkPassword, newToken } = require('./passwords');
const routes = require('./routes');

const port = Number(process.env.PORT || 4000);
const instance = process.env.INSTANCE_NAME || 'local';
const db = new Pool({ connectionString: process.env.DATABASE_URL || 'postgres://postgres:postgres@localhost:5432/crm' });
const redis = createClient({ url: process.env.REDIS_URL || 'redis://localhost:6379' });
const SESSION_TTL = 24 * 3600;
let ready = false;

db.on('error', (e) => console.error('postgres:', e.message));
redis.on('error', (e) => console.error('redis:', e.message));

const SCHEMA = `
  create table if not exists users (
    id serial primary key, email text unique not null, name text not null default '',
    password_hash text not null, created_at timestamptz not null default now());
  create table if not exists contacts (
    id serial primary key, owner_id integer not null references users(id) on delete cascade,
    name text not null, email text, company text, phone text,
    created_at timestamptz not null default now(), updated_at timestamptz not null default now());`;

// The shared services may still be starting: retry until both answer, then create the schema.
async function connect() {
  for (let attempt = 1; ; attempt++) {
    try {
      if (!redis.isOpen) await redis.connect();
      await db.query(SCHEMA);
      ready = true;
      console.log(`crm backend (${instance}) ready on :${port}`);
      return;
    } catch (e) {
      if (attempt % 10 === 1) console.log(`waiting for postgres and redis: ${e.message}`);
      await new Promise((r) => setTimeout(r, 200));
    }
  }
}

const sessions = {
  async create(userId) {
    const token = newToken();
    await redis.set(`session:${token}`, String(userId), { EX: SESSION_TTL });
    return token;
  },
  async user(token) {
    if (!token) return null;
    const id = await redis.get(`session:${token}`);
    if (!id) return null;
    const { rows } = await db.query('select id, email, name from users where id = $1', [Number(id)]);
    return rows[0] || null;
  },
  async destroy(token) { if (token) await redis.del(`session:${token}`); },
};

const context = { db, redis, sessions, hashPassword, checkPassword, instance, isReady: () => ready };

http.createServer((req, res) => routes.handle(context, req, res)).listen(port, () => console.log(`listening on :${port}`));
connect();
process.on('SIGTERM', () => process.exit(0));
