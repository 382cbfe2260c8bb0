import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';

/**
 * zh-CN and English must be complete in both languages (product.md, "Language and locale"): every
 * renderer translation file `<area>.zh-CN.json` has an English twin `<area>.en.json` with exactly
 * the same keys, no value is empty, the {{placeholders}} of a key match, and no two area files
 * claim the same top-level key (index.ts merges them shallowly). Files are read from disk, so a
 * file another screen adds later is checked too.
 */
const DIR = join(import.meta.dirname, '../../../renderer/src/i18n');

type Tree = { [key: string]: string | Tree };

function load(file: string): Tree {
  return JSON.parse(readFileSync(join(DIR, file), 'utf8')) as Tree;
}

function flatten(tree: Tree, prefix = ''): Map<string, unknown> {
  const out = new Map<string, unknown>();
  for (const [key, value] of Object.entries(tree)) {
    const path = prefix ? `${prefix}.${key}` : key;
    if (value !== null && typeof value === 'object' && !Array.isArray(value)) {
      for (const [inner, leaf] of flatten(value, path)) out.set(inner, leaf);
    } else out.set(path, value);
  }
  return out;
}

function placeholders(text: string): string[] {
  return [...text.matchAll(/\{\{\s*([\w.]+)\s*\}\}/g)].map((m) => m[1]!);
}

/**
 * i18next plural forms: English needs `x_one` / `x_other`, Chinese has one form (`x_other`, or
 * plain `x` as the fallback). Keys are compared by their base; a family's placeholders are the
 * union over its forms (an English `_one` may say "one item" without {{count}}).
 */
const PLURAL = /_(zero|one|two|few|many|other)$/;
function families(keys: Map<string, unknown>): Map<string, { forms: string[]; placeholders: Set<string> }> {
  const out = new Map<string, { forms: string[]; placeholders: Set<string> }>();
  for (const [key, value] of keys) {
    const base = key.replace(PLURAL, '');
    const family = out.get(base) ?? { forms: [], placeholders: new Set<string>() };
    family.forms.push(key);
    for (const name of placeholders(String(value))) family.placeholders.add(name);
    out.set(base, family);
  }
  return out;
}

const zhFiles = readdirSync(DIR)
  .filter((name) => name.endsWith('zh-CN.json'))
  .sort();
const pairs = zhFiles.map((zh) => ({ zh, en: zh.replace(/zh-CN\.json$/, 'en.json') }));

describe('renderer translations', () => {
  it('finds the counter, manager and history files', () => {
    expect(zhFiles).toEqual(expect.arrayContaining(['zh-CN.json', 'manager.zh-CN.json', 'history.zh-CN.json']));
    expect(readdirSync(DIR).filter((name) => name.endsWith('.json')).length).toBe(zhFiles.length * 2);
  });

  describe.each(pairs)('$zh ↔ $en', ({ zh, en }) => {
    const zhKeys = flatten(load(zh));
    const enKeys = flatten(load(en));
    const zhFamilies = families(zhKeys);
    const enFamilies = families(enKeys);

    it('has the same keys in both languages (plural forms compared by their base key)', () => {
      const missingInEn = [...zhFamilies.keys()].filter((key) => !enFamilies.has(key));
      const missingInZh = [...enFamilies.keys()].filter((key) => !zhFamilies.has(key));
      expect({ missingInEn, missingInZh }).toEqual({ missingInEn: [], missingInZh: [] });
    });

    it('gives every plural family its fallback form (x_other or plain x)', () => {
      const incomplete = [...zhFamilies, ...enFamilies]
        .filter(([base, family]) => family.forms.some((form) => PLURAL.test(form)) && !family.forms.includes(`${base}_other`) && !family.forms.includes(base))
        .map(([base]) => base);
      expect(incomplete).toEqual([]);
    });

    it('has no empty or non-text values', () => {
      const bad = [...zhKeys, ...enKeys].filter(([, value]) => typeof value !== 'string' || value.trim() === '').map(([key]) => key);
      expect(bad).toEqual([]);
    });

    it('uses the same {{placeholders}} in both languages', () => {
      const plural = (family: { forms: string[] }) => family.forms.some((form) => PLURAL.test(form));
      // In a plural family {{count}} selects the form; a language may leave it out of the text.
      const names = (family: { placeholders: Set<string> }, isPlural: boolean) =>
        JSON.stringify([...family.placeholders].filter((name) => !(isPlural && name === 'count')).sort());
      const differing = [...zhFamilies]
        .filter(([base]) => enFamilies.has(base))
        .filter(([base, family]) => {
          const other = enFamilies.get(base)!;
          const isPlural = plural(family) || plural(other);
          return names(family, isPlural) !== names(other, isPlural);
        })
        .map(([base]) => base);
      expect(differing).toEqual([]);
    });
  });

  it('defines every literal manager.* key the manager screens use', () => {
    const screens = join(DIR, '../screens');
    const sources = [join(screens, 'Manager.tsx'), ...readdirSync(join(screens, 'manager')).map((name) => join(screens, 'manager', name))];
    const used = new Set(sources.flatMap((file) => [...readFileSync(file, 'utf8').matchAll(/'(manager\.[A-Za-z0-9_.]+)'/g)].map((m) => m[1]!)));
    const zhKeys = flatten(load('manager.zh-CN.json'));
    // i18next plural forms: `latest` is stored as latest_one / latest_other.
    const defined = (key: string) => zhKeys.has(key) || zhKeys.has(`${key}_other`);
    expect(used.size).toBeGreaterThan(50);
    expect([...used].filter((key) => !defined(key))).toEqual([]);
  });

  it('gives each area file its own top-level keys (they are merged shallowly)', () => {
    const owners = new Map<string, string[]>();
    for (const { zh } of pairs) for (const key of Object.keys(load(zh))) owners.set(key, [...(owners.get(key) ?? []), zh]);
    expect([...owners].filter(([, files]) => files.length > 1)).toEqual([]);
  });
});
