"""A deterministic synthetic corpus made from the seeds' own paragraphs (no network).

Each report: a title naming a district drawn from the national gazetteer, a review part and a
plan part built from shuffled seed paragraphs of the same part, numbers perturbed (±20%, same
number of decimals), the seeds' district names replaced by the drawn one. About one in five
is converted to Traditional script and damaged the way seeds 002 and 004 are (pinyin
annotations after some characters, a Big5 or GB18030 byte encoding).

    python bench/corpus.py N OUT_DIR [--seed S]
"""

from __future__ import annotations

import argparse
import random
import re
import sys
from functools import lru_cache
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

NUMBER = re.compile(r"(?<![0-9.])(\d+(?:\.\d+)?)(?=[%亿万千个家项所座条人户亩天公里平方米元吨])")


@lru_cache(maxsize=1)
def _material() -> tuple[list[str], list[str], list[str]]:
    """Body paragraphs of the seeds by part (review, plan), and the seeds' own area names."""
    from pipelines.decoded.stage import decode_file
    from pipelines.extracted.gazetteer import resolve
    from pipelines.segmented.sentences import segment
    from pipelines.settings import DEFAULT_MAX_REPORT_BYTES

    review, plan, names = [], [], set()
    for path in sorted((ROOT / "seeds").glob("*.txt")):
        text = decode_file(path, DEFAULT_MAX_REPORT_BYTES).text
        area = resolve(text)
        for attr in ("district", "city"):
            name = getattr(area, attr, None)
            if name:
                names.add(name)
                names.add(re.sub(r"(区|县|市)$", "", name))
        by_paragraph: dict[int, list] = {}
        for s in segment(text).sentences:
            if s.block == "body" and s.part in ("review", "plan") and "\ufffd" not in s.text:
                by_paragraph.setdefault(s.paragraph, []).append(s)
        for sentences in by_paragraph.values():
            paragraph = "".join(s.text.replace("\n", "") for s in sentences)
            (review if sentences[0].part == "review" else plan).append(paragraph)
    return review, plan, sorted((n for n in names if len(n) >= 2), key=len, reverse=True)


@lru_cache(maxsize=1)
def _districts() -> list[tuple[str, str, str]]:
    from pipelines.extracted.gazetteer import areas

    table = areas()
    out = []
    for code, area in sorted(table.items()):
        if area.level == "county" and area.name.endswith("区"):
            city = table.get(area.city_code)
            province = table.get(area.province_code)
            if city and province:
                out.append((province.name, city.name, area.name))
    return out


def _perturb(text: str, rng: random.Random) -> str:
    def repl(m: re.Match) -> str:
        raw = m.group(1)
        value = float(raw) * rng.uniform(0.8, 1.2)
        if m.string[m.end():m.end() + 1] == "%" and float(raw) <= 100:
            value = min(value, 100.0)  # a share stays a share
        decimals = len(raw.split(".")[1]) if "." in raw else 0
        return f"{value:.{decimals}f}" if decimals else str(max(1, round(value)))

    return NUMBER.sub(repl, text)


def _damage(text: str, rng: random.Random) -> str:
    """Pinyin annotations after a few characters, as web copies of 002/004 carry."""
    from pypinyin import Style, pinyin

    chars = list(text)
    for _ in range(max(1, len(chars) // 400)):
        k = rng.randrange(len(chars))
        if "\u4e00" <= chars[k] <= "\u9fff":
            chars[k] += f"({pinyin(chars[k], style=Style.TONE)[0][0]})"
    return "".join(chars)


def make_report(i: int, rng: random.Random) -> tuple[str, bytes]:
    from opencc import OpenCC

    review, plan, seed_names = _material()
    province, city, district = rng.choice(_districts())
    year = rng.randint(2019, 2025)
    body_review = rng.sample(review, min(len(review), rng.randint(4, 9)))
    body_plan = rng.sample(plan, min(len(plan), rng.randint(4, 9)))
    lines = [f"{city}{district}{year}年政府工作报告", "",
             f"一、{year - 1}年工作回顾", "", f"一年来,{district}坚持稳中求进。", *body_review, "",
             f"二、{year}年工作安排", "", f"{year}年,{district}将着力做好以下工作。", *body_plan]
    text = _perturb("\n".join(lines) + "\n", rng)
    for name in seed_names:
        text = text.replace(name, district if name.endswith("区") else district[:-1])
    name = f"syn_{i:05d}.txt"
    if rng.random() < 0.2:
        text = OpenCC("s2t").convert(text)
        if rng.random() < 0.5:
            # Big5 cannot hold toned pinyin: the damaged web copies are GB18030 or UTF-8
            return name, text.encode("big5", errors="ignore")
        return name, _damage(text, rng).encode("gb18030")
    return name, text.encode("utf-8")


def generate(n: int, out: Path, seed: int = 7) -> list[Path]:
    rng = random.Random(seed)
    out.mkdir(parents=True, exist_ok=True)
    paths = []
    for i in range(n):
        name, data = make_report(i, rng)
        (out / name).write_bytes(data)
        paths.append(out / name)
    return paths


if __name__ == "__main__":
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("n", type=int)
    ap.add_argument("out", type=Path)
    ap.add_argument("--seed", type=int, default=7)
    a = ap.parse_args()
    print(f"wrote {len(generate(a.n, a.out, a.seed))} reports to {a.out}")
