"""Cluster labels from key terms: class-based TF-IDF (c-TF-IDF, as in BERTopic) over each cluster's texts.

Each cluster is one class; a term scores high for a cluster when it is frequent in the cluster's texts and
rare in the other clusters. Hospital names are stop words: every cluster of a hospital mentions
it, and the hospital is shown beside the label anyway.
"""

import re
from collections.abc import Iterable, Mapping, Sequence

import numpy as np
from scipy.sparse import csr_matrix
from sklearn.feature_extraction.text import ENGLISH_STOP_WORDS, CountVectorizer

LABEL_TERMS = 3
KEY_TERMS = 10
_TOKEN = r"(?u)\b[a-z][a-z]+\b"
# Contraction stubs the token pattern leaves behind ("don't" -> "don") and words every complaint uses.
_EXTRA_STOP_WORDS = {
    "don", "didn", "doesn", "isn", "wasn", "weren", "won", "couldn", "wouldn", "shouldn", "haven", "hasn",
    "aren", "ve", "ll", "re", "im", "ive", "just", "like", "got", "get", "really", "today", "day", "days",
    "hospital", "hospitals", "com", "http", "https", "www", "example", "amp", "lol", "ok", "okay", "yes",
    "week", "weeks", "time", "went", "said", "told", "going", "come", "came", "know", "want", "need",
}  # fmt: skip


# Words of tracked terms that still say what a complaint is about ("Riverside ER" -> keep "er").
_TELLING_WORDS = {"er", "ed", "emergency", "urgent", "care", "clinic", "portal", "parking", "pharmacy"}


def name_stop_words(names: Iterable[str]) -> set[str]:
    """The words of hospital names and tracked terms, lowercased ("St. Brigid's" -> st, brigid)."""
    words: set[str] = set()
    for name in names:
        words.update(re.findall(_TOKEN, name.lower()))
    return words - _TELLING_WORDS


def cluster_key_terms(
    docs: Mapping[int, Sequence[str]], *, stop_words: Iterable[str] = ()
) -> dict[int, list[str]]:
    """The top KEY_TERMS c-TF-IDF terms (words and word pairs) of each cluster's texts, best first."""
    ids = [cluster_id for cluster_id, texts in docs.items() if texts]
    if not ids:
        return {}
    vectorizer = CountVectorizer(
        lowercase=True,
        token_pattern=_TOKEN,
        ngram_range=(1, 2),
        stop_words=sorted(ENGLISH_STOP_WORDS | _EXTRA_STOP_WORDS | set(stop_words)),
    )
    texts = [text for cluster_id in ids for text in docs[cluster_id]]
    try:
        presence = vectorizer.fit_transform(texts)
    except ValueError:  # Every text was stop words: no vocabulary.
        return {cluster_id: [] for cluster_id in ids}
    # Texts are vectorised one by one (so no word pair spans two posts) and summed per cluster.
    owners = np.repeat(np.arange(len(ids)), [len(docs[cluster_id]) for cluster_id in ids])
    membership = csr_matrix(
        (np.ones(len(texts)), (owners, np.arange(len(texts)))), shape=(len(ids), len(texts))
    )
    counts = (membership @ presence).astype(np.float64).tocsr()
    terms = vectorizer.get_feature_names_out()
    words_per_class = np.asarray(counts.sum(axis=1)).ravel()
    term_frequency = np.asarray(counts.sum(axis=0)).ravel()
    average_words = words_per_class.sum() / len(ids)
    idf = np.log1p(average_words / term_frequency)
    key_terms = {}
    for row, cluster_id in enumerate(ids):
        start, end = counts.indptr[row], counts.indptr[row + 1]
        columns, values = counts.indices[start:end], counts.data[start:end]
        # A term must occur twice in a cluster of several texts, so one odd phrase cannot name it.
        if len(docs[cluster_id]) > 2:
            keep = values >= 2
            columns, values = columns[keep], values[keep]
        scores = values / max(words_per_class[row], 1.0) * idf[columns]
        order = np.argsort(-scores, kind="stable")[:KEY_TERMS]
        key_terms[cluster_id] = [str(terms[columns[index]]) for index in order]
    return key_terms


def label_from_terms(terms: Sequence[str], *, hospital_name: str = "") -> str:
    """Up to LABEL_TERMS distinct terms, a word pair replacing a word it contains ("parking garage")."""
    picked: list[str] = []
    for term in terms:
        words = set(term.split())
        if words <= {word for chosen in picked for word in chosen.split()}:
            continue
        absorbed = [chosen for chosen in picked if set(chosen.split()) < words]
        if absorbed:
            picked[picked.index(absorbed[0])] = term
            picked = [chosen for chosen in picked if chosen not in absorbed[1:]]
            continue
        if len(picked) < LABEL_TERMS:
            picked.append(term)
    label = ", ".join(picked)
    if hospital_name and label:
        return f"{label} at {hospital_name}"
    return label or hospital_name
