import Database from 'better-sqlite3';
for (const cache of [-32000, -262144]) {
  const db = new Database('/tmp/tt/copy.sqlite');
  db.pragma('journal_mode = WAL'); db.pragma('synchronous = FULL'); db.pragma(`cache_size = ${cache}`);
  let t = performance.now();
  db.transaction(() => db.prepare("INSERT INTO products_fts(products_fts) VALUES('rebuild')").run())();
  console.log('cache', cache, 'rebuild ms', (performance.now() - t).toFixed(0));
  db.pragma('wal_checkpoint(TRUNCATE)');
  db.close();
}
