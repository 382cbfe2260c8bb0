/** Layer rules of docs/architecture.md §2, enforced in `npm test` (npm run layers). */
module.exports = {
  forbidden: [
    {
      name: 'electron-only-in-shell',
      comment: 'Only electron/main.ts, electron/preload.ts and electron/shell/** may import electron; the core must run in plain Node.',
      severity: 'error',
      from: { pathNot: '^electron/(main|preload)\\.ts$|^electron/shell/' },
      to: { path: '^electron$|node_modules/electron/' },
    },
    {
      name: 'renderer-talks-only-to-api-types',
      comment: 'renderer/** may import from the project only electron/api (type-only) and its own files.',
      severity: 'error',
      from: { path: '^renderer/' },
      to: { pathNot: '^renderer/|^electron/api/|node_modules|^node:|^(react|react-dom)' , dependencyTypesNot: ['npm', 'npm-dev', 'npm-optional', 'npm-peer', 'npm-no-pkg', 'npm-unknown', 'core'] },
    },
    {
      name: 'renderer-api-imports-are-type-only',
      comment: 'The renderer must not pull core code into the browser bundle: only types from electron/api.',
      severity: 'error',
      from: { path: '^renderer/' },
      to: { path: '^electron/', dependencyTypesNot: ['type-only'] },
    },
    {
      name: 'renderer-no-node',
      comment: 'The renderer has no Node: no node: built-ins.',
      severity: 'error',
      from: { path: '^renderer/' },
      to: { dependencyTypes: ['core'] },
    },
    {
      name: 'db-is-the-store-not-the-rules',
      comment: 'db/** imports nothing from electron/.',
      severity: 'error',
      from: { path: '^db/' },
      to: { path: '^electron/' },
    },
    {
      name: 'cloud-only-imports-wire',
      comment: 'cloud/** imports from the terminal side only electron/sync/wire.ts.',
      severity: 'error',
      from: { path: '^cloud/' },
      to: { path: '^(electron|db|renderer)/', pathNot: '^electron/sync/wire\\.ts$' },
    },
    {
      name: 'core-never-imports-shell-host-renderer',
      comment: 'Core folders never import electron/shell, electron/host or renderer.',
      severity: 'error',
      from: { path: '^(electron/(api|checkout|payments|sandbox|sync|reports|printing)|db)/' },
      to: { path: '^(electron/(shell|host)|renderer)/' },
    },
    {
      name: 'no-circular',
      severity: 'error',
      from: {},
      to: { circular: true, viaOnly: { dependencyTypesNot: ['type-only'] } },
    },
  ],
  options: {
    doNotFollow: { path: 'node_modules' },
    tsPreCompilationDeps: true,
    tsConfig: { fileName: 'tsconfig.json' },
    enhancedResolveOptions: { exportsFields: ['exports'], conditionNames: ['import', 'require', 'node', 'default'], extensions: ['.ts', '.tsx', '.js', '.json'] },
    exclude: { path: '^(test/fixtures|bench/data)/' },
  },
};
