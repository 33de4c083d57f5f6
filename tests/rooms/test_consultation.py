"""Consultations: joining, leaving, chat history and the end of a consultation."""

from __future__ import annotations

import pytest

from rooms import (
    AlreadyJoinedError,
    Consultation,
    ConsultationEndedError,
    ConsultationFullError,
    ConsultationLimits,
    ConsultationState,
    InvalidChatMessageError,
    InvalidConsultationIdError,
    NotJoinedError,
    NotPermittedError,
    Role,
)


class FakeClock:
    """The clock is one of the two fakes the style allows."""

    def __init__(self) -> None:
        self.now_ms = 1_700_000_000_000

    def __call__(self) -> int:
        self.now_ms += 1
        return self.now_ms


def make(limits: ConsultationLimits | None = None) -> Consultation:
    return Consultation("mdt-42", "Lung nodule, Mr W.", limits, FakeClock())


def test_a_new_consultation_is_waiting_with_nobody_in_it() -> None:
    consultation = make()
    assert consultation.state is ConsultationState.WAITING
    assert dict(consultation.participants) == {}
    assert consultation.chat_history == []


def test_joining_makes_the_consultation_in_progress_and_the_last_leave_makes_it_wait() -> None:
    consultation = make()
    li = consultation.join("p-li", "Dr Li", Role.EXPERT, "West China Hospital")
    consultation.join("p-wang", "Dr Wang", Role.INVITING)
    assert consultation.state is ConsultationState.IN_PROGRESS
    assert list(consultation.participants) == ["p-li", "p-wang"]
    assert li.institution == "West China Hospital"
    assert li.joined_at_ms > 0
    consultation.leave("p-li")
    assert consultation.state is ConsultationState.IN_PROGRESS
    consultation.leave("p-wang")
    assert consultation.state is ConsultationState.WAITING


def test_joining_twice_is_refused_and_changes_nothing() -> None:
    consultation = make()
    consultation.join("p-li", "Dr Li", Role.EXPERT)
    with pytest.raises(AlreadyJoinedError):
        consultation.join("p-li", "Dr Li again", Role.OBSERVER)
    assert consultation.participant("p-li").display_name == "Dr Li"


def test_leaving_without_having_joined_is_a_named_error() -> None:
    with pytest.raises(NotJoinedError):
        make().leave("p-nobody")


def test_a_full_consultation_refuses_one_more_participant() -> None:
    consultation = make(ConsultationLimits(max_participants=2))
    consultation.join("a", "A", Role.EXPERT)
    consultation.join("b", "B", Role.EXPERT)
    with pytest.raises(ConsultationFullError):
        consultation.join("c", "C", Role.EXPERT)
    assert len(consultation.participants) == 2


def test_chat_history_keeps_the_newest_messages_up_to_its_bound() -> None:
    consultation = make(ConsultationLimits(chat_history_messages=3))
    consultation.join("p-li", "Dr Li", Role.EXPERT)
    for n in range(5):
        consultation.post_chat("p-li", f"message {n}")
    history = consultation.chat_history
    assert [m.text for m in history] == ["message 2", "message 3", "message 4"]
    assert all(m.display_name == "Dr Li" and m.role is Role.EXPERT for m in history)
    assert history[0].sent_at_ms < history[-1].sent_at_ms


def test_a_message_keeps_its_authors_name_after_they_leave() -> None:
    consultation = make()
    consultation.join("p-li", "Dr Li", Role.EXPERT)
    consultation.post_chat("p-li", "see slice 112")
    consultation.leave("p-li")
    assert consultation.chat_history[0].display_name == "Dr Li"


def test_only_present_participants_can_chat_and_blank_text_is_refused() -> None:
    consultation = make()
    with pytest.raises(NotJoinedError):
        consultation.post_chat("p-li", "hello")
    consultation.join("p-li", "Dr Li", Role.EXPERT)
    with pytest.raises(InvalidChatMessageError):
        consultation.post_chat("p-li", "   \n")
    assert consultation.chat_history == []


def test_observers_may_chat_but_not_publish() -> None:
    consultation = make()
    consultation.join("p-obs", "Student Zhao", Role.OBSERVER)
    consultation.join("p-li", "Dr Li", Role.COORDINATOR)
    consultation.post_chat("p-obs", "a question")
    with pytest.raises(NotPermittedError):
        consultation.check_may_publish("p-obs")
    assert consultation.check_may_publish("p-li").participant_id == "p-li"


def test_an_ended_consultation_refuses_joins_chat_and_publishing_but_lets_people_leave() -> None:
    consultation = make()
    consultation.join("p-li", "Dr Li", Role.EXPERT)
    consultation.end()
    consultation.end()
    assert consultation.state is ConsultationState.ENDED
    with pytest.raises(ConsultationEndedError):
        consultation.join("p-wang", "Dr Wang", Role.INVITING)
    with pytest.raises(ConsultationEndedError):
        consultation.post_chat("p-li", "hello")
    with pytest.raises(ConsultationEndedError):
        consultation.check_may_publish("p-li")
    consultation.leave("p-li")
    assert consultation.state is ConsultationState.ENDED


@pytest.mark.parametrize("bad", ["", "-leading-dash", "has space", "x" * 65, "中文", None, 7])
def test_a_malformed_consultation_id_is_refused(bad: object) -> None:
    with pytest.raises(InvalidConsultationIdError):
        Consultation(bad, "title")  # type: ignore[arg-type]


def test_the_participants_view_cannot_be_changed_from_outside() -> None:
    consultation = make()
    consultation.join("p-li", "Dr Li", Role.EXPERT)
    with pytest.raises(TypeError):
        consultation.participants["x"] = consultation.participant("p-li")  # type: ignore[index]
