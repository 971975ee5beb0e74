#!/usr/bin/env node
// npm run glibc:fetch — places Debian 13 (trixie)'s loader and C/C++ runtime under .cache/glibc/ and makes
// .cache/glibc/bin/node, a copy of this Node patched (patchelf) to start through that loader, so @xmtp/node-sdk 6
// (built for glibc >= 2.38) runs on a Debian 12 machine (glibc 2.36). Child processes started with process.execPath
// inherit it. Trust chain: InRelease verified by gpgv against the system's Debian archive keyring → SHA256 of the
// Packages index → SHA256 of each .deb. Idempotent: with a manifest whose files still match it, nothing is fetched.
//   --force     fetch and rebuild even when up to date
//   DEBIAN_MIRROR=http://…/debian   overrides the mirror read from /etc/apt/sources.list*
import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import {
  chmodSync,
  copyFileSync,
  existsSync,
  mkdirSync,
  readdirSync,
  readFileSync,
  rmSync,
  writeFileSync,
} from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const SUITE = 'trixie';
const PACKAGES = ['libc6', 'libstdc++6', 'libgcc-s1'];
const KEYRING = '/usr/share/keyrings/debian-archive-keyring.gpg';
const ARCHES = {
  x64: { deb: 'amd64', triplet: 'x86_64-linux-gnu', loader: 'ld-linux-x86-64.so.2' },
  arm64: { deb: 'arm64', triplet: 'aarch64-linux-gnu', loader: 'ld-linux-aarch64.so.1' },
};

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const cacheDir = path.join(root, '.cache', 'glibc');
const debsDir = path.join(root, '.cache', 'glibc-debs');
const manifestPath = path.join(cacheDir, 'manifest.json');
const force = process.argv.includes('--force');
const previous = existsSync(manifestPath) ? JSON.parse(readFileSync(manifestPath, 'utf8')) : undefined;

const arch = ARCHES[process.arch];
if (process.platform !== 'linux' || !arch)
  fail(`glibc:fetch supports Linux on x64 or arm64, not ${process.platform}/${process.arch}`);
const libDir = path.join(cacheDir, 'usr', 'lib', arch.triplet);
const loader = path.join(libDir, arch.loader);
const patchedNode = path.join(cacheDir, 'bin', 'node');
// Run under the patched node itself (its bin/ on PATH), copy the node it was made from.
const sourceNode = process.execPath.startsWith(cacheDir + path.sep) ? previous?.node?.source : process.execPath;
if (!sourceNode || !existsSync(sourceNode)) fail('run glibc:fetch with the system node, not .cache/glibc/bin/node');

function fail(message) {
  console.error(`glibc:fetch: ${message}`);
  process.exit(1);
}

const sha256 = (bytes) => createHash('sha256').update(bytes).digest('hex');
const fileSha256 = (file) => sha256(readFileSync(file));

function run(command, args, options = {}) {
  const result = spawnSync(command, args, { maxBuffer: 256 * 2 ** 20, ...options });
  if (result.error?.code === 'ENOENT')
    fail(`${command} is not installed (Debian: apt-get install -y ${command === 'gpgv' ? 'gpgv' : command})`);
  if (result.status !== 0) fail(`${command} ${args.join(' ')} failed: ${String(result.stderr ?? '').trim()}`);
  return result.stdout;
}

/** The Debian mirror this machine's apt uses (deb822 `URIs:` or one-line `deb` entries), else deb.debian.org. */
function debianMirror() {
  if (process.env.DEBIAN_MIRROR) return process.env.DEBIAN_MIRROR.replace(/\/+$/, '');
  const files = ['/etc/apt/sources.list'];
  if (existsSync('/etc/apt/sources.list.d')) {
    for (const name of readdirSync('/etc/apt/sources.list.d'))
      if (/\.(list|sources)$/.test(name)) files.push(path.join('/etc/apt/sources.list.d', name));
  }
  for (const file of files) {
    if (!existsSync(file)) continue;
    for (const line of readFileSync(file, 'utf8').split('\n')) {
      const uri = /^\s*URIs:\s*(\S+)/.exec(line)?.[1] ?? /^\s*deb\s+(?:\[[^\]]*\]\s+)?(\S+)/.exec(line)?.[1];
      if (uri && /\/debian\/?$/.test(uri)) return uri.replace(/\/+$/, '');
    }
  }
  return 'http://deb.debian.org/debian';
}

async function download(url) {
  const response = await fetch(url);
  if (!response.ok) fail(`GET ${url}: HTTP ${response.status}`);
  return Buffer.from(await response.arrayBuffer());
}

/** The SHA256 the signed InRelease gives for `relativePath`. */
function releaseSha256(inRelease, relativePath) {
  const section = inRelease.split(/^SHA256:\s*$/m)[1] ?? '';
  for (const line of section.split('\n')) {
    const [hash, , name] = line.trim().split(/\s+/);
    if (name === relativePath) return hash;
    if (!line.startsWith(' ') && line.trim() !== '') break;
  }
  return fail(`InRelease lists no SHA256 for ${relativePath}`);
}

function parsePackages(index, wanted) {
  const found = {};
  for (const stanza of index.split('\n\n')) {
    const name = /^Package: (.+)$/m.exec(stanza)?.[1];
    if (!name || !wanted.includes(name)) continue;
    const field = (key) => new RegExp(`^${key}: (.+)$`, 'm').exec(stanza)?.[1];
    found[name] = { version: field('Version'), filename: field('Filename'), sha256: field('SHA256') };
  }
  for (const name of wanted)
    if (!found[name]?.filename || !found[name]?.sha256) fail(`${name} is not in ${SUITE}'s Packages index`);
  return found;
}

function upToDate() {
  const manifest = previous;
  if (force || !manifest || manifest.suite !== SUITE || manifest.node?.source !== sourceNode) return false;
  for (const name of PACKAGES) {
    const entry = manifest.packages?.[name];
    const deb = entry && path.join(debsDir, path.basename(entry.filename));
    if (!deb || !existsSync(deb) || fileSha256(deb) !== entry.sha256) return false;
  }
  return (
    existsSync(loader) &&
    existsSync(patchedNode) &&
    fileSha256(sourceNode) === manifest.node.sourceSha256 &&
    fileSha256(patchedNode) === manifest.node.patchedSha256
  );
}

function checkPatchedNode() {
  const report = run(patchedNode, [
    '-e',
    'const h = process.report.getReport().header; console.log(JSON.stringify({ node: process.version, glibc: h.glibcVersionRuntime }))',
  ]);
  return JSON.parse(String(report));
}

async function main() {
  if (upToDate()) {
    const { node, glibc } = checkPatchedNode();
    console.log(`glibc:fetch: up to date — ${path.relative(root, patchedNode)} is Node ${node} on glibc ${glibc}`);
    return;
  }
  const mirror = debianMirror();
  console.log(`glibc:fetch: Debian ${SUITE} from ${mirror}`);

  const signed = await download(`${mirror}/dists/${SUITE}/InRelease`);
  if (!existsSync(KEYRING)) fail(`${KEYRING} is missing (apt-get install -y debian-archive-keyring)`);
  // gpgv writes only the verified text to stdout, so nothing unsigned is parsed below.
  const inRelease = String(run('gpgv', ['--quiet', '--keyring', KEYRING, '--output', '-', '-'], { input: signed }));

  const indexPath = `main/binary-${arch.deb}/Packages.xz`;
  const indexXz = await download(`${mirror}/dists/${SUITE}/${indexPath}`);
  if (sha256(indexXz) !== releaseSha256(inRelease, indexPath))
    fail(`${indexPath} does not match the SHA256 in the signed InRelease`);
  const packages = parsePackages(String(run('xz', ['-dc'], { input: indexXz })), PACKAGES);

  mkdirSync(debsDir, { recursive: true });
  rmSync(cacheDir, { recursive: true, force: true });
  mkdirSync(path.join(cacheDir, 'bin'), { recursive: true });
  for (const name of PACKAGES) {
    const { version, filename, sha256: expected } = packages[name];
    const deb = path.join(debsDir, path.basename(filename));
    if (!existsSync(deb) || fileSha256(deb) !== expected) {
      const bytes = await download(`${mirror}/${filename}`);
      if (sha256(bytes) !== expected) fail(`${filename} does not match the SHA256 in the Packages index`);
      writeFileSync(deb, bytes);
    }
    run('dpkg-deb', ['-x', deb, cacheDir]);
    console.log(`glibc:fetch: ${name} ${version} (sha256 ${expected.slice(0, 12)}…) extracted`);
  }
  if (!existsSync(loader)) fail(`${loader} is missing after extraction`);

  copyFileSync(sourceNode, patchedNode);
  chmodSync(patchedNode, 0o755);
  run('patchelf', ['--set-interpreter', loader, '--set-rpath', libDir, patchedNode]);
  const { node, glibc } = checkPatchedNode();

  const manifest = {
    suite: SUITE,
    mirror,
    packages,
    node: {
      source: sourceNode,
      sourceSha256: fileSha256(sourceNode),
      patchedSha256: fileSha256(patchedNode),
      version: node,
      glibc,
    },
  };
  writeFileSync(manifestPath, `${JSON.stringify(manifest, null, 2)}\n`);
  console.log(`glibc:fetch: ${path.relative(root, patchedNode)} is Node ${node} on glibc ${glibc}`);
  console.log(`glibc:fetch: use it with  PATH=${path.dirname(patchedNode)}:$PATH`);
}

await main();
