"""Ingest throughput: normalize + match + sentiment + store into Postgres, beside VADER alone.

    .venv/bin/python bench/bench_pipeline.py [--mentions 20000] [--batch 500]

Both are measured in this run on the same texts (the bundled demo posts, repeated with fresh ids), so the
ratio holds from machine to machine even when the absolute figures drift.
"""

import argparse
import time

import _django  # noqa: F401  (sets up Django)
from _django import bench_database
from vaderSentiment.vaderSentiment import SentimentIntensityAnalyzer


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--mentions", type=int, default=20_000)
    parser.add_argument("--batch", type=int, default=500)
    options = parser.parse_args()

    from django.utils import timezone

    from mentions.models import Mention
    from mentions.services import mention_ingest
    from sources.connectors.demo import DemoConnector, load_posts
    from sources.demo.setup import demo_setup
    from tracking.selectors import term_matcher_build

    posts = load_posts()
    now = timezone.now().isoformat()
    items = [{**posts[n % len(posts)], "id": f"bench-{n}", "posted_at": now} for n in range(options.mentions)]
    texts = [f"{item['title']}\n{item['text']}" if item["title"] else item["text"] for item in items]

    analyzer = SentimentIntensityAnalyzer()
    started = time.perf_counter()
    for text in texts:
        analyzer.polarity_scores(text)
    vader_rate = len(texts) / (time.perf_counter() - started)

    with bench_database():
        source = demo_setup()
        connector = DemoConnector(source.config)
        matcher = term_matcher_build()
        started = time.perf_counter()
        for start in range(0, len(items), options.batch):
            mention_ingest(
                source=source,
                raw_items=items[start : start + options.batch],
                normalize=connector.normalize,
                matcher=matcher,
            )
        pipeline_rate = len(items) / (time.perf_counter() - started)
        stored = Mention.objects.count()

        started = time.perf_counter()
        for start in range(0, len(items), options.batch):
            mention_ingest(
                source=source,
                raw_items=items[start : start + options.batch],
                normalize=connector.normalize,
                matcher=matcher,
            )
        replay_rate = len(items) / (time.perf_counter() - started)
        assert Mention.objects.count() == stored, "a replayed batch must not store duplicates"

    print(f"mentions: {len(items):,} in batches of {options.batch}; stored {stored:,}")
    print(f"VADER alone:                    {vader_rate:9,.0f} texts/s")
    for label, rate in (("new mentions", pipeline_rate), ("replay, duplicates", replay_rate)):
        print(f"pipeline ({label + '):':21} {rate:9,.0f} mentions/s  = {rate / vader_rate:.2f} x VADER")


if __name__ == "__main__":
    main()
