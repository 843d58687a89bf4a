'use client';
import { useEffect, useState } from 'react';

// One page: the backend's health, a login form and the logged-in user's contacts (through /api, proxied).
export default function Home() {
  const [health, setHealth] = useState(null);
  const [user, setUser] = useState(null);
  const [contacts, setContacts] = useState([]);
  const [form, setForm] = useState({ email: '', password: '' });
  const [error, setError] = useState('');

  const load = async () => {
    setHealth(await fetch('/api/health').then((r) => r.json()).catch(() => null));
    const me = await fetch('/api/auth/me');
    if (me.ok) {
      setUser((await me.json()).user);
      setContacts((await fetch('/api/contacts').then((r) => r.json())).contacts);
    } else setUser(null);
  };
  useEffect(() => { load(); }, []);

  const auth = async (path) => {
    const r = await fetch(`/api/auth/${path}`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(form) });
    setError(r.ok ? '' : (await r.json()).error);
    if (path === 'register' && r.ok) return auth('login');
    load();
  };

  return (
    <main>
      <h1>CRM demo</h1>
      <p id="health">backend: {health ? `${health.status} (instance ${health.instance}, database ${health.database})` : 'not reachable'}</p>
      {user ? (
        <section>
          <p>logged in as {user.email} <button onClick={() => auth('logout')}>log out</button></p>
          <ul>{contacts.map((c) => <li key={c.id}>{c.name} {c.company ? `(${c.company})` : ''}</li>)}</ul>
        </section>
      ) : (
        <section>
          <input placeholder="email" value={form.email} onChange={(e) => setForm({ ...form, email: e.target.value })} />
          <input placeholder="password" type="password" value={form.password} onChange={(e) => setForm({ ...form, password: e.target.value })} />
          <button onClick={() => auth('login')}>log in</button> <button onClick={() => auth('register')}>register</button>
          {error && <p style={{ color: 'crimson' }}>{error}</p>}
        </section>
      )}
    </main>
  );
}
