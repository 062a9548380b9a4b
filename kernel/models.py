"""Abstract model pieces shared by every app (not an app itself)."""

from django.db import models

from .colors import DEFAULT_COLOR, color_name


class TimestampedModel(models.Model):
    """Every model records when its row was created and last changed."""

    created_at = models.DateTimeField(auto_now_add=True, db_index=False)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        abstract = True


class AbstractTag(TimestampedModel):
    """A tag on a list that leads keep: a unique name and a colour from the palette. Contact
    tags and conversation tags are two such lists, each its own table."""

    name = models.CharField(max_length=64, unique=True)
    color = models.CharField(max_length=7, default=DEFAULT_COLOR)

    class Meta:
        abstract = True

    def __str__(self) -> str:
        return self.name

    @property
    def color_name(self) -> str:
        return color_name(self.color)
