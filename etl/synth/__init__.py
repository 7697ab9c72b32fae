"""Synthetic corpus generator (issue 7): invented agencies, rule-abiding numbers, real-report layouts, truth files."""

from etl.synth.corpus import generate, render_report, spec_for

__all__ = ["generate", "render_report", "spec_for"]
