"""Form widgets the settings pages share."""

from django import forms


class Picker(forms.CheckboxSelectMultiple):
    """Pick several (agents, teams, inboxes) by ticking them, with a box that filters the list
    as you type (static/workspace/settings.js): nobody types an id."""

    template_name = "workspace/widgets/picker.html"
