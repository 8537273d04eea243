"""Attribution suggestions: the engine that proposes every attribution in an article.

Pure Python (no Qt, no storage, nothing downloaded). See :mod:`.engine` for the
patterns, :mod:`.lexicon` for the words, :mod:`.classify` for source kinds and
:mod:`.labels` for mapping kinds onto a project's own taxonomy.
"""

from annotator.domain.suggest.engine import (
    AttributionSuggestion,
    SuggestionCancelled,
    facets_of,
    suggest_attributions,
)
from annotator.domain.suggest.labels import map_kind

__all__ = ["AttributionSuggestion", "SuggestionCancelled", "facets_of", "map_kind", "suggest_attributions"]
