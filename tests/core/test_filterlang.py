"""The filter bar's language: what each form parses to, where errors point, what completes."""

from __future__ import annotations

import json

import pytest

from wbtui.core.filterlang import FilterSyntaxError, complete, parse, word_span

PARSES = [
    # Empty.
    ("", {}),
    ("   ", {}),
    # Equality, typed values, implicit AND.
    ("state:running", {"state": "running"}),
    ("state:Running", {"state": "running"}),
    ("state=finished", {"state": "finished"}),
    ("state:running tag:baseline", {"state": "running", "tags": "baseline"}),
    ("config.lr:0.001", {"config.lr": 0.001}),
    ("config.lr=1e-3", {"config.lr": 0.001}),
    ("config.batch:32", {"config.batch": 32}),
    ("config.batch:-4", {"config.batch": -4}),
    ("config.amp:true", {"config.amp": True}),
    ("config.amp:FALSE", {"config.amp": False}),
    ("config.seed:null", {"config.seed": None}),
    ('config.seed:"null"', {"config.seed": "null"}),
    ('config.batch:"32"', {"config.batch": "32"}),
    ("config.opt:adam", {"config.opt": "adam"}),
    ("config.optimizer.lr:0.1", {"config.optimizer.lr": 0.1}),
    ('config.name:""', {"config.name": ""}),
    ("group:2024", {"group": "2024"}),
    ("group:null", {"group": None}),
    ("tag:true", {"tags": "true"}),
    # Keys: run attributes, config, summary, bare metrics.
    ("name:resnet", {"display_name": "resnet"}),
    ("id:3k9x2q1a", {"name": "3k9x2q1a"}),
    ("job:train", {"jobType": "train"}),
    ("user:alice", {"username": "alice"}),
    ("sweep:abc", {"sweep": "abc"}),
    ("host:node1", {"host": "node1"}),
    ("loss<0.2", {"summary_metrics.loss": {"$lt": 0.2}}),
    ("summary.loss<0.2", {"summary_metrics.loss": {"$lt": 0.2}}),
    ("summary_metrics.loss<0.2", {"summary_metrics.loss": {"$lt": 0.2}}),
    ("summary.state:ok", {"summary_metrics.state": "ok"}),
    ("eval/loss<=.5", {"summary_metrics.eval/loss": {"$lte": 0.5}}),
    ("model.acc>=90", {"summary_metrics.model.acc": {"$gte": 90}}),
    ('"eval loss">1', {"summary_metrics.eval loss": {"$gt": 1}}),
    ('config."my key":1', {"config.my key": 1}),
    # Comparisons and times.
    ("acc>0.9", {"summary_metrics.acc": {"$gt": 0.9}}),
    ("loss!=0", {"summary_metrics.loss": {"$ne": 0}}),
    ("state!=running", {"state": {"$ne": "running"}}),
    ("created>2026-01-01", {"createdAt": {"$gt": "2026-01-01"}}),
    ("created<=2026-01-01T10:30:00Z", {"createdAt": {"$lte": "2026-01-01T10:30:00Z"}}),
    ("heartbeat:null", {"heartbeatAt": None}),
    ("name>m", {"display_name": {"$gt": "m"}}),
    # Lists.
    ("state:running,failed", {"state": {"$in": ["running", "failed"]}}),
    ("state!=running,failed", {"state": {"$nin": ["running", "failed"]}}),
    ("tag:a,b", {"tags": {"$in": ["a", "b"]}}),
    ('config.x:1,"1",true,null', {"config.x": {"$in": [1, "1", True, None]}}),
    ('tag:"a,b",c', {"tags": {"$in": ["a,b", "c"]}}),
    # Regular expressions (case-insensitive) and text search.
    ("name~resnet", {"display_name": {"$regex": "(?i)resnet"}}),
    ("name~^res(net|nest)$", {"display_name": {"$regex": "(?i)^res(net|nest)$"}}),
    ('notes~"two words"', {"notes": {"$regex": "(?i)two words"}}),
    ("config.opt~ad", {"config.opt": {"$regex": "(?i)ad"}}),
    ("resnet", {"display_name": {"$regex": "(?i)resnet"}}),
    ("res.net", {"display_name": {"$regex": "(?i)res\\.net"}}),
    ('"two words"', {"display_name": {"$regex": "(?i)two words"}}),
    # Existence.
    ("has:acc", {"summary_metrics.acc": {"$exists": True}}),
    ("has:config.lr", {"config.lr": {"$exists": True}}),
    ("-has:heartbeat", {"heartbeatAt": {"$exists": False}}),
    # Negation.
    ("-tag:bad", {"tags": {"$ne": "bad"}}),
    ("-tag:a,b", {"tags": {"$nin": ["a", "b"]}}),
    ("-state!=running", {"state": "running"}),
    ("-loss>3", {"summary_metrics.loss": {"$not": {"$gt": 3}}}),
    ("-name~tmp", {"display_name": {"$not": {"$regex": "(?i)tmp"}}}),
    ("-resnet", {"display_name": {"$not": {"$regex": "(?i)resnet"}}}),
    ("-(state:failed tag:x)", {"$nor": [{"state": "failed", "tags": "x"}]}),
    ("-", {"display_name": {"$regex": "(?i)-"}}),
    # Or and groups.
    ("state:failed or state:crashed", {"$or": [{"state": "failed"}, {"state": "crashed"}]}),
    ("state:failed OR tag:x", {"$or": [{"state": "failed"}, {"tags": "x"}]}),
    ("loss<0.2 | acc>0.9", {"$or": [{"summary_metrics.loss": {"$lt": 0.2}}, {"summary_metrics.acc": {"$gt": 0.9}}]}),
    ("a:1 b:2 or c:3", {"$or": [{"summary_metrics.a": 1, "summary_metrics.b": 2}, {"summary_metrics.c": 3}]}),
    ("a:1 (b:2 or c:3)", {"summary_metrics.a": 1, "$or": [{"summary_metrics.b": 2}, {"summary_metrics.c": 3}]}),
    ("(state:running)", {"state": "running"}),
    ("((a:1))", {"summary_metrics.a": 1}),
    ('name:"or"', {"display_name": "or"}),
    ("name~a|b", {"display_name": {"$regex": "(?i)a|b"}}),
    # A key twice: the second condition goes into $and.
    ("loss>0.1 loss<0.2", {"summary_metrics.loss": {"$gt": 0.1}, "$and": [{"summary_metrics.loss": {"$lt": 0.2}}]}),
    ("(a:1 | b:2) (c:3 | d:4)", {
        "$or": [{"summary_metrics.a": 1}, {"summary_metrics.b": 2}],
        "$and": [{"$or": [{"summary_metrics.c": 3}, {"summary_metrics.d": 4}]}],
    }),
    # Quotes with escapes.
    ('notes:"say \\"hi\\""', {"notes": 'say "hi"'}),
    ("notes:'it''s'", {"notes": "its"}),
    # Raw JSON.
    ('{"config.lr": {"$gt": 0.001}}', {"config.lr": {"$gt": 0.001}}),
    ('  {"$or": [{"$and": []}]}', {"$or": [{"$and": []}]}),
]


@pytest.mark.parametrize(("text", "expected"), PARSES, ids=[t or "<empty>" for t, _ in PARSES])
def test_parse(text, expected):
    assert parse(text) == expected


def test_the_brief_example():
    text = ('state:running tag:baseline config.lr>=1e-3 loss<0.2 name~resnet group:exp1 user:alice sweep:abc '
            '-tag:bad state:running,failed created>2026-01-01 notes~"two words"')
    assert parse(text) == {
        "state": "running",
        "tags": "baseline",
        "config.lr": {"$gte": 0.001},
        "summary_metrics.loss": {"$lt": 0.2},
        "display_name": {"$regex": "(?i)resnet"},
        "group": "exp1",
        "username": "alice",
        "sweep": "abc",
        "createdAt": {"$gt": "2026-01-01"},
        "notes": {"$regex": "(?i)two words"},
        "$and": [{"tags": {"$ne": "bad"}}, {"state": {"$in": ["running", "failed"]}}],
    }


ERRORS = [
    # (text, the message's start, position)
    ("loss<", "expected a value after '<'", 5),
    ("state:running loss>=", "expected a value after '>='", 20),
    (":x", "expected a key before ':'", 0),
    ("a:b ~x", "expected a key before '~'", 4),
    ('a:"b', "unterminated quote", 2),
    ('notes~"two words', "unterminated quote", 6),
    ("(a:b", "unmatched '('", 0),
    ("x:1 (a:b (c:d)", "unmatched '('", 4),
    ("a:b)", "unmatched ')'", 3),
    ("or a:b", "expected a condition before 'or'", 0),
    ("a:b or", "expected a condition before the end", 6),
    ("a:b or or c:d", "expected a condition before 'or'", 7),
    ("a:1 | | b:2", "expected a condition before '|'", 6),
    ("()", "expected a condition before ')'", 1),
    ("name~(", "invalid regular expression", 5),
    ("name~ab[", "invalid regular expression", 7),
    ('name~"a b["', "invalid regular expression", 9),
    ("created>yesterday", "expected a date or time", 8),
    ("state:x created:2026-13-01", "expected a date or time", 16),
    ("a:1,", "empty value at the end of a list", 4),
    ("a:,1", "empty value in a list", 2),
    ("a:1,,2", "empty value in a list", 4),
    ('""', "empty search text", 0),
    ('{"a":', "invalid filter JSON", 5),
    ('{"a": 1,}', "invalid filter JSON", 8),
    (".:a", "a key cannot have an empty part", 0),
    ("config..lr>1", "a key cannot have an empty part", 0),
    ("has:loss.", "a key cannot have an empty part", 4),
    ('"a\\"b":1', "a key cannot contain quotes", 3),
]


@pytest.mark.parametrize(("text", "message", "position"), ERRORS, ids=[t for t, _, _ in ERRORS])
def test_errors_point_at_the_problem(text, message, position):
    with pytest.raises(FilterSyntaxError) as err:
        parse(text)
    assert err.value.message.startswith(message)
    assert err.value.position == position
    assert str(err.value) == err.value.message
    assert isinstance(err.value, ValueError)


def test_raw_json_must_be_an_object():
    with pytest.raises(FilterSyntaxError) as err:
        parse("  {} ]")
    assert err.value.position == 5
    # A list is not raw JSON (it does not start with "{"): it is text to search for.
    assert parse("[1]") == {"display_name": {"$regex": "(?i)\\[1\\]"}}


def test_every_parse_is_accepted_by_the_sandbox():
    """What the language writes is a filter the sandbox (and W&B) understands."""
    filters = pytest.importorskip("wbtui.sandbox.filters")
    for text, expected in PARSES:
        filters.compile_filters(expected)
        filters.compile_filters(parse(text))


def test_parse_output_is_json():
    for text, _ in PARSES:
        assert json.loads(json.dumps(parse(text))) == parse(text)


# -- completion ---------------------------------------------------------------------------------

CONFIG = ["lr", "optimizer.lr", "batch_size", "my key", "_wandb"]
SUMMARY = ["loss", "eval/loss", "eval loss", "acc", "state", "_step"]

COMPLETIONS = [
    # (text with | at the cursor, span replaced, candidates)
    ("sta|", (0, 3), ["state:", "summary.state"]),
    ("STA|", (0, 3), ["state:", "summary.state"]),
    ("ta|", (0, 2), ["tag:"]),
    ("l|", (0, 1), ["loss", "config.lr"]),
    ("ev|", (0, 2), ['"eval loss"', "eval/loss"]),
    ('"eval l|', (0, 7), ['"eval loss"']),
    ("config.|", (0, 7), ["config.batch_size", "config.lr", 'config."my key"', "config.optimizer.lr"]),
    ("config.op|", (0, 9), ["config.optimizer.lr"]),
    ('config."my|', (0, 10), ['config."my key"']),
    ("opt|", (0, 3), ["config.optimizer.lr"]),
    ("summary.l|", (0, 9), ["summary.loss"]),
    ("summary.st|", (0, 10), ["summary.state"]),
    ("-us|", (1, 3), ["user:"]),
    ("tag:a -us|", (7, 9), ["user:"]),
    ("(gr|", (1, 3), ["group:"]),
    ("state:r|", (6, 7), ["running"]),
    ("state:running,f|", (14, 15), ["finished", "failed"]),
    ("state:|", (6, 6), list(("running", "finished", "failed", "crashed", "killed", "preempted", "pending"))),
    ("-state:c|", (7, 8), ["crashed"]),
    ("has:a|", (4, 5), ["acc"]),
    ("has:con|", (4, 7), ["config.batch_size", "config.lr", 'config."my key"', "config.optimizer.lr"]),
    ("config.amp:t|", (11, 12), ["true"]),
    ("config.amp:|", (11, 11), []),
    ("group:e|", (6, 7), []),
    ("zzz|", (0, 3), []),
    ("state:running |tag:x", (14, 14), None),  # a new word: every key
]


@pytest.mark.parametrize(("marked", "span", "expected"), COMPLETIONS, ids=[m for m, _, _ in COMPLETIONS])
def test_complete(marked, span, expected):
    cursor = marked.index("|")
    text = marked.replace("|", "", 1)
    assert word_span(text, cursor) == span
    got = complete(text, cursor, CONFIG, SUMMARY)
    if expected is None:
        assert got[:3] == ["state:", "tag:", "name~"] and "loss" in got and "config.lr" in got
        assert not any("_wandb" in c for c in got)
        assert got.index("loss") < got.index("_step")
    else:
        assert got == expected


def test_applying_a_completion_gives_a_filter_that_parses():
    text = "state:running con"
    start, end = word_span(text, len(text))
    candidate = complete(text, len(text), CONFIG, SUMMARY)[2]
    completed = text[:start] + candidate + text[end:] + ">1"
    assert parse(completed) == {"state": "running", "config.my key": {"$gt": 1}}


def test_completion_never_raises_on_partial_input():
    for text in ['notes~"unterminated', "(", ")", "-", "a:b or", "((", '"', "'", "x:'a,"]:
        for cursor in range(len(text) + 1):
            complete(text, cursor, CONFIG, SUMMARY)
            word_span(text, cursor)


def test_any_text_parses_or_fails_with_a_position():
    """Whatever is typed, parse gives a filter the sandbox accepts or a positioned error."""
    hypothesis = pytest.importorskip("hypothesis")
    st = hypothesis.strategies
    filters = pytest.importorskip("wbtui.sandbox.filters")
    alphabet = st.sampled_from(list("ab:~=<>!-,()|\"' .01e") + ["or ", "state", "tag", "config.", "has:", "created"])

    @hypothesis.settings(max_examples=300, deadline=None)
    @hypothesis.given(st.lists(alphabet, max_size=12).map("".join))
    def check(text):
        try:
            result = parse(text)
        except FilterSyntaxError as e:
            assert 0 <= e.position <= len(text)
            return
        filters.compile_filters(result)
        complete(text, len(text), CONFIG, SUMMARY)

    check()
