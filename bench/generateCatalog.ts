/**
 * A big synthetic catalog for benchmarks: n products whose names combine a brand, a variant, a
 * product word and a pack size, so names, pinyin and initials vary the way a real supermarket's
 * do (many brands sharing product words, many sizes of one product). Barcodes are unique valid
 * EAN-13s; about 2 % of products are weighed goods with PLUs. Deterministic for a given seed.
 *
 *   npx tsx bench/generateCatalog.ts <dbfile> <n> [seed]
 */
import { pathToFileURL } from 'node:url';
import type { Database } from 'better-sqlite3';
import { openDatabase } from '../db/connection';
import { ProductStore, searchKeysFor, type SearchKeys } from '../db/stores/products';
import { withCheckDigit } from '../electron/checkout/barcode';
import { mulberry32 } from './prng';

// Brand names are two of these characters: 40 × 40 brands that read like Chinese brands
// (华乐, 康源, 金福 …) and spread over the alphabet in pinyin.
const BRAND_CHARS = Array.from('金华康美乐佳福多天源新宏鑫盛泰丰达利恒安兴隆德顺益嘉和祥瑞雅洁宝鹏润鼎旺味');

const VARIANTS = [
  '', '', '', '原味', '经典', '无糖', '低脂', '草莓味', '香草味', '巧克力味', '香辣', '麻辣', '五香', '黑椒', '海盐',
  '柠檬味', '蜂蜜', '红枣', '特浓', '清爽', '加钙', '儿童', '家庭装', '迷你', '有机', '全麦', '芝士', '番茄味', '烧烤味', '蓝莓味',
];

/** [product word, category, unit, typical price range in fen, VAT in bp, pack sizes] */
type ProductWord = readonly [string, string, string, number, number, number, readonly string[]];
const ML = ['250ml', '330ml', '500ml', '550ml', '1L', '1.5L', '2L', '250ml×6', '250ml×24'];
const G = ['50g', '70g', '100g', '150g', '200g', '250g', '500g', '1kg', '30g×10'];
const PIECES = ['1只', '2只装', '3包', '10片', '100抽×3包', '5连包', '12卷'];
const PRODUCTS: readonly ProductWord[] = [
  ['纯牛奶', '乳品', '盒', 300, 6990, 900, ML],
  ['酸奶', '乳品', '盒', 400, 1500, 1300, ML],
  ['豆奶', '饮料', '盒', 300, 900, 1300, ML],
  ['矿泉水', '饮料', '瓶', 150, 900, 1300, ML],
  ['苏打水', '饮料', '瓶', 300, 700, 1300, ML],
  ['绿茶', '饮料', '瓶', 300, 600, 1300, ML],
  ['红茶', '饮料', '瓶', 300, 600, 1300, ML],
  ['奶茶', '饮料', '瓶', 400, 900, 1300, ML],
  ['可乐', '饮料', '瓶', 300, 900, 1300, ML],
  ['橙汁', '饮料', '瓶', 400, 1500, 1300, ML],
  ['咖啡', '饮料', '罐', 500, 1500, 1300, ML],
  ['啤酒', '酒类', '罐', 400, 9000, 1300, ML],
  ['黄酒', '酒类', '瓶', 1200, 5000, 1300, ML],
  ['方便面', '方便速食', '袋', 250, 1500, 1300, PIECES],
  ['拉面', '方便速食', '桶', 450, 900, 1300, PIECES],
  ['火腿肠', '休闲零食', '袋', 500, 2000, 1300, G],
  ['薯片', '休闲零食', '袋', 500, 1500, 1300, G],
  ['瓜子', '休闲零食', '袋', 600, 2500, 1300, G],
  ['坚果', '休闲零食', '袋', 500, 9900, 1300, G],
  ['牛肉干', '休闲零食', '袋', 1500, 8800, 1300, G],
  ['饼干', '饼干糕点', '盒', 400, 2500, 1300, G],
  ['曲奇', '饼干糕点', '盒', 600, 3900, 1300, G],
  ['蛋黄派', '饼干糕点', '盒', 800, 2500, 1300, G],
  ['面包', '饼干糕点', '袋', 500, 2500, 1300, G],
  ['巧克力', '糖果巧克力', '块', 500, 5900, 1300, G],
  ['奶糖', '糖果巧克力', '袋', 500, 2500, 1300, G],
  ['口香糖', '糖果巧克力', '瓶', 200, 1500, 1300, G],
  ['大米', '粮油调味', '袋', 2500, 9900, 900, ['2.5kg', '5kg', '10kg']],
  ['面粉', '粮油调味', '袋', 1200, 5900, 900, ['1kg', '2.5kg', '5kg']],
  ['挂面', '粮油调味', '袋', 500, 1500, 1300, G],
  ['食用油', '粮油调味', '桶', 2500, 19900, 900, ['900ml', '1.8L', '5L']],
  ['酱油', '粮油调味', '瓶', 600, 2500, 1300, ML],
  ['香醋', '粮油调味', '瓶', 500, 1500, 1300, ML],
  ['食盐', '粮油调味', '袋', 200, 600, 900, G],
  ['水饺', '冷冻食品', '袋', 1500, 4500, 1300, G],
  ['汤圆', '冷冻食品', '袋', 1000, 2500, 1300, G],
  ['冰淇淋', '冷冻食品', '支', 200, 1500, 1300, G],
  ['抽纸', '日用百货', '提', 800, 3500, 1300, PIECES],
  ['卷纸', '日用百货', '提', 1500, 5900, 1300, PIECES],
  ['湿巾', '日用百货', '包', 500, 2000, 1300, PIECES],
  ['垃圾袋', '日用百货', '卷', 500, 1500, 1300, PIECES],
  ['电池', '日用百货', '卡', 800, 3500, 1300, PIECES],
  ['牙膏', '个人护理', '支', 800, 4500, 1300, G],
  ['牙刷', '个人护理', '支', 500, 3000, 1300, PIECES],
  ['洗发水', '个人护理', '瓶', 2000, 8900, 1300, ML],
  ['沐浴露', '个人护理', '瓶', 1500, 6900, 1300, ML],
  ['香皂', '个人护理', '块', 300, 1500, 1300, G],
  ['洗衣液', '清洁用品', '瓶', 1500, 6900, 1300, ['1kg', '2kg', '3kg']],
  ['洗洁精', '清洁用品', '瓶', 800, 2500, 1300, ['500g', '1.5kg']],
  ['洁厕液', '清洁用品', '瓶', 800, 2500, 1300, ['500g', '600g']],
];

/** [name, category, price per kg range in fen, VAT] — weighed goods, named by origin + product. */
const WEIGHED = [
  ['苹果', '水果', 800, 2000, 900], ['香蕉', '水果', 500, 1200, 900], ['橙子', '水果', 700, 1600, 900], ['梨', '水果', 600, 1400, 900],
  ['葡萄', '水果', 1000, 3000, 900], ['西瓜', '水果', 200, 600, 900], ['芒果', '水果', 1000, 2500, 900], ['草莓', '水果', 2000, 6000, 900],
  ['西红柿', '蔬菜', 400, 1000, 0], ['黄瓜', '蔬菜', 300, 900, 0], ['土豆', '蔬菜', 200, 600, 0], ['白菜', '蔬菜', 150, 500, 0],
  ['青椒', '蔬菜', 500, 1200, 0], ['茄子', '蔬菜', 400, 1000, 0], ['五花肉', '肉禽蛋', 2800, 4500, 0], ['排骨', '肉禽蛋', 3800, 5800, 0],
  ['牛腩', '肉禽蛋', 6000, 9900, 0], ['鸡腿', '肉禽蛋', 1500, 2800, 0], ['鸡蛋', '肉禽蛋', 900, 1500, 0], ['卤牛肉', '熟食', 9000, 13800, 1300],
] as const;
const ORIGINS = ['', '山东', '新疆', '云南', '海南', '东北', '本地', '精选', '有机', '散装'];

/**
 * The barcode of generated product i: '69' + a 10-digit bijection of i + check digit. The
 * multiplier is coprime to 10^10, so every i < 10^10 gets a different code; i ≥ n gives valid
 * codes that are certainly not in a catalog of n (the benchmark's misses).
 */
export function generatedBarcode(i: number): string {
  const spread = (BigInt(i) * 7_919_007n + 1_234_567n) % 10_000_000_000n;
  return withCheckDigit(`69${spread.toString().padStart(10, '0')}`);
}

export interface GeneratedCatalog {
  products: number;
  weighed: number;
  ms: number;
}

/** Appends n products to an empty catalog in one transaction, FTS index rebuilt once at the end. */
export function generateCatalog(db: Database, n: number, seed = 1): GeneratedCatalog {
  const started = performance.now();
  const next = mulberry32(seed);
  const pick = <T>(items: readonly T[]): T => items[Math.floor(next() * items.length)] as T;
  const between = (low: number, high: number) => low + Math.floor(next() * (high - low + 1));
  // A shelf price ends in .00, .50, .80, .90 or .99, like real ones.
  const shelfPrice = (low: number, high: number) => Math.floor(between(low, high) / 100) * 100 + pick([0, 50, 80, 90, 99]);

  // Keys per word, then concatenated: pinyin-pro once per distinct word instead of once per
  // product (300k names in ~1 s instead of ~3 s). Words are where pinyin context lives anyway.
  const keyCache = new Map<string, SearchKeys>();
  const keysOf = (word: string) => {
    let keys = keyCache.get(word);
    if (!keys) keyCache.set(word, (keys = searchKeysFor(word)));
    return keys;
  };
  const joinKeys = (words: string[]): SearchKeys => {
    const parts = words.map(keysOf);
    return { pinyin: parts.map((k) => k.pinyin).join(''), initials: parts.map((k) => k.initials).join('') };
  };

  const store = ProductStore.for(db);
  if (store.count() > 0) throw new Error('generateCatalog expects an empty catalog');
  const now = new Date().toISOString();
  const weighedEvery = 50;
  const maxPlu = 99_999;
  let weighed = 0;

  store.withFtsRebuiltAfter(() => {
    for (let i = 0; i < n; i++) {
      const sku = `SP${String(i + 1).padStart(8, '0')}`;
      if (i % weighedEvery === 7 && weighed < maxPlu) {
        const [word, category, low, high, taxRateBp] = pick(WEIGHED);
        const origin = pick(ORIGINS);
        const name = `${origin}${word}`;
        weighed++;
        store.insert(
          { sku, name, nameEn: null, category, unit: 'kg', soldBy: 'weight', priceFen: shelfPrice(low, high), taxRateBp, plu: String(weighed), active: true },
          now,
          joinKeys([origin, word]),
        );
        continue;
      }
      const [word, category, unit, low, high, taxRateBp, sizes] = pick(PRODUCTS);
      const brand = `${pick(BRAND_CHARS)}${pick(BRAND_CHARS)}`;
      const variant = pick(VARIANTS);
      const size = pick(sizes);
      const name = `${brand}${variant}${word} ${size}`;
      const id = store.insert(
        {
          sku,
          name,
          nameEn: null,
          category,
          unit,
          soldBy: 'unit',
          priceFen: shelfPrice(low, high),
          taxRateBp,
          plu: null,
          // One in 200 discontinued, so the benchmark also exercises the active filter.
          active: next() >= 0.005,
        },
        now,
        joinKeys([brand, variant, word, size]),
      );
      store.addBarcode(id, generatedBarcode(i));
    }
  });
  return { products: n, weighed, ms: performance.now() - started };
}

function main(argv: string[]): void {
  const [file, count, seed] = argv;
  const n = Number(count);
  if (!file || !Number.isSafeInteger(n) || n <= 0) {
    console.error('usage: npx tsx bench/generateCatalog.ts <dbfile> <n> [seed]');
    process.exit(2);
  }
  const { db } = openDatabase({ file });
  try {
    const result = generateCatalog(db, n, seed === undefined ? 1 : Number(seed));
    console.log(`${result.products} products (${result.weighed} weighed) in ${(result.ms / 1000).toFixed(1)} s → ${file}`);
  } finally {
    db.close();
  }
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) main(process.argv.slice(2));
