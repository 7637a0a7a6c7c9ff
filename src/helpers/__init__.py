"""Shaoyang progress-report pipeline: cleaning, checks, narrative and publishing."""
