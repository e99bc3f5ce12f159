"""Coffee meetings, starting with the seeker's preparation brief ("forberedelse").

A brief belongs to one seeker and one of their targets. It is written once and
improved over time; every request for a coffee meeting toward the target will
refer to it, so each save bumps `version` and a save based on an older version
is refused (see `actions.save_brief`).
"""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from kaffebro.core.models import CodeField

# Hard limits on what is stored, in characters. The readiness check asks for far less (in words):
# these only keep a pasted essay or a script out of the database.
MAX_PART_CHARS = 3000


class PrepBrief(models.Model):
    """The four parts a seeker writes before asking for a coffee meeting, in their own words."""

    code = CodeField()
    seeker = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="prep_briefs")
    target = models.ForeignKey("network.Target", on_delete=models.CASCADE, related_name="+")
    knowledge = models.TextField(_("what I know about the organisation and the unit"), blank=True)
    offer = models.TextField(_("what I offer"), blank=True)
    difference = models.TextField(_("how I could make a difference for them"), blank=True)
    ask = models.TextField(_("exactly what help I ask for"), blank=True)
    their_gain = models.TextField(_("what they might get out of meeting me"), blank=True)
    read_website = models.BooleanField(_("read their website and strategy"), default=False)
    knows_unit = models.BooleanField(_("know what the unit does"), default=False)
    read_news = models.BooleanField(_("looked for recent news"), default=False)
    version = models.PositiveIntegerField(
        _("version"), default=1, help_text=_("Bumped on every save, so a save from an older page is refused.")
    )
    created = models.DateTimeField(auto_now_add=True)
    updated = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("preparation brief")
        verbose_name_plural = _("preparation briefs")
        constraints = [models.UniqueConstraint("seeker", "target", name="prep_brief_one_per_seeker_and_target")]

    def __str__(self) -> str:
        return f"brief {self.code} v{self.version}"
