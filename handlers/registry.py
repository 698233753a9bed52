"""The app's commands, in one visible place: each handler module exposes its ``commands`` and they are
included here. /help lists commands in the order its template gives, whatever the order below."""

from __future__ import annotations

from handlers import (
    account,
    admin,
    charts,
    compare,
    dashboard,
    drives,
    leave,
    notifications,
    progress,
    rankings,
    report,
    report_inputs,
    scores,
    summary,
    targets,
    tasks,
    uploads,
)
from handlers.base import Commands


def app_commands() -> Commands:
    """Every command and flow the bot answers (a new family is one more module in this list)."""
    return Commands().include(
        account.commands,
        tasks.commands,
        progress.commands,
        leave.commands,
        scores.commands,
        rankings.commands,
        compare.commands,
        summary.commands,
        targets.commands,
        drives.commands,
        notifications.commands,
        admin.commands,
        uploads.commands,
        charts.commands,
        report_inputs.commands,
        report.commands,
        dashboard.commands,
    )


__all__ = ["app_commands"]
