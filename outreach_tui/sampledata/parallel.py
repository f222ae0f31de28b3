"""Run generator jobs in forked children and interleave what they yield (large samples).

A job is a zero-argument callable returning an iterator; each child runs one and sends
every item (pickled) down a pipe of its own, the parent yields items as they arrive. The
pipe's bounded buffer keeps each child at most a message or two ahead of the consumer, so
memory stays flat. "fork", not "spawn": a child needs the jobs' closures (the hub's digest
functions, its key inside) and must not re-import the caller's main script; where "fork"
does not exist (Windows, macOS by default) the jobs run one after another in-process,
yielding the same items.
"""

from __future__ import annotations

import multiprocessing
import traceback
from collections.abc import Callable, Iterator, Sequence
from multiprocessing.connection import Connection, wait
from typing import Any

Job = Callable[[], Iterator[Any]]
_END, _FAILED = "__end__", "__failed__"


def can_fork() -> bool:
    return "fork" in multiprocessing.get_all_start_methods()


def interleaved(jobs: Sequence[Job], *, processes: bool) -> Iterator[Any]:
    """Every item of every job: in children when ``processes`` (and fork exists), in the
    order they arrive; else job by job, in order."""
    if not processes or len(jobs) < 2 or not can_fork():
        for job in jobs:
            yield from job()
        return
    context = multiprocessing.get_context("fork")
    children: list[Any] = []
    pipes: list[Connection] = []
    try:
        for job in jobs:
            receiver, sender = context.Pipe(duplex=False)
            child = context.Process(target=_run, args=(job, sender), daemon=True)
            child.start()
            sender.close()  # the child's end: EOF here once the child is gone
            children.append(child)
            pipes.append(receiver)
        open_pipes = list(pipes)
        while open_pipes:
            for pipe in wait(open_pipes):
                assert isinstance(pipe, Connection)
                try:
                    item = pipe.recv()
                except EOFError:
                    raise RuntimeError("a sample producer process ended early") from None
                if isinstance(item, tuple) and item and item[0] == _END:
                    open_pipes.remove(pipe)
                elif isinstance(item, tuple) and item and item[0] == _FAILED:
                    raise RuntimeError(f"a sample producer process failed: {item[1]}")
                else:
                    yield item
    finally:
        for child in children:
            if child.is_alive():
                child.terminate()
            child.join()
        for pipe in pipes:
            pipe.close()


def _run(job: Job, pipe: Connection) -> None:
    try:
        for item in job():
            pipe.send(item)
        pipe.send((_END,))
    except BrokenPipeError:  # the parent stopped reading: nothing to tell it
        pass
    except BaseException:  # reported to the parent, which raises it
        pipe.send((_FAILED, traceback.format_exc(limit=5)))
    finally:
        pipe.close()
