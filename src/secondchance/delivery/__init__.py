"""Delivery: when an alert may go out (policy.py), what it says (render.py), where it
goes (channels.py) and the drain of the outbox through Apprise (notify.py, sender.py)."""
