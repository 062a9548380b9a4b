"""What the tag picker shows (templates/inbox/_tag_picker.html, static/js/pickers.js): the
chosen tags as coloured chips and every tag on the list to pick from, for conversations and
contacts alike. Whether the person may add a new tag is shown here and enforced by the
services that apply tags."""

import json


def tag_picker(*, name: str, chosen, available, may_create: bool, label, testid: str) -> dict:
    chips = [{"name": tag.name, "color_name": tag.color_name} for tag in chosen]
    options = [{"name": tag.name, "color": tag.color_name} for tag in available]
    return {
        "name": name,
        "chips": chips,
        "value": ",".join(chip["name"] for chip in chips),
        "options_json": json.dumps(options),
        "may_create": may_create,
        "label": label,
        "testid": testid,
    }
