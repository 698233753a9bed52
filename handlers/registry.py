"""Every command family in one place: importing a module runs its ``@command`` and ``@flow``
registrations. /help lists commands in the order its template gives, whatever the import order."""

from __future__ import annotations

from handlers import account, admin, drives, progress, push, scores, summary, targets, tasks, uploads

__all__ = ["account", "admin", "drives", "progress", "push", "scores", "summary", "targets", "tasks", "uploads"]
