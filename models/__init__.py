"""What is stored and the rules about it. Nothing here knows there is a chat.

Glossary (one English name in code for each domain word):

| code              | Vietnamese                          | meaning                                          |
|-------------------|-------------------------------------|--------------------------------------------------|
| unit              | đơn vị (tỉnh, sở, huyện, xã, ...)   | a node of the tree of agencies                   |
| lineage           | hình thành từ / sáp nhập vào        | a predecessor unit carried on by a successor     |
| official          | cán bộ, công chức                   | a registered user, with a role and a unit        |
| chat account      | tài khoản Telegram / Zalo           | one chat identity bound to an official           |
| invite            | mã mời                              | single-use code that registers an official       |
| plan              | kế hoạch CCHC                       | a yearly plan of numbered tasks                  |
| task              | nhiệm vụ                            | one numbered item of a plan                      |
| assignment        | giao nhiệm vụ (chủ trì / phối hợp)  | a task given to one unit                         |
| progress report   | báo cáo tiến độ                     | percent, note and evidence for an assignment     |
| index             | chỉ số (PAR INDEX, SIPAS, PAPI, …)  | a published ranking                              |
| component         | lĩnh vực / chỉ số thành phần        | a field of PAR INDEX or a component of SIPAS     |
| result            | kết quả                             | a unit's score and rank in an index for a year   |
| target            | chỉ tiêu                            | a multi-year goal and its measurements           |
| drive             | phong trào / đợt thi đua            | a competition with criteria and a leaderboard    |
| criterion         | tiêu chí                            | a weighted, measured item of a drive             |
| outbox            | hàng đợi tin nhắn chủ động          | pushes waiting to be sent                        |
| leave, stand-in   | vắng mặt, cán bộ thay               | an official away, and who takes their reminders  |
| slip risk         | nguy cơ chậm                        | an open task likely to finish late, and why      |
"""

from models.base import AwareDateTime, Base, Exact
from models.clock import DEFAULT_TZ, Clock, FrozenClock
from models.dashboard import DashboardLink, DashboardSession
from models.drives import Drive, DriveCriterion, DriveMeasurement, DriveParticipant
from models.enums import (
    AssignmentRole,
    DeadlineKind,
    LineageKind,
    OutboxStatus,
    Role,
    ScoreKind,
    TaskStatus,
    UnitKind,
)
from models.feed import FeedToken
from models.indices import ComponentResult, IndexComponent, IndexResult, ScoreIndex
from models.leave import Leave
from models.plans import Assignment, Plan, ProgressReport, Task
from models.report_inputs import ReportInput
from models.system import AuditEntry, ConversationState, Lease, OutboxMessage
from models.targets import Target, TargetMeasurement
from models.units import ChatAccount, Invite, Official, Unit, UnitAlias, UnitLineage
from models.zalo_oa import OaToken, OaUser, ZnsSpend

__all__ = [
    "DEFAULT_TZ",
    "Assignment",
    "AssignmentRole",
    "AuditEntry",
    "AwareDateTime",
    "Base",
    "ChatAccount",
    "Clock",
    "ComponentResult",
    "ConversationState",
    "DashboardLink",
    "DashboardSession",
    "DeadlineKind",
    "Drive",
    "DriveCriterion",
    "DriveMeasurement",
    "DriveParticipant",
    "Exact",
    "FeedToken",
    "FrozenClock",
    "IndexComponent",
    "IndexResult",
    "Invite",
    "Lease",
    "Leave",
    "LineageKind",
    "OaToken",
    "OaUser",
    "Official",
    "OutboxMessage",
    "OutboxStatus",
    "Plan",
    "ProgressReport",
    "ReportInput",
    "Role",
    "ScoreIndex",
    "ScoreKind",
    "Target",
    "TargetMeasurement",
    "Task",
    "TaskStatus",
    "Unit",
    "UnitAlias",
    "UnitKind",
    "UnitLineage",
    "ZnsSpend",
]
