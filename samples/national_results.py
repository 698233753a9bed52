"""The national results table of ``samples/make_samples.py``: PAR INDEX 2023 of every province in the
shape the reports and the press publish it — a title naming the index and the year, then "STT",
"Tỉnh, thành phố", "Điểm", "Xếp hạng", the names as printed ("Hải Phòng", "TP. Hồ Chí Minh", "Thừa Thiên
Huế", "Bà Rịa - Vũng Tàu"), in the order of the national list of the 63.

Only Lạng Sơn's figures are published figures this project holds (docs: DOMAIN.md); every other row keeps
its name with the values left empty, which the bot shows as "chưa có số liệu" — fill them in from the
published report. Nothing here is invented."""

from __future__ import annotations

from collections.abc import Sequence

TITLE = (
    "KẾT QUẢ CHỈ SỐ CẢI CÁCH HÀNH CHÍNH NĂM 2023 CỦA CÁC BỘ, CƠ QUAN NGANG BỘ VÀ CÁC TỈNH, THÀNH PHỐ TRỰC THUỘC TRUNG ƯƠNG",
    "Phần II: Các tỉnh, thành phố trực thuộc Trung ương",
)
HEADER = ("STT", "Tỉnh, thành phố", "Điểm", "Xếp hạng")
PUBLISHED = {"Lạng Sơn": ("85,94", "47/63")}  # DOMAIN.md
PROVINCES_2023 = (
    "Hà Nội", "Hà Giang", "Cao Bằng", "Bắc Kạn", "Tuyên Quang", "Lào Cai", "Điện Biên", "Lai Châu", "Sơn La",
    "Yên Bái", "Hòa Bình", "Thái Nguyên", "Lạng Sơn", "Quảng Ninh", "Bắc Giang", "Phú Thọ", "Vĩnh Phúc",
    "Bắc Ninh", "Hải Dương", "Hải Phòng", "Hưng Yên", "Thái Bình", "Hà Nam", "Nam Định", "Ninh Bình",
    "Thanh Hóa", "Nghệ An", "Hà Tĩnh", "Quảng Bình", "Quảng Trị", "Thừa Thiên Huế", "Đà Nẵng", "Quảng Nam",
    "Quảng Ngãi", "Bình Định", "Phú Yên", "Khánh Hòa", "Ninh Thuận", "Bình Thuận", "Kon Tum", "Gia Lai",
    "Đắk Lắk", "Đắk Nông", "Lâm Đồng", "Bình Phước", "Tây Ninh", "Bình Dương", "Đồng Nai", "Bà Rịa - Vũng Tàu",
    "TP. Hồ Chí Minh", "Long An", "Tiền Giang", "Bến Tre", "Trà Vinh", "Vĩnh Long", "Đồng Tháp", "An Giang",
    "Kiên Giang", "Cần Thơ", "Hậu Giang", "Sóc Trăng", "Bạc Liêu", "Cà Mau",
)  # fmt: skip


def rows() -> list[Sequence[object]]:
    """One row per province: its number, its name as printed, and its published score and rank or none."""
    return [(number, name, *PUBLISHED.get(name, ("", ""))) for number, name in enumerate(PROVINCES_2023, start=1)]
