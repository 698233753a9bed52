"""The standard indices (PAR INDEX with its 8 fields, SIPAS with its 5 components, PAPI, PCI, DTI and the
province's internal CCHC index), created idempotently, and how files name them and their fields."""

from __future__ import annotations

import re
from dataclasses import dataclass
from decimal import Decimal

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from models.enums import ScoreKind
from models.indices import IndexComponent, ScoreIndex
from models.text import fold

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
# The words that identify a field when a file shortens its name ("Thể chế", "CCTTHC" is not guessed).
_FIELD_WORDS = ("chi dao", "the che", "thu tuc", "bo may", "cong vu", "tai chinh", "chinh phu", "tac dong")
SIPAS_COMPONENTS: tuple[tuple[str, str], ...] = (
    ("Tiếp cận dịch vụ hành chính công", "Access to public administrative services"),
    ("Thủ tục hành chính", "Administrative procedures"),
    ("Công chức trực tiếp giải quyết công việc", "Civil servants handling the service"),
    ("Kết quả cung ứng dịch vụ hành chính công", "Results of the service"),
    ("Tiếp nhận, xử lý góp ý, phản ánh, kiến nghị", "Receiving and handling feedback and petitions"),
)


@dataclass(frozen=True)
class StandardIndex:
    code: str
    name_vi: str
    name_en: str
    publisher: str
    score_kind: ScoreKind
    max_score: Decimal | None  # None where the scale is not fixed by this code (PAPI, DTI)
    components: tuple[tuple[str, str], ...] = ()
    aliases: tuple[str, ...] = ()


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
        max_score=None,
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
        publisher="Bộ Thông tin và Truyền thông",
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
)


def _key(text: str) -> str:
    return re.sub(r"[^a-z0-9]", "", fold(text))


_INDEX_KEYS = {_key(alias): s.code for s in STANDARD_INDICES for alias in (s.code, s.name_vi, *s.aliases)}


def index_code(text: str) -> str:
    """The stored code of an index as files write it: "PAR INDEX" -> "PAR"; unknown text comes back
    as written, upper-cased, so a province's own index with its own code is still found."""
    return _INDEX_KEYS.get(_key(text), text.strip().upper())


def field_number(text: str) -> int | None:
    """The PAR INDEX field (1..8) a task file means: "3", "Lĩnh vực 3", "III", the name, a short name."""
    folded = re.sub(r"[^a-z0-9 ]", " ", fold(text))
    folded = re.sub(r"^(linh vuc|lv)\s*", "", " ".join(folded.split()))
    romans = ("i", "ii", "iii", "iv", "v", "vi", "vii", "viii")
    if folded.isdecimal():
        return int(folded) if 1 <= int(folded) <= len(PAR_FIELDS) else None
    if folded in romans:
        return romans.index(folded) + 1
    matches = [n for n, word in enumerate(_FIELD_WORDS, start=1) if word in folded]
    return matches[0] if len(matches) == 1 else None


async def ensure_indices(session: AsyncSession) -> dict[str, ScoreIndex]:
    """Create the standard indices and their components that are missing; leave existing rows as they
    are (a province may have renamed them). Returns every index by code."""
    existing = {i.code: i for i in (await session.execute(select(ScoreIndex))).scalars()}
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
            )
            session.add(index)
            await session.flush()
            existing[index.code] = index
        if not standard.components:
            continue
        query = select(IndexComponent.number).where(IndexComponent.index_id == index.id)
        numbers = set((await session.execute(query)).scalars())
        for number, (name_vi, name_en) in enumerate(standard.components, start=1):
            if number not in numbers:
                session.add(IndexComponent(index_id=index.id, number=number, name_vi=name_vi, name_en=name_en))
    await session.flush()
    return existing
