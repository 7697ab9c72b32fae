"""A rich progress bar on a terminal, nothing otherwise: the build's over its files, `etl collect`'s over its sources."""

from __future__ import annotations


class ProgressBar:
    """`with ProgressBar(total, show, "解析报告") as bar: … bar.advance()`. `remaining`: show the time left (the
    build's files take similar times), else the time spent (a website's answer time varies too much to forecast)."""

    def __init__(self, total: int, show: bool, description: str, remaining: bool = True):
        self.total, self.show, self.description, self.remaining = total, show and total > 0, description, remaining
        self.bar, self.task = None, None

    def __enter__(self):
        if self.show:
            from rich.progress import BarColumn, MofNCompleteColumn, Progress, TimeElapsedColumn, TimeRemainingColumn

            clock = TimeRemainingColumn() if self.remaining else TimeElapsedColumn()
            self.bar = Progress(
                "[progress.description]{task.description}", BarColumn(), MofNCompleteColumn(), clock, transient=True
            )
            self.bar.start()
            self.task = self.bar.add_task(self.description, total=self.total)
        return self

    def advance(self):
        if self.bar is not None:
            self.bar.advance(self.task)

    def __exit__(self, *exc):
        if self.bar is not None:
            self.bar.stop()
