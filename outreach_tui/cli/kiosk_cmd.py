"""`outreach kiosk`: the booth's second screen (a TV beside the desk), read-only.

    outreach kiosk                          this laptop's file (the global --db)
    outreach kiosk --db FILE --event CODE   another file, a given event's counts
    outreach kiosk --seconds 15 --lang en   slower slides, in English

It opens the file read-only while the booth writes to it (never the booth's writer, never
a lock that holds back a save). A missing, empty, damaged or locked file, an unknown
event or an unusable slide file is one line on stderr and exit 3 (file) or 1, before
anything is drawn. Textual is imported only inside the command.
"""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from outreach_tui.cli.output import (
    EXIT_INVALID,
    EXIT_STORE,
    EXIT_USAGE,
    fail,
    require_terminal,
    user_errors,
)
from outreach_tui.config import Settings
from outreach_tui.i18n import LANGUAGES, t

KioskDb = Annotated[Path | None, typer.Option("--db")]
Event = Annotated[
    str | None,
    typer.Option("--event"),
]
Seconds = Annotated[float, typer.Option("--seconds", min=2, max=3600)]
Refresh = Annotated[
    float,
    typer.Option("--refresh", min=0.5, max=600),
]
Slides = Annotated[
    Path | None,
    typer.Option("--slides"),
]
Lang = Annotated[str | None, typer.Option("--lang")]


@user_errors
def kiosk_command(
    ctx: typer.Context,
    db: KioskDb = None,
    event: Event = None,
    seconds: Seconds = 10.0,
    refresh: Refresh = 2.0,
    slides: Slides = None,
    lang: Lang = None,
) -> None:
    """Second screen at the booth: slides on BPJS Ketenagakerjaan and today's live counts."""
    settings: Settings = ctx.find_root().obj
    language = lang or settings.language
    if language not in LANGUAGES:
        fail(t("kiosk.cli.language", settings.language, lang=language), EXIT_USAGE)
    from outreach_tui.store.kiosk import FileLocked, KioskReader, UnknownEvent

    path = Path(db or settings.db).expanduser()
    try:
        reader = KioskReader(path, event_code=event)
    except FileLocked as exc:
        fail(t("kiosk.cli.locked", language, db=str(exc.path)), EXIT_STORE)
    except UnknownEvent as exc:
        fail(t("kiosk.cli.unknown_event", language, code=exc.code,
               known=", ".join(exc.known) or "-"), EXIT_INVALID)  # fmt: skip
    from outreach_tui.tui.kiosk.deck import DeckError, load_deck
    from outreach_tui.tui.kiosk.figures import check_sectors

    try:
        deck = load_deck(language, slides)
        for slide in deck.slides:
            if slide.kind == "contribution":
                check_sectors(slide.texts.get("sector"), slide.texts.get("transport_sector"))
    except (DeckError, ValueError) as exc:
        fail(t("kiosk.cli.slides", language, problem=str(exc)), EXIT_INVALID)
    from outreach_tui.tui.kiosk.app import KioskApp

    require_terminal("outreach kiosk", language)
    KioskApp(reader, deck=deck, seconds=seconds, refresh_seconds=refresh).run()


def register(app: typer.Typer) -> None:
    app.command("kiosk")(kiosk_command)
