"""Benchmarks of the matcher (CONTRACTS.md): sentence pairs, claim retrieval, and the converters.

evaluate_matching --pairs F.jsonl                       -> {"n", "spearman", "accuracy", "f1"}
evaluate_matching --corpus C.jsonl --queries Q.jsonl    -> {"n", "map@5", "mrr", "recall@1", "recall@5"}
evaluate_matching --convert stsb SRC.jsonl OUT.jsonl
evaluate_matching --convert checkthat CLAIMS.jsonl QUERIES.jsonl CORPUS_OUT.jsonl QUERIES_OUT.jsonl
evaluate_matching --judged F.jsonl|DIR [--split dev|test] [--sensitivity S]
                                                        -> {"pairs", "shown", "listed", "precision", "recall", ...}
                                                           on judged article pairs (default: the shipped ones)
evaluate_matching --fit-pairs TRAIN.jsonl [--save [F]]  -> fits calibration.PairModel and writes it to F
                                                           (default: the shipped data/pair_model.json)
evaluate_matching --fit-reader TRAIN.jsonl DEV.jsonl [--reader-dir D] [--epochs N] [--learning-rate R] [--seed S]
                                                        -> fine-tunes the pair reader (torch) and writes it to D
                                                           (default: the shipped data/pair_reader/)
"""

from __future__ import annotations

import json
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError, CommandParser

from narratives.matching import evaluate, judged
from narratives.matching.calibration import PAIR_MODEL_FILE, PairModel
from narratives.matching.embed import get_backend
from narratives.matching.judged import JUDGED_DIR
from narratives.matching.reader import PACKAGED_READER


class Command(BaseCommand):
    help = "Evaluate the matcher on sentence pairs or claim retrieval; convert ../shared/eval files."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--pairs", help="pairs file: sentence1, sentence2, score and/or label")
        parser.add_argument("--corpus", help="corpus file: id, text (and optionally title)")
        parser.add_argument("--queries", help="queries file: id, text, gold_ids")
        parser.add_argument("--judged", nargs="?", const=str(JUDGED_DIR),
                            help="judged article pairs: a file or folder (default: the shipped ones)")
        parser.add_argument("--split", choices=["train", "dev", "test"], help="--judged: only the pairs of this split")
        parser.add_argument("--sensitivity", type=float, help="--judged: compare at this sensitivity (0-1)")
        parser.add_argument("--limit", type=int, help="read only the first N pairs or queries (a quick sample)")
        parser.add_argument("--convert", choices=["stsb", "checkthat"], help="convert ../shared/eval files")
        parser.add_argument("--fit-pairs", dest="fit_pairs", nargs="+", help="fit the pair model on these pairs files")
        parser.add_argument(
            "--save", nargs="?", const=str(PAIR_MODEL_FILE), help="--fit-pairs: write the model here (default: shipped)"
        )
        parser.add_argument("--model", help="--pairs: score with this pair model file instead of the shipped one")
        parser.add_argument(
            "--fit-reader", dest="fit_reader", nargs=2, metavar=("TRAIN", "DEV"),
            help="fine-tune the pair reader on TRAIN (pairs with scores), reporting Spearman on DEV per epoch",
        )  # fmt: skip
        parser.add_argument("--reader-dir", dest="reader_dir", type=Path, default=PACKAGED_READER,
                            help="--fit-reader: where to write it (default: the shipped data/pair_reader/)")  # fmt: skip
        parser.add_argument("--epochs", type=int, help="--fit-reader: training epochs")
        parser.add_argument("--learning-rate", dest="learning_rate", type=float, help="--fit-reader: peak rate")
        parser.add_argument("--seed", type=int, help="--fit-reader: random seed")
        parser.add_argument("paths", nargs="*", help="--convert: input then output paths")
        parser.add_argument("--json", action="store_true", help="accepted for symmetry: output is always JSON")

    def handle(self, *args, **options) -> None:
        result = self._run(options)
        self.stdout.write(json.dumps(result))

    def _run(self, options: dict) -> dict:
        if options["convert"]:
            return self._convert(options["convert"], options["paths"])
        limit = options["limit"]
        if options["fit_reader"]:
            return self._fit_reader(options)
        if options["fit_pairs"]:
            return self._fit_pairs(options["fit_pairs"], limit, options["save"])
        if options["judged"]:
            pairs = judged.read_judged([options["judged"]], options["split"])
            if not pairs:
                raise CommandError(f"no judged pairs in {options['judged']} (split {options['split'] or 'any'})")
            return judged.evaluate_judged(pairs, options["sensitivity"])
        if options["pairs"]:
            model = PairModel.from_json(json.loads(Path(options["model"]).read_text())) if options["model"] else None
            return evaluate.evaluate_pairs(evaluate.read_jsonl(options["pairs"], limit), get_backend(), model)
        if options["corpus"] and options["queries"]:
            corpus = evaluate.read_jsonl(options["corpus"])
            queries = evaluate.read_jsonl(options["queries"], limit)
            return evaluate.evaluate_retrieval(corpus, queries, get_backend())
        raise CommandError("give --pairs, or --corpus with --queries, or --judged, or --convert, or --fit-pairs")

    def _fit_pairs(self, paths: list[str], limit: int | None, save: str | None) -> dict:
        files = {Path(path).name: evaluate.read_jsonl(path, limit) for path in paths}
        fitted_on = " + ".join(f"{name} ({len(rows)} pairs)" for name, rows in files.items())
        model = evaluate.fit_pair_model([row for rows in files.values() for row in rows], get_backend(), fitted_on)
        if save:
            Path(save).write_text(json.dumps(model.as_json()) + "\n", encoding="utf-8")
        return {"fitted_on": fitted_on, "saved": save}

    def _fit_reader(self, options: dict) -> dict:
        from dataclasses import replace

        from narratives.matching.reader_fit import ReaderTraining, fit_reader

        train_path, dev_path = options["fit_reader"]
        train, dev = evaluate.read_jsonl(train_path, options["limit"]), evaluate.read_jsonl(dev_path)
        chosen = {k: options[k] for k in ("epochs", "learning_rate", "seed") if options[k] is not None}
        training = replace(ReaderTraining(), **chosen)
        fitted_on = f"{Path(train_path).name} ({len(train)} pairs); epochs read on {Path(dev_path).name}"
        return fit_reader(train, dev, options["reader_dir"], training, fitted_on)

    def _convert(self, kind: str, paths: list[str]) -> dict:
        if kind == "stsb":
            if len(paths) != 2:
                raise CommandError("--convert stsb SRC.jsonl OUT.jsonl")
            return {"written": evaluate.convert_stsb(*paths)}
        if len(paths) != 4:
            raise CommandError("--convert checkthat CLAIMS.jsonl QUERIES.jsonl CORPUS_OUT.jsonl QUERIES_OUT.jsonl")
        return {"written": evaluate.convert_checkthat(*paths)}
