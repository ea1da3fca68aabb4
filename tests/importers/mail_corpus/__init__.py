"""Test mails: a builder and two labelled sets (tuning, and held out from tuning)."""
