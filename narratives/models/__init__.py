from .accounts import ApiToken
from .corpus import CLAIM_KINDS, Article, Outlet, Segment, SegmentKind
from .framing import (
    Annotation,
    FramingCategory,
    FramingSnapshot,
    FramingTerm,
    Occurrence,
    OccurrenceMatch,
    SuggestionState,
    TermSuggestion,
    WordingDecision,
)
from .ingest import BatchStatus, IngestBatch, IngestItem
from .matching import MatchDecision, ReviewState, SegmentEmbedding

__all__ = [
    "CLAIM_KINDS",
    "Annotation",
    "ApiToken",
    "Article",
    "BatchStatus",
    "FramingCategory",
    "FramingSnapshot",
    "FramingTerm",
    "IngestBatch",
    "IngestItem",
    "MatchDecision",
    "Occurrence",
    "OccurrenceMatch",
    "Outlet",
    "ReviewState",
    "Segment",
    "SegmentEmbedding",
    "SegmentKind",
    "SuggestionState",
    "TermSuggestion",
    "WordingDecision",
]
