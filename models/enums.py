"""The closed vocabularies of the domain, as string enums stored by value."""

from __future__ import annotations

from enum import StrEnum


class UnitKind(StrEnum):
    PROVINCE = "province"  # tỉnh
    DEPARTMENT = "department"  # sở, ban, ngành
    DISTRICT = "district"  # huyện
    CITY = "city"  # thành phố thuộc tỉnh
    TOWN = "town"  # thị xã
    COMMUNE = "commune"  # xã
    WARD = "ward"  # phường
    TOWNSHIP = "township"  # thị trấn
    AGENCY = "agency"  # other agency
    CENTRAL_CITY = "central_city"  # thành phố trực thuộc trung ương (Hà Nội, Hải Phòng, ...)
    SPECIAL_ZONE = "special_zone"  # đặc khu (since 1/7/2025, in place of some island districts)
    CENTER = "center"  # trung tâm: the public-administration service centre and like agencies


class LineageKind(StrEnum):
    FORMED_FROM = "formed_from"  # hình thành từ: the successor was formed from this predecessor (and others)
    MERGED_INTO = "merged_into"  # sáp nhập vào: the predecessor was merged into a successor that went on
    RENAMED = "renamed"  # đổi tên: the same body under a new name or code


class Role(StrEnum):
    ADMIN = "admin"  # Tổ thư ký CCHC, Sở Nội vụ
    LEADER = "leader"  # lãnh đạo UBND tỉnh
    UNIT_HEAD = "unit_head"  # thủ trưởng đơn vị
    OFFICER = "officer"  # cán bộ, công chức


class AssignmentRole(StrEnum):
    LEAD = "lead"  # chủ trì
    COOPERATE = "cooperate"  # phối hợp


class DeadlineKind(StrEnum):
    DATE = "date"  # 30/6/2023
    PERIOD = "period"  # quý II, tháng 6, 6 tháng đầu năm
    CONTINUOUS = "continuous"  # thường xuyên, cả năm
    RECURRING = "recurring"  # hằng quý, định kỳ hằng tháng: a due date in every period (models.rules.Recurrence)


class TaskStatus(StrEnum):
    DONE_ON_TIME = "done_on_time"  # hoàn thành đúng hạn
    DONE_LATE = "done_late"  # hoàn thành quá hạn
    IN_TIME = "in_time"  # chưa hoàn thành – trong hạn (đến hạn trong kỳ)
    OVERDUE = "overdue"  # chưa hoàn thành – quá hạn
    NOT_YET_DUE = "not_yet_due"  # chưa đến hạn


class ScoreKind(StrEnum):
    POINTS = "points"
    PERCENT = "percent"


class OutboxStatus(StrEnum):
    PENDING = "pending"
    SENDING = "sending"
    SENT = "sent"
    DEAD = "dead"
    SKIPPED = "skipped"


class SelfAssessment(StrEnum):
    """What a unit says of its own pace when it reports progress (/capnhat, one tap)."""

    ON_TRACK = "on_track"  # đúng tiến độ
    AT_RISK = "at_risk"  # có nguy cơ chậm
    LATE = "late"  # chậm
