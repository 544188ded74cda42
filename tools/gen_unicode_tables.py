#!/usr/bin/env python3
"""Writes runtime/tokenizer/unicode_tables.inc: the character classes Hugging Face
`tokenizers` tests, measured code point by code point through its Python binding.

Why measure instead of reading the UCD: HF mixes Unicode versions. Rust's char methods
follow the compiler's Unicode (17 for the 0.23 wheels), its regex crate and Oniguruma
carry their own tables (16), and the unicode_categories and unicode-normalization-alignments
crates are frozen at Unicode 8 and 9, including categories that Unicode changed later
(e.g. U+166D was Po, U+1885 was Lo). Matching HF id for id means matching those exact sets.
Rust's is_alphabetic is not observable through any component, so it comes from the `regex`
module's \\p{Alphabetic}, whose Unicode version matches Rust's (checked against is_numeric).
HF's normalization forms use Unicode 9.0 data, so xenc needs to know which code points
Unicode 9.0 had assigned (from Perl's Unicode::UCD "In=9.0"): it leaves the later ones
alone, as HF does, while utf8proc (newer) would decompose or reorder some of them.

Usage: python3 tools/gen_unicode_tables.py [OUT]   (needs `tokenizers`, `regex` and perl)
"""
import subprocess
import sys
from pathlib import Path

import regex
import tokenizers
from tokenizers import Regex
from tokenizers import normalizers as N
from tokenizers import pre_tokenizers as P

CODE_POINTS = [c for c in range(0x110000) if not 0xD800 <= c <= 0xDFFF]


def isolated_by(pre_tokenizer):
    """Code points c that the pre-tokenizer cuts out of "a" + c + "a" as a piece of their own."""
    return {c for c in CODE_POINTS if len(pre_tokenizer.pre_tokenize_str("a" + chr(c) + "a")) == 3}


def removed_by_split(pattern):
    """Code points matched by an Oniguruma pattern (a Split with behavior "removed" leaves nothing)."""
    split = P.Split(Regex(pattern), "removed")
    return {c for c in CODE_POINTS if split.pre_tokenize_str(chr(c)) == []}


def measure():
    sets = {}
    bert_pre = P.BertPreTokenizer()
    # BertPreTokenizer removes char::is_whitespace and isolates HF's punctuation.
    sets["WhiteSpace"] = {c for c in CODE_POINTS if len(bert_pre.pre_tokenize_str("a" + chr(c) + "a")) == 2}
    sets["HfPunctuation"] = isolated_by(bert_pre)
    sets["Numeric"] = isolated_by(P.Digits(individual_digits=True))
    # Whitespace is \w+|[^\w\s]+ in Rust's regex: "a" + c stays one piece iff c is \w.
    whitespace = P.Whitespace()
    sets["RegexWord"] = {c for c in CODE_POINTS if whitespace.pre_tokenize_str("a" + chr(c)) == [("a" + chr(c), (0, 2))]}
    sets["OnigLetter"] = removed_by_split(r"\p{L}")
    sets["OnigNumber"] = removed_by_split(r"\p{N}")
    # Oniguruma's \w takes ²³¹¼½¾ from its Latin-1 ctype table, but [\w] uses the Unicode table only.
    sets["OnigWord"] = removed_by_split(r"\w")
    sets["OnigWordInClass"] = removed_by_split(r"[\w]")

    # clean_text removes NUL, U+FFFD and is_other except \t \n \r, which become spaces.
    clean = N.BertNormalizer(clean_text=True, handle_chinese_chars=False, strip_accents=False, lowercase=False)
    removed = {c for c in CODE_POINTS if clean.normalize_str(chr(c)) == ""}
    sets["HfOther"] = (removed - {0xFFFD}) | {0x09, 0x0A, 0x0D}

    # BertNormalizer's strip_accents runs NFD first, so only NFD-stable code points tell.
    nfd = N.NFD()
    strip = N.BertNormalizer(clean_text=False, handle_chinese_chars=False, strip_accents=True, lowercase=False)
    sets["HfNonspacingMark"] = {c for c in CODE_POINTS
                                if nfd.normalize_str(chr(c)) == chr(c) and strip.normalize_str(chr(c)) == ""}
    strip_accents = N.StripAccents()
    sets["HfCombiningMark"] = {c for c in CODE_POINTS if strip_accents.normalize_str(chr(c)) == ""}

    perl = 'use Unicode::UCD "prop_invlist"; print join(" ", prop_invlist("In=9.0"));'
    bounds = [int(x) for x in subprocess.run(["perl", "-e", perl], check=True, capture_output=True,
                                               text=True).stdout.split()]
    bounds.append(0x110000)  # an inversion list: [start, end) pairs
    sets["AssignedInUnicode9"] = {c for i in range(0, len(bounds) - 1, 2)
                                  for c in range(bounds[i], bounds[i + 1])} - {c for c in range(0xD800, 0xE000)}
    alphabetic = regex.compile(r"\p{Alphabetic}")
    sets["Alphabetic"] = {c for c in CODE_POINTS if alphabetic.match(chr(c))}
    numeric = regex.compile(r"\p{N}")
    assert sets["Numeric"] == {c for c in CODE_POINTS if numeric.match(chr(c))}, \
        "the regex module's Unicode no longer matches Rust's; take Alphabetic from elsewhere"
    return sets


def measure_lowercase():
    """HF's Lowercase (Rust char::to_lowercase) of every code point it changes."""
    lowercase = N.Lowercase()
    mappings = {}
    for c in CODE_POINTS:
        lower = lowercase.normalize_str(chr(c))
        if lower != chr(c):
            mappings[c] = lower
    multi = {c for c, lower in mappings.items() if len(lower) != 1}
    assert multi == {0x130}, f"unexpected multi-character lowercase mappings: {sorted(multi)}"
    return {c: ord(lower) for c, lower in mappings.items() if c != 0x130}


def ranges(points):
    out = []
    for c in sorted(points):
        if out and out[-1][1] == c - 1:
            out[-1][1] = c
        else:
            out.append([c, c])
    return out


def main():
    out = Path(sys.argv[1]) if len(sys.argv) > 1 else \
        Path(__file__).resolve().parent.parent / "runtime/tokenizer/unicode_tables.inc"
    lines = [
        "// Generated by tools/gen_unicode_tables.py from tokenizers "
        f"{tokenizers.__version__} and regex {regex.__version__}; do not edit.",
        "// Inclusive code point ranges, sorted. See the script for why they are measured.",
        "",
    ]
    for name, points in measure().items():
        rs = ranges(points)
        lines.append(f"constexpr CodePointRange k{name}[] = {{  // {len(points)} code points")
        row = []
        for a, b in rs:
            row.append(f"{{0x{a:X}, 0x{b:X}}},")
            if len(row) == 6:
                lines.append("    " + " ".join(row))
                row = []
        if row:
            lines.append("    " + " ".join(row))
        lines.append("};")
        lines.append("")
    mappings = measure_lowercase()
    lines.append(f"// U+0130 (to \"i\\u0307\") is the only multi-character mapping; it is handled in code.")
    lines.append(f"constexpr CaseMapping kLowercase[] = {{  // {len(mappings)} code points")
    pairs = [f"{{0x{c:X}, 0x{lower:X}}}," for c, lower in sorted(mappings.items())]
    for i in range(0, len(pairs), 6):
        lines.append("    " + " ".join(pairs[i:i + 6]))
    lines.append("};")
    lines.append("")
    out.write_text("\n".join(lines))
    print(f"wrote {out}")


if __name__ == "__main__":
    main()
