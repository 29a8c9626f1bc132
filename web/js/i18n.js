// The viewer's texts, Vietnamese first with an English switch. Other modules render with t();
// the ones that draw text outside the static page register a redraw with onLanguageChange.
import { $ } from './util.js';

export const TEXT = {
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
    geo_levels: { house: 'Số nhà', street: 'Đường', place: 'Địa điểm', commune: 'Xã-phường' },
    converted_from: 'Chuyển từ', score: 'Độ khớp', geo_former: 'đơn vị cũ', geo_understood: 'Hệ thống hiểu là',
    geo_p_house: 'Số nhà', geo_p_street: 'Đường', geo_p_hamlet: 'Thôn/Tổ', geo_p_other: 'Tên', geo_p_commune: 'Xã/Phường',
    geo_p_district: 'Huyện cũ', geo_p_province: 'Tỉnh', geo_p_typos: 'Lỗi chính tả đã sửa', geo_outside: 'ngoài tỉnh Hưng Yên',
    geo_alleys: { ngo: 'Ngõ', ngach: 'Ngách', hem: 'Hẻm', kiet: 'Kiệt' },
    geo_no_house: 'Số nhà {n} chưa có trong sổ địa chỉ; đây là kết quả gần nhất.', geo_notes_h: 'Ghi chú',
    geo_notes: { typo: 'đã sửa một lỗi chính tả', former_units: 'địa chỉ dùng đơn vị hành chính cũ', divided_commune: 'xã cũ đã chia cho nhiều xã, phường mới',
      commune_guessed: 'xã, phường được suy ra', alley_not_found: 'không tìm thấy ngõ' },
    batch: 'Đối chiếu địa chỉ (CSV)', batch_h: 'Đối chiếu địa chỉ (CSV)',
    batch_help: 'Chọn tệp CSV (UTF-8; phân tách bằng dấu phẩy, chấm phẩy hoặc tab) có dòng tiêu đề, rồi đánh dấu các cột chứa địa chỉ theo thứ tự ghép. Tệp trả về giữ nguyên mọi cột và thêm mã định danh, địa chỉ chuẩn, mã xã, mức khớp và độ khớp.',
    batch_file: 'Tệp CSV', batch_cols_n: '{n} cột', batch_delim: 'phân tách bằng', delims: { ',': 'dấu phẩy', ';': 'dấu chấm phẩy', '\t': 'tab' },
    batch_pick: 'Cột địa chỉ (đánh dấu theo thứ tự ghép)', batch_joined: 'Địa chỉ ghép từ', batch_none: 'Chưa chọn cột nào.', batch_unnamed: '(không tên)',
    batch_run: 'Đối chiếu', batch_busy: 'Đang đối chiếu… Tệp lớn có thể mất vài phút.', batch_rows: 'dòng đã đối chiếu',
    batch_level: 'Mức khớp', batch_count: 'Số dòng', batch_unmatched: 'Không khớp', batch_download: 'Tải tệp kết quả',
    batch_too_large: 'Tệp quá lớn: tối đa 256 MiB và một triệu dòng.', batch_too_many: 'Tệp có hơn {n} dòng; hãy chia thành nhiều tệp.',
    batch_not_utf8: 'Tệp không ở mã UTF-8. Trong Excel, hãy lưu lại bằng “CSV UTF-8 (phân tách bằng dấu phẩy)”.',
    batch_not_utf8_at: 'Tệp không ở mã UTF-8 (lỗi tại byte {n}). Trong Excel, hãy lưu lại bằng “CSV UTF-8 (phân tách bằng dấu phẩy)”.',
    batch_empty: 'Tệp trống: cần có dòng tiêu đề.', batch_no_column: 'Không có cột “{c}” trong dòng tiêu đề; các cột là: {all}',
    batch_malformed: 'Không đọc được tệp CSV (dòng {n}): {why}',
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
    geo_levels: { house: 'House', street: 'Street', place: 'Place', commune: 'Commune' },
    converted_from: 'Formerly', score: 'Match', geo_former: 'former unit', geo_understood: 'Understood as',
    geo_p_house: 'House number', geo_p_street: 'Street', geo_p_hamlet: 'Hamlet / group', geo_p_other: 'Name', geo_p_commune: 'Commune / ward',
    geo_p_district: 'Former district', geo_p_province: 'Province', geo_p_typos: 'Typos corrected', geo_outside: 'outside Hưng Yên',
    geo_alleys: { ngo: 'Alley (ngõ)', ngach: 'Sub-alley (ngách)', hem: 'Alley (hẻm)', kiet: 'Alley (kiệt)' },
    geo_no_house: 'House number {n} is not in the register; this is the closest answer.', geo_notes_h: 'Notes',
    geo_notes: { typo: 'one typo corrected', former_units: 'the address uses former administrative units', divided_commune: 'the former commune was divided between several of today’s',
      commune_guessed: 'the commune was inferred', alley_not_found: 'the alley was not found' },
    batch: 'Match addresses (CSV)', batch_h: 'Match addresses (CSV)',
    batch_help: 'Choose a CSV file (UTF-8; separated by commas, semicolons or tabs) with a header line, then tick the columns that hold the address in the order they join. The answered file keeps every column and adds the location code, the standard address, the commune code, the match level and the score.',
    batch_file: 'CSV file', batch_cols_n: '{n} columns', batch_delim: 'separated by', delims: { ',': 'commas', ';': 'semicolons', '\t': 'tabs' },
    batch_pick: 'Address columns (tick them in the order they join)', batch_joined: 'Address made of', batch_none: 'No column ticked yet.', batch_unnamed: '(unnamed)',
    batch_run: 'Match', batch_busy: 'Matching… a large file may take a few minutes.', batch_rows: 'rows matched',
    batch_level: 'Match level', batch_count: 'Rows', batch_unmatched: 'No match', batch_download: 'Download the answered file',
    batch_too_large: 'The file is too large: at most 256 MiB and a million rows.', batch_too_many: 'The file has more than {n} rows; split it into several files.',
    batch_not_utf8: 'The file is not UTF-8. In Excel, save it again as “CSV UTF-8 (Comma delimited)”.',
    batch_not_utf8_at: 'The file is not UTF-8 (at byte {n}). In Excel, save it again as “CSV UTF-8 (Comma delimited)”.',
    batch_empty: 'The file is empty: it needs a header line.', batch_no_column: 'No column “{c}” in the header; the columns are: {all}',
    batch_malformed: 'The file cannot be read as CSV (line {n}): {why}',
    events: { create: 'Created', update: 'Edited', certify: 'Certified', retire: 'Retired' },
    statuses: { provisional: 'provisional', active: 'certified', retired: 'retired' },
    street_types: { duong: 'road (đường)', pho: 'street (phố)', ngo: 'alley (ngõ)', ngach: 'sub-alley (ngách)', hem: 'alley (hẻm)', kiet: 'alley (kiệt)' },
  },
};
export let lang = localStorage.getItem('diachiso.lang') === 'en' ? 'en' : 'vi';
export const t = (k, vars) => {
  let s = TEXT[lang][k] ?? TEXT.vi[k] ?? k;
  for (const [n, v] of Object.entries(vars || {})) s = s.replace('{' + n + '}', v);
  return s;
};
// Field messages of the API (English) in Vietnamese where we know them.
export function fieldMessage(m) {
  if (lang === 'en') return m;
  let x;
  if (m === 'is required') return t('field_required');
  if (m === 'must not be empty') return t('field_empty');
  if ((x = /^is longer than (\d+) characters$/.exec(m))) return t('field_long', { n: x[1] });
  if (m === 'must not contain control characters') return t('field_control');
  if (m.startsWith('unknown kind')) return 'loại không hợp lệ';
  return m;
}

const redraws = [];
// The legend, session line, population legend and place card are built from t() in code,
// so they are drawn again, in the order registered, after the static texts change.
export function onLanguageChange(redraw) { redraws.push(redraw); }

export function applyLanguage() {
  document.documentElement.lang = lang;
  document.querySelectorAll('[data-i18n]').forEach((el) => { el.textContent = t(el.dataset.i18n); });
  document.querySelectorAll('[data-i18n-placeholder]').forEach((el) => { el.placeholder = t(el.dataset.i18nPlaceholder); });
  document.querySelectorAll('[data-i18n-aria]').forEach((el) => el.setAttribute('aria-label', t(el.dataset.i18nAria)));
  $('lang').textContent = lang === 'vi' ? 'EN' : 'VI';
  $('lang').setAttribute('aria-label', lang === 'vi' ? 'English' : 'Tiếng Việt');
  document.title = t('title') + ' — diachiso';
  for (const redraw of redraws) redraw();
}
$('lang').onclick = () => { lang = lang === 'vi' ? 'en' : 'vi'; localStorage.setItem('diachiso.lang', lang); applyLanguage(); };
