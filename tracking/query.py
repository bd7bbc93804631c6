"""The query language of tracked terms, and its translation to each platform's search syntax.

    "Mercy" AND (hospital OR ER OR clinic) NOT "have mercy"

Phrases go in double quotes (a single word may go bare); AND (or nothing: adjacent terms must both
appear), OR, NOT (or a leading -) and parentheses combine them. Operators are written in capitals; NOT
binds tightest, then AND, then OR. A text matches a phrase when it contains its words, whole, in order,
ignoring case and the spacing between them. See docs/query-language.md.

`parse` turns text into an immutable `Query` or raises `QuerySyntaxError` pointing at the wrong part.
Platforms receive a translation (`to_x`, `to_reddit`, `to_web`, `to_bluesky`): each asks for at least
everything the query matches, and the local matcher applies the full query to everything fetched, so a
platform that cannot express part of a query (a nested NOT, an OR) only costs extra items, never a miss.
"""

import re
from dataclasses import dataclass, field
from functools import lru_cache

MAX_QUERY_LENGTH = 1000
# Deep nesting is never needed for a name and its co-terms; the limit keeps the parser's recursion small.
MAX_DEPTH = 20
KEYWORDS = ("AND", "OR", "NOT")
# Characters a bare word may hold. Anything else ( : * ? ~ ^ { } [ ] < > \ / | ! + = , ; ) is an operator
# on at least one platform, so it must be inside quotes, where every platform takes it literally.
_BARE_WORD = re.compile(r"[\w'’.&#@$%-]+")
_QUOTES = '"“”'
_APOSTROPHES = "'’"


class QuerySyntaxError(ValueError):
    """A query that cannot be read. `position` is the 0-based offset of the wrong part in the text and
    `length` its length (at least 1 for the caret line)."""

    def __init__(self, message: str, position: int, length: int = 1, *, text: str = ""):
        super().__init__(message)
        self.message = message
        self.position = position
        self.length = max(length, 1)
        self.text = text

    def __str__(self) -> str:
        # People count characters from 1.
        return f"{self.message} at character {self.position + 1}"

    def pointer(self) -> str:
        """The query on one line and a caret line under the wrong part."""
        line = self.text.replace("\n", " ").replace("\t", " ").replace("\r", " ")
        return f"{line}\n{' ' * self.position}{'^' * self.length}"


# The syntax tree. Nodes compare by meaning only: where they were written is kept for error messages.


@dataclass(frozen=True, slots=True)
class Phrase:
    text: str  # The words, separated by single spaces.
    start: int = field(default=0, compare=False, repr=False)
    end: int = field(default=0, compare=False, repr=False)


@dataclass(frozen=True, slots=True)
class Not:
    child: "Node"
    start: int = field(default=0, compare=False, repr=False)
    end: int = field(default=0, compare=False, repr=False)


@dataclass(frozen=True, slots=True)
class And:
    children: tuple["Node", ...]
    start: int = field(default=0, compare=False, repr=False)
    end: int = field(default=0, compare=False, repr=False)


@dataclass(frozen=True, slots=True)
class Or:
    children: tuple["Node", ...]
    start: int = field(default=0, compare=False, repr=False)
    end: int = field(default=0, compare=False, repr=False)


Node = Phrase | Not | And | Or


@lru_cache(maxsize=8192)
def phrase_pattern(text: str) -> str:
    """The regex source of a phrase: whole words, any whitespace between them, either apostrophe."""
    words = []
    for word in text.split():
        escaped = "".join("['’]" if char in _APOSTROPHES else re.escape(char) for char in word)
        words.append(escaped)
    return r"\s+".join(words)


@lru_cache(maxsize=8192)
def _phrase_regex(text: str) -> re.Pattern[str]:
    return re.compile(rf"(?<!\w){phrase_pattern(text)}(?!\w)", re.IGNORECASE)


def phrase_key(text: str) -> str:
    """Phrases that match the same texts share this key."""
    return " ".join(text.replace("’", "'").casefold().split())


@dataclass(frozen=True, slots=True)
class Query:
    """A parsed query. Equal queries mean the same thing whatever their spacing or quoting."""

    root: Node

    def matches(self, text: str, found: dict[str, bool] | None = None) -> bool:
        """Whether the text matches. `found` (phrase → present in the text) lets several queries over one
        text share the phrase searches; it is filled in as phrases are looked for."""
        return _matches(self.root, text, {} if found is None else found)

    def positive_phrases(self) -> list[str]:
        """The phrases not under a NOT, once each in order: what platforms must be asked for."""
        found: dict[str, str] = {}
        _collect_positive(self.root, found)
        return list(found.values())

    def without_negations(self) -> "Query | None":
        """The query with its NOT clauses dropped, or None when nothing is left."""
        root = _drop_negations(self.root)
        return Query(root) if root is not None else None

    def __str__(self) -> str:
        return _render(self.root, top=True)


def _matches(node: Node, text: str, seen: dict[str, bool]) -> bool:
    if isinstance(node, Phrase):
        if node.text not in seen:
            seen[node.text] = _phrase_regex(node.text).search(text) is not None
        return seen[node.text]
    if isinstance(node, Not):
        return not _matches(node.child, text, seen)
    if isinstance(node, And):
        return all(_matches(child, text, seen) for child in node.children)
    return any(_matches(child, text, seen) for child in node.children)


def _collect_positive(node: Node, found: dict[str, str]) -> None:
    if isinstance(node, Phrase):
        found.setdefault(phrase_key(node.text), node.text)
    elif isinstance(node, And | Or):
        for child in node.children:
            _collect_positive(child, found)


def _drop_negations(node: Node) -> Node | None:
    if isinstance(node, Phrase):
        return node
    if isinstance(node, Not):
        return None
    kept = tuple(child for child in map(_drop_negations, node.children) if child is not None)
    if not kept:
        return None
    if len(kept) == 1:
        return kept[0]
    return type(node)(kept)


def _quoted(text: str) -> str:
    return f'"{text}"'


def _render(node: Node, *, top: bool = False) -> str:
    if isinstance(node, Phrase):
        return _quoted(node.text)
    if isinstance(node, Not):
        return f"NOT {_render(node.child)}"
    if isinstance(node, And):
        parts = [_render(node.children[0])]
        for child in node.children[1:]:
            # "a NOT b" reads as the admin writes it; implicit AND means the same as "a AND NOT b".
            parts.append(f" {_render(child)}" if isinstance(child, Not) else f" AND {_render(child)}")
        text = "".join(parts)
    else:
        text = " OR ".join(_render(child) for child in node.children)
    return text if top else f"({text})"


# Tokens


@dataclass(frozen=True, slots=True)
class _Token:
    kind: str  # "phrase" | "AND" | "OR" | "NOT" | "-" | "(" | ")" | "end"
    start: int
    end: int
    text: str = ""


def _tokenize(text: str) -> list[_Token]:
    tokens: list[_Token] = []
    position, length = 0, len(text)
    while position < length:
        char = text[position]
        if char.isspace():
            position += 1
        elif char in "()":
            tokens.append(_Token(char, position, position + 1))
            position += 1
        elif char in _QUOTES:
            close = min((i for i in (text.find(q, position + 1) for q in _QUOTES) if i != -1), default=-1)
            if close == -1:
                raise QuerySyntaxError("Unclosed quote", position, length - position, text=text)
            words = " ".join(text[position + 1 : close].split())
            if not words:
                raise QuerySyntaxError(
                    "Empty quotes: put a phrase between them", position, close - position + 1, text=text
                )
            if not any(ch.isalnum() for ch in words):
                raise QuerySyntaxError(
                    "A phrase needs at least one letter or digit", position, close - position + 1, text=text
                )
            tokens.append(_Token("phrase", position, close + 1, words))
            position = close + 1
        elif char == "-" and (position + 1 >= length or text[position + 1].isspace()):
            raise QuerySyntaxError("Put what to leave out right after the -", position, 1, text=text)
        elif char == "-":
            tokens.append(_Token("-", position, position + 1))
            position += 1
        else:
            end = position
            while end < length and not text[end].isspace() and text[end] not in '()"“”':
                end += 1
            word = text[position:end]
            bad = _BARE_WORD.fullmatch(word) is None
            if bad:
                offset = next(i for i, ch in enumerate(word) if not _BARE_WORD.fullmatch(ch))
                raise QuerySyntaxError(
                    f"The character {word[offset]!r} cannot be searched outside quotes: put the phrase in "
                    "double quotes",
                    position + offset,
                    1,
                    text=text,
                )
            if word in KEYWORDS:
                tokens.append(_Token(word, position, end))
            elif word.upper() in KEYWORDS:
                raise QuerySyntaxError(
                    f'Write the operator in capitals ({word.upper()}), or put "{word}" in quotes to look for '
                    "the word",
                    position,
                    end - position,
                    text=text,
                )
            elif not any(ch.isalnum() for ch in word):
                raise QuerySyntaxError(
                    "A phrase needs at least one letter or digit", position, end - position, text=text
                )
            else:
                tokens.append(_Token("phrase", position, end, word))
            position = end
    tokens.append(_Token("end", length, length))
    return tokens


# Parser: or_expr := and_expr (OR and_expr)* ; and_expr := unary ([AND] unary)* ;
# unary := (NOT | -) unary | primary ; primary := phrase | "(" or_expr ")"

_STARTS_UNARY = ("phrase", "NOT", "-", "(")


class _Parser:
    def __init__(self, text: str, tokens: list[_Token]):
        self.text = text
        self.tokens = tokens
        self.index = 0
        self.depth = 0

    @property
    def current(self) -> _Token:
        return self.tokens[self.index]

    def error(self, message: str, token: _Token) -> QuerySyntaxError:
        return QuerySyntaxError(message, token.start, token.end - token.start, text=self.text)

    def advance(self) -> _Token:
        token = self.tokens[self.index]
        self.index += 1
        return token

    def parse(self) -> Node:
        node = self.or_expr()
        token = self.current
        if token.kind == ")":
            raise self.error("Closing parenthesis without an opening one", token)
        if token.kind != "end":  # pragma: no cover - every other token starts or continues an expression
            raise self.error("Unexpected text", token)
        return node

    def or_expr(self) -> Node:
        children = [self.and_expr()]
        while self.current.kind == "OR":
            self.advance()
            children.append(self.and_expr())
        if len(children) == 1:
            return children[0]
        return Or(tuple(children), children[0].start, children[-1].end)

    def and_expr(self) -> Node:
        children = [self.unary()]
        while True:
            if self.current.kind == "AND":
                self.advance()
                children.append(self.unary())
            elif self.current.kind in _STARTS_UNARY:
                children.append(self.unary())
            else:
                break
        if len(children) == 1:
            return children[0]
        return And(tuple(children), children[0].start, children[-1].end)

    def unary(self) -> Node:
        token = self.current
        if token.kind in ("NOT", "-"):
            self.advance()
            self.enter(token)
            child = self.unary()
            self.depth -= 1
            return Not(child, token.start, child.end)
        return self.primary()

    def primary(self) -> Node:
        token = self.current
        if token.kind == "phrase":
            self.advance()
            return Phrase(token.text, token.start, token.end)
        if token.kind == "(":
            self.advance()
            if self.current.kind == ")":
                closing = self.current
                raise QuerySyntaxError(
                    "Empty parentheses", token.start, closing.end - token.start, text=self.text
                )
            self.enter(token)
            node = self.or_expr()
            self.depth -= 1
            if self.current.kind != ")":
                raise self.error("Unclosed parenthesis", token)
            self.advance()
            return node
        previous = self.tokens[self.index - 1] if self.index else None
        if previous is None or previous.kind == "(":
            if token.kind in ("AND", "OR"):
                raise self.error(f"{token.kind} needs a phrase before it", token)
            raise self.error("Closing parenthesis without an opening one", token)
        if token.kind in ("end", ")"):
            raise self.error(f"Nothing after {previous.kind}: add a phrase or remove it", previous)
        raise self.error(f"Expected a phrase after {previous.kind}, not {token.kind}", token)

    def enter(self, token: _Token) -> None:
        self.depth += 1
        if self.depth > MAX_DEPTH:
            raise self.error(f"Too deeply nested (more than {MAX_DEPTH} levels)", token)


def _check_anchored(node: Node, text: str) -> None:
    """Every group must contain a phrase to look for: one made only of NOT matches nearly every post on
    earth, and no platform can search for it."""
    if isinstance(node, Not):
        _check_anchored(node.child, text)
        return
    if isinstance(node, Phrase):
        return
    if isinstance(node, Or):
        for child in node.children:
            if not _anchored(child):
                raise QuerySyntaxError(
                    "Each side of OR needs at least one phrase to look for, not only NOT",
                    child.start,
                    child.end - child.start,
                    text=text,
                )
    elif not _anchored(node):
        raise QuerySyntaxError(
            "This part needs at least one phrase to look for, not only NOT",
            node.start,
            node.end - node.start,
            text=text,
        )
    for child in node.children:
        _check_anchored(child, text)


def _anchored(node: Node) -> bool:
    if isinstance(node, Phrase):
        return True
    if isinstance(node, Not):
        return False
    if isinstance(node, And):
        return any(_anchored(child) for child in node.children)
    return all(_anchored(child) for child in node.children)


def parse(text: str, *, max_length: int | None = MAX_QUERY_LENGTH) -> Query:
    """Read a query. Raises QuerySyntaxError saying what is wrong and where.

    The length limit is for what people type; the canonical form of a query (quotes and AND spelled out)
    can be longer, so code reading canonical strings back passes max_length=None.
    """
    if max_length is not None and len(text) > max_length:
        raise QuerySyntaxError(
            f"The query is longer than {max_length} characters", max_length, len(text) - max_length, text=text
        )
    if not text.strip():
        raise QuerySyntaxError("The query is empty: type the name to look for", 0, len(text), text=text)
    parser = _Parser(text, _tokenize(text))
    root = parser.parse()
    if not _anchored(root) and not isinstance(root, Or):
        raise QuerySyntaxError(
            "The query needs at least one phrase to look for: NOT only rules matches out",
            root.start,
            root.end - root.start,
            text=text,
        )
    _check_anchored(root, text)
    return Query(root)


def term_query(text: str, query: str) -> Query:
    """A tracked term's effective query: its query, or its name as a phrase when the query is blank."""
    if query.strip():
        return parse(query)
    words = " ".join(text.replace('"', " ").replace("“", " ").replace("”", " ").split())
    if not any(ch.isalnum() for ch in words):
        raise QuerySyntaxError("The name needs at least one letter or digit", 0, len(text), text=text)
    return Query(Phrase(words, 0, len(text)))


# Translations. Each says which platform rule it follows; all of them leave the final say to the local
# matcher, which applies the full query to everything fetched.


def _strip_double_negation(node: Node) -> Node:
    while isinstance(node, Not) and isinstance(node.child, Not):
        node = node.child.child
    return node


_X_BARE = re.compile(r"[#@$]?\w+")


def _x_phrase(text: str) -> str:
    # X matches a bare keyword as a whole token and a quoted one as an exact phrase; hashtags, @mentions
    # and cashtags are operators of their own and must stay unquoted to work as such.
    if _X_BARE.fullmatch(text) and text not in KEYWORDS:
        return text
    return _quoted(text)


def to_x(query: Query) -> str:
    """X search: a space is AND, OR (evaluated after AND) combines, parentheses group, a leading - negates
    a keyword, phrase or group."""
    return _to_x(query.root, top=True)


def _to_x(node: Node, *, top: bool = False) -> str:
    node = _strip_double_negation(node)
    if isinstance(node, Phrase):
        return _x_phrase(node.text)
    if isinstance(node, Not):
        return "-" + _to_x(node.child)
    if isinstance(node, And):
        text = " ".join(_to_x(child) for child in node.children)
    else:
        text = " OR ".join(_to_x(child) for child in node.children)
    return text if top else f"({text})"


def to_reddit(query: Query) -> str:
    """Reddit search: AND, OR and NOT in capitals, parentheses, phrases in double quotes (every term is
    quoted, so a short nickname is not stemmed or split)."""
    return _to_reddit(query.root, top=True)


def _to_reddit(node: Node, *, top: bool = False) -> str:
    node = _strip_double_negation(node)
    if isinstance(node, Phrase):
        return _quoted(node.text)
    if isinstance(node, Not):
        return "NOT " + _to_reddit(node.child)
    if isinstance(node, And):
        # "a NOT b" is Reddit's (Lucene's) "a and not b"; positives go first so NOT always has a left side.
        positives = [child for child in node.children if not isinstance(_strip_double_negation(child), Not)]
        negatives = [child for child in node.children if isinstance(_strip_double_negation(child), Not)]
        text = " AND ".join(_to_reddit(child) for child in positives)
        for child in negatives:
            inner = _strip_double_negation(child)
            assert isinstance(inner, Not)
            text += " NOT " + _to_reddit(inner.child)
    else:
        text = " OR ".join(_to_reddit(child) for child in node.children)
    return text if top else f"({text})"


def to_web(query: Query) -> str:
    """Brave Search and Google News: phrases always quoted (both search engines otherwise stem a word or
    swap in synonyms), a space for AND, OR between alternatives, parentheses around a group, and a leading
    - before a phrase to leave it out. A NOT over a group of alternatives becomes one -"phrase" each;
    any other negation the engines cannot express (a NOT over an AND, a NOT on an OR side) is dropped from
    the search, which then asks for more than the query matches; the local matcher removes the rest."""
    return _to_web(query.root, top=True) or " ".join(_quoted(p) for p in query.positive_phrases())


def _web_negation(node: Node) -> list[str] | None:
    """-"phrase" for each phrase a NOT rules out, or None when the engines cannot express it."""
    node = _strip_double_negation(node)
    if isinstance(node, Phrase):
        return [f"-{_quoted(node.text)}"]
    if isinstance(node, Or):
        parts: list[str] = []
        for child in node.children:
            child_parts = _web_negation(child)
            if child_parts is None:
                return None
            parts.extend(child_parts)
        return parts
    return None


def _to_web(node: Node, *, top: bool = False, in_and: bool = False) -> str:
    node = _strip_double_negation(node)
    if isinstance(node, Phrase):
        return _quoted(node.text)
    if isinstance(node, Not):
        negation = _web_negation(node.child) if in_and else None
        return " ".join(negation) if negation else ""
    if isinstance(node, And):
        parts = [part for child in node.children if (part := _to_web(child, in_and=True))]
        text = " ".join(parts)
        if len(parts) == 1:
            return text
    else:
        text = " OR ".join(_to_web(child) for child in node.children)
    return text if top else f"({text})"


def bluesky_search_phrases(query: Query) -> list[tuple[str, ...]]:
    """The Bluesky searches that together find everything the query matches, each as the phrases it
    requires.

    Bluesky's post search has no OR and no negation (every word of a search must appear), so each side
    of an OR becomes a search of its own, a group of alternatives inside an AND is left to the local
    matcher when the AND has a phrase of its own to search for, and NOT is left to the local matcher.
    """
    searches: dict[tuple[str, ...], tuple[str, ...]] = {}
    for phrases in _bluesky_conjunctions(query.root):
        searches.setdefault(tuple(phrase_key(text) for text in phrases), tuple(phrases))
    return list(searches.values())


def bluesky_searches(query: Query) -> list[str]:
    """The Bluesky searches for a query (see bluesky_search_phrases): a space between required phrases,
    a single word bare, a phrase in quotes."""
    return [" ".join(_bluesky_phrase(text) for text in phrases) for phrases in bluesky_search_phrases(query)]


def to_bluesky(query: Query) -> str:
    """The Bluesky searches for a query, one per line (see bluesky_searches)."""
    return "\n".join(bluesky_searches(query))


def _bluesky_phrase(text: str) -> str:
    return text if _X_BARE.fullmatch(text) and text not in KEYWORDS else _quoted(text)


def _bluesky_conjunctions(node: Node) -> list[list[str]]:
    """Lists of phrases that must all appear; together they cover every match of `node`."""
    node = _strip_double_negation(node)
    if isinstance(node, Phrase):
        return [[node.text]]
    if isinstance(node, Or):
        return [conjunction for child in node.children for conjunction in _bluesky_conjunctions(child)]
    if isinstance(node, And):
        phrases = [child.text for child in node.children if isinstance(child, Phrase)]
        if phrases:
            return [phrases]
        # No phrase of its own: search for the alternatives of the narrowest group; the rest is matched
        # locally. (Expanding every combination could multiply the searches without bound.)
        groups = [_bluesky_conjunctions(child) for child in node.children if _anchored(child)]
        return min(groups, key=len)
    return []  # pragma: no cover - a NOT alone is rejected by parse


TRANSLATORS = {"x": to_x, "reddit": to_reddit, "web": to_web, "bluesky": to_bluesky}


def translate(query: Query, platform: str) -> str:
    """The query in the syntax of `platform` ("x", "reddit", "web" or "bluesky")."""
    return TRANSLATORS[platform](query)
