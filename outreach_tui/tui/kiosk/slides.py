"""One widget per kind of slide. Texts from the deck (``kiosk.deck``), figures from the
booth's calculator (``kiosk.figures``) and the store's aggregates (``BoothToday``): a
slide never reads the store itself, and no slide has a place for a name or a NIK.

Big figures are Textual ``Digits`` (3 rows high: legible across a booth on a 1080p TV);
the layout follows the screen's breakpoint classes (``kiosk.tcss``), so the same slide
also fits 80×24.
"""

from __future__ import annotations

from datetime import date

from rich.text import Text
from textual.app import ComposeResult
from textual.containers import Horizontal, Vertical
from textual.reactive import reactive
from textual.widget import Widget
from textual.widgets import Digits, Static

from outreach_tui.domain.money import rupiah
from outreach_tui.reports.targets import TargetProgress
from outreach_tui.store.kiosk import BoothToday
from outreach_tui.tui.kiosk import figures
from outreach_tui.tui.kiosk.deck import Deck, Slide


def plain(amount: int) -> str:
    """``16800`` → ``16.800`` (the ``Rp`` is drawn beside the big digits)."""
    return rupiah(amount).removeprefix("Rp")


def long_date(day: date, deck: Deck) -> str:
    return f"{day.day} {deck.month_name(day.month)} {day.year}"


class Meter(Widget):
    """A horizontal bar as tall as the widget: ``fraction`` of its width filled."""

    DEFAULT_CSS = """
    Meter { height: 1; width: 1fr; color: $success; }
    """
    fraction: reactive[float] = reactive(0.0)

    def render(self) -> Text:
        width = max(self.size.width, 1)
        filled = round(width * max(0.0, min(self.fraction, 1.0)))
        row = Text("█" * filled)
        row.append("░" * (width - filled), style="dim")
        return Text("\n").join([row] * max(self.size.height, 1))


class SlideView(Vertical):
    """A slide: built once from its texts, then ``show`` fills in the day's figures."""

    def __init__(self, deck: Deck, slide: Slide, *, id: str) -> None:
        super().__init__(id=id, classes=f"slide slide-{slide.kind}")
        self.deck = deck
        self.slide = slide

    def title(self) -> Static:
        return Static(self.slide.text("title"), classes="slide-title")

    def show(self, day: date, today: BoothToday | None) -> None:
        """The figures of ``day`` (the booth's local day) and today's counts, if read."""


class AboutSlide(SlideView):
    def compose(self) -> ComposeResult:
        yield self.title()
        with Horizontal(classes="about-cards"):
            for heading, line, kind in zip(
                (self.slide.text("left"), self.slide.text("right")),
                self.slide.lines()[:2],
                ("about-ours", "about-health"),
                strict=False,
            ):
                with Vertical(classes=f"about-card {kind}"):
                    yield Static(heading, classes="card-heading")
                    yield Static(line, classes="card-text")
        with Horizontal(classes="big-line"):
            yield Static(self.slide.text("minimum") + " Rp", classes="big-label")
            yield Digits("", classes="big about-minimum")
            yield Static(self.slide.text("per_month"), classes="big-label big-after")

    def show(self, day: date, today: BoothToday | None) -> None:
        month = figures.month_figures(day, [], sector=self.slide.texts.get("sector", "lainnya"))
        self.query_one(".about-minimum", Digits).update(plain(month.minimum_due))


class ContributionSlide(SlideView):
    def compose(self) -> ComposeResult:
        yield self.title()
        with Horizontal(classes="pay-rows"):
            for n, _ in enumerate(self.slide.texts["incomes"]):
                with Vertical(classes="pay-row", id=f"pay-row-{n}"):
                    yield Static("", classes="pay-income")
                    with Horizontal(classes="pay-amount"):
                        yield Static("Rp", classes="rp")
                        yield Digits("", classes="big pay-due")
                    yield Static("", classes="pay-normal")
        yield Static("", classes="slide-note pay-discount")
        yield Static("", classes="slide-note pay-transport")
        yield Static("", classes="slide-note pay-programs")

    def show(self, day: date, today: BoothToday | None) -> None:
        text = self.slide.text
        month = figures.month_figures(
            day, list(self.slide.texts["incomes"]), sector=str(self.slide.texts["sector"]),
            transport_sector=self.slide.texts.get("transport_sector"),
        )  # fmt: skip
        name = f"{self.deck.month_name(month.month.month)} {month.month.year}"
        self.query_one(".slide-title", Static).update(text("title", month=name))
        estimate = self.deck.chrome_text("estimate")
        for n, row in enumerate(month.rows):
            box = self.query_one(f"#pay-row-{n}", Vertical)
            box.query_one(".pay-income", Static).update(text("income", income=rupiah(row.income)))
            box.query_one(".pay-due", Digits).update(plain(row.due))
            discounted = row.normal != row.due
            normal = Text(text("normal", amount=rupiah(row.normal)) if discounted else "")
            if row.estimate:
                normal.append((" · " if normal else "") + estimate, style="italic")
            box.query_one(".pay-normal", Static).update(normal)
        discount = month.discount
        self.query_one(".pay-discount", Static).update(
            text("discount", percent=discount.percent_off, basis=discount.legal_basis,
                 ends=long_date(discount.ends_on, self.deck))
            if discount else text("no_discount")
        )  # fmt: skip
        transport = month.transport_discount
        line = self.query_one(".pay-transport", Static)
        line.display = transport is not None and "transport" in self.slide.texts
        if transport is not None:
            line.update(text("transport", ends=long_date(transport.ends_on, self.deck)))
        self.query_one(".pay-programs", Static).update(text("programs"))


class FamilySlide(SlideView):
    LINES = ("jkk_death", "jkm_death", "scholarship")

    def compose(self) -> ComposeResult:
        yield self.title()
        for key in self.LINES:
            with Vertical(classes="benefit", id=f"benefit-{key}"):
                yield Static("", classes="benefit-label")
                with Horizontal(classes="benefit-figure"):
                    yield Static("Rp", classes="rp")
                    yield Digits("", classes="big benefit-amount")
                    yield Meter(classes="benefit-bar")
        yield Static("", classes="slide-note family-note")

    def show(self, day: date, today: BoothToday | None) -> None:
        text = self.slide.text
        family = figures.family_figures(
            int(self.slide.texts["income"]), children=int(self.slide.texts["children"])
        )
        title = Text(text("title", income=rupiah(family.basis)))
        if family.estimate:
            title.append(f" ({self.deck.chrome_text('estimate')})", style="italic")
        self.query_one(".slide-title", Static).update(title)
        amounts = {
            "jkk_death": family.jkk_death,
            "jkm_death": family.jkm_death,
            "scholarship": family.scholarship,
        }
        scale = max(amounts.values()) or 1
        for key, amount in amounts.items():
            box = self.query_one(f"#benefit-{key}", Vertical)
            box.query_one(".benefit-label", Static).update(text(key, children=family.children))
            box.query_one(".benefit-amount", Digits).update(plain(amount))
            box.query_one(".benefit-bar", Meter).fraction = amount / scale
        self.query_one("#benefit-scholarship").display = family.children > 0
        self.query_one(".family-note", Static).update(
            text("note", years=family.scholarship_min_years)
        )


class TodaySlide(SlideView):
    def compose(self) -> ComposeResult:
        yield self.title()
        yield Static("", classes="today-event")
        with Horizontal(classes="today-counts"):
            for key in ("owners", "workers"):
                with Vertical(classes="today-count"):
                    yield Digits("0", classes="big", id=f"today-{key}")
                    yield Static(self.slide.text(key), classes="today-label")
        yield Meter(id="today-progress")
        yield Static("", id="today-progress-text", classes="slide-note")
        yield Static(self.slide.text("invite"), classes="slide-note today-invite")

    def show(self, day: date, today: BoothToday | None) -> None:
        weekday = self.deck.weekday_name(day.weekday())
        self.query_one(".slide-title", Static).update(
            f"{self.slide.text('title')} · {weekday}, {long_date(day, self.deck)}"
        )
        if today is None:
            return
        self.query_one(".today-event", Static).update(
            today.event_name or self.slide.text("no_event")
        )
        self.query_one("#today-owners", Digits).update(str(today.owners_today))
        self.query_one("#today-workers", Digits).update(str(today.workers_today))
        meter = self.query_one("#today-progress", Meter)
        line = self.query_one("#today-progress-text", Static)
        if today.target_owners:
            progress = TargetProgress(
                kind="event", code=today.event_code or "", name=today.event_name,
                measure="owners", target=today.target_owners, value=today.event_owners,
                first=today.starts_on, last=today.ends_on, today=today.day,
            )  # fmt: skip
            meter.display = True
            meter.fraction = progress.value / progress.target
            mark = "," if self.deck.language == "id" else "."
            percent = f"{progress.percent:g}".replace(".", mark)
            line.update(self.slide.text("progress", value=progress.value, target=progress.target,
                                        percent=percent))  # fmt: skip
        else:
            meter.display = False
            line.update(
                self.slide.text("no_target", value=today.event_owners) if today.event_code else ""
            )


class PaymentSlide(SlideView):
    def compose(self) -> ComposeResult:
        yield self.title()
        for n, line in enumerate(self.slide.lines()):
            yield Static(line, classes="payment-line" + (" payment-channels" if n else ""))
        yield Static("", classes="slide-note payment-due")
        yield Static("", classes="slide-note payment-advance")
        with Horizontal(classes="big-line"):
            yield Static(self.slide.text("help"), classes="big-label")
            yield Digits(str(self.slide.texts["contact"]), classes="big payment-contact")

    def show(self, day: date, today: BoothToday | None) -> None:
        month = figures.month_figures(day, [], sector="lainnya")
        self.query_one(".payment-due", Static).update(
            self.slide.text("due", day=month.due_day, date=long_date(month.due_by, self.deck))
        )
        periods = ", ".join(map(str, month.advance_months))
        self.query_one(".payment-advance", Static).update(
            self.slide.text("advance", months=periods)
        )


VIEWS: dict[str, type[SlideView]] = {
    "about": AboutSlide,
    "contribution": ContributionSlide,
    "family": FamilySlide,
    "today": TodaySlide,
    "payment": PaymentSlide,
}
