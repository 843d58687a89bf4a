#!/bin/sh
# The web service's install step inside a Coast instance (Coastfile [services.web] install), run from the
# workspace root. The instance image has Debian's nodejs; npm itself comes from the registry once (a single
# tarball, kept in the shared npm cache volume) because Debian's npm package is hundreds of packages.
# node_modules lives in the project's frontend/ (shared by the instances of this checkout, like a local
# `npm install`); the lock serialises instances starting at the same time.
set -eu
# Installed already for this package.json and lock (another instance of this checkout, or an earlier build): nothing
# to do. `npm install` would find that out too, in about 8 s of a loaded 2-core machine.
stamp() { cat frontend/package.json frontend/package-lock.json 2>/dev/null | sha256sum | cut -d' ' -f1; }   # as below
if [ -f frontend/node_modules/.coast-installed ] && [ "$(cat frontend/node_modules/.coast-installed)" = "$(stamp)" ]; then
  echo "frontend/node_modules is up to date with package.json and package-lock.json"; exit 0
fi
cache=/root/.npm
npm_version=10.9.2
npm_dir=/opt/npm-$npm_version
if [ ! -f "$npm_dir/bin/npm-cli.js" ]; then
  mkdir -p "$cache" "$npm_dir"
  tarball="$cache/npm-$npm_version.tgz"
  if [ ! -s "$tarball" ]; then
    node -e '
      const [url, out] = process.argv.slice(1);
      require("https").get(url, (r) => {
        if (r.statusCode !== 200) { console.error(`GET ${url}: ${r.statusCode}`); process.exit(1); }
        r.pipe(require("fs").createWriteStream(out + ".tmp")).on("finish", () => require("fs").renameSync(out + ".tmp", out));
      }).on("error", (e) => { console.error(`GET ${url}: ${e.message}`); process.exit(1); });
    ' "https://registry.npmjs.org/npm/-/npm-$npm_version.tgz" "$tarball"
  fi
  tar -xzf "$tarball" -C "$npm_dir" --strip-components=1
fi
ln -sf "$npm_dir/bin/npm-cli.js" /usr/local/bin/npm
chmod 755 "$npm_dir/bin/npm-cli.js"
export npm_config_update_notifier=false npm_config_fund=false npm_config_audit=false
# Checked again under the lock: another instance may have just installed it.
flock frontend/.npm-install.lock sh -ec '
  cd frontend
  stamp() { cat package.json package-lock.json 2>/dev/null | sha256sum | cut -d" " -f1; }
  [ -f node_modules/.coast-installed ] && [ "$(cat node_modules/.coast-installed)" = "$(stamp)" ] && exit 0
  npm install --no-audit --no-fund --prefer-offline --loglevel=error
  stamp > node_modules/.coast-installed
'
