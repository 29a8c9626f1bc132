//! Vietnamese-style names for generated streets and places. Street names honour historical
//! figures and events, as Vietnamese streets do; no name refers to a living private person.

/// Figures and events that streets across Vietnam are named after.
pub const STREET_NAMES: [&str; 64] = [
    "Trần Hưng Đạo",
    "Lê Lợi",
    "Nguyễn Trãi",
    "Hai Bà Trưng",
    "Lý Thường Kiệt",
    "Quang Trung",
    "Nguyễn Văn Linh",
    "Điện Biên Phủ",
    "Bạch Đằng",
    "Lê Thánh Tông",
    "Phạm Ngũ Lão",
    "Tô Hiến Thành",
    "Chu Văn An",
    "Nguyễn Du",
    "Hoàng Hoa Thám",
    "Phan Bội Châu",
    "Phan Chu Trinh",
    "Lê Hồng Phong",
    "Trần Phú",
    "Nguyễn Thiện Thuật",
    "Hải Thượng Lãn Ông",
    "Lê Quý Đôn",
    "Nguyễn Bỉnh Khiêm",
    "Triệu Quang Phục",
    "Dương Quảng Hàm",
    "Tống Trân",
    "Phạm Bạch Hổ",
    "Đinh Điền",
    "Lê Đình Kiên",
    "Nguyễn Lương Bằng",
    "Bãi Sậy",
    "An Vũ",
    "Chùa Chuông",
    "Đông Thành",
    "Nam Cao",
    "Hoàng Văn Thụ",
    "Võ Thị Sáu",
    "Tôn Đức Thắng",
    "Lạc Long Quân",
    "Âu Cơ",
    "Ngô Quyền",
    "Đinh Tiên Hoàng",
    "Lý Thái Tổ",
    "Trần Nhân Tông",
    "Lê Đại Hành",
    "Nguyễn Huệ",
    "Hàm Nghi",
    "Duy Tân",
    "Thái Bình",
    "Kỳ Đồng",
    "Lý Bôn",
    "Trần Thái Tông",
    "Trần Thánh Tông",
    "Hùng Vương",
    "An Dương Vương",
    "Mai Hắc Đế",
    "Phùng Hưng",
    "Bà Triệu",
    "Lê Văn Thịnh",
    "Nguyễn Đình Chiểu",
    "Cao Bá Quát",
    "Xuân Thủy",
    "Tạ Quang Bửu",
    "Trần Quốc Toản",
];

/// Trade names for businesses (brands, not people).
pub const TRADE_NAMES: [&str; 24] = [
    "Hoa Mai",
    "Phú Thịnh",
    "An Khang",
    "Minh Phát",
    "Thành Công",
    "Hưng Thịnh",
    "Bình An",
    "Tân Phát",
    "Đại Lợi",
    "Phúc Lộc",
    "Thịnh Vượng",
    "Hồng Hà",
    "Sao Mai",
    "Việt Tiến",
    "Hải Đăng",
    "Kim Ngân",
    "Trường Sơn",
    "Hòa Bình",
    "Quang Minh",
    "Thái Hà",
    "Ngọc Lan",
    "Vạn Xuân",
    "Đông Á",
    "Thuận Phát",
];

/// Business name stems.
pub const BUSINESSES: [&str; 12] = [
    "Cửa hàng tạp hóa",
    "Quán cà phê",
    "Tiệm bánh",
    "Nhà thuốc",
    "Cửa hàng điện máy",
    "Quán phở",
    "Tiệm sửa xe máy",
    "Cửa hàng vật liệu xây dựng",
    "Nhà hàng",
    "Siêu thị mini",
    "Cửa hàng nông sản",
    "Xưởng may",
];

/// Public building stems (followed by the commune's name).
pub const PUBLIC_BUILDINGS: [&str; 6] = [
    "Trường Mầm non",
    "Trường Tiểu học",
    "Trường THCS",
    "Trạm Y tế",
    "Bưu điện văn hóa",
    "Thư viện",
];

/// Religious site stems.
pub const RELIGIOUS: [&str; 5] = ["Chùa", "Đình làng", "Đền", "Nhà thờ giáo xứ", "Miếu"];

/// Tourist site stems.
pub const TOURIST: [&str; 4] = [
    "Di tích lịch sử",
    "Khu du lịch sinh thái",
    "Làng nghề",
    "Vườn nhãn cổ",
];

/// Other infrastructure stems.
pub const OTHER: [&str; 4] = [
    "Trạm biến áp",
    "Trạm bơm",
    "Nghĩa trang nhân dân",
    "Trạm cấp nước",
];
