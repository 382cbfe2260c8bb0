// electron-builder configuration: `npx electron-builder --config build/electron-builder.config.cjs`
// after `npm run build:renderer && npm run build:electron`. Asserted by
// test/unit/shell/builderConfig.test.ts.
'use strict';

/** @type {import('electron-builder').Configuration} */
const config = {
  appId: 'org.till.pos',
  productName: 'Till',
  copyright: 'Copyright © Till contributors (MIT)',
  directories: { buildResources: 'build', output: 'release' },
  // The bundles (main.cjs, preload.cjs, SQL migrations) and the built renderer; no sources, no maps.
  files: ['dist/electron/**', 'dist/renderer/**', 'package.json', '!**/*.map'],
  // package.json has no "main" (it is an ESM workspace); point the packaged app at the bundle.
  extraMetadata: { main: 'dist/electron/main.cjs' },
  asar: true,
  // better-sqlite3 is a native module: it must live outside the asar to be dlopen'ed.
  asarUnpack: ['node_modules/better-sqlite3/**'],
  // Rebuild native dependencies (better-sqlite3) against Electron's ABI, not Node's.
  npmRebuild: true,
  nativeRebuilder: 'sequential',
  buildDependenciesFromSource: false,
  // Fuses are flipped by our own afterPack script (not electronFuses) so a test can read them.
  electronFuses: null,
  afterPack: './build/afterPack.cjs',
  linux: {
    target: ['AppImage', 'deb'],
    executableName: 'till',
    category: 'Office',
    synopsis: 'Point-of-sale terminal (收银台)',
    maintainer: 'Till contributors <till@localhost>',
  },
  deb: { depends: ['libsecret-1-0', 'libnss3', 'libgtk-3-0', 'libxss1', 'libasound2'] },
  win: { target: [{ target: 'nsis', arch: ['x64'] }] },
  nsis: { oneClick: false, perMachine: true, allowToChangeInstallationDirectory: true },
  publish: null,
};

module.exports = config;
