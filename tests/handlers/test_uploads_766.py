"""/tailen with a 766 table on the demo (10/03/2026): the reform secretariat (admin) sends the province's
monthly table, the kind is recognised by its headers, the preview lists each unit's result, the
confirmation imports it, and a commune chair's /diem 766 then opens on the imported month. A table with
its period in the caption, and hostile files (a units file sent as 766, a formula without its value, a
file over the cap, another province's unit) are each refused with what is wrong."""

from __future__ import annotations

from bot.render import Renderer
from handlers.base import FileRef, Incoming
from handlers.router import Router
from tests.handlers._demo_support import ask
from tests.models.test_importers import SAMPLES, xlsx
from tests.models.test_importers_service_766 import HEADER

MONTHLY = SAMPLES / "chi_so_766_xa_thang_10_2026.xlsx"


async def send(router: Router, text: str, name: str, data: bytes, *, account: str = "admin") -> str:
    file = FileRef("f766", name, size=len(data), content=data)
    lang, replies = await router.handle(Incoming("console", account, account, text, file=file))
    return "\n\n".join(Renderer().render(lang, reply, "text") for reply in replies)


async def test_the_secretariat_imports_the_monthly_table_and_the_chair_sees_the_month(demo: Router) -> None:
    preview = await send(demo, "/tailen", MONTHLY.name, MONTHLY.read_bytes())
    assert "Nhập kết quả chỉ số 766 sẽ có: 65 mục mới" in preview, preview
    assert "• Thêm kết quả 766 tháng 10/2026 – Phường Đông Kinh (05977): tổng 80,54 điểm" in preview

    done = await ask(demo, "admin", "/tailen xacnhan")

    assert "Đã nhập xong" in done and "65 mục mới, 0 mục cập nhật, 0 mục không đổi" in done
    assert "Chỉ số 766, tháng 10/2026 — UBND xã Tuấn Sơn" in await ask(demo, "chair", "/diem 766")


async def test_the_caption_gives_the_period_of_a_table_that_does_not_say_it(demo: Router) -> None:
    table = xlsx(HEADER, (1, "UBND xã Tuấn Sơn", "16,5", "18", "20,25", "15", "19,75", "89,50"))

    preview = await send(demo, "/tailen 766 3/2026", "bang.xlsx", table)

    assert "Thêm kết quả 766 tháng 3/2026 – Xã Tuấn Sơn (06457): tổng 89,50 điểm" in preview, preview
    await ask(demo, "admin", "/tailen xacnhan")
    assert "Chỉ số 766, tháng 3/2026 — UBND xã Tuấn Sơn" in await ask(demo, "chair", "/diem 766")

    corrected = xlsx(HEADER, (1, "UBND xã Tuấn Sơn", "16,5", "19", "20,25", "15", "19,75", "90,50"))
    again = await send(demo, "/tailen 766 3/2026", "bang.xlsx", corrected)
    assert "0 mục mới, 1 mục cập nhật" in again
    assert (
        "Sửa kết quả 766 tháng 3/2026 – Xã Tuấn Sơn (06457): Điểm 89,5 → 90,5; nhóm “Tiến độ giải quyết” 18 → 19"
        in again
    )


async def test_hostile_files_are_refused_with_what_is_wrong(demo: Router) -> None:
    units = xlsx(("Mã đơn vị", "Tên đơn vị", "Loại"), ("X1", "Xã An", "Xã"))
    wrong_kind = await send(demo, "/tailen 766", "don_vi.xlsx", units)
    assert "Chưa có dữ liệu nào được ghi" in wrong_kind and "Thiếu cột" in wrong_kind, wrong_kind

    formula = xlsx(("KẾT QUẢ THÁNG 10/2026",), HEADER, (1, "Xã Tuấn Sơn", 16, 18, 20, 15, 19, "=SUM(C3:G3)"))
    assert "là công thức chưa có giá trị" in await send(demo, "/tailen 766", "cong_thuc.xlsx", formula)

    stranger = xlsx(("KẾT QUẢ THÁNG 10/2026",), HEADER, (1, "Xã Đại Từ", "16", "18", "20", "15", "19", "88"))
    assert "không tìm thấy đơn vị “Xã Đại Từ”" in await send(demo, "/tailen 766", "tinh_khac.xlsx", stranger)

    huge = b"0" * (5 * 1024 * 1024 + 1)
    assert "lớn hơn 5 MB" in await send(demo, "/tailen 766", "lon.xlsx", huge)


async def test_only_the_secretariat_may_upload_a_766_table(demo: Router) -> None:
    refused = await send(demo, "/tailen", MONTHLY.name, MONTHLY.read_bytes(), account="chair")
    assert "Chỉ số 766" not in refused and "65 mục mới" not in refused
    assert "Chỉ số 766, tháng 2/2026" in await ask(demo, "chair", "/diem 766")
