"""Whether a message says what the matter is, or only that there is one ("我要报修")."""

from __future__ import annotations

import re

# Words that carry no description of the matter itself.
_FILLER = re.compile(
    r"你好|您好|在吗|请问|麻烦|帮我|帮忙|一下|我要|我想|想要|需要|报修|报个修|维修|投诉|建议|"
    r"提个?|反映|物业|客服|谢谢|那个|就是|有个|有件事|事情|问题|的|了|呢|吧|啊|呀|哈|嗯|哦|"
    r"[0-9０-９一二三四五六七八九十两零〇栋幢号楼单元室座\-—－#]+"
)
_CJK = re.compile(r"[\u4e00-\u9fff]")
# Fewer Chinese characters than this, once the filler is gone, and we ask what happened.
MIN_DESCRIPTION_CHARS = 2


def describes_matter(text: str) -> bool:
    """True when something is left after greetings, the category word and the address."""
    rest = _FILLER.sub("", text)
    return len(_CJK.findall(rest)) >= MIN_DESCRIPTION_CHARS
