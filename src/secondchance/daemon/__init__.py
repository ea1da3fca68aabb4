"""Daemon: the running process. The wiring (app.py), one poll of a company
(poller.py), `once` (once.py), the scheduler with its reloads and clean stops
(scheduler.py), and what a service needs: a status server, systemd notify, memory."""
