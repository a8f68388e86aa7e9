# Copyright 2026 The ishowtts_ros Authors
# SPDX-License-Identifier: MIT

"""Numbers, units, times, dates, money and symbols as words (wetext), per language run."""

import pytest

from ishowtts_ros.engine.normalize import TextNormalizer, language_runs

pytestmark = pytest.mark.no_torch

EN_CASES = [
    ("0", "zero"),
    ("7", "seven"),
    ("42", "forty two"),
    ("100", "one hundred"),
    ("1000", "one thousand"),
    ("2026", "twenty twenty six"),
    ("1,000,000", "one million"),
    ("-5", "negative five"),
    ("-12.5", "minus twelve point five"),
    ("0.5", "zero point five"),
    ("3.14", "three point one four"),
    ("1.5", "one point five"),
    ("1st", "first"),
    ("2nd", "second"),
    ("3rd", "third"),
    ("21st", "twenty first"),
    ("100th", "one hundredth"),
    ("50%", "fifty percent"),
    ("99.5%", "ninety nine point five percent"),
    ("3-5", "three to five"),
    ("10-20", "ten to twenty"),
    ("5 m", "five meters"),
    ("1.5 m", "one point five meters"),
    ("20 cm", "twenty centimeters"),
    ("3 km", "three kilometers"),
    ("30 km/h", "thirty kilometers per hour"),
    ("2 m/s", "two meters per second"),
    ("5 kg", "five kilograms"),
    ("20°C", "twenty degrees Celsius"),
    ("-3°C", "negative three degrees Celsius"),
    ("12 V", "twelve volts"),
    ("2 A", "two amps"),
    ("5000 mAh", "five thousand milliamp hours"),
    ("60 W", "sixty watts"),
    ("1200 mAh", "one thousand two hundred milliamp hours"),
    ("14:30", "fourteen thirty"),
    ("9:05", "nine o five"),
    ("2:05 pm", "two o five PM"),
    ("7:30 am", "seven thirty AM"),
    ("2026-11-27", "the twenty seventh of november twenty twenty six"),
    ("2025-01-01", "the first of january twenty twenty five"),
    ("$5", "five dollars"),
    ("$1", "one dollar"),
    ("$12.50", "twelve dollars fifty cents"),
    ("$0.99", "ninety nine cents"),
    ("€20", "twenty euros"),
    ("£3.50", "three pounds fifty pence"),
    ("555-0123", "five five five, zero one two three"),
    ("13812345678", "one three eight one two three four five six seven eight"),
    ("+1 555 010 1234", "plus one, five five five, zero one zero, one two three four"),
    ("1234567", "one two three four five six seven"),
    ("A & B", "A and B"),
    ("2 + 2 = 4", "two plus two equals four"),
    ("@home", "at home"),
    ("#1", "number one"),
    ("x + y", "x plus y"),
    ("Battery at 23%.", "Battery at twenty three percent."),
    ("Obstacle 1.5 m ahead.", "Obstacle one point five meters ahead."),
    ("Arriving at 14:30.", "Arriving at fourteen thirty."),
    ("Turn left in 200 meters.", "Turn left in two hundred meters."),
    ("hello world", "hello world"),
    ("Turning left now.", "Turning left now."),
]
ZH_CASES = [
    ("0", "零"),
    ("7", "七"),
    ("42", "四十二"),
    ("100", "一百"),
    ("1000", "一千"),
    ("2026", "两千零二十六"),
    ("-5", "负五"),
    ("-12.5", "负十二点五"),
    ("0.5", "零点五"),
    ("3.14", "三点一四"),
    ("1.5", "一点五"),
    ("第1", "第一"),
    ("第2名", "第二名"),
    ("第23个", "第二十三个"),
    ("50%", "百分之五十"),
    ("99.5%", "百分之九十九点五"),
    ("3-5号", "三到五号"),
    ("10到20", "十到二十"),
    ("5米", "五米"),
    ("1.5米", "一点五米"),
    ("20厘米", "二十厘米"),
    ("3公里", "三公里"),
    ("30km/h", "每小时三十公里"),
    ("5kg", "五千克"),
    ("20°C", "二十摄氏度"),
    ("-3°C", "负三摄氏度"),
    ("12V", "十二伏"),
    ("2A", "二安"),
    ("5000mAh", "五千毫安时"),
    ("14:30", "十四点三十分"),
    ("9:05", "九点零五分"),
    ("下午2:05", "下午两点零五分"),
    ("2026-11-27", "二零二六年十一月二十七日"),
    ("2026年11月27日", "二零二六年十一月二十七日"),
    ("2025/01/01", "二零二五年一月一日"),
    ("12.5元", "十二点五元"),
    ("5元", "五元"),
    ("¥100", "一百元"),
    ("13812345678", "幺三八幺二三四五六七八"),
    ("110", "幺幺零"),
    ("电量剩余23%", "电量剩余百分之二十三"),
    ("距离目标3.5米", "距离目标三点五米"),
    ("现在是14:30", "现在是十四点三十分"),
    ("温度-3°C", "温度负三摄氏度"),
    ("第3名", "第三名"),
    ("价格12.5元", "价格十二点五元"),
    ("速度30km/h", "速度每小时三十公里"),
    ("重5kg", "重五千克"),
    ("１２３号", "一百二十三号"),
    ("全角５０％", "全角百分之五十"),
    ("1/2", "二分之一"),
    ("3/4", "四分之三"),
    ("2+3=5", "二加三等于五"),
    ("A&B", "A和B"),
    ("你好", "你好"),
    ("今天很好。", "今天很好。"),
    ("50%的电量", "百分之五十的电量"),
    ("电话13812345678", "电话幺三八幺二三四五六七八"),
    ("电量剩余23%，距离目标3.5米。", "电量剩余百分之二十三，距离目标三点五米。"),
    ("12V电池，5000mAh", "十二伏电池，五千毫安时"),
]


@pytest.fixture(scope="module")
def words():
    return TextNormalizer()


@pytest.mark.parametrize("text,expected", EN_CASES)
def test_english(words, text, expected):
    assert words(text, "en") == expected


@pytest.mark.parametrize("text,expected", ZH_CASES)
def test_chinese(words, text, expected):
    assert words(text, "zh") == expected


def test_tables_cover_sixty_cases_per_language():
    assert len(EN_CASES) >= 60 and len(ZH_CASES) >= 60


def test_each_run_is_read_in_its_own_language(words):
    text = "机器人 Robot-3 的电量是 85%，请在 14:30 前充电。Battery at 85%."
    assert language_runs(text) == [
        ("zh", "机器人 "),
        ("en", "Robot-3 "),
        ("zh", "的电量是 85%，请在 14:30 前充电。"),
        ("en", "Battery at 85%."),
    ]
    assert words(text) == (
        "机器人 Robot-three 的电量是 百分之八十五，请在 十四点三十分前充电。"
        "Battery at eighty five percent."
    )


def test_language_can_be_forced(words):
    assert words("23%", "zh") == "百分之二十三" and words("23%", "en") == "twenty three percent"
    with pytest.raises(ValueError, match="language must be one of auto/en/zh, got 'fr'"):
        words("23%", "fr")


def test_text_without_digits_or_symbols_is_left_exactly_as_it_is(words):
    for text in ("Turning left now.", "Dr. Smith, don't stop!", "今天很好。", "St. Mary's  road"):
        assert words(text) == text


def test_input_wetext_cannot_read_is_kept_not_lost(words):
    from wetext import Normalizer

    with pytest.raises(AssertionError):  # wetext's own failure on these
        Normalizer(lang="en", operator="tn").normalize("Gate 1/")
    assert words("Gate 1/") == "Gate 1/"
