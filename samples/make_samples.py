"""Write the sample import files of this folder, so they can be re-made exactly:

    .venv/bin/python samples/make_samples.py

- don_vi.xlsx            units of a small Lạng Sơn tree (import first)
- ke_hoach_2023.xlsx     tasks of a CCHC plan, with section rows, for those units
- ke_hoach_loi.xlsx      the same plan with three bad rows (bad date, unknown unit, empty content)
- ke_hoach_2026.xlsx     a 48-task 2026 plan written as plans are (groups, deadline forms): plan_2026.py
- ket_qua_chi_so.csv     published PAR INDEX / SIPAS / PAPI results (UTF-8 with BOM, ';' delimited)
- ket_qua_quoc_gia.xlsx  PAR INDEX 2023 of every province as published: names as printed (national_results.py)
- thi_dua_tieu_chi.xlsx  criteria of the one-stop-desk drive of 2024
- thi_dua_so_lieu.csv    measurements of that drive (UTF-8, ',' delimited, decimal commas)
- chi_so_766_*           the 766 service index in three published layouts, invented figures (service_766.py)

Scores and ranks are the published figures of docs (DOMAIN.md); unknown values stay empty. The drive's
weights, targets and measurements are illustrative.
"""

from __future__ import annotations

import csv
from collections.abc import Sequence
from datetime import date
from pathlib import Path

import national_results  # type: ignore[import-not-found]  # beside this script
import service_766  # type: ignore[import-not-found]  # beside this script
from openpyxl import Workbook
from openpyxl.styles import Alignment, Font
from plan_2026 import HEADER as PLAN_2026_HEADER
from plan_2026 import TASKS as PLAN_2026
from plan_2026 import TITLE as PLAN_2026_TITLE

HERE = Path(__file__).resolve().parent
CHANGED = date(2025, 6, 30)  # districts and their communes ended when two-level local government began on 1/7/2025
MERGED = date(2025, 2, 28)  # departments merged into others on 1/3/2025 (Nghị quyết 04/NQ-HĐND)

UNITS = [
    ("LS", "Tỉnh Lạng Sơn", "Tỉnh", "", None, None),
    ("SNV", "Sở Nội vụ", "Sở", "LS", None, None),
    ("STP", "Sở Tư pháp", "Sở", "LS", None, None),
    ("STC", "Sở Tài chính", "Sở", "LS", None, None),
    ("STTTT", "Sở Thông tin và Truyền thông", "Sở", "LS", None, MERGED),
    ("VPUBND", "Văn phòng UBND tỉnh", "Cơ quan", "LS", None, None),
    ("HL", "Huyện Hữu Lũng", "Huyện", "LS", None, CHANGED),
    ("CL", "Huyện Chi Lăng", "Huyện", "LS", None, CHANGED),
    ("TPLS", "Thành phố Lạng Sơn", "Thành phố", "LS", None, CHANGED),
    ("HL-TTHL", "Thị trấn Hữu Lũng", "Thị trấn", "HL", None, CHANGED),
    ("HL-MS", "Xã Minh Sơn", "Xã", "HL", None, CHANGED),
    ("CL-TTDM", "Thị trấn Đồng Mỏ", "Thị trấn", "CL", None, CHANGED),
    ("CL-BM", "Xã Bằng Mạc", "Xã", "CL", None, CHANGED),
    ("TPLS-CL", "Phường Chi Lăng", "Phường", "TPLS", None, CHANGED),
    ("TPLS-VT", "Phường Vĩnh Trại", "Phường", "TPLS", None, CHANGED),
]
TASK_HEADER = ("STT", "Nội dung nhiệm vụ", "Lĩnh vực", "Cơ quan chủ trì", "Cơ quan phối hợp", "Thời gian hoàn thành")
TASKS: list[tuple[object, ...]] = [
    ("I", "CÔNG TÁC CHỈ ĐẠO, ĐIỀU HÀNH CẢI CÁCH HÀNH CHÍNH"),
    (1, "Ban hành Kế hoạch cải cách hành chính và Kế hoạch tuyên truyền CCHC năm 2023", 1, "SNV",
     "VPUBND; STTTT", "Quý I"),
    (2, "Kiểm tra công tác cải cách hành chính tại các cơ quan, đơn vị", 1, "Sở Nội vụ",
     "Sở Tư pháp, Văn phòng UBND tỉnh", "Quý III"),
    ("II", "CẢI CÁCH THỂ CHẾ"),
    (3, "Rà soát, hệ thống hóa văn bản quy phạm pháp luật do HĐND, UBND tỉnh ban hành", 2, "STP",
     "SNV\nVPUBND", date(2023, 6, 30)),
    (4, "Kiểm tra việc thực hiện văn bản quy phạm pháp luật tại các huyện, thành phố", "Cải cách thể chế", "STP",
     "HL; CL; TPLS", "Tháng 10"),
    ("III", "CẢI CÁCH THỦ TỤC HÀNH CHÍNH"),
    (5, "Công bố, công khai đầy đủ thủ tục hành chính trên Cổng Dịch vụ công quốc gia", 3, "VPUBND", "STTTT",
     "Thường xuyên"),
    (6, "Số hóa hồ sơ, kết quả giải quyết thủ tục hành chính tại bộ phận một cửa cấp huyện, cấp xã", 3, "VPUBND",
     "UBND huyện Hữu Lũng; UBND huyện Chi Lăng; UBND thành phố Lạng Sơn", "31/12/2023"),
    (7, "Niêm yết công khai thủ tục hành chính tại bộ phận một cửa cấp xã", None, "Xã Minh Sơn", "HL", "Quý II"),
    ("IV", "CẢI CÁCH TỔ CHỨC BỘ MÁY HÀNH CHÍNH NHÀ NƯỚC"),
    (8, "Rà soát, sắp xếp tổ chức bộ máy các cơ quan chuyên môn thuộc UBND tỉnh", 4, "SNV", "Sở Tài chính",
     "6 tháng đầu năm"),
    ("V", "CẢI CÁCH CHẾ ĐỘ CÔNG VỤ"),
    (9, "Hoàn thiện đề án vị trí việc làm trong các đơn vị sự nghiệp công lập", 5, "SNV", "STC", "Quý II"),
    ("VI", "CẢI CÁCH TÀI CHÍNH CÔNG"),
    (10, "Thực hiện cơ chế tự chủ tài chính đối với đơn vị sự nghiệp công lập", 6, "STC", "SNV", "30/9/2023"),
    ("VII", "XÂY DỰNG VÀ PHÁT TRIỂN CHÍNH PHỦ ĐIỆN TỬ, CHÍNH PHỦ SỐ"),
    (11, "Vận hành nền tảng tích hợp, chia sẻ dữ liệu cấp tỉnh (LGSP)", 7, "STTTT", "VPUBND", "Quý IV"),
    ("VIII", "TÁC ĐỘNG CỦA CẢI CÁCH HÀNH CHÍNH ĐẾN NGƯỜI DÂN, TỔ CHỨC"),
    (12, "Khảo sát sự hài lòng của người dân, tổ chức đối với sự phục vụ của cơ quan hành chính", 8, "SNV",
     "HL, CL", "Tháng 11"),
]  # fmt: skip
BAD_TASKS: list[tuple[object, ...]] = [
    (1, "Ban hành Kế hoạch cải cách hành chính năm 2023", 1, "SNV", "VPUBND", "Quý I"),
    (2, "Kiểm tra công tác cải cách hành chính", 1, "SNV", "STP", "31/13/2023"),  # row 5: no 13th month
    (3, "Quảng bá thủ tục hành chính du lịch", 3, "Sở Du lịch", "VPUBND", "Quý II"),  # row 6: no such unit
    (4, "", 2, "STP", "SNV", "Quý III"),  # row 7: no content
]
RESULTS_HEADER = ("Chỉ số", "Năm", "Đơn vị", "Điểm", "Xếp hạng", "Nhóm", "Thay đổi điểm", "Thay đổi bậc", "Ghi chú")
RESULTS = [
    ("PAR INDEX", 2021, "LS", "87,11", "23/63", "", "+3,31", "+13", ""),
    ("PAR INDEX", 2023, "LS", "85,94", "47/63", "", "", "tăng 7 bậc", ""),
    ("SIPAS", 2021, "Tỉnh Lạng Sơn", "87,07", "31/63", "", "+3,1", "+8", ""),
    ("SIPAS", 2023, "Tỉnh Lạng Sơn", "", "55/63", "", "", "+4", "trên 79%"),
    ("PAPI", 2023, "LS", "", "21/63", "Trung bình cao", "−0,37", "giảm 8 bậc", "Nhóm năm 2022: cao"),
]
DRIVE_CRITERIA = [
    (1, "Trang thiết bị bộ phận một cửa đạt chuẩn", 20, 100, "%"),
    (2, "Tỷ lệ hồ sơ nộp trực tuyến", 25, 80, "%"),
    (3, "Tỷ lệ số hóa hồ sơ, kết quả giải quyết thủ tục hành chính", 20, 100, "%"),
    (4, "Tỷ lệ hồ sơ giải quyết đúng hạn", 20, 98, "%"),
    (5, "Tỷ lệ hài lòng của người dân, tổ chức", 15, 95, "%"),
]
MEASUREMENTS = [
    ("HL", 1, "31/05/2024", "80"),
    ("HL", 2, "31/05/2024", "62,5"),
    ("HL", 3, "31/05/2024", "71,2"),
    ("CL", 1, "31/05/2024", "100"),
    ("CL", 2, "31/05/2024", "55"),
    ("Xã Minh Sơn", 2, "31/05/2024", "40,75"),
    ("HL", 2, "2024-06-30", "70,1"),
    ("CL", 2, "2024-06-30", "61"),
    ("TPLS", 4, "2024-06-30", "98,6"),
]


# The secretariat's list of officials (kind ``officials``): INVENTED people and numbers (valid-format mobile
# numbers on real prefixes, written the ways lists write them), at units of today's Lạng Sơn named by name,
# by "UBND xã …" and by code; row 5 has no "Vai trò" (its title says it), row 6 no number.
OFFICIALS_TITLE = ["DANH SÁCH CÁN BỘ THAM GIA TRỢ LÝ CCHC", "(Số liệu mẫu: họ tên và số điện thoại đều là giả định)"]
OFFICIALS_HEADER = ("STT", "Họ và tên", "Chức vụ", "Đơn vị", "Vai trò", "Số điện thoại", "Email")
OFFICIALS = [
    (1, "Lý Thị Thu Hà", "Chuyên viên Phòng Cải cách hành chính", "Sở Nội vụ", "Thư ký CCHC", "0912 345 601", ""),
    (2, "Hoàng Văn Tùng", "Giám đốc Sở", "Sở Y tế", "Giám đốc", "0987.654.302", "tung.hv@example.vn"),
    (3, "Nông Thị Lan", "Chủ tịch UBND xã", "UBND xã Tuấn Sơn", "Chủ tịch", "+84 913 200 403", ""),
    (4, "Vi Văn Đức", "Công chức Văn phòng - Thống kê", "Xã Văn Quan", "Cán bộ", "84356789104", ""),
    (5, "Lường Thị Mai", "Phó Chủ tịch UBND xã", "06385", "", "0868-111-205", ""),
    (6, "Triệu Văn Bình", "Chuyên viên", "Sở Y tế", "cán bộ", "", ""),
]


def officials_sample() -> None:
    """samples/can_bo.xlsx alone (``main`` writes every file)."""
    _sheet(HERE / "can_bo.xlsx", OFFICIALS_TITLE, OFFICIALS_HEADER, OFFICIALS)


def _sheet(
    path: Path, title: Sequence[str], header: Sequence[str], rows: Sequence[Sequence[object]], wrap: bool = False
) -> None:
    """A sheet as secretariats make them: title lines, a blank row, the header, the rows (``wrap``: text
    wrapped in its cells, as printed plans keep their line breaks)."""
    book = Workbook()
    sheet = book.active
    for line in title:
        sheet.append([line])
        sheet.merge_cells(start_row=sheet.max_row, start_column=1, end_row=sheet.max_row, end_column=len(header))
    if title:
        sheet.append([])
    sheet.append(list(header))
    for cell in sheet[sheet.max_row]:
        cell.font = Font(bold=True)
    for row in rows:
        sheet.append(list(row))
        for cell in sheet[sheet.max_row]:
            if isinstance(cell.value, date):
                cell.number_format = "DD/MM/YYYY"
            if wrap:
                cell.alignment = Alignment(wrap_text=True, vertical="top")
    book.save(path)


def _csv(path: Path, header: Sequence[str], rows: Sequence[Sequence[object]], *, delimiter: str, bom: bool) -> None:
    with path.open("w", encoding="utf-8-sig" if bom else "utf-8", newline="") as out:
        writer = csv.writer(out, delimiter=delimiter)
        writer.writerow(header)
        writer.writerows(rows)


def main() -> None:
    unit_rows = [(c, n, k, p, f or "", t) for c, n, k, p, f, t in UNITS]
    _sheet(
        HERE / "don_vi.xlsx",
        ["DANH SÁCH ĐƠN VỊ"],
        ("Mã đơn vị", "Tên đơn vị", "Loại", "Đơn vị cấp trên", "Hiệu lực từ", "Hiệu lực đến"),
        unit_rows,
    )
    plan_title = ["KẾ HOẠCH CẢI CÁCH HÀNH CHÍNH NĂM 2023", "Danh mục nhiệm vụ (kèm theo Kế hoạch của UBND tỉnh)"]
    _sheet(HERE / "ke_hoach_2023.xlsx", plan_title, TASK_HEADER, TASKS)
    _sheet(HERE / "ke_hoach_loi.xlsx", [plan_title[0]], TASK_HEADER, BAD_TASKS)
    _sheet(HERE / "ke_hoach_2026.xlsx", PLAN_2026_TITLE, PLAN_2026_HEADER, PLAN_2026, wrap=True)
    _csv(HERE / "ket_qua_chi_so.csv", RESULTS_HEADER, RESULTS, delimiter=";", bom=True)
    _sheet(HERE / "ket_qua_quoc_gia.xlsx", national_results.TITLE, national_results.HEADER, national_results.rows())
    criteria_header = ("TT", "Tiêu chí", "Trọng số", "Chỉ tiêu", "Đơn vị tính")
    _sheet(HERE / "thi_dua_tieu_chi.xlsx", [], criteria_header, DRIVE_CRITERIA)
    measurements_header = ("Đơn vị", "Tiêu chí", "Ngày", "Giá trị")
    _csv(HERE / "thi_dua_so_lieu.csv", measurements_header, MEASUREMENTS, delimiter=",", bom=False)
    _service_766()
    officials_sample()


def _service_766() -> None:
    """The 766 tables: a province's communes by month, its departments by quarter, the portal's CSV."""
    s = service_766
    _sheet(HERE / "chi_so_766_xa_thang_10_2026.xlsx", s.COMMUNE_TITLE, s.COMMUNE_HEADER, s.commune_rows())
    _sheet(HERE / "chi_so_766_so_nganh_quy_III_2026.xlsx", s.DEPARTMENT_TITLE, s.DEPARTMENT_HEADER, s.department_rows())
    _csv(HERE / "chi_so_766_cong_dvc.csv", s.PORTAL_HEADER, s.portal_rows(), delimiter=";", bom=True)


if __name__ == "__main__":
    main()
