"""Abstract model pieces shared by every app (not an app itself)."""

from django.db import models


class TimestampedModel(models.Model):
    """Every model records when its row was created and last changed."""

    created_at = models.DateTimeField(auto_now_add=True, db_index=False)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        abstract = True
