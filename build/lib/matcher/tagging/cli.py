"""``matcher tagging train`` and ``matcher tagging suggest``."""

import time
from pathlib import Path
from typing import Annotated

import typer

from matcher.console import console
from matcher.tagging.corpus import DEFAULT_CORPUS, read_corpus
from matcher.tagging.store import cache_file, default_cache_dir, load_model

tagging_app = typer.Typer(help="按经营范围推断行业（scikit-learn）。", no_args_is_help=True)


def register(app: typer.Typer) -> None:
    """Add the ``tagging`` group to ``app``."""
    app.add_typer(tagging_app, name="tagging")


@tagging_app.command("train")
def train(
    corpus: Annotated[Path, typer.Option(help="标注语料 CSV")] = DEFAULT_CORPUS,
) -> None:
    """用标注语料重新训练行业推断模型（固定随机种子，可复现），并写入缓存。"""
    started = time.perf_counter()
    with console.status("正在训练……"):
        load_model(corpus, rebuild=True)
    examples = read_corpus(corpus)
    path = cache_file(examples.sha256, default_cache_dir())
    console.print(
        f"已训练：语料 {len(examples.examples):,} 条（sha256 {examples.sha256[:12]}），"
        f"用时 {time.perf_counter() - started:.1f} 秒，模型文件 {path}"
    )


@tagging_app.command("suggest")
def suggest(
    text: Annotated[str, typer.Argument(help="经营范围")],
    top: Annotated[int, typer.Option(min=1, max=10, help="每类列出前几项")] = 3,
) -> None:
    """按经营范围推断国民经济行业门类、划型行业和重点产业集群（仅供参考）。"""
    result = load_model().suggest(text, top)
    for title, ranked in (
        ("行业门类", result.section),
        ("划型行业", result.size_category),
        ("产业集群", result.cluster),
    ):
        shown = "；".join(f"{s.label} {s.label_zh}（{s.confidence:.2f}）" for s in ranked)
        console.print(f"{title}：{shown or '—'}")
    if result.note:
        console.print(f"说明：{result.note}")
