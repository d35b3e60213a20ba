"""Progress bars for loops a learner waits on (more than a couple of seconds)."""

from __future__ import annotations

import sys


def progress(iterable, desc: str, total: int | None = None, enabled: bool = True):
    """``iterable``, with a text progress bar (tqdm) on standard output.

    A text bar rather than a widget: a notebook stores the bar's last state, so a notebook
    read on GitHub or in the book shows the finished bar ("100%"), not the first one.
    """
    from tqdm import tqdm

    if total is None and hasattr(iterable, "__len__"):
        total = len(iterable)
    # A bar of fixed width: tqdm would otherwise shorten it when the rate takes more
    # characters, and a stored notebook would differ from a rerun by one block.
    bar = "{desc}: {percentage:3.0f}%|{bar:24}| {n_fmt}/{total_fmt} "
    bar += "[{elapsed}<{remaining}, {rate_fmt}]"
    count = "{desc}: {n_fmt} [{elapsed}, {rate_fmt}]"  # no total: no bar
    return tqdm(
        iterable,
        desc=desc,
        total=total,
        disable=not enabled,
        file=sys.stdout,
        bar_format=bar if total is not None else count,
        mininterval=0.5,
    )
