"""Vietnamese names and texts for the synthetic national database (plausible, not real records)."""

from __future__ import annotations

from random import Random

# The 34 provinces and centrally-run cities after 1/7/2025 (names only; every other figure is synthetic).
PROVINCES: tuple[tuple[str, str], ...] = (
    ("Thành phố", "Hà Nội"),
    ("Thành phố", "Huế"),
    ("Tỉnh", "Lai Châu"),
    ("Tỉnh", "Điện Biên"),
    ("Tỉnh", "Sơn La"),
    ("Tỉnh", "Lạng Sơn"),
    ("Tỉnh", "Quảng Ninh"),
    ("Tỉnh", "Thanh Hóa"),
    ("Tỉnh", "Nghệ An"),
    ("Tỉnh", "Hà Tĩnh"),
    ("Tỉnh", "Cao Bằng"),
    ("Tỉnh", "Tuyên Quang"),
    ("Tỉnh", "Lào Cai"),
    ("Tỉnh", "Thái Nguyên"),
    ("Tỉnh", "Phú Thọ"),
    ("Tỉnh", "Bắc Ninh"),
    ("Tỉnh", "Hưng Yên"),
    ("Thành phố", "Hải Phòng"),
    ("Tỉnh", "Ninh Bình"),
    ("Tỉnh", "Quảng Trị"),
    ("Thành phố", "Đà Nẵng"),
    ("Tỉnh", "Quảng Ngãi"),
    ("Tỉnh", "Gia Lai"),
    ("Tỉnh", "Khánh Hòa"),
    ("Tỉnh", "Lâm Đồng"),
    ("Tỉnh", "Đắk Lắk"),
    ("Thành phố", "Hồ Chí Minh"),
    ("Tỉnh", "Đồng Nai"),
    ("Tỉnh", "Tây Ninh"),
    ("Thành phố", "Cần Thơ"),
    ("Tỉnh", "Vĩnh Long"),
    ("Tỉnh", "Đồng Tháp"),
    ("Tỉnh", "Cà Mau"),
    ("Tỉnh", "An Giang"),
)

# Provincial departments and agencies; ``True`` marks a department (sở, ban, ngành), ``False`` an agency.
DEPARTMENTS: tuple[tuple[str, bool], ...] = (
    ("Văn phòng UBND", True),
    ("Sở Nội vụ", True),
    ("Sở Tư pháp", True),
    ("Sở Tài chính", True),
    ("Sở Công Thương", True),
    ("Sở Nông nghiệp và Môi trường", True),
    ("Sở Xây dựng", True),
    ("Sở Khoa học và Công nghệ", True),
    ("Sở Giáo dục và Đào tạo", True),
    ("Sở Y tế", True),
    ("Sở Văn hóa, Thể thao và Du lịch", True),
    ("Thanh tra", True),
    ("Sở Ngoại vụ", True),
    ("Sở Dân tộc và Tôn giáo", True),
    ("Ban Quản lý Khu kinh tế", True),
    ("Trung tâm Phục vụ hành chính công", False),
    ("Đài Phát thanh và Truyền hình", False),
    ("Ban Quản lý dự án đầu tư xây dựng", False),
    ("Quỹ Đầu tư phát triển", False),
    ("Trường Chính trị", False),
)


def _words(line: str) -> tuple[str, ...]:
    return tuple(line.split())


_SYLLABLES = _words(
    "An Bình Cường Đông Đức Hải Hòa Hưng Hợp Lạc Long Minh Nam Phú Phong Quang Sơn Tân Thạnh Thịnh "
    "Thủy Tiến Trung Vĩnh Yên Xuân Thành Lộc Nghĩa Kim"
)
FAMILY = _words("Nguyễn Trần Lê Phạm Hoàng Vũ Đặng Bùi Đỗ Hồ Ngô Dương Lý Đinh Hà")
MIDDLE = _words("Văn Thị Đức Minh Thanh Quốc Hữu Ngọc Thu Xuân")
GIVEN = _words("An Bình Cường Dũng Hà Hải Hạnh Hùng Lan Linh Long Mai Nam Phong Quân Sơn Thảo Trang Tuấn Việt")

TASK_CONTENTS: dict[int, tuple[str, ...]] = {
    1: (
        "Ban hành và tổ chức thực hiện kế hoạch kiểm tra công tác cải cách hành chính",
        "Tổ chức hội nghị sơ kết, tổng kết công tác cải cách hành chính",
    ),
    2: (
        "Rà soát, hệ thống hóa văn bản quy phạm pháp luật thuộc lĩnh vực quản lý",
        "Theo dõi tình hình thi hành pháp luật trong lĩnh vực được giao",
    ),
    3: (
        "Rà soát, đơn giản hóa thủ tục hành chính và giấy tờ công dân",
        "Số hóa hồ sơ, kết quả giải quyết thủ tục hành chính tại bộ phận một cửa",
        "Cung cấp dịch vụ công trực tuyến toàn trình trên Cổng dịch vụ công",
    ),
    4: (
        "Sắp xếp, kiện toàn tổ chức bộ máy theo mô hình chính quyền hai cấp",
        "Rà soát chức năng, nhiệm vụ của các phòng chuyên môn",
    ),
    5: (
        "Hoàn thiện đề án vị trí việc làm và cơ cấu ngạch công chức",
        "Đánh giá, xếp loại cán bộ, công chức theo kết quả thực hiện nhiệm vụ",
    ),
    6: (
        "Thực hiện cơ chế tự chủ tài chính của đơn vị sự nghiệp công lập",
        "Công khai dự toán, quyết toán ngân sách theo quy định",
    ),
    7: (
        "Triển khai hệ thống quản lý văn bản và điều hành liên thông bốn cấp",
        "Kết nối, chia sẻ dữ liệu với Cơ sở dữ liệu quốc gia về dân cư",
    ),
    8: (
        "Khảo sát mức độ hài lòng của người dân, tổ chức đối với sự phục vụ hành chính",
        "Tuyên truyền về cải cách hành chính trên các phương tiện thông tin đại chúng",
    ),
}


DRIVE_CRITERIA: tuple[tuple[str, int, int], ...] = (  # name, weight, target (%)
    ("Trang thiết bị bộ phận một cửa đạt chuẩn", 20, 100),
    ("Tỷ lệ hồ sơ trực tuyến toàn trình", 20, 80),
    ("Tỷ lệ số hóa hồ sơ, kết quả giải quyết", 20, 90),
    ("Tỷ lệ hồ sơ giải quyết đúng hạn", 20, 98),
    ("Mức độ hài lòng của người dân", 20, 95),
)

PAPI_GROUPS = ("cao", "trung bình cao", "trung bình thấp", "thấp")


def commune_name(rng: Random, ward: bool) -> str:
    return f"{'Phường' if ward else 'Xã'} {rng.choice(_SYLLABLES)} {rng.choice(_SYLLABLES)}"


def person_name(rng: Random) -> str:
    return f"{rng.choice(FAMILY)} {rng.choice(MIDDLE)} {rng.choice(GIVEN)}"
