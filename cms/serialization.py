"""JSON fixtures that keep full time precision, for om_backup/om_restore.

Django's JSON serializer cuts datetimes to milliseconds (ECMA-262); a backup must give back
exactly what was saved, so this format writes the full ISO 8601 value. Loading is Django's
own JSON deserializer (it parses any ISO 8601 value).
"""

import datetime

from django.core.serializers.json import (
    Deserializer,  # noqa: F401 - the format's loader
    DjangoJSONEncoder,
)
from django.core.serializers.json import Serializer as JSONSerializer

FORMAT = "omjson"


class ExactEncoder(DjangoJSONEncoder):
    def default(self, o):
        if isinstance(o, datetime.datetime | datetime.time):
            return o.isoformat()
        return super().default(o)


class Serializer(JSONSerializer):
    def _init_options(self):
        super()._init_options()
        self.json_kwargs["cls"] = ExactEncoder


def register() -> None:
    from django.core import serializers

    if FORMAT not in serializers.get_serializer_formats():
        serializers.register_serializer(FORMAT, "cms.serialization")
