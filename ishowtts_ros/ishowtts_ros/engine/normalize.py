# Copyright 2026 The ishowtts_ros Authors
# SPDX-License-Identifier: MIT

"""Numbers, units, times, dates, money and symbols as words, in English and Chinese.

F5-TTS reads the characters it is given, and was trained on transcripts that spell
numbers out. The words come from wetext (WeTextProcessing's runtime, the normaliser
Chinese TTS systems use), per run of text: a run of Chinese characters is read as
Chinese, a run of Latin letters as English, digits and symbols with the run they stand
in. A few readings wetext gets wrong for robots are rewritten first (in English "m" is
metres, not minutes; volts, amps, milliamp hours and watts after a number; money with
cents; phone-like digit strings digit by digit; "#1" as "number 1"). Runs without a
digit or symbol are left exactly as they are.
"""

from __future__ import annotations

import logging
import re
import threading
from typing import List, Tuple

LOG = logging.getLogger(__name__)
LANGUAGES = ("auto", "en", "zh")
NEEDS_WORDS = re.compile(r"[0-9%&+=@#$€£¥°/]")
# Full-width digits, letters and % read as their ASCII forms.
FULL_WIDTH = str.maketrans(
    {chr(code): chr(code - 0xFEE0) for code in [*range(0xFF10, 0xFF1A), 0xFF05]}
    | {chr(code): chr(code - 0xFEE0) for code in [*range(0xFF21, 0xFF3B), *range(0xFF41, 0xFF5B)]}
)
NUMBER = r"(?<![\w.])(\d+(?:\.\d+)?)"
EN_UNITS = (
    ("m/s", "meters per second"),
    ("mAh", "milliamp hours"),
    ("kWh", "kilowatt hours"),
    ("Wh", "watt hours"),
    ("m", "meters"),
    ("V", "volts"),
    ("A", "amps"),
    ("W", "watts"),
)
ZH_UNITS = (
    ("m/s", "米每秒"),
    ("mAh", "毫安时"),
    ("kWh", "千瓦时"),
    ("V", "伏"),
    ("A", "安"),
    ("W", "瓦"),
)
CURRENCIES = {"$": ("dollar", "cent"), "€": ("euro", "cent"), "£": ("pound", "penny")}
MONEY = re.compile(r"([$€£])(\d+)\.(\d{2})(?!\d)")
PHONE_LIKE = re.compile(r"(?<![\d.,:/])\+?\d[\d -]*\d(?![\d:/]|[.,]\d)")
ISO_DATE = re.compile(r"\d{4}-\d{1,2}-\d{1,2}")
# wetext reads four digits as a year; a quantity (not a likely year, or before a unit)
# gets its thousands separator, so that "1000 mAh" is "one thousand".
FOUR_DIGITS = re.compile(
    r"(?<![\d.,:/-])([1-9])(\d{3})(?![\d.,:/-])"
    r"(\s?(?:mAh|kWh|Wh|km/h|m/s|km|cm|mm|kg|m|g|V|A|W|%|°)(?![A-Za-z]))?"
)
ZH_SYMBOLS = str.maketrans({"&": "和", "@": "艾特", "#": "井号"})
PHONE_DIGITS = 7  # a digit string at least this long is read digit by digit


def _unit_pattern(units) -> re.Pattern:
    names = "|".join(re.escape(unit) for unit, _ in units)
    return re.compile(NUMBER + r"\s?(" + names + r")(?![A-Za-z/])")


EN_UNIT_PATTERN = _unit_pattern(EN_UNITS)
ZH_UNIT_PATTERN = _unit_pattern(ZH_UNITS)


def language_runs(text: str) -> List[Tuple[str, str]]:
    """Split into ``(language, run)``: Chinese characters "zh", Latin letters "en".

    Digits, symbols, punctuation and spaces belong to the run they stand in (the one
    before them, or the next one at the start), and so do letters right after a digit
    (a unit: "12V电池" is one Chinese run).
    """
    runs: List[Tuple[str, str]] = []
    pending = ""
    unit = False  # letters that follow a digit directly
    previous = ""
    for char in text:
        language = _script(char)
        unit = language == "en" and (unit or previous.isdigit())
        previous = char
        if language is None or unit:
            if runs:
                runs[-1] = (runs[-1][0], runs[-1][1] + char)
            else:
                pending += char
        elif runs and runs[-1][0] == language:
            runs[-1] = (language, runs[-1][1] + char)
        else:
            runs.append((language, pending + char))
            pending = ""
    if pending:
        runs.append(("en", pending))  # digits and symbols alone read as English
    return runs


def _script(char: str):
    if (
        "\u4e00" <= char <= "\u9fff"
        or "\u3400" <= char <= "\u4dbf"
        or "\u3000" <= char <= "\u303f"
    ):
        return "zh"
    if char in "，。！？：；、「」《》（）":
        return "zh"
    if ("a" <= char <= "z") or ("A" <= char <= "Z"):
        return "en"
    return None


class TextNormalizer:
    """Turns text into words, per language run (wetext is loaded on first use)."""

    def __init__(self):
        self._normalizers: dict = {}
        self._lock = threading.Lock()

    @property
    def languages_loaded(self) -> Tuple[str, ...]:
        """Languages whose wetext grammars are loaded (each loads on first use)."""
        with self._lock:
            return tuple(sorted(self._normalizers))

    def __call__(self, text: str, language: str = "auto") -> str:
        """Return ``text`` with numbers, units and symbols written out as words."""
        if language not in LANGUAGES:
            raise ValueError(f"language must be one of {'/'.join(LANGUAGES)}, got {language!r}")
        text = text.translate(FULL_WIDTH)
        runs = language_runs(text) if language == "auto" else [(language, text)]
        return "".join(self._run(lang, run) for lang, run in runs)

    def _run(self, language: str, run: str) -> str:
        if not NEEDS_WORDS.search(run):
            return run
        body = run.strip()
        lead, tail = run[: len(run) - len(run.lstrip())], run[len(run.rstrip()) :]
        body = _rewrite_en(body) if language == "en" else _rewrite_zh(body)
        try:
            words = self._normalizer(language).normalize(body)
        except Exception:  # wetext fails on a few inputs (e.g. a lone "#"): keep the run
            LOG.debug("wetext could not normalise %r", body, exc_info=True)
            words = body
        if language == "zh":
            words = words.replace("第两", "第二")  # an ordinal, not a quantity
        return lead + words + tail

    def _normalizer(self, language: str):
        with self._lock:
            if language not in self._normalizers:
                from wetext import Normalizer

                self._normalizers[language] = Normalizer(lang=language, operator="tn")
            return self._normalizers[language]


def _rewrite_en(text: str) -> str:
    """Rewrite what wetext reads wrongly in English, before it reads the rest."""
    text = MONEY.sub(_money, text)
    text = re.sub(r"#(?=\d)", "number ", text)
    text = PHONE_LIKE.sub(_digit_by_digit, text)
    text = FOUR_DIGITS.sub(_thousands, text)
    units = dict(EN_UNITS)
    return EN_UNIT_PATTERN.sub(lambda m: f"{m.group(1)} {units[m.group(2)]}", text)


def _rewrite_zh(text: str) -> str:
    units = dict(ZH_UNITS)
    text = ZH_UNIT_PATTERN.sub(lambda m: f"{m.group(1)}{units[m.group(2)]}", text)
    return text.translate(ZH_SYMBOLS)


def _thousands(match: re.Match) -> str:
    year_like = 1100 <= int(match.group(1) + match.group(2)) <= 2099
    if year_like and not match.group(3):
        return match.group(0)
    if match.group(1) == "1":  # wetext reads "1,200" as "thousand two hundred"
        rest = int(match.group(2))
        return f"one thousand{f' {rest}' if rest else ''}{match.group(3) or ''}"
    return f"{match.group(1)},{match.group(2)}{match.group(3) or ''}"


def _money(match: re.Match) -> str:
    unit, small = CURRENCIES[match.group(1)]
    whole, cents = int(match.group(2)), int(match.group(3))
    parts = []
    if whole or not cents:
        parts.append(f"{whole} {unit}{'' if whole == 1 else 's'}")
    if cents:
        plural = "pence" if small == "penny" else "cents"
        parts.append(f"{cents} {small if cents == 1 else plural}")
    return " ".join(parts)


def _digit_by_digit(match: re.Match) -> str:
    """Read a phone number or an ID digit by digit, its groups apart."""
    digits = match.group(0)
    if ISO_DATE.fullmatch(digits) or sum(c.isdigit() for c in digits) < PHONE_DIGITS:
        return digits
    groups = [group for group in re.split(r"[ -]+", digits.lstrip("+")) if group]
    spoken = ", ".join(" ".join(group) for group in groups)
    return ("plus " if digits.startswith("+") else "") + spoken
