"""The embedded consultation store: everything in this process's memory."""

from __future__ import annotations

from collections.abc import Callable

from .consultation import Consultation, ConsultationLimits, check_consultation_id, wall_clock_ms
from .errors import ConsultationNotFoundError


class MemoryConsultationStore:
    """A :class:`rooms.store.ConsultationStore` that keeps live objects in a dict.

    Nothing survives a restart; that is what the SQL store is for.
    """

    def __init__(
        self,
        limits: ConsultationLimits | None = None,
        clock_ms: Callable[[], int] = wall_clock_ms,
    ) -> None:
        self._limits = limits or ConsultationLimits()
        self._clock_ms = clock_ms
        self._consultations: dict[str, Consultation] = {}

    async def get(self, consultation_id: str) -> Consultation:
        try:
            return self._consultations[consultation_id]
        except KeyError:
            raise ConsultationNotFoundError("there is no such consultation") from None

    async def get_or_create(self, consultation_id: str, title: str) -> Consultation:
        consultation = self._consultations.get(check_consultation_id(consultation_id))
        if consultation is None:
            consultation = Consultation(consultation_id, title, self._limits, self._clock_ms)
            self._consultations[consultation_id] = consultation
        return consultation

    async def save(self, consultation: Consultation) -> None:
        # The objects handed out are the stored ones; saving only (re)registers it.
        self._consultations[consultation.id] = consultation
