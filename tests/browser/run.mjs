// End-to-end tests of the map viewer in a real browser: Debian's Chromium driven by
// playwright-core (no browser download). Started by tests/browser.rs, which starts the server
// and registers the data these steps expect.
//
// Usage: node tests/browser/run.mjs BASE_URL EDITOR_TOKEN REVIEWER_TOKEN CHUA_KEO_CODE DEMO_CODE
//        HOUSE_CODE (a certified house at số 12 phố Nguyễn Văn Linh, Phường Phố Hiến)
// Environment: SCREENSHOT_DIR (default ./screenshots), CHROMIUM (default /usr/bin/chromium),
// ONLY (run only the steps whose name contains it, while working on one).
// Every step takes a screenshot and asserts on what the page shows: DOM text and the map's
// pixels in the colour of the expected layer. All steps run; the exit code is 1 if any failed.

import { chromium } from 'playwright-core';
import { mkdirSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const [base, editor, reviewer, keoCode, demoCode, houseCode] = process.argv.slice(2);
if (!base || !editor || !reviewer || !keoCode || !demoCode || !houseCode) {
  console.error('usage: run.mjs BASE_URL EDITOR REVIEWER CHUA_KEO_CODE DEMO_CODE HOUSE_CODE');
  process.exit(2);
}
const shots = process.env.SCREENSHOT_DIR || 'screenshots';
mkdirSync(shots, { recursive: true });
const profile = mkdtempSync(join(tmpdir(), 'diachiso-chromium-'));

// Colours of the viewer (web/js/style.js KIND_COLOURS).
const COLOURS = { tourist_site: '#138a3a', parking_lot: '#0f8b9a', community_point: '#d14f9c' };
const rgb = (hex) => [1, 3, 5].map((i) => parseInt(hex.slice(i, i + 2), 16));
const near = (a, b, tol = 40) => a.slice(0, 3).every((x, i) => Math.abs(x - b[i]) <= tol);

// A fresh profile directory (--user-data-dir) per run.
const browser = await chromium.launchPersistentContext(profile, {
  executablePath: process.env.CHROMIUM || '/usr/bin/chromium',
  headless: true,
  acceptDownloads: true,
  viewport: { width: 1280, height: 800 },
  deviceScaleFactor: 1,
  args: [
    '--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
    '--disable-background-networking', '--disable-component-update', '--disable-sync',
  ],
});

const results = [];
const timings = {};
async function step(name, fn) {
  if (process.env.ONLY && !name.includes(process.env.ONLY)) return;
  const started = Date.now();
  try {
    await fn();
    results.push([name, 'ok']);
    console.log(`ok   ${name} (${Date.now() - started} ms)`);
  } catch (e) {
    results.push([name, 'FAILED']);
    console.log(`FAIL ${name}: ${e && e.stack ? e.stack : e}`);
  }
}
function assert(cond, msg) { if (!cond) throw new Error('assertion failed: ' + msg); }

async function newPage(width = 1280, height = 800) {
  const page = await browser.newPage();
  await page.setViewportSize({ width, height });
  page.on('pageerror', (e) => console.log('  page error:', e.message));
  page.on('console', (m) => { if (m.type() === 'error') console.log('  console error:', m.text()); });
  return page;
}
async function load(page, hash = '') {
  const t0 = Date.now();
  await page.goto(base + '/' + hash);
  await page.waitForSelector('body[data-map-ready="1"]', { state: 'attached', timeout: 30000 });
  return Date.now() - t0;
}
async function idle(page) {
  await page.evaluate(() => new Promise((resolve) => {
    const m = window.__viewer.map;
    if (m.loaded() && m.areTilesLoaded() && !m.isMoving()) { m.triggerRepaint(); m.once('idle', resolve); } else m.once('idle', resolve);
    setTimeout(resolve, 5000);
  }));
}
// The map's pixel (RGBA) at a lon/lat.
async function pixelAt(page, lonlat, dx = 0, dy = 0) {
  return page.evaluate(([ll, dx, dy]) => {
    const m = window.__viewer.map;
    const p = m.project(ll);
    const c = m.getCanvas();
    const k = c.width / c.clientWidth;
    const cv = document.createElement('canvas');
    cv.width = c.width; cv.height = c.height;
    const ctx = cv.getContext('2d');
    ctx.drawImage(c, 0, 0);
    return [...ctx.getImageData(Math.round((p.x + dx) * k), Math.round((p.y + dy) * k), 1, 1).data];
  }, [lonlat, dx, dy]);
}
// Waits until the pixel at lon/lat has the colour, or fails saying what it saw.
async function expectColour(page, lonlat, hex, what, tol = 40) {
  let seen = null;
  for (let i = 0; i < 40; i++) {
    await idle(page);
    seen = await pixelAt(page, lonlat);
    if (near(seen, rgb(hex), tol)) return seen;
    await page.waitForTimeout(250);
  }
  throw new Error(`${what}: pixel at ${lonlat} is rgb(${seen}) not ${hex}`);
}
async function text(page, sel) { return (await page.locator(sel).first().innerText()).trim(); }
async function signIn(page, token) {
  await page.click('#signin');
  await page.fill('#token-input', token);
  await page.click('#signin-ok');
  await page.waitForSelector('#staff:not([hidden])');
}
async function clickMap(page, lonlat) {
  const p = await page.evaluate((ll) => window.__viewer.map.project(ll), lonlat);
  const box = await page.locator('#map').boundingBox();
  await page.mouse.click(box.x + p.x, box.y + p.y);
}

const KEO = [106.068, 20.6634];
const NEW_PLACE = [106.0705, 20.6651];
let newCode = null;

await step('load: the viewer starts offline-ready with the province drawn', async () => {
  const page = await newPage();
  const failed = [];
  page.on('requestfailed', (r) => failed.push(r.url()));
  page.on('request', (r) => { if (!r.url().startsWith(base) && !r.url().startsWith('data:') && !r.url().startsWith('blob:')) failed.push('external: ' + r.url()); });
  timings.first_render_ms = await load(page);
  await idle(page);
  assert((await page.title()).includes('Hưng Yên'), 'title');
  assert((await text(page, '#h-layers')) === 'Lớp bản đồ', 'Vietnamese layer panel');
  assert((await page.locator('#legend li').count()) === 10, 'ten kinds in the legend');
  // The province fill (#fbfaf6) at the map's centre, the background (#e9edf0) far outside it.
  const inside = await pixelAt(page, [106.2, 20.72]);
  assert(near(inside, rgb('#fbfaf6'), 12), `province fill at the centre, got ${inside}`);
  const outside = await pixelAt(page, [105.85, 20.3]);
  assert(near(outside, rgb('#e9edf0'), 12), `background outside, got ${outside}`);
  assert(failed.length === 0, 'no failed or external request: ' + failed.join(', '));
  await page.screenshot({ path: join(shots, '01-province.png') });
  // English switch.
  await page.click('#lang');
  assert((await text(page, '#h-layers')) === 'Map layers', 'English switch');
  await page.click('#lang');
  await page.close();
});

await step('search "chua keo" and open the result', async () => {
  const page = await newPage();
  await load(page);
  await page.fill('#search', 'chua keo');
  const option = page.locator('#search-list li[role="option"]', { hasText: 'Chùa Keo' });
  await option.first().waitFor();
  await page.keyboard.press('ArrowDown');
  await page.keyboard.press('Enter');
  await page.waitForSelector('#place-card');
  assert((await text(page, '#place-name')).startsWith('Chùa Keo'), 'card name');
  const card = await text(page, '#place-card');
  assert(card.includes('điểm du lịch'), 'kind label in Vietnamese');
  assert(card.includes(keoCode.replace(/(\d{4})(?=\d)/g, '$1 ')), 'code grouped 4-4-4');
  assert(card.includes('Phường Phố Hiến, tỉnh Hưng Yên'), 'full address: ' + card);
  assert(card.includes('đã xác nhận'), 'status');
  assert(page.url().endsWith('#code=' + keoCode), 'share link in the URL');
  await page.evaluate(() => new Promise((r) => { const m = window.__viewer.map; if (!m.isMoving()) r(); else m.once('moveend', r); }));
  await page.locator('#lyr-communes').uncheck(); // no dashed commune line under the sample
  await expectColour(page, KEO, COLOURS.tourist_site, 'Chùa Keo in the tourist-site colour');
  await page.locator('#lyr-communes').check();
  await page.screenshot({ path: join(shots, '02-search-card.png') });
  await page.close();
});

await step('go to a code, and the share link opens the card', async () => {
  const page = await newPage();
  await load(page);
  const spaced = demoCode.replace(/(\d{4})(?=\d)/g, '$1.'); // dots are allowed in input
  await page.fill('#code-input', spaced);
  await page.click('#code-form button[type="submit"]');
  await page.waitForSelector('#place-card');
  const card = await text(page, '#place-card');
  assert(card.includes('Nhà văn hóa thôn Mẫu'), 'the place of the code');
  assert(card.includes('dữ liệu mẫu'), 'generated data is labelled');
  assert(card.includes('điểm sinh hoạt cộng đồng'), 'kind');
  // A bad code: the API's reason is shown.
  await page.fill('#code-input', '1234');
  await page.click('#code-form button[type="submit"]');
  await page.waitForSelector('#status.bad');
  // The share link.
  const shared = await newPage();
  await load(shared, '#code=' + keoCode);
  await shared.waitForSelector('#place-card');
  assert((await text(shared, '#place-name')).startsWith('Chùa Keo'), 'share link opens the card');
  await shared.screenshot({ path: join(shots, '03-share-link.png') });
  await shared.close();
  await page.close();
});

await step('what is here: click the map', async () => {
  const page = await newPage();
  await load(page);
  await page.evaluate((c) => window.__viewer.map.jumpTo({ center: c, zoom: 16 }), [KEO[0] + 0.002, KEO[1]]);
  await idle(page);
  await clickMap(page, [KEO[0] + 0.002, KEO[1]]);
  await page.waitForSelector('#here-card');
  const card = await text(page, '#here-card');
  assert(card.includes('Phường Phố Hiến'), 'commune of the point: ' + card);
  assert(card.includes('Chùa Keo'), 'nearest place listed');
  assert(/\d+ m/.test(card), 'distance in metres');
  await page.screenshot({ path: join(shots, '04-what-is-here.png') });
  await page.close();
});

await step('register a place as an editor and see it on the map', async () => {
  const page = await newPage();
  await load(page);
  await signIn(page, editor);
  assert((await text(page, '#who')).includes('biên tập'), 'role shown');
  await page.evaluate((c) => window.__viewer.map.jumpTo({ center: c, zoom: 17 }), NEW_PLACE);
  await idle(page);
  await page.click('#btn-register');
  await clickMap(page, NEW_PLACE);
  // Validation as the API validates: kind and name are required.
  await page.click('#r-submit');
  assert((await text(page, '#r-name-err')) === 'bắt buộc', 'name required');
  assert((await text(page, '#r-kind-err')) === 'bắt buộc', 'kind required');
  await page.selectOption('#r-kind', 'parking_lot');
  await page.fill('#r-name', 'Bãi đỗ xe Phố Hiến');
  await page.fill('#r-house_number', '12');
  await page.fill('#r-street', 'phố Bãi Sậy');
  await page.click('#r-submit');
  await page.waitForSelector('#place-card');
  const card = await text(page, '#place-card');
  assert(card.includes('Bãi đỗ xe Phố Hiến'), 'registered place card');
  assert(card.includes('tạm thời'), 'provisional');
  assert(card.includes('số 12 phố Bãi Sậy, Phường Phố Hiến, tỉnh Hưng Yên'), 'address: ' + card);
  newCode = page.url().split('#code=')[1];
  assert(/^\d{12}$/.test(newCode), 'code in the share link');
  await page.evaluate(() => new Promise((r) => { const m = window.__viewer.map; if (!m.isMoving()) r(); else m.once('moveend', r); }));
  await page.locator('#lyr-communes').uncheck();
  await expectColour(page, NEW_PLACE, COLOURS.parking_lot, 'the new place in the parking-lot colour');
  await page.screenshot({ path: join(shots, '05-registered.png') });
  await page.close();
});

await step('correct it: drag the point, and a clear message on a stale version (412)', async () => {
  assert(newCode, 'a place was registered');
  const page = await newPage();
  await load(page, '#code=' + newCode);
  await signIn(page, editor);
  await page.waitForSelector('#act-move');
  await page.evaluate(() => new Promise((r) => { const m = window.__viewer.map; if (!m.isMoving()) r(); else m.once('moveend', r); }));
  await page.click('#act-move');
  const marker = page.locator('.maplibregl-marker').first();
  const box = await marker.boundingBox();
  const from = { x: box.x + box.width / 2, y: box.y + box.height - 4 };
  await page.mouse.move(from.x, from.y);
  await page.mouse.down();
  await page.mouse.move(from.x + 30, from.y + 10, { steps: 8 });
  await page.mouse.move(from.x + 60, from.y + 20, { steps: 8 });
  await page.mouse.up();
  const before = await text(page, '#move-pos');
  await page.click('#move-save');
  await page.waitForSelector('#status.good');
  const r = await fetch(`${base}/api/places/${newCode}`, { headers: { Authorization: 'Bearer ' + editor } });
  const moved = await r.json();
  assert(moved.properties.version === 2, 'version 2 after the move');
  const [lon, lat] = moved.geometry.coordinates;
  assert(lon > NEW_PLACE[0] + 0.00005, `moved east: ${lon} (${before})`);
  assert(lat < NEW_PLACE[1], `moved south: ${lat}`);
  await page.locator('#lyr-communes').uncheck();
  await expectColour(page, [lon, lat], COLOURS.parking_lot, 'the place drawn at its new position');
  await page.screenshot({ path: join(shots, '06-moved.png') });
  // Someone else changes it; our edit is refused with a clear message and the card reloads.
  const etag = r.headers.get('etag');
  const other = await fetch(`${base}/api/places/${newCode}`, {
    method: 'PATCH',
    headers: { Authorization: 'Bearer ' + editor, 'Content-Type': 'application/merge-patch+json', 'If-Match': etag },
    body: JSON.stringify({ properties: { name: 'Bãi đỗ xe Phố Hiến (cổng chính)' } }),
  });
  assert(other.status === 200, 'concurrent edit ' + other.status);
  await page.click('#act-edit');
  await page.fill('#e-hamlet', 'Tổ dân phố 3');
  await page.click('#edit-form button[type="submit"]');
  await page.waitForSelector('#status.bad');
  assert((await text(page, '#status')).includes('vừa được người khác thay đổi'), 'stale message');
  assert((await text(page, '#place-name')).includes('cổng chính'), 'the latest version is shown');
  // And the form works on the fresh version.
  await page.click('#act-edit');
  await page.fill('#e-hamlet', 'Tổ dân phố 3');
  await page.click('#edit-form button[type="submit"]');
  await page.waitForSelector('#status.good');
  assert((await text(page, '#place-address')).includes('Tổ dân phố 3'), 'edited address');
  await page.close();
});

await step('certify it as a reviewer, with its history', async () => {
  assert(newCode, 'a place was registered');
  const page = await newPage();
  await load(page, '#code=' + newCode);
  await signIn(page, reviewer);
  await page.waitForSelector('#act-certify');
  await page.click('#act-certify');
  await page.waitForSelector('#status.good');
  assert((await text(page, '#place-status')) === 'đã xác nhận', 'certified');
  await page.click('#act-history');
  await page.waitForSelector('#history-list li');
  const h = await text(page, '#history-list');
  for (const w of ['Tạo mới', 'Xác nhận']) assert(h.includes(w), `history has ${w}: ${h}`);
  const f = await (await fetch(`${base}/api/places/${newCode}`)).json();
  await page.locator('#lyr-communes').uncheck();
  await expectColour(page, f.geometry.coordinates, COLOURS.parking_lot, 'certified place still drawn');
  await page.screenshot({ path: join(shots, '07-certified.png') });
  // Anonymous users now see it too.
  const anon = await newPage();
  await load(anon, '#code=' + newCode);
  await anon.waitForSelector('#place-card');
  await anon.close();
  await page.close();
});

await step('draw a street, run a numbering plan, approve it', async () => {
  const page = await newPage();
  await load(page);
  await signIn(page, editor);
  const a = [106.0790, 20.6600], b = [106.0812, 20.6600];
  await page.evaluate((c) => window.__viewer.map.jumpTo({ center: c, zoom: 17 }), [106.0801, 20.6602]);
  await idle(page);
  await page.click('#btn-street');
  await page.selectOption('#s-street_type', 'pho');
  await clickMap(page, a);
  await clickMap(page, b);
  assert((await text(page, '#s-count')) === '2', 'two vertices');
  await page.fill('#s-name', 'Phố Thử Nghiệm');
  await page.fill('#s-width_m', '16');
  await page.click('#s-submit');
  await page.waitForSelector('#street-card');
  assert((await text(page, '#street-card')).includes('Phố Thử Nghiệm'), 'street card');
  await page.click('#act-plan');
  await page.waitForSelector('#plan-table tbody tr');
  const rows = await page.locator('#plan-table tbody tr').count();
  assert(rows >= 4, 'houses in the plan: ' + rows);
  assert((await text(page, '#plan-table')).includes('→'), 'old → new numbers');
  await page.screenshot({ path: join(shots, '08-numbering-plan.png') });
  const planLabels = await page.evaluate(() => (window.__viewer.planLabels || []).length);
  assert(planLabels >= 4, 'old → new labels on the map: ' + planLabels);
  // The reviewer approves.
  await page.click('#signin'); // sign out
  await signIn(page, reviewer);
  await page.evaluate(() => new Promise((r) => setTimeout(r, 300)));
  await clickMap(page, [106.0801, 20.6600]);
  await page.waitForSelector('#street-card');
  await page.click('#act-plan');
  await page.waitForSelector('#act-approve');
  await page.click('#act-approve');
  await page.waitForSelector('#status.good');
  assert((await text(page, '#status')).includes('Đã phê duyệt'), 'approved');
  await page.close();
});

await step('progress dashboard answers or says it is not there', async () => {
  const page = await newPage();
  await load(page);
  await signIn(page, reviewer);
  await page.click('#btn-progress');
  await page.waitForFunction(() => !document.getElementById('progress-body').textContent.includes('Đang tải'));
  const body = await text(page, '#progress-body');
  assert(body.length > 0, 'something is shown');
  await page.screenshot({ path: join(shots, '09-progress.png') });
  await page.close();
});

const grouped = (code) => code.replace(/(\d{4})(?=\d)/g, '$1 ');

await step('an address in the search box: the geocoder finds the house, a street answer has its card', async () => {
  for (const [width, height, suffix] of [[1280, 800, ''], [360, 740, '-phone']]) {
    const page = await newPage(width, height);
    await load(page);
    // The pre-2025 form: converted to today's ward, and said so.
    await page.fill('#search', '12 Nguyễn Văn Linh, P. Hiến Nam, TP. Hưng Yên');
    const option = page.locator('#search-list li.geo-option', { hasText: 'Số 12, phố Nguyễn Văn Linh' });
    await option.first().waitFor();
    const first = await text(page, '#search-list li:first-child');
    assert(first.startsWith('Số nhà'), 'the best answer first, at house level: ' + first);
    assert(first.includes('phường Phố Hiến, tỉnh Hưng Yên'), 'today\'s full address: ' + first);
    assert(first.includes('Chuyển từ: Phường Hiến Nam, TP. Hưng Yên ·'), 'the conversion (no province of the same name): ' + first);
    assert(first.includes(grouped(houseCode)), 'its code: ' + first);
    if (width < 400) {
      const overflow = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
      assert(overflow <= 0, 'no horizontal overflow: ' + overflow);
    }
    await page.screenshot({ path: join(shots, `12-geocode-list${suffix}.png`) });
    // Enter with nothing selected takes the best answer: the house's card, by its code.
    await page.keyboard.press('Enter');
    await page.waitForSelector('#place-card');
    assert((await text(page, '#place-name')).startsWith('Nhà bà Trần Thị Lan'), 'the house card');
    assert((await text(page, '#place-address')).includes('số 12 phố Nguyễn Văn Linh'), 'its address');
    assert(page.url().endsWith('#code=' + houseCode), 'share link of the house');
    // A number that is not registered: the street, never another house.
    await page.fill('#search', 'Số 14, phố Nguyễn Văn Linh, phường Phố Hiến');
    const street = page.locator('#search-list li.geo-option', { hasText: 'Nguyễn Văn Linh' });
    await street.first().waitFor();
    const levels = await page.locator('#search-list li.geo-option .lvl').allInnerTexts();
    assert(levels[0] === 'Đường' && !levels.includes('Số nhà'), 'the street, no house: ' + levels);
    await street.first().click();
    await page.waitForSelector('#geo-card');
    const card = await text(page, '#geo-card');
    assert((await text(page, '#geo-level')) === 'Đường', 'level on the card');
    assert(/Độ khớp \d+%/.test(card), 'the score: ' + card);
    assert((await text(page, '#geo-missing')).includes('Số nhà 14 chưa có'), 'the number is not registered');
    const parsed = await text(page, '#geo-parsed');
    for (const w of ['Số nhà', '14', 'Đường', 'phố Nguyễn Văn Linh', 'Xã/Phường', 'Phường Phố Hiến']) assert(parsed.includes(w), `understood ${w}: ${parsed}`);
    assert(!page.url().includes('#code='), 'no place link for a street');
    await page.evaluate(() => new Promise((r) => { const m = window.__viewer.map; if (!m.isMoving()) r(); else m.once('moveend', r); }));
    const zoom = await page.evaluate(() => window.__viewer.map.getZoom());
    assert(zoom > 16, 'flew to the street: zoom ' + zoom);
    await idle(page);
    await page.screenshot({ path: join(shots, `13-geocode-street${suffix}.png`) });
    // The English switch redraws the card.
    await page.click('#lang');
    assert((await text(page, '#geo-level')) === 'Street', 'English level');
    assert((await text(page, '#geo-parsed')).includes('House number'), 'English labels');
    await page.click('#lang');
    await page.close();
  }
});

await step('staff CSV matching: columns ticked in order, a summary and the answered file', async () => {
  const csv = '\uFEFFSTT;Số nhà;Đường;Phường\n1;12;phố Nguyễn Văn Linh;Phố Hiến\n2;14;phố Nguyễn Văn Linh;Phố Hiến\n'
    + '3;;;Phường Phố Hiến\n4;5;Tràng Tiền;"Hoàn Kiếm; Hà Nội"\n';
  for (const [width, height, suffix] of [[1280, 800, ''], [360, 740, '-phone']]) {
    const page = await newPage(width, height);
    await load(page);
    assert(await page.locator('#btn-geocode-batch').isHidden(), 'not offered before signing in');
    await signIn(page, editor);
    await page.click('#btn-geocode-batch');
    await page.waitForSelector('#batch-card');
    assert((await text(page, '#batch-h')) === 'Đối chiếu địa chỉ (CSV)', 'panel title');
    await page.setInputFiles('#batch-file', { name: 'dia-chi.csv', mimeType: 'text/csv', buffer: Buffer.from(csv) });
    await page.waitForSelector('#batch-columns');
    const info = await text(page, '#batch-info');
    assert(info.includes('4 cột') && info.includes('dấu chấm phẩy'), 'header read: ' + info);
    assert(await page.locator('#batch-run').isDisabled(), 'nothing to match before a column is ticked');
    for (const c of ['Số nhà', 'Đường', 'Phường']) await page.locator('.col-pick', { hasText: c }).locator('input').click();
    assert((await text(page, '#batch-joined')).endsWith('Số nhà + Đường + Phường'), 'joined in order: ' + (await text(page, '#batch-joined')));
    assert(await page.locator('#batch-file').evaluate((i) => i.files.length === 1), 'the file input still holds the file');
    await page.click('#batch-run');
    await page.waitForSelector('#batch-summary');
    assert((await text(page, '#batch-rows')) === '4', 'four rows');
    const count = async (level) => (await page.locator(`#batch-summary tr[data-level="${level}"] td`).first().innerText()).trim();
    for (const [level, n] of [['house', '1'], ['street', '1'], ['commune', '1'], ['none', '1']]) {
      assert((await count(level)) === n, `${level}: ${await count(level)}`);
    }
    if (width < 400) {
      const overflow = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
      assert(overflow <= 0, 'no horizontal overflow: ' + overflow);
    }
    await page.locator('#batch-card').scrollIntoViewIfNeeded();
    await page.screenshot({ path: join(shots, `14-batch-summary${suffix}.png`) });
    const download = page.waitForEvent('download');
    await page.click('#batch-download');
    const d = await download;
    assert(d.suggestedFilename() === 'dia-chi-doi-chieu.csv', 'file name: ' + d.suggestedFilename());
    const answered = readFileSync(await d.path(), 'utf8');
    const lines = answered.replace(/^\uFEFF/, '').trim().split(/\r?\n/);
    assert(lines[0] === 'STT;Số nhà;Đường;Phường;code;full_address;commune_code;match_level;score', 'header: ' + lines[0]);
    assert(lines.length === 5 && lines[1].startsWith('1;12;') && lines[1].includes(houseCode) && lines[1].includes(';house;'), 'row 1: ' + lines[1]);
    if (width < 400) { await page.close(); continue; }
    // Another card, then the panel again: as it was left, file and answer.
    await page.fill('#code-input', keoCode);
    await page.click('#code-form button[type="submit"]');
    await page.waitForSelector('#place-card');
    await page.click('#btn-geocode-batch');
    await page.waitForSelector('#batch-summary');
    assert(await page.locator('#batch-file').evaluate((i) => i.files.length === 1), 'the file is still chosen');
    // A file the API refuses (not UTF-8 after the header the panel read): its reason, in
    // Vietnamese; and one whose header is not UTF-8, refused before it is sent.
    const bad = Buffer.concat([Buffer.from('Địa chỉ\n' + 'Phố Hiến\n'.repeat(7000)), Buffer.from([0xc0, 0x0a])]);
    await page.setInputFiles('#batch-file', { name: 'loi.csv', mimeType: 'text/csv', buffer: bad });
    await page.waitForSelector('#batch-columns');
    assert((await text(page, '#batch-joined')).includes('Địa chỉ'), 'the address column ticked to begin with');
    await page.click('#batch-run');
    await page.waitForFunction(() => document.getElementById('batch-error').textContent.length > 0);
    const why = await text(page, '#batch-error');
    assert(why.includes('không ở mã UTF-8 (lỗi tại byte'), 'the 422, readable: ' + why);
    await page.screenshot({ path: join(shots, '15-batch-error.png') });
    await page.setInputFiles('#batch-file', { name: 'ansi.csv', mimeType: 'text/csv', buffer: Buffer.from([0x53, 0xe8, 0x20, 0x6e, 0x68, 0xe0, 0x0a]) });
    await page.waitForFunction(() => document.getElementById('batch-error').textContent.includes('UTF-8'));
    assert(await page.locator('#batch-run').isDisabled(), 'nothing to send');
    await page.close();
  }
});

// A VN-2000 survey table as a commune officer gets it: EPSG:9209 metres with comma decimals,
// X the northing and Y the easting. Its points are the fixture's row 1 (tests/data/
// survey-9209.csv: Chùa Keo's point, in Phường Phố Hiến, the editor's commune) moved by whole
// metres (1 m of grid is 1 m on the ground within 0.1 % here), two rows of the fixture in
// other communes, and the demo place (generated data) again.
function surveyCsv() {
  const [x0, y0] = [2285794.089, 558985.371];
  const m = (v) => v.toFixed(3).replace('.', ',');
  const rows = [
    ['1', 'Chùa Phố Hiến', 'Chùa', 'Số 1, Phường Phố Hiến', m(x0), m(y0), 'điểm khảo sát 1'],
    ['2', 'UBND xã Như Quỳnh', 'UBND xã', 'Số 2, Xã Như Quỳnh', '2319668,076', '551483,072', 'ngoài phường'],
    ['3', 'Bãi đỗ xe Hoàn Long', 'Bãi đỗ xe', 'Số 3, Xã Hoàn Long', '2313238,549', '552335,205', 'ngoài phường'],
    // Written the GIS way round (easting first): the importer tells by the numbers, and says so.
    ['4', 'Nhà văn hóa tổ dân phố 5', 'Nhà văn hóa', 'Tổ dân phố 5, Phường Phố Hiến', m(y0 + 80), m(x0 + 60), ''],
    // Chùa Keo itself, registered already: a possible duplicate.
    ['5', 'Chùa Keo', 'Điểm du lịch', 'Phường Phố Hiến', m(x0), m(y0), ''],
    ['6', 'Quán Ông Sáu', 'Tàu vũ trụ', 'Phường Phố Hiến', m(x0 + 120), m(y0 - 40), 'loại sai'],
    // The generated "Nhà văn hóa thôn Mẫu" (106.0650, 20.6620; cs2cs EPSG:4326 EPSG:9209): a
    // possible duplicate of demo data, which the panel labels as such.
    ['7', 'Nhà văn hóa thôn Mẫu', 'Nhà văn hóa', 'Phường Phố Hiến', '2285638,011', '558673,326', ''],
  ];
  return '\uFEFF' + ['STT;Tên;Loại;Địa chỉ;X;Y;Ghi chú', ...rows.map((r) => r.join(';'))].join('\r\n') + '\r\n';
}

await step('import places from a VN-2000 file: the system asked for, a dry run, the import and its report', async () => {
  const file = { name: 'khao-sat-pho-hien.csv', mimeType: 'text/csv', buffer: Buffer.from(surveyCsv()) };
  for (const [width, height, suffix] of [[1280, 800, ''], [360, 740, '-phone']]) {
    const phone = width < 400;
    const page = await newPage(width, height);
    await load(page);
    assert(await page.locator('#btn-import').isHidden(), 'not offered before signing in');
    await signIn(page, editor);
    await page.click('#btn-import');
    await page.waitForSelector('#imp-card');
    assert((await text(page, '#imp-h')) === 'Nhập địa điểm từ tệp', 'panel title');
    assert(await page.locator('#imp-certified').count() === 0, 'an editor cannot certify on import');
    assert(await page.locator('#imp-check').isDisabled(), 'nothing to check before a file is chosen');
    // The panel's own file button (the browser's would say "Choose File"); the dry run first.
    assert((await text(page, '#imp-pick')) === 'Chọn tệp…' && (await text(page, '#imp-info')) === 'Chưa chọn tệp', 'the file button');
    assert((await text(page, '#imp-check')) === 'Thử trước (chưa ghi gì)', 'the dry run: ' + (await text(page, '#imp-check')));
    await page.setInputFiles('#imp-file', file);
    assert((await text(page, '#imp-info')).startsWith('khao-sat-pho-hien.csv · '), 'the file chosen: ' + (await text(page, '#imp-info')));
    assert(await page.evaluate(() => document.activeElement.id) === 'imp-check', 'the dry run is next');
    if (phone) {
      await page.locator('#imp-h').scrollIntoViewIfNeeded();
      await page.screenshot({ path: join(shots, '16-import-file-phone.png') });
    }
    // Without the system: metres are refused, and the panel says which system to choose.
    await page.click('#imp-check');
    await page.waitForSelector('#imp-message');
    const why = await text(page, '#imp-message');
    assert(why.includes('mét') && why.includes('EPSG:9209') && why.includes('Hãy chọn hệ tọa độ'), 'choose EPSG:9209: ' + why);
    assert(await page.locator('#imp-run').count() === 0, 'nothing to import');
    await page.screenshot({ path: join(shots, `16-import-metres${suffix}.png`) });
    // With it: the dry run.
    await page.selectOption('#imp-crs', 'EPSG:9209');
    await page.click('#imp-check');
    await page.waitForSelector('#imp-summary [data-count="accepted"]');
    const count = async (id) => (await page.locator(`#imp-summary tr[data-count="${id}"] td`).innerText()).trim();
    const expected = phone
      // The same file again: what the desktop run imported is now a possible duplicate.
      ? { read: '7', accepted: '0', rejected: '3', duplicates: '4' }
      : { read: '7', accepted: '2', rejected: '3', duplicates: '2' };
    for (const [id, n] of Object.entries(expected)) assert((await count(id)) === n, `dry run ${id}: ${await count(id)} not ${n}`);
    assert((await text(page, '#imp-summary')).includes('Sẽ nhập'), 'Vietnamese counts');
    const row = async (line) => text(page, `#imp-rows tr[data-line="${line}"]`);
    for (const [line, commune] of [[3, 'Như Quỳnh'], [4, 'Hoàn Long']]) {
      const r = await row(line);
      assert(r.includes('bị từ chối') && new RegExp(`ngoài xã, phường được giao \\(Xã ${commune}, \\d{5}\\)`).test(r), `line ${line}: ${r}`);
    }
    assert((await row(6)).includes('có thể trùng với ' + grouped(keoCode) + ' (trong 15 m)'), 'duplicate of Chùa Keo: ' + (await row(6)));
    assert((await row(7)).includes('không rõ loại “Tàu vũ trụ”'), 'unknown kind: ' + (await row(7)));
    // The demo place it may duplicate is labelled as generated data (looked up after the run).
    assert((await row(8)).includes('có thể trùng với ' + grouped(demoCode)), 'duplicate of the demo place: ' + (await row(8)));
    await page.waitForSelector('#imp-rows tr[data-line="8"] .badge.demo');
    assert((await text(page, '#imp-rows tr[data-line="8"] .badge.demo')) === 'dữ liệu mẫu', 'demo data labelled');
    assert(await page.locator('#imp-rows tr[data-line="6"] .badge.demo').count() === 0, 'Chùa Keo is not demo data');
    if (phone) {
      assert(await page.locator('#imp-run').count() === 0, 'nothing to import the second time');
      assert((await text(page, '#imp-nothing')).includes('Không có dòng nào nhập được'), 'said so');
      const overflow = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
      assert(overflow <= 0, 'no horizontal overflow: ' + overflow);
      await page.locator('#imp-summary').scrollIntoViewIfNeeded();
      await page.screenshot({ path: join(shots, '17-import-check-phone.png') });
      await page.locator('#imp-rows tr[data-line="8"]').scrollIntoViewIfNeeded();
      await page.screenshot({ path: join(shots, '17-import-rows-phone.png') });
      // The code a row may duplicate opens that place's card.
      await page.locator('#imp-rows tr[data-line="2"] button[data-code]').click();
      await page.waitForSelector('#place-card');
      assert((await text(page, '#place-name')).startsWith('Chùa Phố Hiến'), 'the place it may duplicate');
      await page.close();
      continue;
    }
    const warned = await row(5);
    assert(warned.includes('sẽ nhập · lưu ý') && warned.includes('X và Y được đọc là tọa độ Đông và Bắc'), 'the swapped columns noted: ' + warned);
    // A dry run's code is the one the row would get: no place has it yet, so it opens nothing.
    assert(warned.includes('(mã dự kiến)') && await page.locator('#imp-rows tr[data-line="5"] button[data-code]').count() === 0, 'the code it would get: ' + warned);
    await page.locator('#imp-summary').scrollIntoViewIfNeeded();
    await page.screenshot({ path: join(shots, '17-import-check.png') });
    // The English switch redraws the panel; the API's reasons are then its own words.
    await page.click('#lang');
    assert((await text(page, '#imp-h')) === 'Import places from a file', 'English title');
    assert((await row(3)).includes('outside the communes of this token (Xã Như Quỳnh, '), 'English reason: ' + (await row(3)));
    assert((await row(7)).includes('unknown kind "Tàu vũ trụ"'), 'the API\'s own words: ' + (await row(7)));
    assert((await text(page, '#imp-rows tr[data-line="8"] .badge.demo')) === 'demo data', 'demo data labelled in English');
    assert((await text(page, '#imp-check')) === 'Try first (writes nothing)' && (await text(page, '#imp-pick')) === 'Choose another file…', 'English buttons');
    await page.screenshot({ path: join(shots, '17-import-check-en.png') });
    await page.click('#lang');
    // The import itself. Its first two answers are held at "running", half done, to see the
    // progress (all seven rows are read before the first poll).
    assert((await text(page, '#imp-run')) === 'Nhập 2 địa điểm', 'the import button: ' + (await text(page, '#imp-run')));
    let held = 0;
    await page.route(`${base}/api/imports/*`, async (route) => {
      const r = await route.fetch();
      const job = await r.json();
      if (held++ < 2) Object.assign(job, { state: 'running', records_done: 3, finished_at: null });
      await route.fulfill({ response: r, json: job });
    });
    await page.click('#imp-run');
    await page.waitForSelector('#imp-progress');
    await page.waitForFunction(() => document.getElementById('imp-count')?.textContent.includes('3 /'));
    assert((await text(page, '#imp-progress')).includes('Đang nhập…') && (await text(page, '#imp-count')) === 'Đã xử lý 3 / khoảng 7 dòng', 'progress: ' + (await text(page, '#imp-progress')));
    assert(await page.locator('#imp-check').isDisabled(), 'no second run while one runs');
    await page.screenshot({ path: join(shots, '18-import-progress.png') });
    await page.waitForFunction(() => (document.getElementById('imp-summary-h') || {}).textContent?.startsWith('Kết quả nhập'));
    for (const [id, n] of Object.entries({ read: '7', accepted: '2', rejected: '3', duplicates: '2' })) {
      assert((await count(id)) === n, `import ${id}: ${await count(id)} not ${n}`);
    }
    assert(await page.locator('#imp-run').count() === 0, 'no second import button');
    const code = await page.locator('#imp-rows tr[data-line="5"] button[data-code]').getAttribute('data-code');
    assert(/^\d{12}$/.test(code), 'the warned row\'s new code: ' + code);
    await page.locator('#imp-summary').scrollIntoViewIfNeeded();
    await page.screenshot({ path: join(shots, '19-import-done.png') });
    // The report, as Excel wants it.
    const download = page.waitForEvent('download');
    await page.click('#imp-download');
    const d = await download;
    assert(d.suggestedFilename() === 'khao-sat-pho-hien-bao-cao-nhap.csv', 'file name: ' + d.suggestedFilename());
    const report = readFileSync(await d.path(), 'utf8');
    assert(report.startsWith('\uFEFF'), 'a byte-order mark for Excel');
    const lines = report.slice(1).trim().split(/\r?\n/);
    assert(lines[0] === 'line,outcome,code,problems', 'header: ' + lines[0]);
    assert(lines.length === 8, 'a line per row: ' + lines.length);
    const imported = lines.filter((l) => /^\d+,imported,\d{12},/.test(l));
    assert(imported.length === 2 && lines.some((l) => l.startsWith(`5,imported,${code},`)), 'the codes: ' + lines.join(' | '));
    assert(lines.some((l) => l.startsWith('6,possible duplicate,,') && l.includes(keoCode)), 'the duplicate: ' + lines.join(' | '));
    // The new place is in the register: the search finds it and opens its card.
    await page.fill('#search', 'Nhà văn hóa tổ dân phố 5');
    const option = page.locator('#search-list li[role="option"]', { hasText: 'Nhà văn hóa tổ dân phố 5' });
    await option.first().waitFor();
    await option.first().click();
    await page.waitForSelector('#place-card');
    assert(page.url().endsWith('#code=' + code), 'its card: ' + page.url());
    const card = await text(page, '#place-card');
    assert(card.includes('tạm thời') && card.includes('Phường Phố Hiến'), 'provisional, in Phường Phố Hiến: ' + card);
    const f = await (await fetch(`${base}/api/places/${code}`, { headers: { Authorization: 'Bearer ' + editor } })).json();
    await page.evaluate(() => new Promise((r) => { const m = window.__viewer.map; if (!m.isMoving()) r(); else m.once('moveend', r); }));
    await page.locator('#lyr-communes').uncheck();
    await expectColour(page, f.geometry.coordinates, COLOURS.community_point, 'the imported place on the map');
    // Back to the panel: as it was left.
    await page.click('#btn-import');
    await page.waitForSelector('#imp-summary');
    assert((await text(page, '#imp-summary-h')).startsWith('Kết quả nhập'), 'the result kept');
    await page.close();
  }
});

await step('a 360 px phone: bottom sheet, no horizontal scrolling, keyboard reachable', async () => {
  const page = await newPage(360, 740);
  await load(page, '#code=' + keoCode);
  await page.waitForSelector('#place-card');
  const overflow = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
  assert(overflow <= 0, 'no horizontal overflow: ' + overflow);
  const pos = await page.evaluate(() => getComputedStyle(document.getElementById('panel')).position);
  assert(pos === 'absolute', 'panel is a bottom sheet');
  await page.keyboard.press('Tab');
  await page.keyboard.press('Tab');
  const focused = await page.evaluate(() => document.activeElement && document.activeElement.id);
  assert(focused === 'search', 'Tab reaches the search box: ' + focused);
  await page.screenshot({ path: join(shots, '10-phone.png') });
  await page.close();
});

await step('PNG export of the current view', async () => {
  const page = await newPage();
  await load(page);
  const download = page.waitForEvent('download');
  await page.click('#btn-png');
  const d = await download;
  assert(d.suggestedFilename().endsWith('.png'), 'a PNG file');
  await page.close();
});

await step('population layer: H3 hexagons in the colour of their density', async () => {
  const page = await newPage();
  await load(page);
  await signIn(page, reviewer);
  await page.evaluate(() => window.__viewer.map.jumpTo({ center: [106.0801, 20.6601], zoom: 15 }));
  await idle(page);
  await page.locator('#lyr-places').uncheck();
  await page.locator('#lyr-streets').uncheck();
  await page.locator('#lyr-communes').uncheck();
  await page.locator('#lyr-pop-h3').check();
  await page.waitForFunction(() => document.body.dataset.popH3, null, { timeout: 10000 }).catch(() => {});
  const status = await page.locator('#status').innerText();
  assert(!status.includes('chưa có dữ liệu dân cư'), 'the server has /api/population/h3: ' + status);
  await idle(page);
  const cell = await page.evaluate(() => {
    const v = window.__viewer;
    const f = ((v.popH3 && v.popH3.features) || []).find((x) => !x.properties.suppressed && x.properties.residents > 0);
    if (!f) return null;
    const ring = f.geometry.coordinates[0];
    const c = ring.slice(0, -1).reduce((a, p) => [a[0] + p[0] / (ring.length - 1), a[1] + p[1] / (ring.length - 1)], [0, 0]);
    let colour = v.POP_COLOURS[0];
    v.POP_STEPS.forEach((s, i) => { if (f.properties.density_per_km2 >= s) colour = v.POP_COLOURS[i]; });
    return { c, colour, residents: f.properties.residents };
  });
  assert(cell, 'a hexagon with residents');
  assert(cell.residents >= 100, 'staff see exact counts: ' + cell.residents);
  // 80 % fill over the province background.
  const bg = rgb('#fbfaf6'), fill = rgb(cell.colour);
  const expected = fill.map((x, i) => Math.round(0.8 * x + 0.2 * bg[i]));
  const hex = '#' + expected.map((x) => x.toString(16).padStart(2, '0')).join('');
  await expectColour(page, cell.c, hex, 'hexagon fill', 20);
  assert(!(await page.locator('#pop-legend').isHidden()), 'legend shown');
  await page.screenshot({ path: join(shots, '11-population-h3.png') });
  await page.close();
});

await browser.close();
rmSync(profile, { recursive: true, force: true });
const failed = results.filter(([, r]) => r !== 'ok').length;
console.log(`timings: ${JSON.stringify(timings)}`);
console.log(`${results.length - failed} passed, ${failed} failed`);
process.exit(failed ? 1 : 0);
