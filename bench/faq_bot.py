"""Precision and recall of the FAQ bot on the labelled evaluation set, per threshold.

    .venv/bin/python bench/faq_bot.py [--threshold 0.22] [--sweep]

Precision: of the questions the bot answered, the share it answered with the right entry.
Recall: of the questions it should answer, the share it answered rightly. Questions the bot
must not answer (off-topic, complaints) count against precision when it answers them.
Runs offline in well under a second; no database needed.
"""

import argparse
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

# Plain Python: the matcher needs no Django, database or network.
from automation.evaluation import evaluate, index_from_knowledge  # noqa: E402
from automation.faq import DEFAULT_BOT_THRESHOLD  # noqa: E402
from tests.automation.faq_data import EVALUATION, KNOWLEDGE  # noqa: E402


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--threshold", type=float, default=DEFAULT_BOT_THRESHOLD)
    parser.add_argument("--sweep", action="store_true", help="also print a table of thresholds")
    parser.add_argument("--verbose", action="store_true", help="print every question's outcome")
    args = parser.parse_args()

    started = time.perf_counter()
    index = index_from_knowledge(KNOWLEDGE)
    result = evaluate(index, EVALUATION, threshold=args.threshold)
    elapsed = time.perf_counter() - started
    answerable = sum(1 for _q, topic in EVALUATION if topic)
    print(f"questions: {len(EVALUATION)} ({answerable} answerable, {len(EVALUATION) - answerable} must not answer)")
    print(f"threshold {args.threshold:.2f}: precision {result.precision:.3f}  recall {result.recall:.3f}")
    print(f"  answered right {result.right}, answered wrong {result.wrong}, handed over {result.handed_over}")
    print(f"  index + {len(EVALUATION)} questions in {elapsed * 1000:.0f} ms")
    if args.verbose:
        for line in result.lines:
            print("   ", line)
    if args.sweep:
        print("threshold  precision  recall")
        for step in range(14, 40, 2):
            swept = evaluate(index, EVALUATION, threshold=step / 100)
            print(f"  {step / 100:.2f}      {swept.precision:.3f}     {swept.recall:.3f}")


if __name__ == "__main__":
    main()
