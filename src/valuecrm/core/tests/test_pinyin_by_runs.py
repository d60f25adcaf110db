"""Search text reads pinyin run by run (cached); it must equal pypinyin on the whole name."""

from hypothesis import given, settings
from hypothesis import strategies as st
from pypinyin import Style, lazy_pinyin

from valuecrm.core.search import fold, pinyin_forms

# Characters with phrase readings (重庆, 银行, 长沙), heteronyms, pypinyin's rarer Han
# (〇, extension B), letters, digits and separators, so runs split in every way.
ALPHABET = "重庆长沙银行有限公司曾张三乐行科技〇𠀀aZ1 -_·\n（）"


@settings(max_examples=500, deadline=None)
@given(st.text(alphabet=ALPHABET, min_size=1, max_size=16))
def test_pinyin_by_runs_equals_pinyin_of_the_whole_name(name):
    folded = fold(name)
    whole = ("".join(lazy_pinyin(folded)), "".join(lazy_pinyin(folded, style=Style.FIRST_LETTER)))
    forms = pinyin_forms(name)
    assert forms in (whole, ("", "")), name
    if forms == ("", ""):
        assert not any("\u3400" <= c <= "\u9fff" for c in folded)
