"""Callback surveys (回访): the scripts, reading answers, when a call may happen, which
callbacks are owed, conducting one, and the scheduler that starts them."""
