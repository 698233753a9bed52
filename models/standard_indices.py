"""The standard indices a province is ranked on, defined once for the demo, ``cchc-bot init`` and the
importers: PAR INDEX with its 8 fields, SIPAS with its 5 components, PAPI with its 8 dimensions on the 10-80
scale, PCI, DTI, the province's internal CCHC index and the 766 service index (Quyết định 766/QĐ-TTg,
23/6/2022: five groups, 100 points, by month, quarter and year); and ``ensure_indices``, which creates the missing ones.

PAPI's dimensions are those published since 2018 (papi.org.vn, "PAPI đo lường nội dung gì?")."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from models.enums import ScoreKind
from models.indices import IndexComponent, ScoreIndex

PAR_FIELDS: tuple[tuple[str, str], ...] = (
    ("Công tác chỉ đạo, điều hành cải cách hành chính", "Direction and management of administrative reform"),
    ("Cải cách thể chế", "Institutional reform"),
    ("Cải cách thủ tục hành chính", "Administrative procedure reform"),
    ("Cải cách tổ chức bộ máy hành chính nhà nước", "Reform of the state administrative apparatus"),
    ("Cải cách chế độ công vụ", "Civil service reform"),
    ("Cải cách tài chính công", "Public finance reform"),
    ("Xây dựng và phát triển Chính phủ điện tử, Chính phủ số", "E-government and digital government"),
    (
        "Tác động của cải cách hành chính đến người dân, tổ chức và phát triển kinh tế - xã hội",
        "Impact of administrative reform on people, organisations and socio-economic development",
    ),
)
SIPAS_COMPONENTS: tuple[tuple[str, str], ...] = (
    ("Tiếp cận dịch vụ hành chính công", "Access to public administrative services"),
    ("Thủ tục hành chính", "Administrative procedures"),
    ("Công chức trực tiếp giải quyết công việc", "Civil servants handling the service"),
    ("Kết quả cung ứng dịch vụ hành chính công", "Results of the service"),
    ("Tiếp nhận, xử lý góp ý, phản ánh, kiến nghị", "Receiving and handling feedback and petitions"),
)

PAPI_DIMENSIONS: tuple[tuple[str, str], ...] = (
    ("Tham gia của người dân ở cấp cơ sở", "Participation at local levels"),
    ("Công khai, minh bạch trong việc ra quyết định ở địa phương", "Transparency in local decision-making"),
    ("Trách nhiệm giải trình với người dân", "Vertical accountability towards citizens"),
    ("Kiểm soát tham nhũng trong khu vực công", "Control of corruption in the public sector"),
    ("Thủ tục hành chính công", "Public administrative procedures"),
    ("Cung ứng dịch vụ công", "Public service delivery"),
    ("Quản trị môi trường", "Environmental governance"),
    ("Quản trị điện tử", "E-governance"),
)

# Quyết định 766/QĐ-TTg (23/6/2022): the five groups of the service index and their maxima (100 in all)
SERVICE_766_GROUPS: tuple[tuple[str, str, Decimal], ...] = (
    ("Công khai, minh bạch", "Openness and transparency", Decimal(18)),
    ("Tiến độ giải quyết", "Timeliness of resolution", Decimal(20)),
    ("Dịch vụ trực tuyến", "Online services", Decimal(22)),
    ("Mức độ hài lòng", "Satisfaction", Decimal(18)),
    ("Số hóa hồ sơ", "Digitisation of dossiers", Decimal(22)),
)

# The fields of the plan's tasks (PAR_FIELDS, numbered from 1) that work on each 766 group: a unit pushed
# about a group that fell is shown its own open tasks in these fields (jobs/index_news.py). Công khai, minh
# bạch and tiến độ giải quyết are the procedures' own field (3: cải cách TTHC); dịch vụ trực tuyến and số hóa
# hồ sơ are digital government (7); mức độ hài lòng is measured at the one-stop desk (3, which holds the
# cơ chế một cửa, một cửa liên thông) and is the reform's impact on people (8).
GROUP_FIELDS: dict[str, dict[int, tuple[int, ...]]] = {
    "766": {1: (3,), 2: (3,), 3: (7,), 4: (3, 8), 5: (7,)},
}


@dataclass(frozen=True)
class StandardIndex:
    code: str
    name_vi: str
    name_en: str
    publisher: str
    score_kind: ScoreKind
    max_score: Decimal | None  # None where the scale is not fixed by this code (DTI)
    components: tuple[tuple[str, str], ...] = ()
    component_max: Decimal | None = None  # each component's scale, where fixed (PAPI: 1-10)
    aliases: tuple[str, ...] = ()
    min_score: Decimal | None = None  # the bottom of the scale where it is not 0 (PAPI: 10)
    component_min: Decimal | None = None  # the bottom of each component's scale where not 0 (PAPI: 1)
    component_maxima: tuple[Decimal, ...] = ()  # each component's own maximum, where they differ (766)


_BNV = "Ban Chỉ đạo cải cách hành chính của Chính phủ, Bộ Nội vụ"
STANDARD_INDICES: tuple[StandardIndex, ...] = (
    StandardIndex(
        code="PAR",
        name_vi="Chỉ số cải cách hành chính (PAR INDEX)",
        name_en="Public Administration Reform Index (PAR INDEX)",
        publisher=_BNV,
        score_kind=ScoreKind.POINTS,
        max_score=Decimal(100),
        components=PAR_FIELDS,
        aliases=("PAR INDEX", "Chỉ số cải cách hành chính"),
    ),
    StandardIndex(
        code="SIPAS",
        name_vi="Chỉ số hài lòng về sự phục vụ hành chính (SIPAS)",
        name_en="Satisfaction Index of Public Administrative Services (SIPAS)",
        publisher=_BNV,
        score_kind=ScoreKind.PERCENT,
        max_score=Decimal(100),
        components=SIPAS_COMPONENTS,
        aliases=("Chỉ số hài lòng về sự phục vụ hành chính",),
    ),
    StandardIndex(
        code="PAPI",
        name_vi="Chỉ số hiệu quả quản trị và hành chính công cấp tỉnh (PAPI)",
        name_en="Provincial Governance and Public Administration Performance Index (PAPI)",
        publisher="UNDP và các đối tác",
        score_kind=ScoreKind.POINTS,
        max_score=Decimal(80),  # 8 dimensions of 1-10 points each: the 10-80 scale
        min_score=Decimal(10),
        components=PAPI_DIMENSIONS,
        component_max=Decimal(10),
        component_min=Decimal(1),
        aliases=("Chỉ số hiệu quả quản trị và hành chính công cấp tỉnh",),
    ),
    StandardIndex(
        code="PCI",
        name_vi="Chỉ số năng lực cạnh tranh cấp tỉnh (PCI)",
        name_en="Provincial Competitiveness Index (PCI)",
        publisher="Liên đoàn Thương mại và Công nghiệp Việt Nam (VCCI)",
        score_kind=ScoreKind.POINTS,
        max_score=Decimal(100),
        aliases=("Chỉ số năng lực cạnh tranh cấp tỉnh",),
    ),
    StandardIndex(
        code="DTI",
        name_vi="Chỉ số chuyển đổi số (DTI)",
        name_en="Digital Transformation Index (DTI)",
        publisher="Bộ Khoa học và Công nghệ (đến 28/02/2025: Bộ Thông tin và Truyền thông)",
        score_kind=ScoreKind.POINTS,
        max_score=None,
        aliases=("Chỉ số chuyển đổi số",),
    ),
    StandardIndex(
        code="CCHC",
        name_vi="Chỉ số cải cách hành chính của các cơ quan, đơn vị trong tỉnh",
        name_en="Internal administrative reform index of the province's units",
        publisher="Ủy ban nhân dân tỉnh",
        score_kind=ScoreKind.POINTS,
        max_score=Decimal(100),
        aliases=("Chỉ số CCHC", "Chỉ số CCHC nội bộ"),
    ),
    StandardIndex(
        code="766",
        name_vi="Bộ chỉ số phục vụ người dân, doanh nghiệp (QĐ 766)",
        name_en="Index of service to citizens and businesses (Decision 766)",
        publisher="Cổng Dịch vụ công quốc gia (Văn phòng Chính phủ)",
        score_kind=ScoreKind.POINTS,
        max_score=Decimal(100),
        components=tuple((vi, en) for vi, en, _ in SERVICE_766_GROUPS),
        component_maxima=tuple(top for _, _, top in SERVICE_766_GROUPS),
        aliases=("dvc", "chisodvc", "chỉ số dvc", "QĐ 766", "Bộ chỉ số phục vụ người dân, doanh nghiệp"),
    ),
)


@dataclass(frozen=True)
class Ensured:
    """What ``ensure_indices`` found: every index by code, and how many indices and components it added."""

    indices: dict[str, ScoreIndex]
    added_indices: tuple[str, ...]
    added_components: int


async def ensure_indices(session: AsyncSession) -> dict[str, ScoreIndex]:
    """Create the standard indices and their components that are missing; leave existing rows as they
    are (a province may have renamed them). Returns every index by code."""
    return (await add_missing_indices(session)).indices


async def add_missing_indices(session: AsyncSession) -> Ensured:
    """``ensure_indices``, saying what it added (``cchc-bot init`` reports it)."""
    existing = {i.code: i for i in (await session.execute(select(ScoreIndex))).scalars()}
    added: list[str] = []
    parts = 0
    for standard in STANDARD_INDICES:
        index = existing.get(standard.code)
        if index is None:
            index = ScoreIndex(
                code=standard.code,
                name_vi=standard.name_vi,
                name_en=standard.name_en,
                publisher=standard.publisher,
                score_kind=standard.score_kind,
                max_score=standard.max_score,
                min_score=standard.min_score,
            )
            session.add(index)
            await session.flush()
            existing[index.code] = index
            added.append(index.code)
        if not standard.components:
            continue
        query = select(IndexComponent.number).where(IndexComponent.index_id == index.id)
        numbers = set((await session.execute(query)).scalars())
        for number, (name_vi, name_en) in enumerate(standard.components, start=1):
            if number not in numbers:
                session.add(
                    IndexComponent(
                        index_id=index.id,
                        number=number,
                        name_vi=name_vi,
                        name_en=name_en,
                        max_score=(
                            standard.component_maxima[number - 1]
                            if standard.component_maxima
                            else standard.component_max
                        ),
                        min_score=standard.component_min,
                    )
                )
                parts += 1
    await session.flush()
    return Ensured(existing, tuple(added), parts)
