"""Admin registrations, one module per stage."""

from . import corpus  # noqa: F401  (registers the corpus models)
from . import framing  # noqa: F401  (registers the framing lexicon and tags)
