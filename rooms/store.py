"""The seam between the domain and where consultations are kept.

The embedded default is :class:`rooms.memory_store.MemoryConsultationStore`; a
SQL-backed store (SQLite by default, PostgreSQL when scaled out) implements the
same protocol. The app factory picks one; nothing else knows which.
"""

from __future__ import annotations

from typing import Protocol

from .consultation import Consultation


class ConsultationStore(Protocol):
    """Keeps consultations by id. Methods are coroutines so a database can sit behind them."""

    async def get(self, consultation_id: str) -> Consultation:
        """The consultation with this id, or :class:`rooms.errors.ConsultationNotFoundError`."""
        ...

    async def get_or_create(self, consultation_id: str, title: str) -> Consultation:
        """The consultation with this id, created (``WAITING``, titled ``title``) if new."""
        ...

    async def save(self, consultation: Consultation) -> None:
        """Persist changes made to ``consultation`` since it was loaded."""
        ...
