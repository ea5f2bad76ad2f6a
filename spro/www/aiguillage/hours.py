"""Kept for the aiguillage pages: the hours helpers now live in `spro.directory.hours`."""

from spro.directory.hours import describe_hours

__all__ = ["describe_hours"]
