"""The 48 tasks of ke_hoach_2026.xlsx, written the way a provincial CCHC plan writes them (demo text: the
real Lạng Sơn 2023 plan had 48 tasks; these are modelled on such plans, not copied from one).

Headers as printed ("TT", "Cơ quan chủ trì thực hiện" over two lines, "Sản phẩm", "Ghi chú"), section
rows I–VIII for the 8 PAR INDEX fields, group assignees ("Các sở, ban, ngành", "UBND các xã, phường",
"Các cơ quan, đơn vị thuộc UBND tỉnh"), lists mixing groups and units, "Các cơ quan, đơn vị liên quan",
and every deadline form: an Excel date, "Trước 30/6/2026", "Quý II/2026", "6 tháng đầu năm", "Tháng 6",
"Năm 2026", "Thường xuyên", a range, "Hằng quý", "Định kỳ hằng tháng", "Trước ngày 15 của tháng cuối
quý", "Hằng năm". Every unit named is one of today's Lạng Sơn (samples/don_vi_lang_son_2025.csv and the
demo)."""

from __future__ import annotations

from datetime import date

TITLE = [
    "KẾ HOẠCH CẢI CÁCH HÀNH CHÍNH NĂM 2026 (DEMO)",
    "Phụ lục: Danh mục nhiệm vụ (kèm theo Kế hoạch của UBND tỉnh Lạng Sơn) – nội dung minh hoạ",
]
HEADER = (
    "TT",
    "Nội dung nhiệm vụ",
    "Cơ quan chủ trì\nthực hiện",
    "Cơ quan phối hợp",
    "Thời gian\nhoàn thành",
    "Sản phẩm",
    "Ghi chú",
)
SNV, STP, STC, SKHCN = "Sở Nội vụ", "Sở Tư pháp", "Sở Tài chính", "Sở Khoa học và Công nghệ"
VP, TT = "Văn phòng UBND tỉnh", "Trung tâm Phục vụ hành chính công tỉnh Lạng Sơn"
DEPTS, COMMUNES = "Các sở, ban, ngành", "UBND các xã, phường"
BODIES, RELATED = "Các cơ quan, đơn vị thuộc UBND tỉnh", "Các cơ quan, đơn vị liên quan"

Row = tuple[object, ...]


def _section(number: str, title: str) -> Row:
    return (number, title, "", "", "", "", "")


TASKS: list[Row] = [
    _section("I", "CÔNG TÁC CHỈ ĐẠO, ĐIỀU HÀNH CẢI CÁCH HÀNH CHÍNH"),
    (1, "Ban hành Kế hoạch CCHC năm 2026 của cơ quan, đơn vị", f"{DEPTS};\n{COMMUNES}", SNV, "Trước 31/01/2026", "Kế hoạch", ""),
    (2, "Ban hành Kế hoạch tuyên truyền CCHC năm 2026", SNV, f"{VP}; {SKHCN}", date(2026, 2, 15), "Kế hoạch", ""),
    (3, "Báo cáo kết quả thực hiện CCHC định kỳ gửi Sở Nội vụ", BODIES, RELATED, "Trước ngày 15 của tháng cuối quý", "Báo cáo", "Số liệu tính đến ngày 14 của tháng cuối quý"),
    (4, "Tổng hợp, báo cáo kết quả CCHC của tỉnh gửi Bộ Nội vụ", SNV, BODIES, "Hằng quý", "Báo cáo", ""),
    (5, "Kiểm tra công tác CCHC tại các cơ quan, đơn vị", SNV, f"{VP}; {STP}", "Quý III/2026", "Thông báo kết luận", ""),
    (6, "Tự đánh giá, chấm điểm Chỉ số CCHC năm 2026 của cơ quan, đơn vị", f"{DEPTS}, {COMMUNES}", SNV, "Trước 15/12/2026", "Báo cáo tự đánh giá", ""),
    _section("II", "CẢI CÁCH THỂ CHẾ"),
    (7, "Xây dựng, ban hành văn bản quy phạm pháp luật theo Chương trình năm 2026", STP, DEPTS, "Năm 2026", "Nghị quyết, Quyết định", ""),
    (8, "Rà soát, hệ thống hoá văn bản quy phạm pháp luật của tỉnh", STP, f"{DEPTS}; {COMMUNES}", "6 tháng đầu năm", "Báo cáo kết quả rà soát", ""),
    (9, "Kiểm tra, xử lý văn bản quy phạm pháp luật theo thẩm quyền", STP, RELATED, "Thường xuyên", "Báo cáo", ""),
    (10, "Theo dõi tình hình thi hành pháp luật năm 2026", STP, DEPTS, "Quý IV", "Báo cáo", ""),
    (11, "Phổ biến, giáo dục pháp luật cho người dân tại cơ sở", COMMUNES, STP, "Thường xuyên", "", ""),
    (12, "Tổ chức thi hành văn bản pháp luật về chính quyền địa phương hai cấp", SNV, f"{STP}; {COMMUNES}", "Quý II/2026", "Văn bản hướng dẫn", ""),
    _section("III", "CẢI CÁCH THỦ TỤC HÀNH CHÍNH"),
    (13, "Công bố danh mục thủ tục hành chính mới ban hành, sửa đổi, bổ sung", VP, DEPTS, "Thường xuyên", "Quyết định công bố", ""),
    (14, "Rà soát, đơn giản hoá thủ tục hành chính năm 2026", VP, f"{DEPTS}; {COMMUNES}", "Trước 30/6/2026", "Phương án đơn giản hoá", ""),
    (15, "Niêm yết, công khai thủ tục hành chính tại Bộ phận Một cửa", COMMUNES, TT, "Tháng 3", "", ""),
    (16, "Tiếp nhận, xử lý phản ánh, kiến nghị về quy định hành chính", VP, RELATED, "Định kỳ hằng tháng", "Báo cáo", ""),
    (17, "Đánh giá chất lượng giải quyết thủ tục hành chính theo Quyết định 766/QĐ-TTg", TT, f"{DEPTS}; {COMMUNES}", "Hằng quý", "Báo cáo", ""),
    (18, "Số hoá hồ sơ, kết quả giải quyết thủ tục hành chính", COMMUNES, f"{TT}, {SKHCN}", "Từ 01/7 - 31/12/2026", "", "Đạt 100% hồ sơ tiếp nhận"),
    _section("IV", "CẢI CÁCH TỔ CHỨC BỘ MÁY HÀNH CHÍNH NHÀ NƯỚC"),
    (19, "Rà soát chức năng, nhiệm vụ của các cơ quan chuyên môn sau sắp xếp", SNV, BODIES, "Quý I/2026", "Báo cáo", ""),
    (20, "Kiện toàn tổ chức bộ máy của xã, phường theo mô hình chính quyền hai cấp", SNV, COMMUNES, "6 tháng đầu năm", "Quyết định", ""),
    (21, "Quản lý biên chế công chức, số lượng người làm việc năm 2026", SNV, STC, "Tháng 6", "Quyết định giao biên chế", ""),
    (22, "Đánh giá mô hình tổ chức bộ phận một cửa cấp xã", TT, f"{SNV}; {COMMUNES}", "Quý III/2026", "Báo cáo", ""),
    (23, "Phân cấp, uỷ quyền giải quyết thủ tục hành chính cho cấp xã", VP, f"{DEPTS}, {COMMUNES}", "Trước 30/9/2026", "Quyết định", ""),
    (24, "Thực hiện cơ chế tự chủ của đơn vị sự nghiệp công lập", STC, DEPTS, "Năm 2026", "", ""),
    _section("V", "CẢI CÁCH CHẾ ĐỘ CÔNG VỤ"),
    (25, "Rà soát, hoàn thiện vị trí việc làm trong cơ quan, đơn vị", f"{DEPTS};\n{COMMUNES}", SNV, "Quý II/2026", "Đề án vị trí việc làm", ""),
    (26, "Tuyển dụng công chức, viên chức năm 2026", SNV, RELATED, "Quý III/2026", "Kết quả tuyển dụng", ""),
    (27, "Đào tạo, bồi dưỡng cán bộ, công chức cấp xã", SNV, COMMUNES, "Năm 2026", "Kế hoạch, báo cáo", ""),
    (28, "Kiểm tra công vụ, kỷ luật, kỷ cương hành chính", SNV, VP, "Hằng quý", "Thông báo kết luận", ""),
    (29, "Đánh giá, xếp loại chất lượng cán bộ, công chức năm 2026", BODIES, SNV, "Tháng 12", "", ""),
    (30, "Thực hiện chế độ, chính sách đối với cán bộ dôi dư sau sắp xếp", SNV, f"{STC}; {COMMUNES}", "Thường xuyên", "", ""),
    _section("VI", "CẢI CÁCH TÀI CHÍNH CÔNG"),
    (31, "Giao dự toán ngân sách nhà nước năm 2026", STC, BODIES, date(2026, 1, 10), "Quyết định", ""),
    (32, "Công khai ngân sách theo quy định", STC, f"{DEPTS}; {COMMUNES}", "Thường xuyên", "", ""),
    (33, "Quyết toán ngân sách năm 2025", STC, DEPTS, "Trước 31/10/2026", "Báo cáo quyết toán", ""),
    (34, "Quản lý, sử dụng tài sản công sau sắp xếp đơn vị hành chính", STC, COMMUNES, "Quý IV", "Phương án xử lý", ""),
    (35, "Thực hành tiết kiệm, chống lãng phí", BODIES, STC, "Hằng năm", "Báo cáo", ""),
    (36, "Giải ngân vốn đầu tư công năm 2026", STC, RELATED, "Trước 31/12/2026", "Báo cáo", ""),
    _section("VII", "XÂY DỰNG VÀ PHÁT TRIỂN CHÍNH QUYỀN ĐIỆN TỬ, CHÍNH QUYỀN SỐ"),
    (37, "Vận hành Hệ thống thông tin giải quyết thủ tục hành chính của tỉnh", SKHCN, TT, "Thường xuyên", "", ""),
    (38, "Cung cấp dịch vụ công trực tuyến toàn trình", f"{DEPTS}; {COMMUNES}", SKHCN, "Năm 2026", "", "Tỷ lệ hồ sơ trực tuyến ≥ 80%"),
    (39, "Sử dụng văn bản điện tử, chữ ký số trong cơ quan nhà nước", BODIES, SKHCN, "Thường xuyên", "", ""),
    (40, "Bảo đảm an toàn thông tin mạng cho hệ thống của tỉnh", SKHCN, RELATED, "Quý II/2026", "Báo cáo", ""),
    (41, "Tích hợp, chia sẻ dữ liệu dân cư phục vụ giải quyết thủ tục", "Sở Khoa học và Công nghệ", f"{TT}; UBND phường Kỳ Lừa; UBND xã Tuấn Sơn", "Quý III/2026", "", "Thí điểm"),
    (42, "Đánh giá Chỉ số chuyển đổi số của tỉnh", SKHCN, DEPTS, "Tháng 10", "Báo cáo", ""),
    _section("VIII", "TÁC ĐỘNG CỦA CẢI CÁCH HÀNH CHÍNH ĐẾN NGƯỜI DÂN, TỔ CHỨC VÀ PHÁT TRIỂN KINH TẾ - XÃ HỘI"),
    (43, "Khảo sát sự hài lòng của người dân, tổ chức (SIPAS) năm 2026", SNV, f"{COMMUNES}; {TT}", "Quý III/2026", "Báo cáo kết quả khảo sát", ""),
    (44, "Khắc phục các chỉ số thành phần PAR INDEX, SIPAS giảm điểm", BODIES, SNV, "Trước 30/6/2026", "Kế hoạch khắc phục", ""),
    (45, "Cải thiện Chỉ số năng lực cạnh tranh cấp tỉnh (PCI)", "Sở Tài chính", f"{DEPTS}, {COMMUNES}", "Năm 2026", "", ""),
    (46, "Nâng cao Chỉ số hiệu quả quản trị và hành chính công (PAPI)", SNV, f"{STP}; {COMMUNES}", "Quý IV", "", ""),
    (47, "Đối thoại với doanh nghiệp về thủ tục hành chính", "Sở Tài chính", f"{VP}; {RELATED}", "6 tháng đầu năm", "Báo cáo", ""),
    (48, "Biểu dương, khen thưởng tập thể, cá nhân tiêu biểu trong CCHC", SNV, BODIES, "Tháng 12", "Quyết định khen thưởng", ""),
]
