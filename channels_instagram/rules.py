"""Instagram Direct's rules for replies, as Messenger's (`meta_platform.messaging_rules`): the
24-hour standard window, then the HUMAN_AGENT tag for a human agent's reply up to 7 days when
the inbox has it enabled (`config["human_agent"]`, after Meta's App Review)."""

from meta_platform.messaging_rules import MessagingWindow

from .errors import ERRORS

WINDOW = MessagingWindow(ERRORS.reasons)
window = WINDOW.window
messaging_for = WINDOW.messaging_for
