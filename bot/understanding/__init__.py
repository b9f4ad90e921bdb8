"""What the words mean outside Rasa's model: flat address, phone, time, urgency.

Pure functions, no I/O. Rasa actions and `python -m bot understand` call them.
"""

from bot.understanding.address import Address, parse_address, room_is_plausible
from bot.understanding.phone import find_phone, is_valid_mobile
from bot.understanding.reading import Reading, read_message
from bot.understanding.urgency import Urgency, classify_urgency
from bot.understanding.when import When, WhenProblem, parse_when

__all__ = [
    "Address",
    "Reading",
    "Urgency",
    "When",
    "WhenProblem",
    "classify_urgency",
    "find_phone",
    "is_valid_mobile",
    "parse_address",
    "parse_when",
    "read_message",
    "room_is_plausible",
]
