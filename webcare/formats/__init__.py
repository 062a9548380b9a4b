"""One date format per language, used on every page (Django's FORMAT_MODULE_PATH).

English is day-first ("3 Dec 2026, 07:43"): our users read "12/03/2026" as the 12th of March.
The short formats are the same as the long ones, so a date never changes shape between pages.
"""
