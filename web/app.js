// diachiso map viewer: MapLibre GL JS over the registry's own API. Works offline: every base
// layer is the project's data, glyphs are served by the binary. Vietnamese first.
(function () {
  'use strict';

  // ------------------------------------------------------------------ texts (vi first, en)
  const TEXT = {
    vi: {
      title: 'Bản đồ địa chỉ số Hưng Yên', skip: 'Bỏ qua bản đồ, tới bảng thông tin',
      search_label: 'Tìm địa điểm, địa chỉ hoặc mã', search_ph: 'Tìm địa điểm, địa chỉ, mã…',
      signin: 'Đăng nhập cán bộ', signout: 'Đăng xuất', code_lookup: 'Tra mã định danh', code_12: 'Mã 12 chữ số',
      go: 'Tra cứu', staff_tools: 'Công cụ cán bộ', register: 'Đăng ký địa điểm', draw_street: 'Vẽ đường phố',
      progress: 'Tiến độ theo xã', layers: 'Lớp bản đồ', places: 'Địa điểm', streets: 'Đường phố',
      communes: 'Ranh giới xã, phường', pop_h3: 'Mật độ dân cư (lưới lục giác H3)', pop_communes: 'Dân cư theo xã, phường',
      export_png: 'Xuất ảnh PNG', settings: 'Cài đặt', footer: 'Sở Xây dựng tỉnh Hưng Yên · dữ liệu mẫu được đánh dấu',
      signin_help: 'Dán mã truy cập (token) do quản trị cấp. Mã chỉ được giữ trong phiên làm việc của thẻ trình duyệt này.',
      token: 'Mã truy cập', cancel: 'Hủy', signin_ok: 'Đăng nhập', retire: 'Hủy địa điểm',
      retire_help: 'Mã định danh sẽ không bao giờ được dùng lại. Hãy ghi rõ lý do.', reason: 'Lý do', retire_ok: 'Xác nhận hủy',
      basemap_help: 'Bản đồ nền bên ngoài (tùy chọn, mặc định tắt). Mẫu URL ô ảnh raster, ví dụ https://…/{z}/{x}/{y}.png. Để trống để chỉ dùng dữ liệu của hệ thống.',
      basemap: 'URL bản đồ nền', save: 'Lưu', toggle_panel: 'Thu gọn / mở bảng',
      kind: 'Loại', code: 'Mã định danh', address: 'Địa chỉ', status: 'Trạng thái', commune: 'Xã, phường',
      share: 'Sao chép liên kết', copied: 'Đã sao chép liên kết', demo: 'dữ liệu mẫu', history: 'Lịch sử',
      certify: 'Xác nhận', move: 'Sửa vị trí', save_pos: 'Lưu vị trí mới', edit: 'Sửa thông tin', zoom_to: 'Phóng tới',
      name: 'Tên', house_number: 'Số nhà', street: 'Đường / phố / ngõ', hamlet: 'Thôn / xóm / tổ dân phố',
      what_here: 'Tại đây có gì', nearest: 'Địa điểm gần nhất', no_place: 'Không có địa điểm nào gần đây.',
      outside: 'Điểm này nằm ngoài các xã, phường của tỉnh.', loading: 'Đang tải…',
      pick_point: 'Bấm vào bản đồ để chọn vị trí địa điểm mới (Esc để thôi).',
      register_h: 'Đăng ký địa điểm mới', submit: 'Đăng ký', confirm_distinct: 'Đây là một địa điểm khác (không trùng)',
      dup_found: 'Có địa điểm tương tự trong bán kính 15 m:', registered: 'Đã đăng ký địa điểm',
      point: 'Vị trí', choose_point: 'Chưa chọn vị trí: bấm vào bản đồ.', drag_hint: 'Kéo điểm trên bản đồ tới vị trí đúng rồi bấm “Lưu vị trí mới”.',
      saved: 'Đã lưu', stale: 'Địa điểm vừa được người khác thay đổi. Đã tải lại bản mới nhất; hãy kiểm tra và làm lại.',
      certified: 'Đã xác nhận địa điểm', retired: 'Đã hủy địa điểm', forbidden: 'Mã truy cập này không có quyền làm việc này (ví dụ: ngoài xã, phường được giao).',
      unauthorized: 'Mã truy cập không hợp lệ hoặc đã bị thu hồi.', error: 'Lỗi', not_found: 'Không tìm thấy.',
      code_free: 'Mã hợp lệ, chưa có địa điểm nào đăng ký tại ô này.', code_hidden: 'Mã đã được đăng ký nhưng địa điểm chưa công khai (trạng thái: {s}).',
      cell: 'Ô lưới', draw_h: 'Vẽ đường phố', draw_hint: 'Bấm vào bản đồ để thêm các đỉnh của đường (ít nhất 2). Esc để thôi.',
      street_type: 'Loại đường', width_m: 'Mặt cắt (m)', vertices: 'Số đỉnh', undo: 'Bỏ đỉnh cuối', save_street: 'Lưu đường',
      street_saved: 'Đã lưu đường', plan_run: 'Lập phương án đánh số', plan_h: 'Phương án đánh số nhà', approve: 'Phê duyệt',
      approved: 'Đã phê duyệt phương án', old_new: 'Số cũ → số mới', side: 'Bên', left: 'trái', right: 'phải',
      changed_n: '{n} nhà đổi số / {t} nhà', progress_h: 'Tiến độ theo xã, phường', progress_404: 'Máy chủ này chưa có báo cáo tiến độ (GET /api/reports/progress).',
      signed_as: 'Đăng nhập: {name} — vai trò {role}', role_reader: 'đọc', role_editor: 'biên tập', role_reviewer: 'thẩm định', role_admin: 'quản trị',
      no_result: 'Không có kết quả.', close: 'Đóng', residents: 'Nhân khẩu', households: 'Hộ', addresses: 'Địa chỉ',
      density: 'người/km²', suppressed: 'ẩn (dưới ngưỡng)', pop_404: 'Máy chủ này chưa có dữ liệu dân cư.', png_done: 'Đã xuất ảnh bản đồ',
      field_required: 'bắt buộc', field_empty: 'không được để trống', field_long: 'dài quá {n} ký tự', field_control: 'không được chứa ký tự điều khiển',
      network: 'Không kết nối được máy chủ.', street_card: 'Đường phố', plan_none: 'Chưa có nhà nào (loại “nhà ở”) dọc đường này.',
      events: { create: 'Tạo mới', update: 'Sửa', certify: 'Xác nhận', retire: 'Hủy' },
      statuses: { provisional: 'tạm thời', active: 'đã xác nhận', retired: 'đã hủy' },
      street_types: { duong: 'đường', pho: 'phố', ngo: 'ngõ', ngach: 'ngách', hem: 'hẻm', kiet: 'kiệt' },
    },
    en: {
      title: 'Hưng Yên digital address map', skip: 'Skip the map, go to the panel',
      search_label: 'Search places, addresses or codes', search_ph: 'Search places, addresses, codes…',
      signin: 'Staff sign-in', signout: 'Sign out', code_lookup: 'Look up a location code', code_12: '12-digit code',
      go: 'Look up', staff_tools: 'Staff tools', register: 'Register a place', draw_street: 'Draw a street',
      progress: 'Progress by commune', layers: 'Map layers', places: 'Places', streets: 'Streets',
      communes: 'Commune boundaries', pop_h3: 'Population density (H3 hexagons)', pop_communes: 'Population by commune',
      export_png: 'Export PNG', settings: 'Settings', footer: 'Department of Construction, Hưng Yên · demo data is labelled',
      signin_help: 'Paste the access token an administrator gave you. It is kept only for this browser tab’s session.',
      token: 'Access token', cancel: 'Cancel', signin_ok: 'Sign in', retire: 'Retire place',
      retire_help: 'The location code will never be reused. Give the reason.', reason: 'Reason', retire_ok: 'Retire',
      basemap_help: 'External basemap (optional, off by default). A raster tile URL template such as https://…/{z}/{x}/{y}.png. Leave empty to use only the registry’s own data.',
      basemap: 'Basemap URL', save: 'Save', toggle_panel: 'Collapse / expand the panel',
      kind: 'Kind', code: 'Location code', address: 'Address', status: 'Status', commune: 'Commune',
      share: 'Copy link', copied: 'Link copied', demo: 'demo data', history: 'History',
      certify: 'Certify', move: 'Correct position', save_pos: 'Save new position', edit: 'Edit details', zoom_to: 'Zoom to',
      name: 'Name', house_number: 'House number', street: 'Street / alley', hamlet: 'Hamlet / residential group',
      what_here: 'What is here', nearest: 'Nearest places', no_place: 'No place nearby.',
      outside: 'This point is outside the province’s communes.', loading: 'Loading…',
      pick_point: 'Click the map to place the new place (Esc to stop).',
      register_h: 'Register a new place', submit: 'Register', confirm_distinct: 'This is a different place (not a duplicate)',
      dup_found: 'Similar places within 15 m:', registered: 'Place registered',
      point: 'Position', choose_point: 'No position yet: click the map.', drag_hint: 'Drag the point on the map to the right position, then “Save new position”.',
      saved: 'Saved', stale: 'Someone else just changed this place. The latest version is loaded; check it and try again.',
      certified: 'Place certified', retired: 'Place retired', forbidden: 'This token may not do that (e.g. outside its communes).',
      unauthorized: 'The token is invalid or revoked.', error: 'Error', not_found: 'Not found.',
      code_free: 'Valid code; no place is registered in this cell.', code_hidden: 'The code is registered but the place is not public (status: {s}).',
      cell: 'Grid cell', draw_h: 'Draw a street', draw_hint: 'Click the map to add the street’s vertices (at least 2). Esc to stop.',
      street_type: 'Street type', width_m: 'Cross-section (m)', vertices: 'Vertices', undo: 'Remove last vertex', save_street: 'Save street',
      street_saved: 'Street saved', plan_run: 'Run a numbering plan', plan_h: 'House numbering plan', approve: 'Approve',
      approved: 'Plan approved', old_new: 'Old → new number', side: 'Side', left: 'left', right: 'right',
      changed_n: '{n} of {t} houses change number', progress_h: 'Progress by commune', progress_404: 'This server has no progress report yet (GET /api/reports/progress).',
      signed_as: 'Signed in: {name} — role {role}', role_reader: 'reader', role_editor: 'editor', role_reviewer: 'reviewer', role_admin: 'admin',
      no_result: 'No result.', close: 'Close', residents: 'Residents', households: 'Households', addresses: 'Addresses',
      density: 'people/km²', suppressed: 'hidden (below threshold)', pop_404: 'This server has no population data yet.', png_done: 'Map image exported',
      field_required: 'is required', field_empty: 'must not be empty', field_long: 'is longer than {n} characters', field_control: 'must not contain control characters',
      network: 'Cannot reach the server.', street_card: 'Street', plan_none: 'No house (kind “house”) along this street.',
      events: { create: 'Created', update: 'Edited', certify: 'Certified', retire: 'Retired' },
      statuses: { provisional: 'provisional', active: 'certified', retired: 'retired' },
      street_types: { duong: 'road (đường)', pho: 'street (phố)', ngo: 'alley (ngõ)', ngach: 'sub-alley (ngách)', hem: 'alley (hẻm)', kiet: 'alley (kiệt)' },
    },
  };
  let lang = localStorage.getItem('diachiso.lang') === 'en' ? 'en' : 'vi';
  const t = (k, vars) => {
    let s = TEXT[lang][k] ?? TEXT.vi[k] ?? k;
    for (const [n, v] of Object.entries(vars || {})) s = s.replace('{' + n + '}', v);
    return s;
  };

  // ------------------------------------------------------------------ kinds and colours
  const KIND_COLOURS = {
    public_building: '#1f5fa8', government_office: '#c0262d', business: '#e07b00', tourist_site: '#138a3a',
    bus_station: '#7b3fa6', parking_lot: '#0f8b9a', religious_site: '#8a5a2b', community_point: '#d14f9c',
    house: '#6b7780', other: '#9a9a1e',
  };
  let kinds = Object.keys(KIND_COLOURS).map((k) => ({ kind: k, label_vi: k, label_en: k }));
  const kindLabel = (k) => {
    const d = kinds.find((x) => x.kind === k);
    return d ? (lang === 'en' ? d.label_en : d.label_vi) : k;
  };
  const hiddenKinds = new Set();
  // Population ramp (residents per km²), light to dark; suppressed cells grey.
  const POP_STEPS = [0, 200, 500, 1000, 2000, 5000, 10000];
  const POP_COLOURS = ['#fff3b0', '#ffd166', '#f8961e', '#f3722c', '#e03b24', '#b0151f', '#6d0a1a'];
  const POP_SUPPRESSED = '#bfc5ca';

  // ------------------------------------------------------------------ state
  const state = {
    token: sessionStorage.getItem('diachiso.token') || null,
    session: null,
    mode: null, // null | 'register' | 'street'
    place: null, // {feature, etag}
    draftPoint: null,
    streetVertices: [],
    tileVersion: 0,
    moveMarker: null,
  };
  const $ = (id) => document.getElementById(id);
  const esc = (s) => String(s ?? '').replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' }[c]));
  const grouped = (code) => String(code).replace(/\D/g, '').replace(/(\d{4})(?=\d)/g, '$1 ');

  function setStatus(msg, cls) {
    const s = $('status');
    s.textContent = msg || '';
    s.className = 'status' + (cls ? ' ' + cls : '');
  }

  // ------------------------------------------------------------------ HTTP
  async function api(method, path, body, headers) {
    const h = Object.assign({}, headers || {});
    if (state.token) h.Authorization = 'Bearer ' + state.token;
    if (body !== undefined && !h['Content-Type']) h['Content-Type'] = 'application/json';
    let r;
    try {
      r = await fetch(path, { method, headers: h, body: body === undefined ? undefined : JSON.stringify(body) });
    } catch (e) {
      return { ok: false, status: 0, body: { detail: t('network') }, headers: new Headers() };
    }
    let data = null;
    const ct = r.headers.get('content-type') || '';
    if (ct.includes('json')) data = await r.json().catch(() => null);
    else data = await r.text();
    return { ok: r.ok, status: r.status, body: data, headers: r.headers };
  }
  function problemText(res) {
    if (res.status === 401) return t('unauthorized');
    if (res.status === 403) return t('forbidden') + (res.body && res.body.detail ? ' (' + res.body.detail + ')' : '');
    if (res.status === 412) return t('stale');
    return (res.body && res.body.detail) || t('error') + ' ' + res.status;
  }
  // Field messages of the API (English) in Vietnamese where we know them.
  function fieldMessage(m) {
    if (lang === 'en') return m;
    let x;
    if (m === 'is required') return t('field_required');
    if (m === 'must not be empty') return t('field_empty');
    if ((x = /^is longer than (\d+) characters$/.exec(m))) return t('field_long', { n: x[1] });
    if (m === 'must not contain control characters') return t('field_control');
    if (m.startsWith('unknown kind')) return 'loại không hợp lệ';
    return m;
  }

  // ------------------------------------------------------------------ map
  const PROVINCE_BOUNDS = [[105.893, 20.244], [106.653, 21.008]];
  const basemapUrl = localStorage.getItem('diachiso.basemap') || '';
  const style = {
    version: 8,
    glyphs: '/viewer/glyphs/{range}.pbf?font={fontstack}',
    sources: {
      province: { type: 'geojson', data: '/api/province' },
      communes: { type: 'geojson', data: { type: 'FeatureCollection', features: [] } },
      'commune-labels': { type: 'geojson', data: { type: 'FeatureCollection', features: [] } },
      streets: { type: 'geojson', data: { type: 'FeatureCollection', features: [] } },
      places: { type: 'vector', tiles: [location.origin + '/tiles/places/{z}/{x}/{y}.mvt'], minzoom: 0, maxzoom: 16 },
      'pop-h3': { type: 'geojson', data: { type: 'FeatureCollection', features: [] } },
      'pop-communes': { type: 'geojson', data: { type: 'FeatureCollection', features: [] } },
      selection: { type: 'geojson', data: { type: 'FeatureCollection', features: [] } },
      draft: { type: 'geojson', data: { type: 'FeatureCollection', features: [] } },
      plan: { type: 'geojson', data: { type: 'FeatureCollection', features: [] } },
    },
    layers: [
      { id: 'bg', type: 'background', paint: { 'background-color': '#e9edf0' } },
      { id: 'province-fill', type: 'fill', source: 'province', paint: { 'fill-color': '#fbfaf6' } },
      { id: 'pop-communes', type: 'fill', source: 'pop-communes', layout: { visibility: 'none' }, paint: popPaint() },
      { id: 'pop-h3', type: 'fill', source: 'pop-h3', layout: { visibility: 'none' }, paint: popPaint() },
      { id: 'commune-line', type: 'line', source: 'communes', paint: { 'line-color': '#7d8b97', 'line-width': ['interpolate', ['linear'], ['zoom'], 8, 0.5, 13, 1.5], 'line-dasharray': [3, 2] } },
      { id: 'province-line', type: 'line', source: 'province', paint: { 'line-color': '#8c3b2e', 'line-width': 2.2 } },
      { id: 'streets-casing', type: 'line', source: 'streets', minzoom: 12, paint: { 'line-color': '#9aa6b0', 'line-width': ['interpolate', ['linear'], ['zoom'], 12, 2, 18, 14] }, layout: { 'line-cap': 'round', 'line-join': 'round' } },
      { id: 'streets', type: 'line', source: 'streets', minzoom: 12, paint: { 'line-color': '#ffffff', 'line-width': ['interpolate', ['linear'], ['zoom'], 12, 1, 18, 11] }, layout: { 'line-cap': 'round', 'line-join': 'round' } },
      { id: 'streets-label', type: 'symbol', source: 'streets', minzoom: 14, layout: { 'symbol-placement': 'line', 'text-field': ['get', 'display_name'], 'text-font': ['Noto Sans Regular'], 'text-size': 12 }, paint: { 'text-color': '#37434d', 'text-halo-color': '#fff', 'text-halo-width': 1.5 } },
      { id: 'commune-label', type: 'symbol', source: 'commune-labels', minzoom: 9, maxzoom: 15, layout: { 'text-field': ['get', 'name'], 'text-font': ['Noto Sans Regular'], 'text-size': ['interpolate', ['linear'], ['zoom'], 9, 11, 13, 15], 'text-allow-overlap': false }, paint: { 'text-color': '#2f3e4a', 'text-halo-color': '#ffffff', 'text-halo-width': 1.6 } },
      {
        id: 'places', type: 'circle', source: 'places', 'source-layer': 'places',
        paint: {
          'circle-color': kindColourExpr(),
          'circle-radius': ['interpolate', ['linear'], ['zoom'], 8, ['min', 9, ['+', 2, ['*', 0.9, ['ln', ['+', 1, ['coalesce', ['get', 'count'], 1]]]]]], 14, 5, 18, 9],
          'circle-stroke-color': ['match', ['get', 'status'], 'provisional', '#1b1b1b', '#ffffff'],
          'circle-stroke-width': ['match', ['get', 'status'], 'provisional', 2, 1],
          'circle-opacity': ['match', ['get', 'status'], 'retired', 0.35, 0.95],
        },
      },
      { id: 'places-label', type: 'symbol', source: 'places', 'source-layer': 'places', minzoom: 15, filter: ['!=', ['get', 'kind'], 'house'], layout: { 'text-field': ['get', 'name'], 'text-font': ['Noto Sans Regular'], 'text-size': 12, 'text-offset': [0, 1.1], 'text-anchor': 'top', 'text-optional': true }, paint: { 'text-color': '#17232d', 'text-halo-color': '#fff', 'text-halo-width': 1.5 } },
      { id: 'plan-label', type: 'symbol', source: 'plan', layout: { 'text-field': ['get', 'label'], 'text-font': ['Noto Sans Regular'], 'text-size': 12, 'text-offset': [0, -1.2], 'text-allow-overlap': true }, paint: { 'text-color': ['case', ['get', 'changed'], '#a3211c', '#1d6b36'], 'text-halo-color': '#fff', 'text-halo-width': 2 } },
      { id: 'selection', type: 'circle', source: 'selection', paint: { 'circle-radius': 11, 'circle-color': 'rgba(0,0,0,0)', 'circle-stroke-color': '#f0a400', 'circle-stroke-width': 3 } },
      { id: 'draft-line', type: 'line', source: 'draft', filter: ['==', ['geometry-type'], 'LineString'], paint: { 'line-color': '#0b5d8c', 'line-width': 4, 'line-dasharray': [2, 1] } },
      { id: 'draft-point', type: 'circle', source: 'draft', filter: ['==', ['geometry-type'], 'Point'], paint: { 'circle-radius': 6, 'circle-color': '#0b5d8c', 'circle-stroke-color': '#fff', 'circle-stroke-width': 2 } },
    ],
  };
  if (basemapUrl) {
    style.sources.basemap = { type: 'raster', tiles: [basemapUrl], tileSize: 256 };
    style.layers.splice(1, 0, { id: 'basemap', type: 'raster', source: 'basemap' });
    style.layers.find((l) => l.id === 'province-fill').paint['fill-opacity'] = 0.25;
  }
  function kindColourExpr() {
    const e = ['match', ['get', 'kind']];
    for (const [k, c] of Object.entries(KIND_COLOURS)) e.push(k, c);
    e.push('#444444');
    return e;
  }
  function popPaint() {
    const colour = ['step', ['coalesce', ['get', 'density_per_km2'], 0], POP_COLOURS[0]];
    for (let i = 1; i < POP_STEPS.length; i++) colour.push(POP_STEPS[i], POP_COLOURS[i]);
    return {
      'fill-color': ['case', ['==', ['get', 'suppressed'], true], POP_SUPPRESSED, colour],
      'fill-opacity': 0.8,
      'fill-outline-color': 'rgba(90,60,40,0.35)',
    };
  }

  const map = new maplibregl.Map({
    container: 'map',
    style,
    bounds: PROVINCE_BOUNDS,
    fitBoundsOptions: { padding: 20 },
    maxZoom: 20,
    canvasContextAttributes: { preserveDrawingBuffer: true },
    attributionControl: { compact: true, customAttribution: 'Sở Xây dựng Hưng Yên · diachiso' },
    transformRequest: (url) => {
      if (state.token && url.startsWith(location.origin + '/tiles/')) {
        return { url, headers: { Authorization: 'Bearer ' + state.token } };
      }
      return { url };
    },
  });
  map.addControl(new maplibregl.NavigationControl({ showCompass: false }), 'top-right');
  map.addControl(new maplibregl.ScaleControl({ unit: 'metric' }), 'bottom-right');
  window.__viewer = { map, state, KIND_COLOURS, POP_COLOURS, POP_STEPS };

  let firstRender = null;
  map.once('idle', () => {
    firstRender = performance.now();
    window.__viewer.firstRenderMs = Math.round(firstRender);
    document.body.dataset.mapReady = '1';
  });

  map.on('load', async () => {
    loadCommunes();
    refreshStreets();
    openFromHash();
  });
  map.on('moveend', () => {
    refreshStreets();
    if ($('lyr-pop-h3').checked) refreshPopulationH3();
  });

  async function loadCommunes() {
    const r = await api('GET', '/ogc/collections/communes/items?limit=200');
    if (!r.ok || !r.body) return;
    map.getSource('communes').setData(r.body);
    const labels = r.body.features.map((f) => ({ type: 'Feature', properties: { name: f.properties.name, code: f.properties.code }, geometry: { type: 'Point', coordinates: labelPoint(f.geometry) } }));
    map.getSource('commune-labels').setData({ type: 'FeatureCollection', features: labels });
  }
  // The area-weighted centroid of the largest outer ring (good enough for a label).
  function labelPoint(g) {
    const polys = g.type === 'Polygon' ? [g.coordinates] : g.coordinates;
    let best = null, bestA = -1;
    for (const p of polys) {
      const ring = p[0];
      let a = 0, cx = 0, cy = 0;
      for (let i = 0, j = ring.length - 1; i < ring.length; j = i++) {
        const f = ring[j][0] * ring[i][1] - ring[i][0] * ring[j][1];
        a += f; cx += (ring[j][0] + ring[i][0]) * f; cy += (ring[j][1] + ring[i][1]) * f;
      }
      if (Math.abs(a) > bestA && a !== 0) { bestA = Math.abs(a); best = [cx / (3 * a), cy / (3 * a)]; }
    }
    return best || polys[0][0][0];
  }

  let streetsTimer = null;
  function refreshStreets() {
    clearTimeout(streetsTimer);
    streetsTimer = setTimeout(async () => {
      if (map.getZoom() < 12 || !$('lyr-streets').checked) return;
      const b = map.getBounds();
      const bbox = [b.getWest(), b.getSouth(), b.getEast(), b.getNorth()].map((x) => x.toFixed(5)).join(',');
      const r = await api('GET', '/api/streets?limit=2000&bbox=' + bbox);
      if (r.ok && r.body && r.body.features) map.getSource('streets').setData(r.body);
    }, 150);
  }
  function refreshPlaces() {
    state.tileVersion++;
    map.getSource('places').setTiles([location.origin + '/tiles/places/{z}/{x}/{y}.mvt?v=' + state.tileVersion]);
  }

  // ------------------------------------------------------------------ population
  function h3Resolution(z) {
    if (z < 9.5) return 6;
    if (z < 10.8) return 7;
    if (z < 12.2) return 8;
    if (z < 13.6) return 9;
    return 10;
  }
  let popSeq = 0;
  async function refreshPopulationH3() {
    const seq = ++popSeq;
    const b = map.getBounds();
    const bbox = [Math.max(b.getWest(), 102), Math.max(b.getSouth(), 6), Math.min(b.getEast(), 118), Math.min(b.getNorth(), 23.5)].map((x) => x.toFixed(5)).join(',');
    const res = h3Resolution(map.getZoom());
    const r = await api('GET', `/api/population/h3?res=${res}&bbox=${bbox}`);
    if (seq !== popSeq) return;
    if (!r.ok) { setStatus(r.status === 404 ? t('pop_404') : problemText(r), 'bad'); return; }
    map.getSource('pop-h3').setData(r.body);
    window.__viewer.popH3 = r.body;
    document.body.dataset.popH3 = String(res);
  }
  async function loadPopulationCommunes() {
    const r = await api('GET', '/api/population/communes');
    if (!r.ok) { setStatus(r.status === 404 ? t('pop_404') : problemText(r), 'bad'); return; }
    map.getSource('pop-communes').setData(r.body);
  }
  function renderPopLegend() {
    const on = $('lyr-pop-h3').checked || $('lyr-pop-communes').checked;
    const el = $('pop-legend');
    el.hidden = !on;
    if (!on) return;
    el.innerHTML = `<div class="ramp" aria-hidden="true">${POP_COLOURS.map((c) => `<span style="background:${c}"></span>`).join('')}<span style="background:${POP_SUPPRESSED}"></span></div>
      <div class="labels"><span>0</span><span>${POP_STEPS[3].toLocaleString('vi')}</span><span>${POP_STEPS[6].toLocaleString('vi')}+ ${t('density')}</span><span>${t('suppressed')}</span></div>`;
  }

  // ------------------------------------------------------------------ layers and legend
  function renderLegend() {
    const ul = $('legend');
    ul.innerHTML = kinds.map((k) => `<li><label><input type="checkbox" data-kind="${k.kind}" ${hiddenKinds.has(k.kind) ? '' : 'checked'}>
      <span class="swatch" style="background:${KIND_COLOURS[k.kind] || '#444'}"></span> ${esc(kindLabel(k.kind))}</label></li>`).join('');
  }
  function applyPlaceFilter() {
    const visible = kinds.map((k) => k.kind).filter((k) => !hiddenKinds.has(k));
    const f = ['in', ['get', 'kind'], ['literal', visible]];
    map.setFilter('places', f);
    map.setFilter('places-label', ['all', f, ['!=', ['get', 'kind'], 'house']]);
  }
  $('legend').addEventListener('change', (e) => {
    const k = e.target.dataset.kind;
    if (!k) return;
    if (e.target.checked) hiddenKinds.delete(k); else hiddenKinds.add(k);
    applyPlaceFilter();
  });
  const vis = (ids, on) => ids.forEach((id) => map.getLayer(id) && map.setLayoutProperty(id, 'visibility', on ? 'visible' : 'none'));
  $('lyr-places').addEventListener('change', (e) => vis(['places', 'places-label'], e.target.checked));
  $('lyr-streets').addEventListener('change', (e) => { vis(['streets', 'streets-casing', 'streets-label'], e.target.checked); refreshStreets(); });
  $('lyr-communes').addEventListener('change', (e) => vis(['commune-line', 'commune-label'], e.target.checked));
  $('lyr-pop-h3').addEventListener('change', (e) => {
    vis(['pop-h3'], e.target.checked);
    if (e.target.checked) refreshPopulationH3();
    renderPopLegend();
  });
  $('lyr-pop-communes').addEventListener('change', (e) => {
    vis(['pop-communes'], e.target.checked);
    if (e.target.checked) loadPopulationCommunes();
    renderPopLegend();
  });

  // ------------------------------------------------------------------ search (autocomplete)
  const searchInput = $('search');
  const list = $('search-list');
  let searchSeq = 0, searchTimer = null, results = [], active = -1;
  searchInput.addEventListener('input', () => {
    clearTimeout(searchTimer);
    const q = searchInput.value.trim();
    if (q.length < 2) { closeList(); return; }
    searchTimer = setTimeout(() => runSearch(q), 180);
  });
  async function runSearch(q) {
    const seq = ++searchSeq;
    const c = map.getCenter();
    const r = await api('GET', `/api/search?q=${encodeURIComponent(q)}&limit=8&lon=${c.lng.toFixed(5)}&lat=${c.lat.toFixed(5)}`);
    if (seq !== searchSeq) return;
    results = r.ok && r.body && r.body.features ? r.body.features : [];
    active = -1;
    list.innerHTML = results.length
      ? results.map((f, i) => `<li role="option" id="opt-${i}" data-i="${i}" aria-selected="false">${esc(f.properties.name)}
          <span class="sub">${esc(kindLabel(f.properties.kind))} · ${esc([f.properties.address, f.properties.commune_name].filter(Boolean).join(', '))} · ${esc(f.properties.code_display)}</span></li>`).join('')
      : `<li role="option" aria-disabled="true">${t('no_result')}</li>`;
    list.hidden = false;
    searchInput.setAttribute('aria-expanded', 'true');
  }
  function closeList() {
    list.hidden = true; list.innerHTML = ''; results = []; active = -1;
    searchInput.setAttribute('aria-expanded', 'false');
    searchInput.removeAttribute('aria-activedescendant');
  }
  function highlight(i) {
    active = i;
    [...list.children].forEach((li, j) => li.setAttribute('aria-selected', String(j === i)));
    if (i >= 0) searchInput.setAttribute('aria-activedescendant', 'opt-' + i);
  }
  searchInput.addEventListener('keydown', (e) => {
    if (list.hidden || !results.length) return;
    if (e.key === 'ArrowDown') { e.preventDefault(); highlight((active + 1) % results.length); }
    else if (e.key === 'ArrowUp') { e.preventDefault(); highlight((active - 1 + results.length) % results.length); }
    else if (e.key === 'Escape') closeList();
  });
  $('search-form').addEventListener('submit', (e) => {
    e.preventDefault();
    const f = results[active >= 0 ? active : 0];
    if (f) { closeList(); openPlace(f.properties.code); }
    else if (/^[\d\s.-]{12,}$/.test(searchInput.value)) goToCode(searchInput.value);
  });
  list.addEventListener('mousedown', (e) => {
    const li = e.target.closest('li[data-i]');
    if (!li) return;
    e.preventDefault();
    const f = results[+li.dataset.i];
    closeList();
    openPlace(f.properties.code);
  });
  searchInput.addEventListener('blur', () => setTimeout(closeList, 150));

  // ------------------------------------------------------------------ code lookup
  $('code-form').addEventListener('submit', (e) => { e.preventDefault(); goToCode($('code-input').value); });
  async function goToCode(raw) {
    setStatus(t('loading'));
    const r = await api('GET', '/api/codes/' + encodeURIComponent(raw.trim()));
    if (!r.ok) { setStatus(problemText(r), 'bad'); return; }
    setStatus('');
    const c = r.body;
    if (c.place) { showPlace(c.place, null); fetchEtag(c.code); return; }
    const centre = c.cell && (c.cell.centre || c.cell.center);
    const view = $('view');
    view.innerHTML = `<div class="card"><div class="code">${esc(c.code_display)}</div>
      <p>${c.registered ? esc(t('code_hidden', { s: t('statuses')[c.status] || c.status })) : esc(t('code_free'))}</p>
      ${centre ? `<p class="muted small">${t('cell')}: ${centre.map((x) => x.toFixed(6)).join(', ')}</p>` : ''}</div>`;
    if (centre) { map.flyTo({ center: centre, zoom: 17 }); setSelection(centre); }
  }

  // ------------------------------------------------------------------ place card
  async function fetchEtag(code) {
    const r = await api('GET', '/api/places/' + code);
    if (r.ok) { state.place = { feature: r.body, etag: r.headers.get('etag') }; }
  }
  async function openPlace(code, opts) {
    setStatus(t('loading'));
    const r = await api('GET', '/api/places/' + encodeURIComponent(code));
    if (!r.ok) { setStatus(r.status === 404 ? t('not_found') : problemText(r), 'bad'); return null; }
    setStatus('');
    showPlace(r.body, r.headers.get('etag'), opts);
    return r.body;
  }
  function fullAddress(p) {
    const a = p.address || {};
    const parts = [];
    if (a.house_number && a.street) parts.push(`số ${a.house_number} ${a.street}`);
    else if (a.house_number) parts.push(`số ${a.house_number}`);
    else if (a.street) parts.push(a.street);
    if (a.hamlet) parts.push(a.hamlet);
    if (p.commune_name) parts.push(p.commune_name);
    parts.push('tỉnh Hưng Yên');
    return parts.join(', ');
  }
  function role() { return state.session && state.session.role; }
  const canWrite = () => ['editor', 'reviewer', 'admin'].includes(role());
  const canReview = () => ['reviewer', 'admin'].includes(role());
  function setSelection(coords) {
    map.getSource('selection').setData({ type: 'FeatureCollection', features: coords ? [{ type: 'Feature', properties: {}, geometry: { type: 'Point', coordinates: coords } }] : [] });
  }
  function showPlace(f, etag, opts) {
    stopMove();
    state.place = { feature: f, etag };
    const p = f.properties;
    const coords = f.geometry.coordinates;
    history.replaceState(null, '', '#code=' + p.code);
    setSelection(coords);
    if (!opts || opts.fly !== false) map.flyTo({ center: coords, zoom: Math.max(map.getZoom(), 17), duration: 600 });
    const statusLabel = t('statuses')[p.status] || p.status;
    $('view').innerHTML = `<article class="card" id="place-card" aria-labelledby="place-name">
      <div class="kind"><span class="swatch" style="background:${KIND_COLOURS[p.kind] || '#444'}"></span> ${esc(kindLabel(p.kind))}</div>
      <h3 id="place-name">${esc(p.name)} ${p.generated ? `<span class="badge demo">${t('demo')}</span>` : ''}</h3>
      <div class="code" aria-label="${t('code')}">${esc(grouped(p.code))}</div>
      <dl class="props">
        <dt>${t('address')}</dt><dd id="place-address">${esc(fullAddress(p))}</dd>
        <dt>${t('status')}</dt><dd><span class="badge ${esc(p.status)}" id="place-status">${esc(statusLabel)}</span></dd>
        <dt>${t('point')}</dt><dd class="small">${coords[1].toFixed(6)}, ${coords[0].toFixed(6)}</dd>
      </dl>
      <div class="actions">
        <button type="button" class="ghost" id="act-share">${t('share')}</button>
        <button type="button" class="ghost" id="act-zoom">${t('zoom_to')}</button>
        ${state.session ? `<button type="button" class="ghost" id="act-history">${t('history')}</button>` : ''}
        ${canWrite() && p.status !== 'retired' ? `<button type="button" id="act-move">${t('move')}</button><button type="button" id="act-edit">${t('edit')}</button>` : ''}
        ${canReview() && p.status === 'provisional' ? `<button type="button" class="ok" id="act-certify">${t('certify')}</button>` : ''}
        ${canWrite() && p.status !== 'retired' ? `<button type="button" class="danger" id="act-retire">${t('retire')}</button>` : ''}
      </div>
      <div id="place-extra"></div>
    </article>`;
    $('act-share').onclick = async () => {
      const url = location.origin + location.pathname + '#code=' + p.code;
      try { await navigator.clipboard.writeText(url); } catch (e) { /* not allowed: the link is in the address bar */ }
      setStatus(t('copied') + ': ' + url, 'good');
    };
    $('act-zoom').onclick = () => map.flyTo({ center: coords, zoom: 18 });
    const on = (id, fn) => { const b = $(id); if (b) b.onclick = fn; };
    on('act-history', () => showHistory(p.code));
    on('act-move', () => startMove());
    on('act-edit', () => showEditForm());
    on('act-certify', () => certify());
    on('act-retire', () => { $('retire-error').textContent = ''; $('retire-reason').value = ''; $('dlg-retire').showModal(); });
    openSheet();
  }
  function openFromHash() {
    const m = /code=([\d\s.%-]+)/.exec(location.hash);
    if (m) openPlace(decodeURIComponent(m[1]).replace(/\D/g, ''));
  }
  window.addEventListener('hashchange', openFromHash);

  async function showHistory(code) {
    const r = await api('GET', `/api/places/${code}/history`);
    const el = $('place-extra');
    if (!r.ok) { el.innerHTML = `<p class="error">${esc(problemText(r))}</p>`; return; }
    const events = r.body.events || [];
    el.innerHTML = `<h4>${t('history')}</h4><ol class="list" id="history-list">${events.map((e) => `<li><strong>${esc(t('events')[e.action] || e.action)}</strong>
      <span class="muted small">${esc(new Date(e.at).toLocaleString(lang === 'en' ? 'en-GB' : 'vi-VN'))} · ${esc(e.actor)}</span>${e.reason ? `<br>${esc(e.reason)}` : ''}</li>`).join('')}</ol>`;
  }

  // Drag to correct a position.
  function startMove() {
    stopMove();
    const f = state.place.feature;
    const el = document.createElement('div');
    el.className = 'move-marker';
    state.moveMarker = new maplibregl.Marker({ draggable: true, color: '#f0a400' }).setLngLat(f.geometry.coordinates).addTo(map);
    state.moveMarker.getElement().setAttribute('aria-label', t('move'));
    const extra = $('place-extra');
    extra.innerHTML = `<p class="muted small">${t('drag_hint')}</p><p class="small" id="move-pos"></p>
      <div class="actions"><button type="button" id="move-save">${t('save_pos')}</button><button type="button" class="ghost" id="move-cancel">${t('cancel')}</button></div>`;
    const showPos = () => { const ll = state.moveMarker.getLngLat(); $('move-pos').textContent = `${ll.lat.toFixed(6)}, ${ll.lng.toFixed(6)}`; };
    state.moveMarker.on('drag', showPos);
    showPos();
    $('move-cancel').onclick = () => { stopMove(); extra.innerHTML = ''; };
    $('move-save').onclick = async () => {
      const ll = state.moveMarker.getLngLat();
      await patchPlace({ geometry: { type: 'Point', coordinates: [round6(ll.lng), round6(ll.lat)] } });
    };
  }
  function stopMove() { if (state.moveMarker) { state.moveMarker.remove(); state.moveMarker = null; } }
  const round6 = (x) => Math.round(x * 1e6) / 1e6;

  async function patchPlace(patch) {
    const { feature, etag } = state.place;
    const code = feature.properties.code;
    const r = await api('PATCH', '/api/places/' + code, patch, { 'Content-Type': 'application/merge-patch+json', 'If-Match': etag || '*' });
    if (r.ok) {
      stopMove();
      showPlace(r.body, r.headers.get('etag'), { fly: false });
      setStatus(t('saved'), 'good');
      refreshPlaces();
      return true;
    }
    if (r.status === 412) {
      await openPlace(code, { fly: false });
      setStatus(t('stale'), 'bad');
      return false;
    }
    if (r.status === 422 && r.body && r.body.errors) {
      setStatus(r.body.errors.map((e) => `${e.field}: ${fieldMessage(e.message)}`).join('; '), 'bad');
      return false;
    }
    setStatus(problemText(r), 'bad');
    return false;
  }
  function showEditForm() {
    const p = state.place.feature.properties;
    const a = p.address || {};
    $('place-extra').innerHTML = `<form id="edit-form" novalidate>
      ${fieldHtml('e-name', 'name', p.name, 200, true)}
      ${fieldHtml('e-house_number', 'house_number', a.house_number, 20)}
      ${fieldHtml('e-street', 'street', a.street, 200)}
      ${fieldHtml('e-hamlet', 'hamlet', a.hamlet, 200)}
      <div class="actions"><button type="submit">${t('save')}</button><button type="button" class="ghost" id="edit-cancel">${t('cancel')}</button></div></form>`;
    $('edit-cancel').onclick = () => { $('place-extra').innerHTML = ''; };
    $('edit-form').onsubmit = async (e) => {
      e.preventDefault();
      const v = readFields('e-');
      if (!validateFields('e-', v)) return;
      const addr = { house_number: v.house_number || null, street: v.street || null, hamlet: v.hamlet || null };
      await patchPlace({ properties: { name: v.name, address: addr } });
    };
  }
  async function certify() {
    const { feature, etag } = state.place;
    const h = etag ? { 'If-Match': etag } : {};
    const r = await api('POST', `/api/places/${feature.properties.code}/certify`, undefined, h);
    if (r.ok) { await openPlace(feature.properties.code, { fly: false }); setStatus(t('certified'), 'good'); refreshPlaces(); }
    else if (r.status === 412) { await openPlace(feature.properties.code, { fly: false }); setStatus(t('stale'), 'bad'); }
    else setStatus(problemText(r), 'bad');
  }
  $('retire-cancel').onclick = () => $('dlg-retire').close();
  $('retire-form').addEventListener('submit', async (e) => {
    e.preventDefault();
    const reason = $('retire-reason').value.trim();
    if (!reason) { $('retire-error').textContent = t('reason') + ': ' + t('field_required'); return; }
    const { feature, etag } = state.place;
    const r = await api('POST', `/api/places/${feature.properties.code}/retire`, { reason }, etag ? { 'If-Match': etag } : {});
    if (!r.ok) { $('retire-error').textContent = problemText(r); return; }
    $('dlg-retire').close();
    await openPlace(feature.properties.code, { fly: false });
    setStatus(t('retired'), 'good');
    refreshPlaces();
  });

  // ------------------------------------------------------------------ forms
  const FIELD_POINTERS = { name: '/properties/name', kind: '/properties/kind', house_number: '/properties/address/house_number', street: '/properties/address/street', hamlet: '/properties/address/hamlet' };
  function fieldHtml(id, key, value, max, required) {
    return `<label for="${id}">${t(key)}${required ? ' *' : ''}</label>
      <input id="${id}" name="${key}" value="${esc(value || '')}" maxlength="${max}" ${required ? 'required aria-required="true"' : ''} aria-describedby="${id}-err">
      <p class="field-error" id="${id}-err"></p>`;
  }
  function readFields(prefix) {
    const v = {};
    for (const k of ['name', 'house_number', 'street', 'hamlet', 'kind']) {
      const el = $(prefix + k);
      if (el) v[k] = el.value.normalize('NFC').replace(/\s+/g, ' ').trim();
    }
    return v;
  }
  function setFieldError(prefix, key, msg) {
    const el = $(prefix + key), err = $(prefix + key + '-err');
    if (el) el.setAttribute('aria-invalid', msg ? 'true' : 'false');
    if (err) err.textContent = msg || '';
  }
  // The same rules as the API's (src/place/draft.rs): name required, ≤ 200 characters, no
  // control characters; house number ≤ 20; street and hamlet ≤ 200.
  function validateFields(prefix, v) {
    let ok = true;
    const limits = { name: 200, house_number: 20, street: 200, hamlet: 200 };
    for (const [k, max] of Object.entries(limits)) {
      let msg = '';
      const s = v[k] || '';
      if (k === 'name' && !s) msg = t('field_required');
      else if ([...s].length > max) msg = t('field_long', { n: max });
      else if (/[\u0000-\u001f\u007f-\u009f]/.test(s)) msg = t('field_control');
      setFieldError(prefix, k, msg);
      if (msg) ok = false;
    }
    if (prefix === 'r-' && !v.kind) { setFieldError(prefix, 'kind', t('field_required')); ok = false; }
    return ok;
  }
  function showApiFieldErrors(prefix, errors) {
    const rest = [];
    for (const e of errors) {
      const key = Object.keys(FIELD_POINTERS).find((k) => FIELD_POINTERS[k] === e.field);
      if (key && $(prefix + key)) setFieldError(prefix, key, fieldMessage(e.message));
      else rest.push(`${e.field}: ${fieldMessage(e.message)}`);
    }
    return rest;
  }

  // ------------------------------------------------------------------ register a place
  function hint(text) {
    let h = document.querySelector('.mode-hint');
    if (!text) { if (h) h.remove(); return; }
    if (!h) { h = document.createElement('div'); h.className = 'mode-hint'; h.setAttribute('role', 'note'); $('map').appendChild(h); }
    h.textContent = text;
  }
  function setDraft(features) { map.getSource('draft').setData({ type: 'FeatureCollection', features }); }
  function endMode() {
    state.mode = null; state.draftPoint = null; state.streetVertices = [];
    setDraft([]); hint(null); map.getCanvas().style.cursor = '';
  }
  $('btn-register').onclick = () => {
    endMode();
    state.mode = 'register';
    map.getCanvas().style.cursor = 'crosshair';
    hint(t('pick_point'));
    const kindOptions = kinds.map((k) => `<option value="${k.kind}">${esc(kindLabel(k.kind))}</option>`).join('');
    $('view').innerHTML = `<section class="card" aria-labelledby="reg-h"><h3 id="reg-h">${t('register_h')}</h3>
      <form id="register-form" novalidate>
        <p id="r-point" class="small muted">${t('choose_point')}</p>
        <label for="r-kind">${t('kind')} *</label><select id="r-kind" aria-describedby="r-kind-err"><option value=""></option>${kindOptions}</select><p class="field-error" id="r-kind-err"></p>
        ${fieldHtml('r-name', 'name', '', 200, true)}
        ${fieldHtml('r-house_number', 'house_number', '', 20)}
        ${fieldHtml('r-street', 'street', '', 200)}
        ${fieldHtml('r-hamlet', 'hamlet', '', 200)}
        <div id="r-dups"></div>
        <p id="r-error" class="error" role="alert"></p>
        <div class="actions"><button type="submit" id="r-submit">${t('submit')}</button><button type="button" class="ghost" id="r-cancel">${t('cancel')}</button></div>
      </form></section>`;
    $('r-cancel').onclick = () => { endMode(); $('view').innerHTML = ''; };
    $('register-form').onsubmit = submitRegistration;
    openSheet();
  };
  function pickPoint(ll) {
    state.draftPoint = [round6(ll.lng), round6(ll.lat)];
    setDraft([{ type: 'Feature', properties: {}, geometry: { type: 'Point', coordinates: state.draftPoint } }]);
    $('r-point').textContent = `${t('point')}: ${state.draftPoint[1].toFixed(6)}, ${state.draftPoint[0].toFixed(6)}`;
  }
  async function submitRegistration(e) {
    e.preventDefault();
    $('r-error').textContent = '';
    const v = readFields('r-');
    let ok = validateFields('r-', v);
    if (!state.draftPoint) { $('r-error').textContent = t('choose_point'); ok = false; }
    if (!ok) return;
    const address = {};
    for (const k of ['house_number', 'street', 'hamlet']) if (v[k]) address[k] = v[k];
    const props = { kind: v.kind, name: v.name };
    if (Object.keys(address).length) props.address = address;
    const distinct = $('r-distinct');
    if (distinct && distinct.checked) props.confirm_distinct = true;
    const body = { type: 'Feature', geometry: { type: 'Point', coordinates: state.draftPoint }, properties: props };
    $('r-submit').disabled = true;
    const r = await api('POST', '/api/places', body, { 'Idempotency-Key': 'viewer-' + Date.now() + '-' + Math.random().toString(36).slice(2) });
    $('r-submit').disabled = false;
    if (r.status === 201) {
      endMode();
      refreshPlaces();
      showPlace(r.body, r.headers.get('etag'));
      setStatus(t('registered') + ': ' + grouped(r.body.properties.code), 'good');
      return;
    }
    if (r.status === 409 && r.body && r.body.candidates) {
      $('r-dups').innerHTML = `<p class="error">${t('dup_found')}</p><ul class="list">${r.body.candidates.map((c) => {
        const p = c.properties || c;
        return `<li>${esc(p.name)} — ${esc(grouped(p.code))}</li>`;
      }).join('')}</ul><label class="row"><input type="checkbox" id="r-distinct" style="width:auto"> ${t('confirm_distinct')}</label>`;
      return;
    }
    if (r.status === 422 && r.body && r.body.errors) {
      const rest = showApiFieldErrors('r-', r.body.errors);
      $('r-error').textContent = rest.join('; ');
      return;
    }
    $('r-error').textContent = problemText(r);
  }

  // ------------------------------------------------------------------ draw a street
  $('btn-street').onclick = () => {
    endMode();
    state.mode = 'street';
    map.getCanvas().style.cursor = 'crosshair';
    hint(t('draw_hint'));
    const types = Object.entries(t('street_types')).map(([k, l]) => `<option value="${k}">${esc(l)}</option>`).join('');
    $('view').innerHTML = `<section class="card" aria-labelledby="st-h"><h3 id="st-h">${t('draw_h')}</h3>
      <form id="street-form" novalidate>
        <p class="small muted">${t('vertices')}: <span id="s-count">0</span></p>
        <label for="s-street_type">${t('street_type')} *</label><select id="s-street_type">${types}</select>
        <label for="s-name">${t('name')}</label><input id="s-name" maxlength="200" aria-describedby="s-name-err"><p class="field-error" id="s-name-err"></p>
        <label for="s-width_m">${t('width_m')}</label><input id="s-width_m" type="number" min="0.5" max="200" step="0.5" value="12">
        <p id="s-error" class="error" role="alert"></p>
        <div class="actions"><button type="submit" id="s-submit">${t('save_street')}</button><button type="button" class="ghost" id="s-undo">${t('undo')}</button><button type="button" class="ghost" id="s-cancel">${t('cancel')}</button></div>
      </form></section>`;
    $('s-cancel').onclick = () => { endMode(); $('view').innerHTML = ''; };
    $('s-undo').onclick = () => { state.streetVertices.pop(); drawStreetDraft(); };
    $('street-form').onsubmit = submitStreet;
    openSheet();
  };
  function drawStreetDraft() {
    const v = state.streetVertices;
    const feats = v.map((c) => ({ type: 'Feature', properties: {}, geometry: { type: 'Point', coordinates: c } }));
    if (v.length >= 2) feats.push({ type: 'Feature', properties: {}, geometry: { type: 'LineString', coordinates: v } });
    setDraft(feats);
    const n = $('s-count'); if (n) n.textContent = String(v.length);
  }
  async function submitStreet(e) {
    e.preventDefault();
    $('s-error').textContent = '';
    const type = $('s-street_type').value, name = $('s-name').value.normalize('NFC').replace(/\s+/g, ' ').trim();
    const width = parseFloat($('s-width_m').value);
    if (state.streetVertices.length < 2) { $('s-error').textContent = t('draw_hint'); return; }
    if (['duong', 'pho'].includes(type) && !name) { setFieldError('s-', 'name', t('field_required')); return; }
    setFieldError('s-', 'name', '');
    const props = { street_type: type };
    if (name) props.name = name;
    if (Number.isFinite(width)) props.width_m = width;
    const r = await api('POST', '/api/streets', { type: 'Feature', geometry: { type: 'LineString', coordinates: state.streetVertices }, properties: props });
    if (r.status === 201) {
      endMode();
      refreshStreets();
      showStreet(r.body);
      setStatus(t('street_saved'), 'good');
      return;
    }
    if (r.status === 422 && r.body && r.body.errors) {
      const rest = [];
      for (const er of r.body.errors) {
        if (er.field === '/properties/name') setFieldError('s-', 'name', fieldMessage(er.message));
        else rest.push(`${er.field}: ${fieldMessage(er.message)}`);
      }
      $('s-error').textContent = rest.join('; ');
      return;
    }
    $('s-error').textContent = problemText(r);
  }
  function showStreet(f) {
    const p = f.properties;
    map.getSource('plan').setData({ type: 'FeatureCollection', features: [] });
    $('view').innerHTML = `<article class="card" id="street-card"><div class="kind">${t('street_card')} · ${esc(p.street_type_label || p.street_type)}</div>
      <h3>${esc(p.display_name || p.name)} ${p.generated ? `<span class="badge demo">${t('demo')}</span>` : ''}</h3>
      <dl class="props"><dt>${t('width_m')}</dt><dd>${esc(p.width_m)}</dd><dt>${t('commune')}</dt><dd>${esc((p.communes || []).join(', '))}</dd><dt>ID</dt><dd class="small">${esc(p.id)}</dd></dl>
      <div class="actions">${canWrite() ? `<button type="button" id="act-plan">${t('plan_run')}</button>` : ''}</div>
      <div id="plan-view"></div></article>`;
    const b = $('act-plan');
    if (b) b.onclick = () => runPlan(p.id);
    openSheet();
  }
  async function runPlan(streetId) {
    setStatus(t('loading'));
    const r = await api('POST', `/api/streets/${streetId}/numbering-plans`, {});
    if (!r.ok) { setStatus(problemText(r), 'bad'); return; }
    setStatus('');
    showPlan(r.body);
  }
  async function showPlan(plan) {
    const houses = plan.houses || [];
    const changed = houses.filter((h) => h.changed).length;
    const el = $('plan-view');
    el.innerHTML = `<h4>${t('plan_h')}</h4><p class="small">${t('changed_n', { n: changed, t: houses.length })} · <span class="muted">${esc(plan.status || '')}</span></p>
      ${houses.length ? `<table id="plan-table"><thead><tr><th>${t('code')}</th><th>${t('old_new')}</th><th>${t('side')}</th><th>${t('reason')}</th></tr></thead><tbody>
      ${houses.map((h) => `<tr><td class="small">${esc(grouped(h.code))}</td><td class="${h.changed ? 'changed' : ''}">${esc(h.old_number || '—')} → ${esc(h.new_number)}</td><td>${esc(h.side === 'left' ? t('left') : h.side === 'right' ? t('right') : h.side)}</td><td class="small">${esc(h.reason_text || h.reason)}</td></tr>`).join('')}
      </tbody></table>` : `<p class="muted">${t('plan_none')}</p>`}
      <div class="actions">${canReview() && plan.status === 'draft' ? `<button type="button" class="ok" id="act-approve">${t('approve')}</button>` : ''}</div>`;
    const a = $('act-approve');
    if (a) a.onclick = async () => {
      const r = await api('POST', `/api/numbering-plans/${plan.id}/approve`, {});
      if (!r.ok) { setStatus(problemText(r), 'bad'); return; }
      setStatus(t('approved'), 'good');
      refreshPlaces();
      showPlan(r.body.plan || r.body);
    };
    // Old → new labels on the map, at each house.
    const feats = [];
    const known = new Map();
    for (const f of map.querySourceFeatures('places', { sourceLayer: 'places' })) known.set(f.properties.code, f.geometry.coordinates);
    for (const h of houses.slice(0, 300)) {
      let at = known.get(h.code);
      if (!at) { const r = await api('GET', '/api/places/' + h.code); if (r.ok) at = r.body.geometry.coordinates; }
      if (at) feats.push({ type: 'Feature', properties: { label: `${h.old_number || '—'} → ${h.new_number}`, changed: !!h.changed }, geometry: { type: 'Point', coordinates: at } });
    }
    map.getSource('plan').setData({ type: 'FeatureCollection', features: feats });
    window.__viewer.planLabels = feats;
  }

  // ------------------------------------------------------------------ progress dashboard
  $('btn-progress').onclick = async () => {
    endMode();
    $('view').innerHTML = `<section class="card"><h3>${t('progress_h')}</h3><div id="progress-body">${t('loading')}</div></section>`;
    const r = await api('GET', '/api/reports/progress?format=json');
    const body = $('progress-body');
    if (r.status === 404) { body.innerHTML = `<p class="muted">${t('progress_404')}</p>`; return; }
    if (!r.ok) { body.innerHTML = `<p class="error">${esc(problemText(r))}</p>`; return; }
    body.innerHTML = renderReport(r.body);
  };
  // Whatever the report holds: arrays of flat objects become tables, objects become lists.
  function renderReport(v) {
    if (Array.isArray(v)) {
      if (v.length && typeof v[0] === 'object' && v[0] !== null) {
        const cols = [...new Set(v.flatMap((o) => Object.keys(o).filter((k) => typeof o[k] !== 'object' || o[k] === null)))];
        return `<div style="overflow:auto"><table><thead><tr>${cols.map((c) => `<th>${esc(c)}</th>`).join('')}</tr></thead><tbody>${v.map((o) => `<tr>${cols.map((c) => `<td class="${typeof o[c] === 'number' ? 'num' : ''}">${esc(typeof o[c] === 'number' ? o[c].toLocaleString('vi') : o[c] ?? '')}</td>`).join('')}</tr>`).join('')}</tbody></table></div>`;
      }
      return esc(v.join(', '));
    }
    if (v && typeof v === 'object') {
      return `<dl class="props">${Object.entries(v).map(([k, x]) => `<dt>${esc(k)}</dt><dd>${typeof x === 'object' && x !== null ? renderReport(x) : esc(typeof x === 'number' ? x.toLocaleString('vi') : x)}</dd>`).join('')}</dl>`;
    }
    return esc(v);
  }

  // ------------------------------------------------------------------ what is here
  map.on('click', async (e) => {
    if (state.mode === 'register') { pickPoint(e.lngLat); return; }
    if (state.mode === 'street') { state.streetVertices.push([round6(e.lngLat.lng), round6(e.lngLat.lat)]); drawStreetDraft(); return; }
    if (state.moveMarker) return;
    const box = [[e.point.x - 6, e.point.y - 6], [e.point.x + 6, e.point.y + 6]];
    const hit = map.queryRenderedFeatures(box, { layers: ['places'] }).find((f) => !f.properties.count || f.properties.count === 1 || map.getZoom() >= 14);
    if (hit && (map.getZoom() >= 14 || hit.properties.count === 1)) { openPlace(hit.properties.code, { fly: false }); return; }
    const street = map.getLayer('streets') && map.queryRenderedFeatures(box, { layers: ['streets'] })[0];
    if (street) {
      const r = await api('GET', '/api/streets/' + street.properties.id);
      if (r.ok) { showStreet(r.body); return; }
    }
    whatIsHere(e.lngLat);
  });
  async function whatIsHere(ll) {
    setSelection([ll.lng, ll.lat]);
    history.replaceState(null, '', location.pathname + location.search);
    const r = await api('GET', `/api/reverse?lon=${ll.lng.toFixed(6)}&lat=${ll.lat.toFixed(6)}&limit=5`);
    if (!r.ok) { setStatus(problemText(r), 'bad'); return; }
    setStatus('');
    const c = r.body.commune;
    const feats = r.body.features || [];
    const house = feats.find((f) => f.properties.address && /^\S+/.test(f.properties.address) && f.properties.kind === 'house');
    $('view').innerHTML = `<section class="card" id="here-card"><h3>${t('what_here')}</h3>
      <p class="small muted">${ll.lat.toFixed(6)}, ${ll.lng.toFixed(6)}</p>
      <p id="here-commune">${c ? `<strong>${esc(c.full_name || c.name)}</strong>, ${esc(c.province_name || 'Hưng Yên')}` : esc(t('outside'))}</p>
      ${house ? `<p>${t('house_number')}: <strong>${esc(house.properties.address)}</strong></p>` : ''}
      <h4>${t('nearest')}</h4>
      ${feats.length ? `<ul class="list">${feats.map((f) => `<li><button type="button" class="link" data-code="${esc(f.properties.code)}">${esc(f.properties.name)}</button>
        <span class="muted small">· ${esc(kindLabel(f.properties.kind))} · ${Math.round(f.properties.distance_m)} m · ${esc(f.properties.code_display)}</span></li>`).join('')}</ul>` : `<p class="muted">${t('no_place')}</p>`}
    </section>`;
    $('view').querySelectorAll('button[data-code]').forEach((b) => { b.onclick = () => openPlace(b.dataset.code); });
    openSheet();
  }
  map.on('mousemove', (e) => {
    if (state.mode) return;
    const f = map.queryRenderedFeatures(e.point, { layers: ['places'] });
    map.getCanvas().style.cursor = f.length ? 'pointer' : '';
  });
  document.addEventListener('keydown', (e) => {
    if (e.key === 'Escape' && state.mode) { endMode(); $('view').innerHTML = ''; }
  });

  // ------------------------------------------------------------------ PNG export
  $('btn-png').onclick = () => {
    const url = map.getCanvas().toDataURL('image/png');
    const a = document.createElement('a');
    a.href = url;
    a.download = 'ban-do-hung-yen-' + new Date().toISOString().slice(0, 19).replace(/[:T]/g, '-') + '.png';
    document.body.appendChild(a); a.click(); a.remove();
    setStatus(t('png_done'), 'good');
  };

  // ------------------------------------------------------------------ settings
  $('btn-settings').onclick = () => { $('basemap-url').value = localStorage.getItem('diachiso.basemap') || ''; $('dlg-settings').showModal(); };
  $('settings-cancel').onclick = () => $('dlg-settings').close();
  $('settings-form').addEventListener('submit', () => {
    const v = $('basemap-url').value.trim();
    if (v) localStorage.setItem('diachiso.basemap', v); else localStorage.removeItem('diachiso.basemap');
    location.reload();
  });

  // ------------------------------------------------------------------ sign in
  function renderSession() {
    const s = state.session;
    $('staff').hidden = !s;
    $('signin').textContent = s ? t('signout') : t('signin');
    if (s) {
      $('who').textContent = t('signed_as', { name: s.name, role: t('role_' + s.role) }) + (s.communes && s.communes.length ? ' · ' + s.communes.join(', ') : '');
      $('btn-register').hidden = !canWrite();
      $('btn-street').hidden = !canWrite();
    }
  }
  $('signin').onclick = () => {
    if (state.session) {
      sessionStorage.removeItem('diachiso.token');
      state.token = null; state.session = null;
      renderSession(); refreshPlaces(); endMode(); $('view').innerHTML = '';
      return;
    }
    $('signin-error').textContent = '';
    $('token-input').value = '';
    $('dlg-signin').showModal();
  };
  $('signin-cancel').onclick = () => $('dlg-signin').close();
  $('signin-form').addEventListener('submit', async (e) => {
    e.preventDefault();
    const token = $('token-input').value.trim();
    if (!token) return;
    const ok = await signIn(token);
    if (ok) $('dlg-signin').close();
  });
  async function signIn(token) {
    const prev = state.token;
    state.token = token;
    const r = await api('GET', '/api/session');
    if (!r.ok || !r.body || !r.body.authenticated) {
      state.token = prev;
      $('signin-error').textContent = problemText(r);
      return false;
    }
    sessionStorage.setItem('diachiso.token', token);
    state.session = r.body;
    renderSession();
    refreshPlaces();
    if (state.place) openPlace(state.place.feature.properties.code, { fly: false });
    else openFromHash(); // a provisional place's link, opened before signing in
    return true;
  }

  // ------------------------------------------------------------------ language, sheet
  function applyLanguage() {
    document.documentElement.lang = lang;
    document.querySelectorAll('[data-i18n]').forEach((el) => { el.textContent = t(el.dataset.i18n); });
    document.querySelectorAll('[data-i18n-placeholder]').forEach((el) => { el.placeholder = t(el.dataset.i18nPlaceholder); });
    document.querySelectorAll('[data-i18n-aria]').forEach((el) => el.setAttribute('aria-label', t(el.dataset.i18nAria)));
    $('lang').textContent = lang === 'vi' ? 'EN' : 'VI';
    $('lang').setAttribute('aria-label', lang === 'vi' ? 'English' : 'Tiếng Việt');
    document.title = t('title') + ' — diachiso';
    renderLegend(); renderSession(); renderPopLegend();
    if (state.place && $('place-card')) showPlace(state.place.feature, state.place.etag, { fly: false });
  }
  $('lang').onclick = () => { lang = lang === 'vi' ? 'en' : 'vi'; localStorage.setItem('diachiso.lang', lang); applyLanguage(); };
  const sheet = $('panel');
  function openSheet() { sheet.classList.remove('collapsed'); $('sheet-handle').setAttribute('aria-expanded', 'true'); }
  $('sheet-handle').onclick = () => {
    const c = sheet.classList.toggle('collapsed');
    $('sheet-handle').setAttribute('aria-expanded', String(!c));
  };

  // ------------------------------------------------------------------ start
  (async () => {
    const k = await api('GET', '/api/kinds');
    if (k.ok && k.body && k.body.kinds) kinds = k.body.kinds;
    applyLanguage();
    if (map.loaded()) applyPlaceFilter(); else map.once('load', applyPlaceFilter);
    if (state.token) {
      const r = await api('GET', '/api/session');
      if (r.ok && r.body.authenticated) { state.session = r.body; renderSession(); } else { sessionStorage.removeItem('diachiso.token'); state.token = null; }
    }
  })();
})();
