"""Build a tiny randomly initialised RoBERTa-style model with a byte-level BPE tokenizer trained on French text.

    python scripts/make_tiny_transformer.py /tmp/tiny-fr-roberta

No weights can be downloaded here, so the transformer code path (configs/trf.cfg) is tested with this
stand-in: same architecture family as CamemBERT, a few thousand parameters, tokenizer trained on the seed
articles. It learns nothing useful; it proves that training, packaging and loading work.
"""
from pathlib import Path

import typer

ROOT = Path(__file__).resolve().parent.parent


def build(out: Path, hidden: int = 32, layers: int = 2, vocab_size: int = 800, seed: int = 0) -> Path:
    import torch
    from tokenizers import ByteLevelBPETokenizer
    from transformers import RobertaConfig, RobertaModel, RobertaTokenizerFast

    from salve.corpus.seeds import read_seed

    out.mkdir(parents=True, exist_ok=True)
    texts = [read_seed(p)[0] for p in sorted((ROOT / "seeds").glob("*.txt"))]
    bpe = ByteLevelBPETokenizer()
    bpe.train_from_iterator(texts, vocab_size=vocab_size, min_frequency=2,
                            special_tokens=["<s>", "<pad>", "</s>", "<unk>", "<mask>"])
    bpe.save_model(str(out))  # vocab.json + merges.txt, the layout spacy-transformers opens
    tokenizer = RobertaTokenizerFast(vocab_file=str(out / "vocab.json"), merges_file=str(out / "merges.txt"))
    tokenizer.model_max_length = 512
    tokenizer.save_pretrained(str(out))
    torch.manual_seed(seed)
    config = RobertaConfig(vocab_size=tokenizer.vocab_size, hidden_size=hidden, num_hidden_layers=layers,
                           num_attention_heads=2, intermediate_size=2 * hidden, max_position_embeddings=514,
                           pad_token_id=tokenizer.pad_token_id, bos_token_id=0, eos_token_id=2)
    RobertaModel(config).save_pretrained(str(out))
    return out


def main(out: Path = typer.Argument(...), hidden: int = typer.Option(32), layers: int = typer.Option(2)) -> None:
    build(out, hidden, layers)
    print(f"Tiny transformer in {out}")


if __name__ == "__main__":
    typer.run(main)
