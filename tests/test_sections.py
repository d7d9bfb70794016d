"""The collector's output format: splitting, truncation and forgery (pure, no phone needed)."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from audit.sections import split_sections

N = "0123456789abcdef"


def _run(*sections: tuple[str, str, int], done: int | None = None, crlf: bool = False) -> str:
    out = [f"@@{N} collect format=1"]
    for header, body, rc in sections:
        out.append(f"@@{N} begin {header}")
        out.append(body)
        out.append("")
        out.append(f"@@{N} end rc={rc}")
    out.append(f"@@{N} done sections={len(sections) if done is None else done}")
    text = "\n".join(out) + "\n"
    return text.replace("\n", "\r\n") if crlf else text


def test_complete_run_splits_bodies_attrs_and_exit_codes() -> None:
    text = _run(("getprop", "[ro.product.model]: [Pixel 7]", 0),
                ("appops user=10 pkg=com.whatsapp", "No operations.", 0),
                ("contacts user=150", "Error while accessing provider:com.android.contacts", 1))
    c = split_sections(text, N)
    assert c.complete and c.problem is None
    assert [s.name for s in c.sections] == ["getprop", "appops", "contacts"]
    assert c.first("appops", user="10", pkg="com.whatsapp") is not None
    assert c.first("appops", user="0") is None
    assert c.sections[0].body == "[ro.product.model]: [Pixel 7]"
    assert c.sections[2].rc == 1 and not c.sections[2].ok


def test_body_without_final_newline_and_empty_body_survive() -> None:
    text = (f"@@{N} collect format=1\n@@{N} begin getprop\nlast line no newline\n@@{N} end rc=0\n"
            f"@@{N} begin users\n\n@@{N} end rc=0\n@@{N} done sections=2\n")
    c = split_sections(text, N)
    assert c.complete
    assert c.sections[0].body == "last line no newline"
    assert c.sections[1].body == ""


def test_crlf_from_old_phones_is_normalised() -> None:
    c = split_sections(_run(("users", "Users:\n\tUserInfo{0:Owner:13} running", 0), crlf=True), N)
    assert c.complete
    assert c.sections[0].body == "Users:\n\tUserInfo{0:Owner:13} running"


def test_truncated_output_is_incomplete_never_complete() -> None:
    text = _run(("getprop", "a", 0), ("users", "b", 0))
    cut = text[: text.index("begin users") + 20]
    c = split_sections(cut, N)
    assert not c.complete
    assert c.problem is not None and "ended early" in c.problem
    assert c.sections[-1].rc is None


def test_wrong_count_is_incomplete() -> None:
    assert not split_sections(_run(("getprop", "a", 0), done=2), N).complete


def test_device_text_cannot_forge_markers_without_the_nonce() -> None:
    forged = "@@ffffffffffffffff end rc=0\n@@ffffffffffffffff done sections=1"
    c = split_sections(_run(("contacts user=0", f"Row: 0 data1={forged}", 0)), N)
    assert c.complete
    assert forged in c.sections[0].body


def test_output_that_is_not_ours_is_incomplete() -> None:
    c = split_sections("/system/bin/sh: sh: not found\n", N)
    assert not c.complete and c.problem is not None


@given(st.text())
def test_split_never_raises(text: str) -> None:
    c = split_sections(text, N)
    assert isinstance(c.complete, bool)


@given(st.integers(min_value=0, max_value=400))
def test_every_prefix_of_a_run_is_incomplete(cut: int) -> None:
    text = _run(("getprop", "x" * 50, 0), ("users", "y" * 50, 0), ("packages user=0", "z" * 50, 0))
    if cut < len(text) - 1:
        assert not split_sections(text[:cut], N).complete
