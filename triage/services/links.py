"""Linking mentions about the same incident into one case: suggestions with their reasons, a person's
confirm or reject (remembered), and linking or unlinking items by hand. Every change is audited.

A suggestion compares the item's post with posts from a few days either side (any platform):
- the author: the same handle on another platform (@jdoe on X, u/jdoe on Reddit) or a near-identical one;
- the words: TF-IDF cosine over the window's posts, so words every post uses (the hospital's name, "wait")
  weigh little and distinctive ones ("ward 4b", "3 hours", "tuesday night") a lot; the shared terms that
  weigh most are given as the reason;
- the time: closer posts score a little higher.
"""

import re
from dataclasses import dataclass
from datetime import datetime, timedelta
from difflib import SequenceMatcher

import numpy as np
from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Func, Q, Value
from django.db.models.functions import Lower
from django.utils import timezone
from sklearn.feature_extraction.text import ENGLISH_STOP_WORDS, TfidfVectorizer

from mentions.models import Mention, Platform
from triage.models import AuditEntry, Case, LinkDecision, QueueItem
from triage.services._common import audit_entry_record, lock, snapshot
from triage.services.bulk import case_link
from triage.services.items import queue_item_flag

# Weights of the three signals in the score (0-1).
SAME_HANDLE_WEIGHT = 0.45
SIMILAR_HANDLE_WEIGHT = 0.3
TEXT_WEIGHT = 0.6
TIME_WEIGHT = 0.1
# Cosine of short posts' word-and-phrase TF-IDF vectors: two tellings of one incident land around 0.25-0.4,
# unrelated complaints about the same hospital under 0.1. FULL_TEXT_SIMILARITY counts as a full match.
FULL_TEXT_SIMILARITY = 0.4
# Below this, a post by somebody else is not suggested at all.
MIN_TEXT_SIMILARITY = 0.15
MIN_SCORE = 0.3
SIMILAR_HANDLE_RATIO = 0.85
MIN_HANDLE_LENGTH = 4
# Posts compared per suggestion run: the window's posts about the same hospital, newest first. Keeps a
# busy week's TF-IDF fit near 150 ms (1,500 posts take ~400 ms on the reference machine).
POOL_SIZE = 600
REASON_TERMS = 3
_HANDLE_NOISE = re.compile(r"[^a-z0-9]")
# Tokens of one character count too ("3 hours", "ward 4 b"); stop words alone never make a reason.
_TOKEN = r"(?u)\b\w+\b"


@dataclass(frozen=True, slots=True)
class LinkSuggestion:
    """Another mention that is probably about the same incident, why, and how sure (0-1)."""

    mention: Mention
    score: float
    reasons: tuple[str, ...]

    @property
    def queue_item(self) -> QueueItem | None:
        return getattr(self.mention, "queue_item", None)


def window() -> timedelta:
    return timedelta(days=int(getattr(settings, "LINK_SUGGESTION_WINDOW_DAYS", 3)))


def handle_key(handle: str) -> str:
    """A handle reduced to what survives across platforms: "@J_Doe", "u/jdoe" and "jdoe.bsky.social" all
    become "jdoe"."""
    handle = handle.strip().lower().removeprefix("@").removeprefix("u/")
    handle = handle.split(".", 1)[0] if "." in handle else handle
    return _HANDLE_NOISE.sub("", handle)


class _HandleKey(Func):
    """handle_key in SQL, to find the same person on other platforms without loading the window."""

    function = "regexp_replace"
    template = "%(function)s(split_part(ltrim(%(expressions)s, '@'), '.', 1), '^u/|[^a-z0-9]', '', 'g')"


def _show_handle(mention: Mention) -> str:
    handle = mention.author_handle
    return f"u/{handle}" if mention.platform == Platform.REDDIT else f"@{handle.removeprefix('@')}"


def _handle_reason(item_mention: Mention, other: Mention) -> tuple[float, str]:
    mine, theirs = handle_key(item_mention.author_handle), handle_key(other.author_handle)
    if len(mine) < MIN_HANDLE_LENGTH or len(theirs) < MIN_HANDLE_LENGTH:
        return 0.0, ""
    if mine == theirs:
        if item_mention.platform == other.platform:
            return SAME_HANDLE_WEIGHT, f"same author {_show_handle(other)} on {other.get_platform_display()}"
        return (
            SAME_HANDLE_WEIGHT,
            f"same handle {_show_handle(item_mention)} on {item_mention.get_platform_display()} and "
            f"{_show_handle(other)} on {other.get_platform_display()}",
        )
    if SequenceMatcher(None, mine, theirs).ratio() >= SIMILAR_HANDLE_RATIO:
        return (
            SIMILAR_HANDLE_WEIGHT,
            f"similar handles {_show_handle(item_mention)} and {_show_handle(other)}",
        )
    return 0.0, ""


def _time_reason(item_mention: Mention, other: Mention) -> tuple[float, str]:
    apart = abs(item_mention.posted_at - other.posted_at)
    closeness = max(0.0, 1 - apart / window())
    hours = apart.total_seconds() / 3600
    if hours < 1:
        text = "posted within the hour"
    elif hours < 48:
        text = f"posted {round(hours)} hours apart"
    else:
        text = f"posted {round(hours / 24)} days apart"
    return TIME_WEIGHT * closeness, text


def _shared_terms(weights: np.ndarray, terms: np.ndarray) -> list[str]:
    """The shared terms that weigh most, none repeating a word of a weightier one."""
    chosen: list[str] = []
    # A shared phrase ("call button") says more than a shared word, at equal weight.
    phrase_boost = np.array([1.5 if " " in str(term) else 1.0 for term in terms])
    weights = weights * phrase_boost
    for index in np.argsort(weights)[::-1]:
        if weights[index] <= 0 or len(chosen) == REASON_TERMS:
            break
        term = str(terms[index])
        if all(word in ENGLISH_STOP_WORDS or word.isdigit() for word in term.split()):
            continue
        words = set(term.split())
        # "ward 4b" and "4b riverside" tell the same thing: keep the weightier one.
        if any(words & set(other.split()) for other in chosen):
            continue
        chosen.append(term)
    return chosen


def _candidates(mention: Mention, exclude_ids: set[int]) -> list[Mention]:
    start, end = mention.posted_at - window(), mention.posted_at + window()
    in_window = (
        Mention.objects.filter(posted_at__gte=start, posted_at__lte=end)
        .exclude(pk__in=exclude_ids)
        .select_related("queue_item")
        .defer("raw", "search_vector")
    )
    pool = in_window.filter(hospital_id=mention.hospital_id) if mention.hospital_id else in_window
    found = {m.pk: m for m in pool.order_by("-posted_at")[:POOL_SIZE]}
    key = handle_key(mention.author_handle)
    if len(key) >= MIN_HANDLE_LENGTH:
        # The same person elsewhere, whatever hospital their post was matched to.
        same_person = in_window.annotate(key=_HandleKey(Lower("author_handle"))).filter(key=Value(key))
        found.update({m.pk: m for m in same_person[:50]})
    return list(found.values())


def _decided_ids(mention: Mention) -> set[int]:
    pairs = LinkDecision.objects.filter(Q(mention_low=mention) | Q(mention_high=mention)).values_list(
        "mention_low_id", "mention_high_id"
    )
    return {low if high == mention.pk else high for low, high in pairs}


def queue_item_link_suggestions(*, item: QueueItem, limit: int = 5) -> list[LinkSuggestion]:
    """Mentions probably about the same incident as the item's, best first, with reasons and a score.
    Leaves out the item's own case and any pair a person already confirmed or rejected (writes nothing)."""
    mention = item.mention
    excluded = {mention.pk} | _decided_ids(mention)
    if item.case_id:
        excluded |= set(item.case.items.values_list("mention_id", flat=True))
    candidates = _candidates(mention, excluded)
    if not candidates:
        return []
    vectorizer = TfidfVectorizer(
        stop_words="english", ngram_range=(1, 2), token_pattern=_TOKEN, sublinear_tf=True
    )
    texts = [f"{mention.title} {mention.text}"] + [f"{m.title} {m.text}" for m in candidates]
    try:
        matrix = vectorizer.fit_transform(texts)
    except ValueError:  # Nothing but stop words anywhere.
        return []
    terms = vectorizer.get_feature_names_out()
    own = matrix[0]
    similarities = (matrix[1:] @ own.T).toarray().ravel()
    suggestions = []
    for row, other in enumerate(candidates):
        handle_score, handle_text = _handle_reason(mention, other)
        similarity = float(similarities[row])
        if not handle_score and similarity < MIN_TEXT_SIMILARITY:
            continue
        time_score, time_text = _time_reason(mention, other)
        text_score = min(1.0, similarity / FULL_TEXT_SIMILARITY)
        score = min(1.0, handle_score + TEXT_WEIGHT * text_score + time_score)
        if score < MIN_SCORE:
            continue
        reasons = [handle_text] if handle_text else []
        shared = _shared_terms(own.multiply(matrix[row + 1]).toarray().ravel(), terms)
        if shared:
            reasons.append("both mention " + " and ".join(f"‘{term}’" for term in shared))
        reasons.append(time_text)
        suggestions.append(LinkSuggestion(mention=other, score=round(score, 2), reasons=tuple(reasons)))
    suggestions.sort(key=lambda suggestion: (-suggestion.score, suggestion.mention.pk))
    return suggestions[:limit]


def _pair(first: Mention, second: Mention) -> tuple[Mention, Mention]:
    return (first, second) if first.pk < second.pk else (second, first)


def _decide(*, mention: Mention, other: Mention, user, decision: str, score, reasons, now) -> None:
    low, high = _pair(mention, other)
    LinkDecision.objects.update_or_create(
        mention_low=low,
        mention_high=high,
        defaults={
            "decision": decision,
            "decided_by": user,
            "decided_at": now,
            "score": score,
            "reasons": list(reasons),
        },
    )


def link_suggestion_confirm(
    *,
    item: QueueItem,
    other: Mention,
    user,
    score: float | None = None,
    reasons: tuple[str, ...] = (),
    now: datetime | None = None,
) -> Case:
    """A person confirms a suggestion: both posts go into one case (the item's, the other's, or a new one
    titled after the item), the other mention joining the queue first if it is not in it.

    Writes a LinkDecision; may create a QueueItem (flagged by the user), a Case; updates QueueItem.case
    and writes an AuditEntry per item moved (triage.services.bulk.case_link).
    """
    if other.pk == item.mention_id:
        raise ValidationError("A post cannot be linked to itself.", code="self_link")
    now = now or timezone.now()
    with transaction.atomic():
        other_item = queue_item_flag(mention=other, user=user, now=now)
        case = queue_item_case_add(item=item, other=other_item, user=user, now=now)
        _decide(
            mention=item.mention,
            other=other,
            user=user,
            decision=LinkDecision.Decision.CONFIRMED,
            score=score,
            reasons=reasons,
            now=now,
        )
    return case


def link_suggestion_reject(
    *,
    item: QueueItem,
    other: Mention,
    user,
    score: float | None = None,
    reasons: tuple[str, ...] = (),
    now: datetime | None = None,
) -> LinkDecision:
    """A person says the suggested post is about something else: it is not suggested for this item again.

    Writes a LinkDecision and an AuditEntry on the item.
    """
    now = now or timezone.now()
    with transaction.atomic():
        _decide(
            mention=item.mention,
            other=other,
            user=user,
            decision=LinkDecision.Decision.REJECTED,
            score=score,
            reasons=reasons,
            now=now,
        )
        audit_entry_record(
            item=item,
            actor=user,
            action=AuditEntry.Action.LINK_REJECTED,
            before={},
            after={"mention_id": other.pk, "platform": other.platform, "score": score},
            now=now,
        )
    low, high = _pair(item.mention, other)
    return LinkDecision.objects.get(mention_low=low, mention_high=high)


def queue_item_case_add(*, item: QueueItem, other: QueueItem, user, now: datetime | None = None) -> Case:
    """Put two items in one case: the item's case if it has one, else the other's, else a new case titled
    after the item's post. An item already in a different case moves (the audit entry keeps where from).

    May create a Case; updates QueueItem.case and writes an AuditEntry per item that moved.
    """
    if other.pk == item.pk:
        raise ValidationError("An item cannot be linked to itself.", code="self_link")
    item.refresh_from_db(fields=["case"])
    other.refresh_from_db(fields=["case"])
    case = item.case or other.case
    moving = [linked for linked in (item, other) if case is None or linked.case_id != case.pk]
    if case is None:
        title = f"{item.mention.display_title[:150]} (item {item.pk})"
        return case_link(items=moving, user=user, title=title, now=now)
    if moving:
        case_link(items=moving, user=user, title="", case=case, now=now)
    return case


def queue_item_case_remove(*, item: QueueItem, user, now: datetime | None = None) -> QueueItem:
    """Take the item out of its case (the case and its other items stay).

    Updates QueueItem.case; writes an AuditEntry.
    """
    now = now or timezone.now()
    with transaction.atomic():
        lock(item)
        if item.case_id is None:
            raise ValidationError("This item is not in a case.", code="no_case")
        before = snapshot(item, ["case_id"])
        item.case = None
        item.save(update_fields=["case", "updated_at"])
        audit_entry_record(
            item=item,
            actor=user,
            action=AuditEntry.Action.CASE_UNLINKED,
            before=before,
            after={"case_id": None},
            now=now,
        )
    return item
