"""The 766 service-index tables of ``samples/make_samples.py``, in three layouts provinces and the national
portal use (Quyết định 766/QĐ-TTg, 23/6/2022: five groups, 100 points): see samples/README.md.

EVERY FIGURE HERE IS INVENTED (a seeded draw between 60% and 98% of each group's maximum); the units are
the real ones of ``don_vi_lang_son_2025.csv`` and of the demo, named as the tables write them."""

from __future__ import annotations

import random
from decimal import Decimal

# (name, maximum) of the five groups, in the decision's order
GROUPS = (
    ("Công khai, minh bạch", 18),
    ("Tiến độ giải quyết", 20),
    ("Dịch vụ trực tuyến", 22),
    ("Mức độ hài lòng", 18),
    ("Số hóa hồ sơ", 22),
)
COMMUNES = (
    "Phường Đông Kinh", "Phường Lương Văn Tri", "Phường Tam Thanh", "Xã Đoàn Kết", "Xã Quốc Khánh",
    "Xã Tân Tiến", "Xã Kháng Chiến", "Xã Thất Khê", "Xã Tràng Định", "Xã Quốc Việt", "Xã Hoa Thám",
    "Xã Quý Hòa", "Xã Hồng Phong", "Xã Thiện Hòa", "Xã Thiện Thuật", "Xã Thiện Long", "Xã Bình Gia",
    "Xã Tân Văn", "Xã Na Sầm", "Xã Thụy Hùng", "Xã Hội Hoan", "Xã Văn Lãng", "Xã Hoàng Văn Thụ",
    "Xã Đồng Đăng", "Phường Kỳ Lừa", "Xã Ba Sơn", "Xã Cao Lộc", "Xã Công Sơn", "Xã Văn Quan", "Xã Điềm He",
    "Xã Khánh Khê", "Xã Yên Phúc", "Xã Tri Lễ", "Xã Tân Đoàn", "Xã Bắc Sơn", "Xã Tân Tri", "Xã Hưng Vũ",
    "Xã Vũ Lễ", "Xã Vũ Lăng", "Xã Nhất Hòa", "Xã Hữu Lũng", "Xã Yên Bình", "Xã Hữu Liên", "Xã Vân Nham",
    "Xã Cai Kinh", "Xã Thiện Tân", "Xã Tân Thành", "Xã Tuấn Sơn", "Xã Chi Lăng", "Xã Bằng Mạc",
    "Xã Chiến Thắng", "Xã Nhân Lý", "Xã Vạn Linh", "Xã Quan Sơn", "Xã Na Dương", "Xã Lộc Bình", "Xã Mẫu Sơn",
    "Xã Khuất Xá", "Xã Thống Nhất", "Xã Lợi Bác", "Xã Xuân Dương", "Xã Đình Lập", "Xã Thái Bình",
    "Xã Kiên Mộc", "Xã Châu Sơn",
)  # fmt: skip
DEPARTMENTS = (
    "Sở Nội vụ", "Sở Tư pháp", "Sở Tài chính", "Sở Khoa học và Công nghệ", "Sở Y tế", "Sở Giáo dục và Đào tạo",
    "Sở Công Thương", "Sở Nông nghiệp và Môi trường", "Sở Xây dựng", "Sở Dân tộc và Tôn giáo",
    "Văn phòng UBND tỉnh", "Trung tâm Phục vụ hành chính công tỉnh Lạng Sơn",
)  # fmt: skip


def _scores(rng: random.Random, places: int) -> list[Decimal]:
    step = Decimal(10) ** -places
    return [Decimal(str(rng.uniform(0.6, 0.98) * high)).quantize(step) for _, high in GROUPS]


def _ranked(names: tuple[str, ...], seed: int, places: int) -> list[tuple[str, list[Decimal], Decimal, int]]:
    """Each name with its invented groups and total, ranked by total (ties share a place)."""
    rng = random.Random(seed)
    drawn = [(name, groups, sum(groups, Decimal(0))) for name in names for groups in [_scores(rng, places)]]
    totals = sorted((total for _, _, total in drawn), reverse=True)
    return [(name, groups, total, totals.index(total) + 1) for name, groups, total in drawn]


def _communal(name: str) -> str:
    """ "Xã Văn Quan" as a province's table writes it: "UBND xã Văn Quan"."""
    kind, rest = name.split(" ", 1)
    return f"UBND {kind.lower()} {rest}"


# (a) a province's monthly table of its communes and wards
COMMUNE_TITLE = (
    "UBND TỈNH LẠNG SƠN",
    "KẾT QUẢ ĐÁNH GIÁ BỘ CHỈ SỐ PHỤC VỤ NGƯỜI DÂN, DOANH NGHIỆP CỦA CÁC XÃ, PHƯỜNG THÁNG 10/2026",
    "(Số liệu tổng hợp từ Cổng Dịch vụ công quốc gia theo Quyết định số 766/QĐ-TTg ngày 23/6/2022 "
    "của Thủ tướng Chính phủ; SỐ LIỆU MẪU, KHÔNG PHẢI SỐ LIỆU THẬT)",
)
COMMUNE_HEADER = ("STT", "Tên đơn vị", *(name for name, _ in GROUPS), "Tổng điểm", "Xếp hạng")


def commune_rows() -> list[tuple[object, ...]]:
    return [
        (n, _communal(name), *map(float, groups), float(total), place)
        for n, (name, groups, total, place) in enumerate(_ranked(COMMUNES, 766_10, 2), start=1)
    ]


# (b) a table of departments: another order of the groups, their maxima in the headers, a quarter
DEPARTMENT_TITLE = (
    "BẢNG TỔNG HỢP ĐIỂM BỘ CHỈ SỐ CHỈ ĐẠO, ĐIỀU HÀNH VÀ ĐÁNH GIÁ CHẤT LƯỢNG PHỤC VỤ NGƯỜI DÂN, DOANH NGHIỆP",
    "CỦA CÁC SỞ, BAN, NGÀNH - QUÝ III/2026 (số liệu mẫu)",
)
_DEPARTMENT_ORDER = (4, 2, 1, 0, 3)  # số hóa, trực tuyến, tiến độ, công khai, hài lòng
DEPARTMENT_HEADER = (
    "TT",
    "Cơ quan, đơn vị",
    "Tổng điểm (100 điểm)",
    *(f"{GROUPS[i][0]} ({GROUPS[i][1]} điểm)" for i in _DEPARTMENT_ORDER),
    "Thứ hạng",
)


def department_rows() -> list[tuple[object, ...]]:
    rows: list[tuple[object, ...]] = []
    for n, (name, groups, total, place) in enumerate(_ranked(DEPARTMENTS, 766_3, 1), start=1):
        rows.append((n, name, float(total), *(float(groups[i]) for i in _DEPARTMENT_ORDER), place))
    return rows


# (c) the national portal's table of a province's units, saved as CSV: the period on every row
PORTAL_HEADER = (
    "STT",
    "Đơn vị",
    "Kỳ đánh giá",
    "Công khai, minh bạch",
    "Tiến độ, kết quả giải quyết",
    "Dịch vụ trực tuyến",
    "Mức độ hài lòng",
    "Số hóa hồ sơ",
    "Tổng điểm",
)


def portal_rows() -> list[tuple[object, ...]]:
    names = DEPARTMENTS[:4] + COMMUNES[:8]
    rows: list[tuple[object, ...]] = []
    for n, (name, groups, total, _) in enumerate(_ranked(names, 766_11, 2), start=1):
        said = [f"{value:.2f}".replace(".", ",") for value in (*groups, total)]
        rows.append((n, name, "Tháng 11/2026", *said))
    return rows
