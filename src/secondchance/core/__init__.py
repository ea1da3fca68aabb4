"""Core: the values that flow through a poll and the rules that judge them. Pure: no
I/O, no clock, no logging; every function takes what it needs and returns values."""
