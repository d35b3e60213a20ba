"""Progress bars for loops a learner waits on (more than a couple of seconds)."""

from __future__ import annotations

import sys


def progress(iterable, desc: str, total: int | None = None, enabled: bool = True):
    """``iterable``, with a text progress bar (tqdm) on standard output.

    A text bar rather than a widget: a notebook stores the bar's last state, so a notebook
    read on GitHub or in the book shows the finished bar ("100%"), not the first one.
    """
    from tqdm import tqdm

    return tqdm(
        iterable,
        desc=desc,
        total=total,
        disable=not enabled,
        file=sys.stdout,
        ncols=80,
        mininterval=0.5,
    )
