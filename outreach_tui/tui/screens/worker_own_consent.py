"""Each worker consents for themself (UU 27/2022; audit Dec 2026): a row's tick counts
only once the worker, named, agreed in the dialog addressed to them, and a name changed
afterwards asks again. The screen keeps ``own_consent``: row -> the name agreed under.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from textual.widgets import Checkbox

from outreach_tui.domain import consent

if TYPE_CHECKING:
    from outreach_tui.domain.models import Registration
    from outreach_tui.tui.drafts import DraftKeeper
    from outreach_tui.tui.screens.base import BoothScreen

    _Screen = BoothScreen
else:
    _Screen = object  # a mixin of WorkersScreen


class OwnConsent(_Screen):
    if TYPE_CHECKING:
        own_consent: dict[int, str]
        drafts: DraftKeeper | None

        def _values(self, index: int) -> dict[str, str]: ...
        def filled_rows(self) -> list[int]: ...
        def _validate_rows(self) -> list[Registration]: ...

    def agreed(self, index: int, name: str) -> bool:
        """The row's box is ticked by the worker ``name`` themself."""
        ticked = self.query_one(f"#worker-{index}-consent", Checkbox).value
        return ticked and self.own_consent.get(index) == name

    def _without_own_consent(self) -> list[int]:
        """Filled rows whose worker has not agreed themself (or agreed under another name)."""
        return [
            index for index in self.filled_rows()
            if any(self._values(index).values())
            and not self.agreed(index, self._values(index)["full_name"])
        ]  # fmt: skip

    def _name_typed(self, index: int, name: str) -> None:
        agreed = self.own_consent.get(index)
        if agreed is not None and agreed != name.strip():
            self._set_tick(index, False)  # another name: that person has not agreed yet

    def _consent_ticked(self, index: int, ticked: bool) -> None:
        name = self._values(index)["full_name"]
        if not ticked:
            self.own_consent.pop(index, None)
        elif self.own_consent.get(index) != name:
            self._set_tick(index, False)  # not until the worker agreed themself
            self._ask_worker(index, name)

    def _set_tick(self, index: int, value: bool) -> None:
        if not value:
            self.own_consent.pop(index, None)
        with self.prevent(Checkbox.Changed):
            self.query_one(f"#worker-{index}-consent", Checkbox).value = value

    def _worker_name(self, index: int, name: str) -> str:
        return name or self.t("worker_consent.unnamed", row=index + 1)

    def _ask_worker(self, index: int, name: str) -> None:
        """The consent text addressed to this worker by name; only their own yes ticks it."""
        from outreach_tui.tui.dialogs.worker_consent import WorkerConsentDialog

        who = self._worker_name(index, name)

        def answered(agreed: bool | None) -> None:
            if agreed and self._values(index)["full_name"] == name:
                self.own_consent[index] = name
                self._set_tick(index, True)
                if self._advanced_to is not None:  # the tick moved on to the next row:
                    self._advanced_at = self._arrived() or -1  # a habitual Tab is no move
                self._validate_rows()
                if self.drafts is not None:
                    self.drafts.changed()

        self.app.push_screen(
            WorkerConsentDialog(
                self.t("worker_consent.title", name=who),
                self.t("worker_consent.addressed", name=who),
                consent.current().text(self.language),
                confirm=self.t("worker_consent.confirm", name=who),
                cancel=self.t("worker_consent.cancel"),
            ),
            answered,
        )
