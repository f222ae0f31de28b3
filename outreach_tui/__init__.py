"""outreach: booth registration for BPJS Ketenagakerjaan BPU outreach.

Importing this package loads nothing heavy (no Textual), so CLI commands start fast.
"""

__version__ = "0.1.0"
